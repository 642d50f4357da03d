/**
 * What an update writes inside the side panel's shared fields, checked before the room applies it
 * (issue 11; found by tests/integration/fuzz.test.ts). updateScope.ts already refuses replacing a
 * field or touching one no client may write; this checks the values written inside the ones they
 * may, since every reader's page trusts them: a number in the byline list or the dateline's city
 * made every story page throw (`name.trim is not a function`).
 *
 * - `headline`, `slug` (Y.Text): plain characters only; no formatting, embeds or nested types.
 * - `bylines` (Y.Array<string>): names, each a string of at most MAX_META_VALUE_CHARS.
 * - `dateline` (Y.Map<string>): the dateline's fields only, each a string of at most
 *   MAX_META_VALUE_CHARS.
 * Deleted content writes nothing and passes.
 */
import * as Y from 'yjs'
import { MAX_META_VALUE_CHARS } from '../src/shared/limits.js'
import { DATELINE_FIELDS, MetaKey } from '../src/shared/storyDoc.js'
import type { MetaItem } from './updateScope.js'

const DATELINE_KEYS: ReadonlySet<string> = new Set(DATELINE_FIELDS)

const isShortString = (value: unknown): boolean => typeof value === 'string' && value.length <= MAX_META_VALUE_CHARS

/** Why the update's writes inside the panel's fields are not what the editor writes, or null when they are. */
export function metaStructureProblem(items: readonly MetaItem[]): string | null {
  for (const { item, key, sub } of items) {
    const { content } = item
    if (content instanceof Y.ContentDeleted) continue
    switch (key) {
      case MetaKey.headline:
      case MetaKey.slug:
        if (sub !== null || !(content instanceof Y.ContentString)) return `${key} holds plain text only`
        break
      case MetaKey.bylines:
        if (sub !== null || !(content instanceof Y.ContentAny) || !content.getContent().every(isShortString)) {
          return `bylines are names of at most ${MAX_META_VALUE_CHARS} characters`
        }
        break
      case MetaKey.dateline:
        if (sub === null || !DATELINE_KEYS.has(sub)) return `the dateline has no field ${JSON.stringify(sub)}`
        if (!(content instanceof Y.ContentAny) || !content.getContent().every(isShortString)) {
          return `dateline fields are text of at most ${MAX_META_VALUE_CHARS} characters`
        }
        break
      default:
        return `meta.${key} is not written inside`
    }
  }
  return null
}
