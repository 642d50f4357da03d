/**
 * Open suggestions (track changes) counted straight from a story's Y.Doc, without TipTap, so the
 * server can use it for the review gate. The suggestion marks (src/review/suggestChanges.ts) are
 * stored by the Yjs binding as format attributes of the body's Y.XmlText runs: the key is the
 * mark's name and the value its attributes, `{ id, authorId, authorName, authorColor, time }`.
 */
import * as Y from 'yjs'
import { getBody } from './storyDoc.js'

/** Mark name of suggested insertions (text that is not in the story until accepted). */
export const INSERTION = 'insertion'
/** Mark name of suggested deletions (text that stays in the story until accepted). */
export const DELETION = 'deletion'

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

/** The suggestion id in a format attribute value, or null when it is not one. */
function suggestionId(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null
  const id = (value as { id?: unknown }).id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null
}

function collect(node: Y.XmlFragment | Y.XmlElement, ids: Set<string>): void {
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
        for (const name of [INSERTION, DELETION]) {
          const id = suggestionId(op.attributes?.[name])
          if (id !== null) ids.add(id)
        }
      }
    } else if (child instanceof Y.XmlElement) {
      collect(child, ids)
    }
  }
}

/** Number of distinct open suggestions (insertions, deletions or replacements) in the body. */
export function countOpenSuggestions(doc: Y.Doc): number {
  const ids = new Set<string>()
  collect(getBody(doc), ids)
  return ids.size
}
