/**
 * Where a comment thread's passage is now. A thread is anchored by two encoded
 * `Y.RelativePosition`s into the story's `body`: `start` sticks to the passage's first character
 * (assoc 0) and `end` to its last (assoc -1), so text typed just before or just after the passage
 * stays outside it, text typed inside joins it, and when the whole passage is deleted both ends
 * collapse onto one spot: the thread is then *detached* (kept and shown, never dropped).
 *
 * Pure Yjs (no DOM, no editor): the panel orders threads with it and the tests pin it down. To
 * compare positions in different blocks, the body is flattened into one run of text offsets:
 * every text node contributes its length, in document order, and a position between blocks
 * takes the offset where the next block starts.
 */
import * as Y from 'yjs'
import { decodeAnchor, encodeAnchor, getBody } from '../../shared/storyDoc'

/** Where a passage is: a non-empty run of body text offsets [from, to), or gone. */
export type Placement = { kind: 'attached'; from: number; to: number } | { kind: 'detached' }

/** Text offsets of one state of the body: where each text node starts and each container's children. */
export interface OffsetIndex {
  body: Y.XmlFragment
  /** Offset of the first character of each text node. */
  texts: Map<unknown, number>
  /** For each element (and the body): the offset before each child, then the offset at its end. */
  children: Map<unknown, number[]>
  /** Every text node with its start offset, in document order. */
  runs: Array<{ text: Y.XmlText; at: number }>
  /** Total text length of the body. */
  length: number
}

/** Flatten the body once; reuse the index for every thread of the same document state. */
export function indexBody(doc: Y.Doc): OffsetIndex {
  const body = getBody(doc)
  const index: OffsetIndex = { body, texts: new Map(), children: new Map(), runs: [], length: 0 }
  const walk = (node: Y.XmlFragment | Y.XmlElement) => {
    const starts: number[] = []
    for (const child of node.toArray()) {
      starts.push(index.length)
      if (child instanceof Y.XmlText) {
        index.texts.set(child, index.length)
        index.runs.push({ text: child, at: index.length })
        index.length += child.length
      } else if (child instanceof Y.XmlElement) {
        walk(child)
      }
    }
    starts.push(index.length)
    index.children.set(node, starts)
  }
  walk(body)
  return index
}

/** Whether `type` is in the body now (it and every ancestor undeleted). */
function isLive(type: Y.AbstractType<unknown>, body: Y.XmlFragment): boolean {
  let current: Y.AbstractType<unknown> = type
  while (current !== body) {
    const item = current._item
    if (!item || item.deleted || !(item.parent instanceof Y.AbstractType)) return false
    current = item.parent
  }
  return true
}

/** Undeleted, countable siblings before `item` in its parent: the index it had, or would have. */
function indexOfItem(item: Y.Item): number {
  let count = 0
  for (let left = item.left; left !== null; left = left.left) if (!left.deleted && left.countable) count += left.length
  return count
}

/** The text offset of a relative position, or null when it is not (or no longer) in the body. */
export function offsetOf(doc: Y.Doc, position: Y.RelativePosition, index: OffsetIndex): number | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc)
  if (!absolute) return null
  let type: Y.AbstractType<unknown> = absolute.type
  let at = absolute.index
  // Inside a deleted block that Yjs has not collected (a doc with gc off): climb to the nearest
  // live ancestor and take the place the block had. A collected one does not resolve at all.
  while (!isLive(type, index.body)) {
    const item = type._item
    if (!item || !(item.parent instanceof Y.AbstractType)) return null
    at = indexOfItem(item)
    type = item.parent
  }
  const textStart = index.texts.get(type)
  if (textStart !== undefined) return textStart + Math.min(at, (type as Y.XmlText).length)
  const starts = index.children.get(type)
  if (!starts) return null
  return starts[Math.min(at, starts.length - 1)] ?? null
}

/** Where a thread's passage is now. */
export function resolvePassage(doc: Y.Doc, start: string, end: string, index: OffsetIndex = indexBody(doc)): Placement {
  const startPosition = decodeAnchor(start)
  const endPosition = decodeAnchor(end)
  if (!startPosition || !endPosition) return { kind: 'detached' }
  const from = offsetOf(doc, startPosition, index)
  const to = offsetOf(doc, endPosition, index)
  if (from === null || to === null || to <= from) return { kind: 'detached' }
  return { kind: 'attached', from, to }
}

/** The passage's text now (blocks joined by newlines; marks dropped); '' when detached. */
export function passageText(placement: Placement, index: OffsetIndex): string {
  if (placement.kind === 'detached') return ''
  const pieces: string[] = []
  for (const { text, at } of index.runs) {
    const length = text.length
    if (at + length <= placement.from || at >= placement.to) continue
    let plain = ''
    for (const op of text.toDelta() as Array<{ insert?: unknown }>) plain += typeof op.insert === 'string' ? op.insert : '\uFFFC'
    pieces.push(plain.slice(Math.max(0, placement.from - at), placement.to - at))
  }
  return pieces.join('\n')
}

/**
 * Anchors for a selection, from any two relative positions at its edges (e.g. what the editor's
 * Yjs binding makes of ProseMirror positions): the start is re-made to stick to the first
 * selected character, the end to the last. Null when the selection is not a passage of the body.
 */
export function passageAnchors(doc: Y.Doc, from: Y.RelativePosition, to: Y.RelativePosition): { start: string; end: string } | null {
  const start = Y.createAbsolutePositionFromRelativePosition(from, doc)
  const end = Y.createAbsolutePositionFromRelativePosition(to, doc)
  const body = getBody(doc)
  if (!start || !end || !isLive(start.type, body) || !isLive(end.type, body)) return null
  // Cheap on purpose (it runs as the selection changes): one block is compared here, and a
  // selection across blocks comes from the editor, whose positions are in order.
  if (start.type === end.type && end.index <= start.index) return null
  return {
    start: encodeAnchor(Y.createRelativePositionFromTypeIndex(start.type, start.index, 0)),
    end: encodeAnchor(Y.createRelativePositionFromTypeIndex(end.type, end.index, -1)),
  }
}

/** A thread as far as ordering needs it. */
export interface Anchored {
  start: string
  end: string
  createdAt: number
}

/**
 * Threads in document order, each with its placement: attached ones by where their passage
 * starts (then ends, then age), detached ones after them, oldest first.
 */
export function inDocumentOrder<T extends Anchored>(doc: Y.Doc, threads: readonly T[]): Array<{ thread: T; placement: Placement }> {
  const index = indexBody(doc)
  const placed = threads.map((thread) => ({ thread, placement: resolvePassage(doc, thread.start, thread.end, index) }))
  return placed.sort((a, b) => {
    const pa = a.placement
    const pb = b.placement
    if (pa.kind !== pb.kind) return pa.kind === 'attached' ? -1 : 1
    if (pa.kind === 'attached' && pb.kind === 'attached' && (pa.from !== pb.from || pa.to !== pb.to)) return pa.from - pb.from || pa.to - pb.to
    return a.thread.createdAt - b.thread.createdAt
  })
}
