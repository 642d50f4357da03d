/** Accept or reject from the page (the review list, the popover in the text): the editor's commands. */
import type { Editor } from '@tiptap/core'

/** What a person decides about a suggestion. */
export type DecisionAction = 'accept' | 'reject'

/**
 * Accept or reject suggestions (`ids`, or every open one). The server sees the change and records
 * the decisions itself.
 */
export function settleSuggestions(editor: Editor, action: DecisionAction, ids: readonly string[] | 'all'): void {
  const chain = editor.chain().focus()
  const [only] = ids === 'all' ? [] : ids
  if (ids === 'all') (action === 'accept' ? chain.acceptAllSuggestions() : chain.rejectAllSuggestions()).run()
  else if (only !== undefined) (action === 'accept' ? chain.acceptSuggestion(only) : chain.rejectSuggestion(only)).run()
}
