/**
 * The suggest transform: the transaction that suggests what a local transaction does, built on
 * the state it started from, step by step, each step handled by its kind (as
 * prosemirror-suggest-changes does): replaceStep.ts, replaceAroundStep.ts, markStep.ts, and
 * blockTypes.ts for the rest. Each step is rebased onto what was built so far: back through the
 * earlier original steps, forward through ours (where deleted text is still there).
 */
import type { Node as PMNode } from '@tiptap/pm/model'
import { Selection, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state'
import { Mapping, ReplaceAroundStep, ReplaceStep } from '@tiptap/pm/transform'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import { encodeBreak } from '../../shared/schema/suggestionValues.js'
import { suggestBlockStep } from './blockTypes'
import { countTextblocks } from './blockWalks'
import { isMarkStep, suggestMarkStep } from './markStep'
import { suggestReplaceAroundStep } from './replaceAroundStep'
import { suggestReplaceStep } from './replaceStep'
import { createStepContext, type SuggestContext } from './stepContext'
import { breakOf, isOwn, typesOf } from './suggestionMarks'

/** Private transaction state we carry over to the replacement transaction. */
interface TransactionMeta {
  meta: Record<string, unknown>
}

/**
 * Backspace at the start of a paragraph that follows a list or a quote (or Delete at the end of
 * one before it) moves the paragraph's text into the wrapper, in several steps. As a suggestion
 * that is one suggested join: the block whose break goes, and where the caret steps to. Only such
 * transactions pay for the whole-story checks: a caret at a paragraph edge, and structure steps.
 */
function movedJoin(tr: Transaction, state: EditorState): { block: number; caret: (doc: PMNode) => Selection } | null {
  const { selection } = state
  const $head = selection.$head
  if (!selection.empty || !$head.parent.isTextblock || $head.depth === 0) return null
  const atStart = $head.parentOffset === 0
  if (!atStart && $head.parentOffset !== $head.parent.content.size) return null
  const [first] = tr.steps
  const simple = tr.steps.length === 1 && first instanceof ReplaceStep && first.slice.size === 0
  if (simple || tr.steps.some((step) => !(step instanceof ReplaceStep) && !(step instanceof ReplaceAroundStep))) return null
  // A join only takes structure away: anything that grows the story (Enter, typing) is not one.
  if (tr.doc.content.size >= state.doc.content.size) return null
  if (tr.doc.textContent !== state.doc.textContent || countTextblocks(tr.doc) !== countTextblocks(state.doc) - 1) return null
  if (atStart) {
    const block = $head.before()
    return { block, caret: (doc) => Selection.near(doc.resolve(block), -1) }
  }
  const next = Selection.findFrom(state.doc.resolve($head.after()), 1, true)
  if (!next) return null
  const block = next.$head.before()
  return { block, caret: (doc) => Selection.near(doc.resolve(block + 1), 1) }
}

/** The transaction that suggests what `tr` does, built on `state` (which `tr` started from). */
export function toSuggestion(tr: Transaction, state: EditorState, context: SuggestContext): Transaction {
  const types = typesOf(state.schema)
  if (!types) return tr
  const s = createStepContext(tr, state, types, context)
  const { out, author, stamp, newId } = s

  const joined = movedJoin(tr, state)
  if (joined) {
    const suggested = breakOf(state.doc.nodeAt(joined.block))
    // My own suggested break is withdrawn for real; anyone else's stays as it is.
    if (suggested?.kind === 'split' && isOwn(suggested, author)) return tr
    if (!suggested) out.setNodeAttribute(joined.block, BREAK_ATTRIBUTE, encodeBreak({ kind: 'join', id: newId(), ...stamp }))
    out.setSelection(joined.caret(out.doc))
    Object.assign((out as unknown as TransactionMeta).meta, (tr as unknown as TransactionMeta).meta)
    return out
  }

  for (let index = 0; index < tr.steps.length; index++) {
    const step = tr.steps[index]!
    const rebase = new Mapping()
    for (let earlier = index - 1; earlier >= 0; earlier--) rebase.appendMap(tr.steps[earlier]!.getMap().invert())
    rebase.appendMapping(out.mapping)
    const rebased = step.map(rebase)
    if (!rebased) continue
    if (rebased instanceof ReplaceStep) suggestReplaceStep(s, rebased)
    else if (rebased instanceof ReplaceAroundStep) suggestReplaceAroundStep(s, rebased)
    else if (isMarkStep(rebased)) suggestMarkStep(out, rebased, stamp, newId)
    // Block types are recorded; wrapping and lifting (lists, quotes) apply as they are.
    else suggestBlockStep(out, rebased, stamp, newId)
  }

  if (s.caret !== null) {
    out.setSelection(TextSelection.near(out.doc.resolve(Math.min(s.caret, out.doc.content.size))))
  } else if (tr.selectionSet) {
    const start = tr.docs[0] ?? tr.doc
    out.setSelection(tr.selection.map(start, tr.mapping.invert()).map(out.doc, out.mapping))
  }
  const { insertion, deletion, format } = types
  if (tr.storedMarksSet) out.setStoredMarks(tr.storedMarks?.filter((mark) => mark.type !== insertion && mark.type !== deletion && mark.type !== format) ?? null)
  if (tr.scrolledIntoView) out.scrollIntoView()
  Object.assign((out as unknown as TransactionMeta).meta, (tr as unknown as TransactionMeta).meta)
  return out
}
