/**
 * Settling suggestions, accept or reject: text, paragraph breaks, formatting and block types. Our
 * own commands (SuggestChanges' accept and reject) make these transactions, and they pass the
 * suggest transform untouched (`SKIP_SUGGESTING`). The server reads the decision from the change
 * itself (server/suggestionReview.ts): nothing here reports one.
 */
import { Slice, type Mark as PMMark, type MarkType, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { Selection, type Transaction } from '@tiptap/pm/state'
import { ReplaceStep, Transform } from '@tiptap/pm/transform'
import { FORMAT_CHANGE, formatChangeOf } from '../../shared/schema/formatChangeMark.js'
import { SUGGESTION_MARKS } from '../../shared/schema/index.js'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import { TYPE_ATTRIBUTE } from '../../shared/schema/suggestedTypes.js'
import { restack, unstack, type TypeSuggestion } from '../../shared/schema/suggestionValues.js'
import { typeChangeOf } from './blockTypes'
import { breakOf, suggestionsOf, type SuggestionTypes } from './suggestionMarks'

/** Meta that marks a transaction this module made or that must pass untouched. */
export const SKIP_SUGGESTING = 'suggestChanges.skip'

/**
 * Remove the paragraph break before the textblock at `pos`, the inverse of the split that made
 * it: a block that opens its list item (or other wrapper) takes the wrapper's break with it.
 * False when there is no such break to remove (the story's first block, different wrappers).
 */
function removeBreakBefore(tr: Transaction, pos: number): boolean {
  let at = pos
  let $at = tr.doc.resolve(at)
  let depth = 1
  while ($at.index() === 0 && $at.depth > 0) {
    at = $at.before()
    $at = tr.doc.resolve(at)
    depth++
  }
  if ($at.index() === 0 || at - depth < 0) return false
  const $end = tr.doc.resolve(at - depth)
  if ($end.parent.isTextblock && $end.depth === $at.depth + depth && $end.parentOffset === $end.parent.content.size) {
    return !tr.maybeStep(new ReplaceStep(at - depth, at + depth, Slice.empty)).failed
  }
  // The paragraph before sits in another wrapper (a list item, a quote): join into it the way
  // ProseMirror deletes across blocks, and keep it only if no text went with the wrappers.
  const before = Selection.findFrom(tr.doc.resolve(pos), -1, true)?.$head
  if (!before?.parent.isTextblock || before.parentOffset !== before.parent.content.size) return false
  const trial = new Transform(tr.doc)
  try {
    trial.delete(before.pos, pos + 1)
  } catch {
    return false
  }
  if (trial.steps.length === 0 || trial.doc.textContent !== tr.doc.textContent) return false
  for (const step of trial.steps) tr.step(step)
  return true
}

/**
 * Settle the block type changes `match` picks (positions do not move: a type change keeps sizes).
 * Accepting drops the record; rejecting puts the old type and attributes back.
 */
function settleTypeChanges(tr: Transaction, match: (id: string) => boolean, accept: boolean): void {
  const schema = tr.doc.type.schema
  const found: Array<{ pos: number; node: PMNode; stack: TypeSuggestion[] }> = []
  tr.doc.descendants((node, pos) => {
    if (node.isInline) return false
    const stack = unstack(typeChangeOf(node))
    if (stack.some((record) => match(record.id))) found.push({ pos, node, stack })
    return !node.isTextblock
  })
  for (const { pos, node, stack } of found) {
    // Newest first. A rejected record on top puts its `from` back; one further down hands its
    // `from` to the record above it, so that rejecting that one later goes all the way back.
    let restore: TypeSuggestion['from'] | null = null
    const kept: TypeSuggestion[] = []
    for (const record of stack) {
      if (!match(record.id)) kept.push(record)
      else if (accept) continue
      else if (kept.length === 0) restore = record.from
      else kept[kept.length - 1] = { ...kept[kept.length - 1]!, from: record.from }
    }
    const top = restack(kept)
    const value = top ? JSON.stringify(top) : null
    const type = restore ? schema.nodes[restore.type] : undefined
    const $pos = tr.doc.resolve(pos)
    // The old type may not fit where the block is now (someone put it in a list since): then the
    // record goes and the block stays as it is.
    const fits = type?.isTextblock && $pos.parent.canReplaceWith($pos.index(), $pos.index() + 1, type)
    if (restore && type && fits) tr.setNodeMarkup(pos, type, { ...restore.attrs, [BREAK_ATTRIBUTE]: node.attrs[BREAK_ATTRIBUTE] ?? null, [TYPE_ATTRIBUTE]: value })
    else tr.setNodeMarkup(pos, undefined, { ...node.attrs, [TYPE_ATTRIBUTE]: value })
  }
}

/**
 * Settle the format changes `match` picks on one run of text at [from, to): accepting drops the
 * record; rejecting takes off what it added and puts back what it removed.
 */
function settleFormatChanges(tr: Transaction, node: PMNode, from: number, to: number, match: (id: string) => boolean, accept: boolean): void {
  const schema: Schema = tr.doc.type.schema
  const mark = node.marks.find((m) => m.type.name === FORMAT_CHANGE)
  if (!mark) return
  // Newest first (the stack's order), so that undoing each record in turn walks back to the
  // formatting the words had before.
  const records = unstack(formatChangeOf(mark))
  const settled = records.filter((record) => match(record.id))
  if (settled.length === 0) return
  if (!accept) {
    for (const change of settled) {
      for (const record of change.added) {
        const type: MarkType | undefined = schema.marks[record.type]
        if (type && !SUGGESTION_MARKS.has(record.type)) tr.removeMark(from, to, type)
      }
      for (const record of change.removed) {
        const type: MarkType | undefined = schema.marks[record.type]
        if (!type || SUGGESTION_MARKS.has(record.type)) continue
        try {
          tr.addMark(from, to, type.create(record.attrs ?? null))
        } catch {
          // Attributes this schema no longer takes: leave the text as it is.
        }
      }
    }
  }
  tr.removeMark(from, to, mark)
  const rest = restack(records.filter((record) => !match(record.id)))
  if (rest) tr.addMark(from, to, mark.type.create(rest))
}

/**
 * Settle the suggestions `match` picks. First block types (put back or kept), then the suggested breaks: accepting a join or rejecting
 * a split removes the break (the paragraph is whole again), the others only lose the suggestion.
 * Then the text: accepting removes deleted text and unmarks inserted text; rejecting does the
 * reverse. Blocks come and go only with their breaks: a rejected new paragraph was split off, so
 * it is joined back, and a paragraph whose text was struck out but not its break stays, empty.
 */
export function settle(tr: Transaction, types: SuggestionTypes, match: (id: string) => boolean, accept: boolean): boolean {
  const stepsBefore = tr.steps.length
  settleTypeChanges(tr, match, accept)
  const breaks: Array<{ pos: number; remove: boolean }> = []
  tr.doc.descendants((node, pos) => {
    if (node.isInline) return false
    const suggested = breakOf(node)
    if (suggested && match(suggested.id)) breaks.push({ pos, remove: (suggested.kind === 'join') === accept })
    return !node.isTextblock
  })
  // Last first: removing a break never moves the blocks before it.
  for (const { pos, remove } of breaks.reverse()) {
    tr.setNodeAttribute(pos, BREAK_ATTRIBUTE, null)
    if (remove) removeBreakBefore(tr, pos)
  }

  const removals: Array<{ from: number; to: number }> = []
  const unmarks: Array<{ from: number; to: number; mark: PMMark }> = []
  tr.doc.descendants((node, pos) => {
    if (!node.isInline) return true
    const matching = suggestionsOf(node, types).filter((mark) => match(String(mark.attrs.id)))
    // Accepting a deletion or rejecting an insertion takes the text out (whatever else it carries).
    if (matching.some((mark) => (mark.type === types.deletion) === accept)) removals.push({ from: pos, to: pos + node.nodeSize })
    else {
      for (const mark of matching) unmarks.push({ from: pos, to: pos + node.nodeSize, mark })
      settleFormatChanges(tr, node, pos, pos + node.nodeSize, match, accept)
    }
    return false
  })
  for (const { from, to, mark } of unmarks) tr.removeMark(from, to, mark)
  for (const { from, to } of removals.reverse()) tr.delete(from, to)
  if (tr.steps.length === stepsBefore) return false
  tr.setMeta(SKIP_SUGGESTING, true)
  return true
}
