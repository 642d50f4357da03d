/**
 * Comparing two states of one story (see ./versions.ts), and the item-by-item alignment that
 * restoring (./versionRestore.ts) walks too.
 *
 * Both walk the later of two states of one story item by item and look each item up by id in
 * the earlier one. Yjs orders items the same way in every state, and a later state holds every
 * item of an earlier one (a deleted one as a placeholder of the same length), so each piece of
 * text or block is in both, new since, or deleted since. Where text was deleted and the same
 * text written again (a restore does exactly that), the pieces are matched by content too.
 */
import * as Y from 'yjs'
import { getBody, getMetaText } from '../src/shared/storyDoc.js'
import type { Change, Comparison, DiffBlock, DiffRun } from '../src/shared/api.js'
import type { Deleters } from './versions.js'

/** Any shared type (as Yjs types a nested one). */
export type SharedType = Y.ContentType['type']

/** A piece of an item of the walked document, with what the other document holds at its ids. */
export interface Segment {
  item: Y.Item
  offset: number
  len: number
  /** Visible in the walked document. */
  here: boolean
  /** The other document's item holding these ids (null: absent there, or collected). */
  there: Y.Item | null
  thereOffset: number
  /** Visible in the other document. */
  thereVisible: boolean
}

/** Any Yjs type: its children are the item chain from `_start`. */
export interface ItemChain {
  _start: Y.Item | null
}

/** The item chain of `type` (deleted items included), split where `other`'s items split. */
export function alignedSegments(type: ItemChain, other: Y.Doc): Segment[] {
  const out: Segment[] = []
  for (let item = type._start; item !== null; item = item.right) {
    const { client, clock } = item.id
    const structs = other.store.clients.get(client)
    const known = structs ? Y.getState(other.store, client) : 0
    const end = clock + item.length
    let pos = clock
    while (pos < end) {
      const struct = structs && pos < known ? structs[Y.findIndexSS(structs, pos)] : undefined
      const stop = struct ? Math.min(end, struct.id.clock + struct.length) : end
      const there = struct instanceof Y.Item ? struct : null
      out.push({
        item,
        offset: pos - clock,
        len: stop - pos,
        here: !item.deleted,
        there,
        thereOffset: struct ? pos - struct.id.clock : 0,
        thereVisible: there !== null && !there.deleted,
      })
      pos = stop
    }
  }
  return out
}

/** The text of a segment's piece of a string item (`there`: of the other document's item). */
export function segmentText(s: Segment, there = false): string | null {
  const item = there ? s.there : s.item
  const offset = there ? s.thereOffset : s.offset
  return item?.content instanceof Y.ContentString ? item.content.str.slice(offset, offset + s.len) : null
}

/** Lengths of the common start and end of two strings (not overlapping). */
export function commonEnds(a: string, b: string): [number, number] {
  const max = Math.min(a.length, b.length)
  let start = 0
  while (start < max && a[start] === b[start]) start++
  let end = 0
  while (end < max - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++
  return [start, end]
}

const isWordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}'’]/u.test(char)

/** Common ends backed off to word boundaries, so a changed word shows whole ("north" → "south"). */
function commonWordEnds(a: string, b: string): [number, number] {
  let [start, end] = commonEnds(a, b)
  while (start > 0 && isWordChar(a[start - 1]) && (isWordChar(a[start]) || isWordChar(b[start]))) start--
  while (end > 0 && isWordChar(a[a.length - end]) && (isWordChar(a[a.length - end - 1]) || isWordChar(b[b.length - end - 1]))) end--
  return [start, end]
}

/** The characters `from`…`to` of a list of text pieces, as pieces. */
export function slicePieces<T extends { text: string }>(pieces: T[], from: number, to: number): T[] {
  const out: T[] = []
  let at = 0
  for (const piece of pieces) {
    const start = Math.max(from, at)
    const end = Math.min(to, at + piece.text.length)
    if (start < end) out.push({ ...piece, text: piece.text.slice(start - at, end - at) })
    at += piece.text.length
  }
  return out
}

