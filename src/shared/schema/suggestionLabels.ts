/**
 * How suggestions read to people: "Suggested by Ann, 12 Nov 2026, 14:05", and the author colour
 * checked before it goes into a style attribute. Shared by every kind of suggestion.
 */
import type { SuggestionAttrs } from './suggestionValues.js'

/** Made once: marks are rendered often, and a new DateTimeFormat per render is costly. */
let timeFormat: Intl.DateTimeFormat | null = null

/** "12 Nov 2026, 14:05" in the reader's locale, or '' without a time. */
export function formatSuggestionTime(time: number | null): string {
  if (typeof time !== 'number' || !Number.isFinite(time)) return ''
  timeFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  return timeFormat.format(time)
}

/** Names the newsroom's people by user id, once the client knows them (setSuggestionAuthorNames). */
let peopleNames: ((id: number) => string | null) | null = null

/**
 * Name suggestion authors by their user id from now on: the client passes its directory of the
 * newsroom's people. The name stored with a suggestion is free text anyone could have written;
 * the id is the one the server checked against the sender (issue 11).
 */
export function setSuggestionAuthorNames(nameOf: ((id: number) => string | null) | null): void {
  peopleNames = nameOf
}

/** Who made a suggestion: their account's name when known, else the name stored with it (suggestions without an author id). */
export function suggestionAuthorName(attrs: Pick<SuggestionAttrs, 'authorId' | 'authorName'>): string {
  const known = attrs.authorId !== null && peopleNames ? peopleNames(attrs.authorId) : null
  return known ?? attrs.authorName
}

/** Hover text of a suggestion: "Suggested by <name>, <time>". */
export function describeSuggestion(attrs: Pick<SuggestionAttrs, 'authorId' | 'authorName' | 'time'>): string {
  const when = formatSuggestionTime(attrs.time)
  return `Suggested by ${suggestionAuthorName(attrs) || 'someone'}${when ? `, ${when}` : ''}`
}

/** "bold" → "Bold". */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** A colour safe to put in a style attribute (marks come from other clients: never trust them). */
export function safeColor(color: unknown): string | null {
  return typeof color === 'string' && /^(#[0-9a-fA-F]{3,8}|(rgb|hsl)a?\([\d\s.,%/]{1,40}\)|[a-zA-Z]{3,20})$/.test(color) ? color : null
}

