/**
 * Lengths the API enforces that the browser also shows (character counters, `maxLength`). Plain
 * numbers in a module of their own, so the pages that need them do not load the request schemas
 * (zod) the server validates with.
 */

/** Longest comment, in characters. */
export const COMMENT_MAX_CHARS = 5000
/** Longest quote of the commented passage kept with a thread. */
export const QUOTE_MAX_CHARS = 1000
/** Longest version name, in characters. */
export const VERSION_NAME_MAX_CHARS = 120
/** Longest byline name or dateline field, in characters (the server refuses longer: server/metaStructure.ts). */
export const MAX_META_VALUE_CHARS = 200
