/** The copy desk as the story editor runs it: the checker in a worker, the newsroom's dictionary, the story's own names. */
import type * as Y from 'yjs'
import { useCopyDeskSettings } from '../../store/copyDeskSettings'
import { CopyDesk, type CopyDeskSwitch } from './CopyDesk'
import { workerChecker } from './checkerClient'
import { newsroomDictionary } from './newsroomDictionary'
import { storyWordsOf } from './storyWords'

/** The person's "Check spelling and style as I type", as this browser keeps it. */
const checkAsYouType: CopyDeskSwitch = {
  on: () => useCopyDeskSettings.getState().checkAsYouType,
  subscribe: (listener) =>
    useCopyDeskSettings.subscribe((state, previous) => {
      if (state.checkAsYouType !== previous.checkAsYouType) listener()
    }),
}

/** The copy desk extension for the story in `doc`. */
export function storyCopyDesk(doc: Y.Doc) {
  return CopyDesk.configure({ createChecker: workerChecker, enabled: checkAsYouType, source: newsroomDictionary, storyWords: storyWordsOf(doc) })
}
