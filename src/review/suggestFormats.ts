/**
 * Suggested formatting, the part of suggest mode (src/review/suggestChanges.ts) that is not text:
 * bold, italic, links and desk notes put on or taken off, and block types changed (a paragraph made
 * a heading, a heading's level). The change is applied at once, as in Word and Google Docs, and
 * recorded so that rejecting it puts back what was there:
 * - inline formatting as a `formatChange` mark over the text, listing the marks added and removed;
 * - a block type as the block attribute `suggestedType`, holding the type and attributes before.
 * Both stack: someone else's record already on the words or the block stays under mine (`prior`),
 * and each settles on its own.
 * Formatting my own suggested text is part of that suggestion and is not recorded separately.
 * The mark and the block attribute themselves are part of the story schema
 * (src/shared/schema/formatChangeMark.ts, suggestedTypes.ts); this is how suggest mode makes and
 * settles them.
 */
import type { Mark as PMMark, MarkType, Node as PMNode, Schema } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import { AddMarkStep, AttrStep, RemoveMarkStep, ReplaceStep, type Mapping, type Step } from '@tiptap/pm/transform'
import { FORMAT_CHANGE, formatChangeOf } from '../shared/schema/formatChangeMark.js'
import { SUGGESTION_MARKS } from '../shared/schema/index.js'
import { INSERTION } from '../shared/schema/insertionMark.js'
import { BREAK_ATTRIBUTE } from '../shared/schema/suggestedBreaks.js'
import { describeBlockType, TYPE_ATTRIBUTE } from '../shared/schema/suggestedTypes.js'
import {
  type FormatChangeAttrs,
  type MarkRecord,
  parseTypeSuggestion,
  restack,
  unstack,
  type SuggestionAttrs,
  type TypeSuggestion,
} from '../shared/schema/suggestionValues.js'

/** Who is suggesting, and when: what every record carries. */
export type Stamp = Omit<SuggestionAttrs, 'id'>

/** Block attributes that belong to suggestions, not to the block's own formatting. */
const SUGGESTION_ATTRS = new Set([BREAK_ATTRIBUTE, TYPE_ATTRIBUTE])

/** The block type change a block carries, if any. */
export function typeChangeOf(node: PMNode | null | undefined): TypeSuggestion | null {
  return node?.isTextblock ? parseTypeSuggestion(node.attrs[TYPE_ATTRIBUTE]) : null
}

function sameAttrs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !SUGGESTION_ATTRS.has(key)))
  for (const key of keys) if (JSON.stringify(a[key] ?? null) !== JSON.stringify(b[key] ?? null)) return false
  return true
}

/** A block's own attributes, without the suggestions it carries. */
function ownAttrs(node: PMNode): Record<string, unknown> {
  return Object.fromEntries(Object.entries(node.attrs).filter(([key]) => !SUGGESTION_ATTRS.has(key)))
}

function recordOf(mark: PMMark): MarkRecord {
  return Object.keys(mark.attrs).length > 0 ? { type: mark.type.name, attrs: { ...mark.attrs } } : { type: mark.type.name }
}

/** Whether a suggestion is by the person suggesting now (by user id; by name for anonymous authors). */
export function isOwnRecord(attrs: Pick<SuggestionAttrs, 'authorId' | 'authorName'>, stamp: Pick<Stamp, 'authorId' | 'authorName'>): boolean {
  if (stamp.authorId !== null) return attrs.authorId === stamp.authorId
  return attrs.authorId === null && attrs.authorName === stamp.authorName
}

/**
 * Apply a formatting step in suggest mode and record it: each run of text it changes gets (or
 * updates) my format record. Putting back what I took off, or taking off what I put on, cancels.
 */