/** Index pairs of a longest common subsequence of two key lists (common ends only when huge). */
function matchKeys(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length
  const m = b.length
  if (n === 0 || m === 0) return []
  const pairs: Array<[number, number]> = []
  if (n * m > 250_000) {
    let start = 0
    for (; start < Math.min(n, m) && a[start] === b[start]; start++) pairs.push([start, start])
    let end = 1
    while (end <= Math.min(n, m) - start && a[n - end] === b[m - end]) end++
    for (let k = end - 1; k >= 1; k--) pairs.push([n - k, m - k])
    return pairs
  }
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  const at = (i: number, j: number): number => table[i]?.[j] ?? 0
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1))
  }
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) pairs.push([i++, j++])
    else if (at(i + 1, j) >= at(i, j + 1)) i++
    else j++
  }
  return pairs
}

/** A node's content as a comparable key: element name, attributes, text with its marks. */
export function nodeKey(node: SharedType): string {
  return node instanceof Y.XmlElement || node instanceof Y.XmlText ? `${node.constructor.name}:${xmlString(node)}` : `?${String(node._item?.id.clock)}`
}

/**
 * What Yjs' `toString` gives for a node (`<name a="1">…</name>`, attributes sorted), built with an
 * explicit stack: Yjs recurses into children, and a stored story may nest deeper than the call
 * stack (issue 11).
 */
function xmlString(root: Y.XmlElement | Y.XmlText): string {
  let out = ''
  const stack: Array<unknown> = [root]
  while (stack.length > 0) {
    const next = stack.pop()
    if (next instanceof ClosingTag) out += next.tag
    else if (next instanceof Y.XmlElement) {
      const attrs = next.getAttributes() as Record<string, unknown>
      const pairs = Object.keys(attrs)
        .sort()
        .map((key) => `${key}="${String(attrs[key])}"`)
      const name = next.nodeName.toLocaleLowerCase()
      out += `<${name}${pairs.length > 0 ? ` ${pairs.join(' ')}` : ''}>`
      stack.push(new ClosingTag(`</${name}>`))
      const children = next.toArray() as unknown[]
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index])
    } else out += String(next)
  }
  return out
}

/** An element's end tag, waiting on `xmlString`'s stack until its children are written. */
class ClosingTag {
  constructor(readonly tag: string) {}
}

/**
 * Walk a gap of nodes (those only in the current state, those only in the other) in order:
 * content-equal pairs are matched, the rest deleted or inserted. Returns the steps in order.
 */
export function matchNodes<C, V>(current: C[], other: V[], key: (node: C | V) => string): Array<{ current?: C; other?: V }> {
  const steps: Array<{ current?: C; other?: V }> = []
  let c = 0
  let o = 0
  for (const [ci, oi] of matchKeys(current.map(key), other.map(key))) {
    while (c < ci) steps.push({ current: current[c++] })
    while (o < oi) steps.push({ other: other[o++] })
    steps.push({ current: current[c++], other: other[o++] })
  }
  while (c < current.length) steps.push({ current: current[c++] })
  while (o < other.length) steps.push({ other: other[o++] })
  return steps
}

export type { Change, Comparison, DiffBlock, DiffRun } from '../src/shared/api.js'

/** Who is behind an insertion (by Yjs client id) and a deletion (by item ids). */
export interface Attribution {
  insertedBy(client: number): number | null
  deletedBy(client: number, clock: number, len: number): Deleters
}

type Piece = { text: string; by: number | null }

/** Collects runs, merging neighbours with the same change and author. */
class Runs {
  readonly runs: DiffRun[] = []

  push(text: string, change: Change, by: number | null): void {
    if (!text) return
    const last = this.runs.at(-1)
    if (last && last.change === change && last.by === by) last.text += text
    else this.runs.push({ text, change, by })
  }

