/**
 * The Review tab's suggestion list and copy desk panel: their own chunk, loaded the first time
 * someone opens the tab (issue 12). What must work before that stays with the story page: the
 * comments panel (it highlights the threads and owns Ctrl+Alt+M), the tab's badge (its counts come
 * from the editor's plugins, useSuggestions and useCopyDeskIssueCount) and the copy desk itself.
 */
import type { Editor } from '@tiptap/react'
import { CopyDeskPanel } from '../review/copydesk/CopyDeskPanel'
import { SuggestionsPanel } from '../review/suggest/SuggestionsPanel'

export function ReviewTools({ editor }: { editor: Editor }) {
  return (
    <>
      <SuggestionsPanel editor={editor} />
      <CopyDeskPanel editor={editor} />
    </>
  )
}