export function suggestMarkStep(out: Transaction, step: AddMarkStep | RemoveMarkStep, stamp: Stamp, id: () => string): void {
  const { from, to, mark } = step
  const formatType = out.doc.type.schema.marks[FORMAT_CHANGE]
  if (!formatType || SUGGESTION_MARKS.has(mark.type.name)) {
    out.maybeStep(step)
    return
  }
  const adding = step instanceof AddMarkStep
  const runs: Array<{ from: number; to: number; node: PMNode }> = []
  out.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isInline) return true
    const changes = adding ? !mark.isInSet(node.marks) : mark.isInSet(node.marks)
    // My own suggested text: its formatting is part of the suggestion, nothing to record.
    const ownInsertion = node.marks.some((m) => m.type.name === INSERTION && isOwnRecord(m.attrs as SuggestionAttrs, stamp))
    if (changes && !ownInsertion) runs.push({ from: Math.max(pos, from), to: Math.min(pos + node.nodeSize, to), node })
    return false
  })
  // A link changed to another address counts as adding the new one: the old one is recorded removed.
  const replaced = adding ? (node: PMNode) => node.marks.find((m) => m.type === mark.type && !m.eq(mark)) : () => undefined
  if (out.maybeStep(step).failed) return
  const record = recordOf(mark)
  for (const run of runs) {
    const existing = run.node.marks.find((m) => m.type === formatType)
    const top = existing ? formatChangeOf(existing) : null
    // My record on top is updated; anyone else's stays, and mine stacks on it.
    const current = top && isOwnRecord(top, stamp) ? top : null
    const below = current ? (current.prior ?? null) : top
    let added = (current?.added ?? []).filter((r) => r.type !== record.type)
    let removed = current?.removed ?? []
    const undoes = (adding ? removed : current?.added ?? []).some((r) => r.type === record.type)
    if (adding) {
      if (undoes) removed = removed.filter((r) => r.type !== record.type)
      else {
        added = [...added, record]
        const old = replaced(run.node)
        if (old && !removed.some((r) => r.type === old.type.name)) removed = [...removed, recordOf(old)]
      }
    } else if (!undoes) {
      removed = [...removed.filter((r) => r.type !== record.type), record]
    }
    const next = added.length > 0 || removed.length > 0 ? { ...stamp, id: current?.id ?? id(), added, removed, prior: below } : below
    if (existing) out.removeMark(run.from, run.to, existing)
    if (next) out.addMark(run.from, run.to, formatType.create(next))
  }
}

/** Where a block-changing step acts, in the document before it. */
function stepRange(step: Step): { from: number; to: number } | null {
  if (step instanceof AttrStep) return { from: step.pos, to: step.pos + 1 }
  const { from, to } = step as unknown as { from?: number; to?: number }
  return typeof from === 'number' && typeof to === 'number' ? { from, to } : null
}

/**
 * After a structural step applied in suggest mode (`before` is the document it started from):
 * record each textblock whose type or attributes it changed, keeping the suggestions the block
 * carried. Changing a block back to what it was before my record cancels the record.
 */
export function recordTypeChanges(out: Transaction, before: PMNode, map: Mapping, step: Step, stamp: Stamp, id: () => string): void {
  const range = stepRange(step)
  if (!range) return
  const changed: Array<{ pos: number; old: PMNode }> = []
  before.nodesBetween(range.from, Math.min(range.to, before.content.size), (node, pos) => {
    if (!node.isTextblock) return true
    // Backwards: a retyped block's opening token is replaced, its start stays put.
    const mapped = map.map(pos, -1)
    const now = out.doc.nodeAt(mapped)
    if (now?.isTextblock && (now.type !== node.type || !sameAttrs(now.attrs, node.attrs))) changed.push({ pos: mapped, old: node })
    return false
  })
  for (const { pos, old } of changed) {
    const now = out.doc.nodeAt(pos)
    if (!now) continue
    const existing = typeChangeOf(old)
    // My record on top is updated; anyone else's stays, and mine stacks on it.
    const current = existing && isOwnRecord(existing, stamp) ? existing : null
    const below = current ? (current.prior ?? null) : existing
    const from = current?.from ?? { type: old.type.name, attrs: ownAttrs(old) }
    const backToStart = from.type === now.type.name && sameAttrs(from.attrs, now.attrs)
    const top: TypeSuggestion | null = backToStart ? below : { ...stamp, id: current?.id ?? id(), from, prior: below }
    const value = top ? JSON.stringify(top) : null
    // The type change must not drop the suggestions the block carried (setBlockType sets all attributes).
    const breakValue: unknown = old.attrs[BREAK_ATTRIBUTE] ?? null
    if (now.attrs[BREAK_ATTRIBUTE] !== breakValue || now.attrs[TYPE_ATTRIBUTE] !== value) {
      out.setNodeMarkup(pos, undefined, { ...now.attrs, [BREAK_ATTRIBUTE]: breakValue, [TYPE_ATTRIBUTE]: value })
    }
  }
}

