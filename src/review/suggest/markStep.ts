/**
 * Mark steps in suggest mode (bold, italic, links, desk notes put on or taken off): the change is
 * applied at once, as in Word and Google Docs, and recorded as a `formatChange` mark over the text,
 * listing the marks added and removed, so that rejecting it puts back what was there. Someone
 * else's record already on the words stays under mine (`prior`), and each settles on its own
 * (settle.ts). Formatting my own suggested text is part of that suggestion and is not recorded.
 * The mark itself is part of the story schema (src/shared/schema/formatChangeMark.ts).
 */
import type { Mark as PMMark, Node as PMNode } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import { AddMarkStep, RemoveMarkStep, type Step } from '@tiptap/pm/transform'
import { FORMAT_CHANGE, formatChangeOf } from '../../shared/schema/formatChangeMark.js'
import { SUGGESTION_MARKS } from '../../shared/schema/index.js'
import { INSERTION } from '../../shared/schema/insertionMark.js'
import { type FormatChangeAttrs, type MarkRecord, unstack, type SuggestionAttrs } from '../../shared/schema/suggestionValues.js'
import { isOwnRecord, type Stamp } from './suggestionMarks'

/** Whether a step changes formatting rather than text or blocks. */
export function isMarkStep(step: Step): step is AddMarkStep | RemoveMarkStep {
  return step instanceof AddMarkStep || step instanceof RemoveMarkStep
}

function recordOf(mark: PMMark): MarkRecord {
  return Object.keys(mark.attrs).length > 0 ? { type: mark.type.name, attrs: { ...mark.attrs } } : { type: mark.type.name }
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

/** The format changes on an inline node, newest first, for the review list. */
export function formatChangesOn(node: PMNode): FormatChangeAttrs[] {
  const mark = node.marks.find((m) => m.type.name === FORMAT_CHANGE)
  return mark ? unstack(formatChangeOf(mark)) : []
}