  pieces(pieces: Piece[], change: Change): void {
    for (const piece of pieces) this.push(piece.text, change, piece.by)
  }

  /** A line break between nested blocks (list items, quoted paragraphs), not before the first. */
  break(change: Change, by: number | null): void {
    const last = this.runs.at(-1)
    if (last && !last.text.endsWith('\n')) this.push('\n', change, by)
  }
}

/** Removed text of items from `clock` on, split by who removed it (`fallback` where unknown). */
function removedPieces(text: string, client: number, clock: number, who: Attribution, fallback: number | null): Piece[] {
  let at = 0
  return who.deletedBy(client, clock, text.length).map((part) => {
    const piece = { text: text.slice(at, at + part.len), by: part.by ?? fallback }
    at += part.len
    return piece
  })
}

/** Text removed and added between two unchanged stretches: equal ends count as unchanged. */
function emitTextGap(out: Runs, removed: Piece[], added: Piece[]): void {
  const removedText = removed.map((piece) => piece.text).join('')
  const addedText = added.map((piece) => piece.text).join('')
  const [start, end] = commonWordEnds(removedText, addedText)
  out.pieces(slicePieces(added, 0, start), 'same')
  out.pieces(slicePieces(removed, start, removedText.length - end), 'removed')
  out.pieces(slicePieces(added, start, addedText.length - end), 'added')
  out.pieces(slicePieces(added, addedText.length - end, addedText.length), 'same')
}

function diffText(type: ItemChain, older: Y.Doc, who: Attribution, out: Runs): void {
  let removed: Piece[] = []
  let added: Piece[] = []
  const flush = (): void => {
    emitTextGap(out, removed, added)
    removed = []
    added = []
  }
  for (const s of alignedSegments(type, older)) {
    const { client, clock } = s.item.id
    if (s.here) {
      const text = segmentText(s)
      if (text === null) continue
      if (s.thereVisible) {
        flush()
        out.push(text, 'same', who.insertedBy(client))
      } else added.push({ text, by: who.insertedBy(client) })
    } else if (s.thereVisible) {
      const text = segmentText(s, true)
      if (text !== null) removed.push(...removedPieces(text, client, clock + s.offset, who, null))
    }
  }
  flush()
}

/** Who deleted the item of a segment (a block), or null. */
const blockDeleter = (s: Segment, who: Attribution): number | null => who.deletedBy(s.item.id.client, s.item.id.clock + s.offset, 1)[0]?.by ?? null

/** The children of `type` (newer) against `older`: each as kept, added or removed. */
function childSteps(type: ItemChain, older: Y.Doc, who: Attribution): Array<{ node: SharedType; before: SharedType | null; change: Change; by: number | null }> {
  const steps: Array<{ node: SharedType; before: SharedType | null; change: Change; by: number | null }> = []
  let removed: Array<{ node: SharedType; by: number | null }> = []
  let added: Array<{ node: SharedType; by: number | null }> = []
  const flush = (): void => {
    for (const step of matchNodes(removed, added, (entry) => nodeKey(entry.node))) {
      if (step.current && step.other) steps.push({ node: step.other.node, before: step.current.node, change: 'same', by: step.other.by })
      else if (step.current) steps.push({ node: step.current.node, before: null, change: 'removed', by: step.current.by })
      else if (step.other) steps.push({ node: step.other.node, before: null, change: 'added', by: step.other.by })
    }
    removed = []
    added = []
  }
  for (const s of alignedSegments(type, older)) {
    if (s.here && s.item.content instanceof Y.ContentType) {
      const entry = { node: s.item.content.type, by: who.insertedBy(s.item.id.client) }
      if (s.thereVisible && s.there?.content instanceof Y.ContentType) {
        flush()
        steps.push({ ...entry, before: s.there.content.type, change: 'same' })
      } else added.push(entry)
    } else if (!s.here && s.thereVisible && s.there?.content instanceof Y.ContentType) {
      removed.push({ node: s.there.content.type, by: blockDeleter(s, who) })
    }
  }
  flush()
  return steps
}

