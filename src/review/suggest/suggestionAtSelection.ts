/** The suggestion under the caret, for the popover that accepts or rejects it from the text. */
import type { EditorState } from '@tiptap/pm/state'
import { typeChangeOf } from './blockTypes'
import { formatChangesOn } from './markStep'
import { breakOf, suggestionOf, typesOf } from './suggestionMarks'

/** The suggestion the caret is in (or touching), its author, and where its run starts, or null. */
export function suggestionAtSelection(state: EditorState): { id: string; authorId: number | null; authorName: string; start: number } | null {
  const types = typesOf(state.schema)
  if (!types) return null
  const { $head } = state.selection
  const after = suggestionOf($head.nodeAfter, types)
  const mark = after ?? suggestionOf($head.nodeBefore, types)
  if (!mark) {
    // Reformatted text, or the start of a block after a suggested break, or a retyped block.
    const [format] = formatChangesOn($head.nodeAfter ?? $head.nodeBefore ?? $head.parent)
    if (format) return { id: format.id, authorId: format.authorId, authorName: format.authorName, start: $head.pos }
    const suggested = ($head.parentOffset === 0 ? breakOf($head.parent) : null) ?? typeChangeOf($head.parent)
    return suggested ? { id: suggested.id, authorId: suggested.authorId, authorName: suggested.authorName, start: $head.start() } : null
  }
  // The child of the block that carries the mark, and where it starts; then walk back to the start
  // of this suggestion's run, so that the anchor stays put while its author types at its end.
  let index = after ? $head.index() : $head.index() - 1
  let start = after ? $head.pos - $head.textOffset : $head.pos - ($head.nodeBefore?.nodeSize ?? 0)
  while (index > 0) {
    const previous = $head.parent.child(index - 1)
    const previousMark = suggestionOf(previous, types)
    if (!previousMark || previousMark.attrs.id !== mark.attrs.id) break
    start -= previous.nodeSize
    index--
  }
  const authorId = typeof mark.attrs.authorId === 'number' && Number.isFinite(mark.attrs.authorId) ? mark.attrs.authorId : null
  return { id: String(mark.attrs.id), authorId, authorName: String(mark.attrs.authorName ?? ''), start }
}
