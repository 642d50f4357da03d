/**
 * The copy desk as the story editor runs it: the checker in a worker, the newsroom's dictionary,
 * the story's own names. The checking and those come with the story page's on-demand code
 * (storyCopyDeskEngine.ts, issue 12).
 */
import type * as Y from 'yjs'
import { checkAsYouType } from '../../store/checkAsYouType'
import { CopyDesk } from './CopyDesk'

let loading: Promise<typeof import('../../story/onDemand')> | null = null

/** The page's on-demand code, once (src/story/onDemand.ts says why it is one module); asked again after a failure. */
function onDemand(): Promise<typeof import('../../story/onDemand')> {
  if (!loading) {
    loading = import('../../story/onDemand')
    loading.catch(() => {
      // Offline, say: the copy desk says so (CopyDesk.ts); the next start tries again.
      loading = null
    })
  }
  return loading
}

// With checks on, asked for as the story page starts, not once its editor is there: the checks'
// worker then starts with the editor, before the story's first render takes the page's thread.
if (checkAsYouType.on()) void onDemand()

/** The copy desk extension for the story in `doc`. */
export function storyCopyDesk(doc: Y.Doc) {
  // Checks follow the person's "Check spelling and style as I type".
  return CopyDesk.configure({ enabled: checkAsYouType, engine: () => onDemand().then((module) => module.storyCopyDeskEngine(doc)) })
}
