/**
 * What a suggestion covers, read the way the server's suggestion checks need it: each suggestion
 * value in the body (a format attribute of the text, or a block attribute) named as a cover key,
 * `kind` and suggestion id together, so that one id used as an insertion and as a deletion (a
 * replacement) is two kinds of cover. Shared by the history the documents keep
 * (server/suggestionHistory.ts), the room's index (server/suggestionIndex.ts) and the review of an
 * update (server/suggestionSimulation.ts, server/suggestionReview.ts).
 */
import { SUGGESTION_MARKS } from '../src/shared/schema/index.js'
import { BREAK_ATTRIBUTE, DELETION, FORMAT_CHANGE, INSERTION, TYPE_ATTRIBUTE, formatStack, markNameOfKey, parseBreak, parseTypeSuggestion, unstack } from '../src/shared/suggestions.js'

/** What a suggestion does to what it covers. */
export type CoverKind = 'insertion' | 'deletion' | 'format' | 'break' | 'type'

/** `kind` and id of one suggestion's cover, as one string. */
export type CoverKey = string

const SEPARATOR = '\u0001'

/** The cover key of suggestion `id` as `kind`. */
export function coverKey(kind: CoverKind, id: string): CoverKey {
  return `${kind}${SEPARATOR}${id}`
}

/** The kind and suggestion id a cover key names. */
export function coverParts(key: CoverKey): { kind: CoverKind; id: string } {
  const at = key.indexOf(SEPARATOR)
  return { kind: key.slice(0, at) as CoverKind, id: key.slice(at + 1) }
}

/** Block attributes that hold suggestions. */
export const SUGGESTION_ATTRIBUTES: ReadonlySet<string> = new Set([BREAK_ATTRIBUTE, TYPE_ATTRIBUTE])

/** Whether a format attribute key is a suggestion mark's (hashed keys too, as the binding reads them back). */
export function isSuggestionFormat(key: string): boolean {
  return SUGGESTION_MARKS.has(markNameOfKey(key))
}

/** A record's id as readers take it (src/shared/suggestions.ts): a string, or a number as a string. */
function idOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null
  const id = (value as { id?: unknown }).id
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : null
}

/** The cover keys a format attribute (`key`, `value`) gives the text it applies to; none for other marks or null. */
export function formatCover(key: string, value: unknown): CoverKey[] {
  if (value === null || value === undefined) return []
  const name = markNameOfKey(key)
  if (name === INSERTION || name === DELETION) {
    const id = idOf(value)
    return id === null ? [] : [coverKey(name === INSERTION ? 'insertion' : 'deletion', id)]
  }
  if (name !== FORMAT_CHANGE) return []
  const keys: CoverKey[] = []
  for (const record of formatStack(value)) {
    const id = idOf(record)
    if (id !== null) keys.push(coverKey('format', id))
  }
  return keys
}

/** The cover keys a block attribute (`attribute`, `value`) gives its block. */
export function attributeCover(attribute: string, value: unknown): CoverKey[] {
  if (attribute === BREAK_ATTRIBUTE) {
    const suggested = parseBreak(value)
    return suggested ? [coverKey('break', suggested.id)] : []
  }
  if (attribute !== TYPE_ATTRIBUTE) return []
  return unstack(parseTypeSuggestion(value)).map((record) => coverKey('type', record.id))
}

/**
 * What identifies one block record when a block is made again (the binding re-creates a block that
 * changes type): the break's value, or the type record without the records stacked under it.
 */
export function blockSignature(attribute: string, value: unknown, id: string): string {
  if (attribute === BREAK_ATTRIBUTE) return String(value)
  const record = unstack(parseTypeSuggestion(value)).find((candidate) => candidate.id === id)
  return record ? JSON.stringify(record) : ''
}
