/**
 * Lengths the API enforces that the browser also shows (character counters, `maxLength`). Plain
 * numbers in a module of their own, so the pages that need them do not load the request schemas
 * (zod) the server validates with.
 */

/** Longest comment, in characters. */
export const COMMENT_MAX_CHARS = 5000
/** Longest quote of the commented passage kept with a thread. */
export const QUOTE_MAX_CHARS = 1000
/** Longest correction note, in characters: the note a published story is reopened with (issue 15). */
export const CORRECTION_NOTE_MAX_CHARS = 1000
/** Longest version name, in characters. */
export const VERSION_NAME_MAX_CHARS = 120
/** Longest byline name or dateline field, in characters (the server refuses longer: server/metaStructure.ts). */
export const MAX_META_VALUE_CHARS = 200
/** A story's planned length, in words: from a brief to a long read (issue 15: said next to the field). */
export const PLANNED_WORDS_MIN = 1
export const PLANNED_WORDS_MAX = 20_000
/** What is wrong with a planned length, written for people; null when it is a length the desk may plan. */
export function plannedWordsProblem(words: number): string | null {
  return Number.isInteger(words) && words >= PLANNED_WORDS_MIN && words <= PLANNED_WORDS_MAX
    ? null
    : `Planned length must be a whole number between ${PLANNED_WORDS_MIN} and ${PLANNED_WORDS_MAX.toLocaleString('en-US')} words.`
}
