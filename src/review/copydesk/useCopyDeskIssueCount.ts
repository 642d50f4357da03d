/** How many copy desk issues the story has now, for the Review tab's badge. */
import { useMemo } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { copyDeskIssues, copyDeskState } from './CopyDesk'

/**
 * The number of issues marked in `editor` (0 without one, or with checks off). Read again only when
 * the checker redraws (its `generation`), so the page re-renders when the count changes, never on
 * a keystroke.
 */
export function useCopyDeskIssueCount(editor: Editor | null): number {
  const generation = useEditorState({ editor, selector: ({ editor: e }) => (e ? copyDeskState(e.state).generation : -1) })
  return useMemo(() => (editor && generation !== null && generation >= 0 ? copyDeskIssues(editor.state).length : 0), [editor, generation])
}
