/**
 * How suggest mode reads suggestions off the document: the suggestion mark types of a schema, the
 * suggestion marks on an inline node, the suggested break a block carries, and whose a suggestion
 * is. The marks and block attributes themselves are part of the story schema (src/shared/schema/).
 */
import type { Mark as PMMark, MarkType, Node as PMNode, Schema } from '@tiptap/pm/model'
import { DELETION } from '../../shared/schema/deletionMark.js'
import { FORMAT_CHANGE } from '../../shared/schema/formatChangeMark.js'
import { INSERTION } from '../../shared/schema/insertionMark.js'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import { parseBreak, type BreakSuggestion, type SuggestionAttrs } from '../../shared/schema/suggestionValues.js'

/** Who is suggesting: stored on every mark they make. */
export interface SuggestionAuthor {
  id: number | null
  name: string
  color: string | null
}

/** Who is suggesting, and when: what every record carries. */
export type Stamp = Omit<SuggestionAttrs, 'id'>

/** The schema's suggestion marks: text suggested in and out, and formatting records. */
export interface SuggestionTypes {
  insertion: MarkType
  deletion: MarkType
  format: MarkType | undefined
}

/** The suggestion mark types of `schema`, or null when it has none (no suggest mode). */
export function typesOf(schema: Schema): SuggestionTypes | null {
  const insertion = schema.marks[INSERTION]
  const deletion = schema.marks[DELETION]
  return insertion && deletion ? { insertion, deletion, format: schema.marks[FORMAT_CHANGE] } : null
}

/**
 * The suggestion marks on an inline node. Usually one (they exclude each other in the schema), but
 * text a collaborator typed inside a suggestion at the same moment takes on that suggestion's
 * format in Yjs, so text can arrive both suggested in (by one) and out (by another).
 */
export function suggestionsOf(node: PMNode, types: SuggestionTypes): PMMark[] {
  return node.marks.filter((mark) => mark.type === types.insertion || mark.type === types.deletion)
}

/** The first suggestion mark on an inline node, if any. */
export function suggestionOf(node: PMNode | null | undefined, types: SuggestionTypes): PMMark | null {
  if (!node) return null
  return node.marks.find((mark) => mark.type === types.insertion || mark.type === types.deletion) ?? null
}

/** Whether a suggestion is by the person suggesting now (by user id; by name for anonymous authors). */
export function isOwnRecord(attrs: Pick<SuggestionAttrs, 'authorId' | 'authorName'>, stamp: Pick<Stamp, 'authorId' | 'authorName'>): boolean {
  if (stamp.authorId !== null) return attrs.authorId === stamp.authorId
  return attrs.authorId === null && attrs.authorName === stamp.authorName
}

/** Whether a suggestion mark or record is `author`'s own. */
export function isOwn(suggestion: PMMark | SuggestionAttrs, author: SuggestionAuthor): boolean {
  const attrs = ('attrs' in suggestion ? suggestion.attrs : suggestion) as SuggestionAttrs
  return isOwnRecord(attrs, { authorId: author.id, authorName: author.name })
}

/** The suggested break a block carries, if any. */
export function breakOf(node: PMNode | null | undefined): BreakSuggestion | null {
  return node?.isTextblock ? parseBreak(node.attrs[BREAK_ATTRIBUTE]) : null
}
