/**
 * The names in a story's Y.Doc: its root types and the keys of `meta`. Plain strings, importing
 * nothing, so code that only needs the names (the permission table, the story list and budget
 * pages) does not pull Yjs or the editor schema into its bundle; `storyDoc.ts` reads the document.
 */

/** The story text (a Y.XmlFragment the editor binds to). */
export const BODY = 'body'
/** The side panel's fields (a Y.Map). */
export const META = 'meta'
/** Desk fields: assignments, parts, deadline (a Y.Map, written only by the server). */
export const DESK = 'desk'

export const MetaKey = {
  headline: 'headline',
  slug: 'slug',
  section: 'section',
  status: 'status',
  bylines: 'bylines',
  dateline: 'dateline',
  plannedWords: 'plannedWords',
} as const
