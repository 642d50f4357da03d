/**
 * Structural steps in suggest mode that change no text: a block's type or attributes (a paragraph
 * made a heading, a heading's level) is changed at once and recorded on the block as the attribute
 * `suggestedType`, holding the type and attributes before, so that rejecting puts them back
 * (settle.ts). Someone else's record on the block stays under mine (`prior`). Wrapping in or
 * lifting out of lists and quotes, and list nesting, apply as they are: not tracked.
 * The block attribute is part of the story schema (src/shared/schema/suggestedTypes.ts).
 */
import type { Node as PMNode } from '@tiptap/pm/model'
import type { Transaction } from '@tiptap/pm/state'
import { AttrStep, type Mapping, type Step } from '@tiptap/pm/transform'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import { describeBlockType, TYPE_ATTRIBUTE } from '../../shared/schema/suggestedTypes.js'
import { parseTypeSuggestion, unstack, type TypeSuggestion } from '../../shared/schema/suggestionValues.js'
import { isOwnRecord, type Stamp } from './suggestionMarks'

/** Block attributes that belong to suggestions, not to the block's own formatting. */
export const SUGGESTION_ATTRS = new Set([BREAK_ATTRIBUTE, TYPE_ATTRIBUTE])

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

/** Where a block-changing step acts, in the document before it. */
export function stepRange(step: Step): { from: number; to: number } | null {
  if (step instanceof AttrStep) return { from: step.pos, to: step.pos + 1 }
  const { from, to } = step as unknown as { from?: number; to?: number }
  return typeof from === 'number' && typeof to === 'number' ? { from, to } : null
}

/**
 * After a structural step applied in suggest mode (`before` is the document it started from):
 * record each textblock whose type or attributes it changed, keeping the suggestions the block
 * carried. Changing a block back to what it was before my record cancels the record.
 */
function recordTypeChanges(out: Transaction, before: PMNode, map: Mapping, step: Step, stamp: Stamp, id: () => string): void {
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

/** Apply a step that changes blocks, not text (a retype, a wrap, a lift), and record the block types it changed. */
export function suggestBlockStep(out: Transaction, step: Step, stamp: Stamp, id: () => string): void {
  const before = out.doc
  const stepIndex = out.steps.length
  if (!out.maybeStep(step).failed) recordTypeChanges(out, before, out.mapping.slice(stepIndex), step, stamp, id)
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
