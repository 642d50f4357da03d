/**
 * The server's story documents keep what suggestions once covered after it is deleted (issue 11,
 * suggestions forged with a re-used id). Yjs collects deleted content (`gc`), which would leave the
 * server unable to tell an honest client putting a suggestion back from a forger writing new text
 * under someone else's id: an undo of a reject (hours later, after a restart) re-creates the
 * suggested text with its author's id; an offline client's edit made inside a suggestion that was
 * settled meanwhile restores its value over text it covered before. So deleted suggestion values
 * (the format items of the suggestion marks, the block attributes of suggested breaks and types),
 * the deleted text they covered and the deleted blocks that hold either are kept; everything else
 * is collected as before. What is kept stays in snapshots (`compact` uses the same documents) and
 * goes to clients in a full sync, where their own collection drops it.
 */
import * as Y from 'yjs'
import { BODY } from '../src/shared/storyDoc.js'
import { SUGGESTION_ATTRIBUTES, isSuggestionFormat } from './suggestionKeys.js'

type Type = Y.AbstractType<unknown>

/** A story document as the server holds it: collected, except for suggestion history. */
export function createStoryDoc(): Y.Doc {
  // Per collection pass: the deleted text items of a text that a suggestion covered.
  const covered = new Map<Type, Set<Y.Item>>()
  const doc: Y.Doc = new Y.Doc({ gcFilter: (item) => !keeps(doc, item, covered) })
  doc.on('afterTransactionCleanup', () => covered.clear())
  return doc
}

/** Whether a deleted item is part of a suggestion's history (Yjs asks before collecting it). */
function keeps(doc: Y.Doc, item: Y.Item, covered: Map<Type, Set<Y.Item>>): boolean {
  const parent = item.parent as Type | null
  if (parent === null || !inBody(doc, parent)) return false
  const { content } = item
  if (content instanceof Y.ContentFormat) return isSuggestionFormat(content.key)
  if (item.parentSub !== null) return SUGGESTION_ATTRIBUTES.has(item.parentSub) && content instanceof Y.ContentAny
  if (content instanceof Y.ContentType) return holdsHistory(content.type as Type)
  if (!item.countable) return false
  let items = covered.get(parent)
  if (!items) covered.set(parent, (items = coveredItems(parent)))
  return items.has(item)
}

function inBody(doc: Y.Doc, type: Type): boolean {
  let current = type
  while (current._item !== null) current = current._item.parent as Type
  return current === doc.share.get(BODY)
}

/**
 * The countable items of a text that a suggestion value applies to, deleted format items counted
 * as if they still applied (what a suggestion covered at some time, as far as the text can tell).
 */
function coveredItems(text: Type): Set<Y.Item> {
  const items = new Set<Y.Item>()
  const live = new Map<string, unknown>()
  const ghost = new Map<string, unknown>()
  for (let item = text._start; item !== null; item = item.right) {
    const { content } = item
    if (content instanceof Y.ContentFormat) {
      if (!isSuggestionFormat(content.key)) continue
      set(ghost, content.key, content.value)
      if (!item.deleted) set(live, content.key, content.value)
    } else if (item.countable && (live.size > 0 || ghost.size > 0)) {
      items.add(item)
    }
  }
  return items
}

function set(attributes: Map<string, unknown>, key: string, value: unknown): void {
  if (value === null) attributes.delete(key)
  else attributes.set(key, value)
}

/** Whether a type holds suggestion values anywhere inside, live or kept. */
function holdsHistory(type: Type): boolean {
  const stack = [type]
  while (stack.length > 0) {
    const current = stack.pop() as Type
    for (const [key, entry] of current._map) {
      if (!SUGGESTION_ATTRIBUTES.has(key)) continue
      for (let item: Y.Item | null = entry; item !== null; item = item.left) if (item.content instanceof Y.ContentAny) return true
    }
    for (let item = current._start; item !== null; item = item.right) {
      const { content } = item
      if (content instanceof Y.ContentFormat && isSuggestionFormat(content.key)) return true
      if (content instanceof Y.ContentType) stack.push(content.type as Type)
    }
  }
  return false
}
