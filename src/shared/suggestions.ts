/**
 * Suggestions (track changes) for readers without an editor, the server's above all: what their
 * values hold (src/shared/schema/suggestionValues.ts) and the schema names they are stored under
 * (re-exported from src/shared/schema/), and open suggestions counted straight from a story's
 * Y.Doc, with no editor state, for the review gate.
 *
 * The Yjs binding stores the suggestion marks (src/shared/schema/) as format attributes of the
 * body's Y.XmlText runs: the key is the mark's name and the value its attributes,
 * `{ id, authorId, authorName, authorColor, time }`. A suggested paragraph break (a new one, or
 * one to remove) is an attribute of the block after the break: key `suggestion`, value the same
 * attributes plus `kind`, as a JSON string (a string compares by value, so the binding never
 * re-sends it: it compares attributes with `!==`). Format suggestions are marks too
 * (`formatChange`, value plus `added`/`removed`; overlapping ones under y-tiptap's hashed keys
 * `formatChange--<hash>`), and a suggested block type change is a block attribute
 * (`suggestedType`, a JSON string like a break's).
 */
import * as Y from 'yjs'
import { DELETION } from './schema/deletionMark.js'
import { FORMAT_CHANGE } from './schema/formatChangeMark.js'
import { INSERTION } from './schema/insertionMark.js'
import { BREAK_ATTRIBUTE } from './schema/suggestedBreaks.js'
import { TYPE_ATTRIBUTE } from './schema/suggestedTypes.js'
import { formatStack, parseBreak, parseTypeSuggestion, unstack } from './schema/suggestionValues.js'
import { getBody } from './storyDoc.js'

export { BREAK_ATTRIBUTE, DELETION, FORMAT_CHANGE, INSERTION, TYPE_ATTRIBUTE }
export * from './schema/suggestionValues.js'

/** y-tiptap's key for a mark that may overlap itself: `name--<8-char hash>`. */
const HASHED_MARK_KEY = /(.*)(--[a-zA-Z0-9+/=]{8})$/

/**
 * The mark name the binding reads a format key back into (y-tiptap's `yattr2markname`, which it
 * does not export): `name` for a mark that excludes itself, `name--<hash>` for one that may overlap
 * itself. Any key with a hash reads back, whatever the schema says of the mark.
 */
export function markNameOfKey(key: string): string {
  return HASHED_MARK_KEY.exec(key)?.[1] ?? key
}

/** The suggestion id in a format attribute value, or null when it is not one. */
function suggestionId(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null
  const id = (value as { id?: unknown }).id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null
}

/** Every suggestion id under `root`, walked with an explicit stack: stored bodies may nest deeper than any call stack (issue 11). */
function collect(root: Y.XmlFragment | Y.XmlElement, ids: Set<string>): void {
  const stack = [root]
  for (let node = stack.pop(); node; node = stack.pop()) collectChildren(node, ids, stack)
}

/** The ids on `node`'s own children; child elements go on `stack` to be read next. */
function collectChildren(node: Y.XmlFragment | Y.XmlElement, ids: Set<string>, stack: Array<Y.XmlFragment | Y.XmlElement>): void {
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
        const attributes = op.attributes
        if (!attributes) continue
        for (const name of [INSERTION, DELETION]) {
          const id = suggestionId(attributes[name])
          if (id !== null) ids.add(id)
        }
        // Format suggestions may overlap, each under its own hashed key.
        for (const [key, value] of Object.entries(attributes)) {
          if (markNameOfKey(key) !== FORMAT_CHANGE) continue
          for (const record of formatStack(value)) {
            const id = suggestionId(record)
            if (id !== null) ids.add(id)
          }
        }
      }
    } else if (child instanceof Y.XmlElement) {
      const suggested = parseBreak(child.getAttribute(BREAK_ATTRIBUTE))
      if (suggested) ids.add(suggested.id)
      for (const retyped of unstack(parseTypeSuggestion(child.getAttribute(TYPE_ATTRIBUTE)))) ids.add(retyped.id)
      stack.push(child)
    }
  }
}

/**
 * Number of distinct open suggestions (insertions, deletions, replacements, paragraph breaks,
 * format changes, block type changes) in the body.
 */
export function countOpenSuggestions(doc: Y.Doc): number {
  const ids = new Set<string>()
  collect(getBody(doc), ids)
  return ids.size
}

/** Link checks moved to links.ts (the link mark needs them without Yjs); kept here for their callers. */
export { isSafeHref } from './links.js'
