/**
 * What the suggestion marks and block attributes of the story schema hold, whoever reads them: the
 * editor, the review list, the server's checks. A suggestion's id, author and time
 * (`SuggestionAttrs`) are the attributes of the suggested-text marks (insertionMark.ts,
 * deletionMark.ts); a format suggestion (formatChangeMark.ts) adds the marks it added and removed;
 * a suggested paragraph break or block type is a block attribute (suggestedBreaks.ts,
 * suggestedTypes.ts) holding the same as a JSON string. Records by several people on the same words
 * or block stack (`prior`). Values come from other clients: every reader here checks what it reads.
 */

/** What a suggestion mark carries. */
export interface SuggestionAttrs {
  /** Shared by every run of one suggestion; a replacement's deletion and insertion share it. */
  id: string
  authorId: number | null
  authorName: string
  authorColor: string | null
  /** When it was suggested, ms since the epoch. */
  time: number | null
}

/** One inline mark as a format suggestion records it. */
export interface MarkRecord {
  type: string
  attrs?: Record<string, unknown>
}

/** What a format suggestion mark carries: who, and which marks it added and removed. */
export interface FormatChangeAttrs extends SuggestionAttrs {
  added: MarkRecord[]
  removed: MarkRecord[]
  /**
   * Another person's format suggestion on the same words, made before this one: one text carries
   * one format mark (overlapping marks of one type do not survive the Yjs binding), so later
   * records stack on earlier ones. Settling one takes it out of the stack.
   */
  prior?: FormatChangeAttrs | null
}

/** Most format records stacked on the same words that are read. */
export const MAX_FORMAT_STACK = 16

/** Every record in a format stack, newest first: the value and its `prior` chain. */
export function formatStack(value: unknown): unknown[] {
  const stack: unknown[] = []
  let current: unknown = value
  while (typeof current === 'object' && current !== null && stack.length < MAX_FORMAT_STACK) {
    stack.push(current)
    current = (current as { prior?: unknown }).prior
  }
  return stack
}

/**
 * A suggested block type change (paragraph to heading, heading level): `from` is the block's type
 * and attributes before the change. The change is applied; rejecting it puts `from` back.
 */
export interface TypeSuggestion extends SuggestionAttrs {
  from: { type: string; attrs: Record<string, unknown> }
  /** Someone else's earlier type suggestion on the block, which this one stacked on. */
  prior?: TypeSuggestion | null
}

/**
 * A suggested paragraph break, stored on the block after it: `split` suggests the break (the block
 * was split off the one before), `join` suggests removing it (joining the block to the one before).
 */
export interface BreakSuggestion extends SuggestionAttrs {
  kind: 'split' | 'join'
}

/** How a suggested break reads in the review list and the decision record: ¶ inserted or deleted. */
export const BREAK_SIGN = '¶'

/**
 * The fields of a JSON block attribute and its suggestion's common attributes (author fields
 * defaulted when missing or of the wrong type), or null when it is not JSON of an object with an id.
 */
function parseStamped(value: unknown): { fields: Record<string, unknown>; attrs: SuggestionAttrs } | null {
  if (typeof value !== 'string' || value === '') return null
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return null
  }
  return readStamped(parsed)
}

/** `parseStamped` for a value already parsed (a record nested in another, a mark's attributes). */
export function readStamped(parsed: unknown): { fields: Record<string, unknown>; attrs: SuggestionAttrs } | null {
  if (typeof parsed !== 'object' || parsed === null) return null
  const fields = parsed as Record<string, unknown>
  const { id, authorId, authorName, authorColor, time } = fields
  if (typeof id !== 'string' || id === '') return null
  return {
    fields,
    attrs: {
      id,
      authorId: typeof authorId === 'number' && Number.isFinite(authorId) ? authorId : null,
      authorName: typeof authorName === 'string' ? authorName : '',
      authorColor: typeof authorColor === 'string' ? authorColor : null,
      time: typeof time === 'number' && Number.isFinite(time) ? time : null,
    },
  }
}

/** The break suggestion a block attribute holds, or null when it holds none or nothing valid. */
export function parseBreak(value: unknown): BreakSuggestion | null {
  const stamped = parseStamped(value)
  const kind = stamped?.fields.kind
  if (!stamped || (kind !== 'split' && kind !== 'join')) return null
  return { kind, ...stamped.attrs }
}

/** The block attribute value for a break suggestion. */
export function encodeBreak(suggestion: BreakSuggestion): string {
  const { kind, id, authorId, authorName, authorColor, time } = suggestion
  return JSON.stringify({ kind, id, authorId, authorName, authorColor, time })
}

/**
 * The block type suggestion a block attribute holds, or null when it holds none or nothing valid
 * (no id, or no `from` with a string type and an attributes object). Author fields default as in
 * `parseBreak`.
 */
export function parseTypeSuggestion(value: unknown): TypeSuggestion | null {
  if (typeof value !== 'string' || value === '') return null
  try {
    return readTypeSuggestion(JSON.parse(value), 0)
  } catch {
    return null
  }
}

/** One type suggestion and the ones it stacked on; null when any of them is malformed. */
function readTypeSuggestion(parsed: unknown, depth: number): TypeSuggestion | null {
  const stamped = depth < MAX_FORMAT_STACK ? readStamped(parsed) : null
  const from = stamped?.fields.from
  if (!stamped || typeof from !== 'object' || from === null) return null
  const { type, attrs } = from as Record<string, unknown>
  if (typeof type !== 'string' || typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return null
  const nested = stamped.fields.prior
  const prior = nested === undefined || nested === null ? null : readTypeSuggestion(nested, depth + 1)
  if (nested !== undefined && nested !== null && prior === null) return null
  return { ...stamped.attrs, from: { type, attrs: attrs as Record<string, unknown> }, prior }
}

/** A suggestion record that may stack on someone else's earlier one (`prior`). */
export interface Stackable<T> {
  prior?: T | null
}

/** Every record of a stack, newest first, each without its `prior`. */
export function unstack<T extends Stackable<T>>(top: T | null): T[] {
  const records: T[] = []
  for (let record = top; record; record = record.prior ?? null) records.push({ ...record, prior: null })
  return records
}

/** Records, newest first, stacked again: the newest on top (null when there are none). */
export function restack<T extends Stackable<T>>(records: readonly T[]): T | null {
  let top: T | null = null
  for (const record of [...records].reverse()) top = { ...record, prior: top }
  return top
}