/**
 * A node and everything under it, in document order. An explicit stack, not recursion: a story
 * stored before the depth limit may nest deeper than the call stack (issue 11).
 */
function diffNode(first: { node: SharedType; before: SharedType | null; change: Change; by: number | null }, older: Y.Doc, who: Attribution, out: Runs): void {
  const stack = [first]
  for (let step = stack.pop(); step; step = stack.pop()) {
    const { node, change, by } = step
    // Matched by content though not by id (written again since): unchanged, as the newer has it.
    const whole = change !== 'same' || (step.before !== null && !sameType(node, step.before))
    if (whole) wholeNode(node, who, out, change, by)
    else if (node instanceof Y.XmlText) diffText(node, older, who, out)
    else if (node instanceof Y.XmlElement && node.nodeName === 'hardBreak') out.push('\n', change, by)
    else if (node instanceof Y.XmlElement) {
      out.break(change, by)
      const children = childSteps(node, older, who)
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as (typeof children)[number])
    }
  }
}

/** A whole node, all of it added, removed (`node` from the older state) or unchanged; walked with an explicit stack like `diffNode`. */
function wholeNode(root: SharedType, who: Attribution, out: Runs, change: Change, rootFallback: number | null): void {
  const stack: Array<[SharedType, number | null]> = [[root, rootFallback]]
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, fallback] = entry
    if (node instanceof Y.XmlText) {
      for (let item = node._start; item !== null; item = item.right) {
        if (item.deleted || !(item.content instanceof Y.ContentString)) continue
        const { client, clock } = item.id
        if (change === 'removed') out.pieces(removedPieces(item.content.str, client, clock, who, fallback), 'removed')
        else out.push(item.content.str, change, who.insertedBy(client))
      }
    } else if (node instanceof Y.XmlElement && node.nodeName === 'hardBreak') out.push('\n', change, fallback)
    else if (node instanceof Y.XmlElement) {
      out.break(change, fallback)
      const children: Array<[SharedType, number | null]> = []
      for (let item = node._start; item !== null; item = item.right) {
        if (!item.deleted && item.content instanceof Y.ContentType) children.push([item.content.type, change === 'removed' ? fallback : who.insertedBy(item.id.client)])
      }
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as [SharedType, number | null])
    }
  }
}

export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * Compare two states of one story, block by block: `newer` must be the later one (it holds every
 * item of `older`). Text is `added` when visible in `newer` only, `removed` when visible in
 * `older` only; text in both is `same`. Unchanged blocks come back too, marked `same`.
 */
export function compareDocs(older: Y.Doc, newer: Y.Doc, who: Attribution): Comparison {
  const headline = new Runs()
  const text = getMetaText(newer, 'headline')
  if (text) diffText(text, older, who, headline)
  const blocks: DiffBlock[] = []
  for (const step of childSteps(getBody(newer), older, who)) {
    const runs = new Runs()
    diffNode(step, older, who, runs)
    const { node, before } = step
    const changed =
      runs.runs.some((run) => run.change !== 'same') ||
      (node instanceof Y.XmlElement && before instanceof Y.XmlElement && !sameJson(node.getAttributes(), before.getAttributes()))
    blocks.push({ type: node instanceof Y.XmlElement ? node.nodeName : 'text', change: step.change === 'same' && changed ? 'changed' : step.change, runs: runs.runs })
  }
  return { headline: headline.runs, blocks }
}

/** Whether two types are the same shared type (same item id), so they can be matched by id. */
export function sameType(a: SharedType, b: SharedType): boolean {
  if (a._item === null || b._item === null) return a._item === b._item
  return Y.compareIDs(a._item.id, b._item.id)
}