/**
 * Outside suggest mode: a block retyped directly (setBlockType sets all of a block's attributes)
 * keeps the suggestions it carried, someone's suggested break or block type.
 */
export function keepBlockSuggestions(tr: Transaction): Transaction {
  const restore: Array<{ pos: number; attrs: Record<string, unknown> }> = []
  tr.steps.forEach((step, index) => {
    if (isMarkStep(step) || step instanceof ReplaceStep || (step instanceof AttrStep && SUGGESTION_ATTRS.has(step.attr))) return
    const range = stepRange(step)
    const before = tr.docs[index]
    if (!range || !before) return
    const after = tr.mapping.slice(index)
    before.nodesBetween(range.from, Math.min(range.to, before.content.size), (node, pos) => {
      if (!node.isTextblock) return true
      const kept = Object.fromEntries([...SUGGESTION_ATTRS].map((key) => [key, node.attrs[key] ?? null]))
      if (Object.values(kept).some((value) => value !== null)) restore.push({ pos: after.map(pos, -1), attrs: kept })
      return false
    })
  })
  for (const { pos, attrs } of restore) {
    const now = tr.doc.nodeAt(pos)
    if (!now?.isTextblock || Object.entries(attrs).every(([key, value]) => now.attrs[key] === value)) continue
    tr.setNodeMarkup(pos, undefined, { ...now.attrs, ...attrs })
  }
  return tr
}

/** Whether a step changes formatting or blocks rather than text. */
export function isMarkStep(step: Step): step is AddMarkStep | RemoveMarkStep {
  return step instanceof AddMarkStep || step instanceof RemoveMarkStep
}

/**
 * Settle the block type changes `match` picks (positions do not move: a type change keeps sizes).
 * Accepting drops the record; rejecting puts the old type and attributes back.
 */
export function settleTypeChanges(tr: Transaction, match: (id: string) => boolean, accept: boolean): void {
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
 * The block type changes on a block, newest first, each with the type it made the block: the
 * block's own for the newest, the type the next newer one started from for the others.
 */
export function typeChangesOn(node: PMNode): Array<{ change: TypeSuggestion; to: string }> {
  const stack = unstack(typeChangeOf(node))
  return stack.map((change, index) => {
    const above = stack[index - 1]
    return { change, to: above ? describeBlockType(above.from.type, above.from.attrs) : describeBlockType(node.type.name, node.attrs) }
  })
}

/**
 * Settle the format changes `match` picks on one run of text at [from, to): accepting drops the
 * record; rejecting takes off what it added and puts back what it removed.
 */
export function settleFormatChanges(tr: Transaction, node: PMNode, from: number, to: number, match: (id: string) => boolean, accept: boolean): void {
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

/** The format changes on an inline node, newest first, for the review list. */
export function formatChangesOn(node: PMNode): FormatChangeAttrs[] {
  const mark = node.marks.find((m) => m.type.name === FORMAT_CHANGE)
  return mark ? unstack(formatChangeOf(mark)) : []
}
