/**
 * Version history of stories: automatic checkpoints, status and named versions, each the full
 * document state (`Y.encodeStateAsUpdateV2`) in SQLite. Full states rather than Yjs snapshots
 * because `Y.createDocFromSnapshot` needs `gc: false` on the live document (../shared/STACK.md),
 * and the rooms keep gc on. Comparing and restoring (below) walk two states of one document
 * side by side by Yjs item id (`alignedSegments`): the same text has the same ids in both.
 *
 * Growth is bounded: states are stored deflated (about half the size for prose), identical
 * consecutive states are stored once, and automatic checkpoints are thinned (all of the last day,
 * then one an hour, then one a day after 30 days); named, status and restore versions are kept.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type Database from 'better-sqlite3'
import * as Y from 'yjs'
import { bodyWordCount, DATELINE_FIELDS, getBody, getBylines, getDatelineMap, getMetaText } from '../src/shared/storyDoc.js'

export const VERSION_KINDS = ['auto', 'status', 'named', 'restore'] as const
export type VersionKind = (typeof VERSION_KINDS)[number]

/** One version as lists show it (no state). */
export interface VersionSummary {
  id: number
  storyId: string
  kind: VersionKind
  name: string
  userId: number | null
  createdAt: number
  /** Bytes stored for this version (the deflated state). */
  bytes: number
  /** Words in the body at that version. */
  words: number
}

export interface CheckpointOptions {
  kind: VersionKind
  name?: string
  userId?: number | null
}

/** An automatic checkpoint is taken at the first edit this long after the last version. */
export const AUTO_CHECKPOINT_MS = 5 * 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** Automatic checkpoints younger than this are all kept. */
const KEEP_ALL_MS = DAY_MS
/** Past this age, one automatic checkpoint a day is kept (one an hour before). */
const KEEP_HOURLY_MS = 30 * DAY_MS

interface VersionRow {
  id: number
  story_id: string
  kind: VersionKind
  name: string
  user_id: number | null
  created_at: number
  bytes: number
  words: number
}

const SUMMARY_COLUMNS = 'id, story_id, kind, name, user_id, created_at, bytes, words'

function toSummary(row: VersionRow): VersionSummary {
  return {
    id: row.id,
    storyId: row.story_id,
    kind: row.kind,
    name: row.name,
    userId: row.user_id,
    createdAt: row.created_at,
    bytes: row.bytes,
    words: row.words,
  }
}

/** A Yjs delete set (the type is not exported by name). */
type DeleteSet = Y.Transaction['deleteSet']
/** Any shared type (as Yjs types a nested one). */
type SharedType = Y.ContentType['type']

/** Who removed a run of items: lengths in clock units, in order. */
export type Deleters = Array<{ len: number; by: number | null }>

/** The version store over the server's database. */
export class Versions {
  private readonly db: Database.Database
  private readonly now: () => number
  /** Per story: when its last version was made (read from SQLite once per story and process). */
  private readonly lastAt = new Map<string, number>()
  private readonly statements

  /** Create the tables if needed; `now` is for tests. */
  constructor(db: Database.Database, options: { now?: () => number } = {}) {
    this.db = db
    this.now = options.now ?? Date.now
    db.exec(`
      CREATE TABLE IF NOT EXISTS story_versions (
        id INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('auto', 'status', 'named', 'restore')),
        name TEXT NOT NULL DEFAULT '',
        user_id INTEGER REFERENCES users (id),
        created_at INTEGER NOT NULL,
        state BLOB NOT NULL, -- deflate-raw of Y.encodeStateAsUpdateV2
        bytes INTEGER NOT NULL,
        words INTEGER NOT NULL,
        snapshot BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS story_versions_story ON story_versions (story_id, id);
      CREATE TABLE IF NOT EXISTS story_deletions (
        story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        client_id INTEGER NOT NULL,
        clock INTEGER NOT NULL,
        len INTEGER NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id)
      );
      CREATE INDEX IF NOT EXISTS story_deletions_item ON story_deletions (story_id, client_id, clock);
    `)
    this.statements = {
      insert: db.prepare(
        `INSERT INTO story_versions (story_id, kind, name, user_id, created_at, state, bytes, words, snapshot)
         VALUES (@storyId, @kind, @name, @userId, @createdAt, @state, @bytes, @words, @snapshot)`,
      ),
      relabel: db.prepare('UPDATE story_versions SET kind = ?, name = ?, user_id = ?, created_at = ? WHERE id = ?'),
      last: db.prepare(`SELECT ${SUMMARY_COLUMNS}, snapshot FROM story_versions WHERE story_id = ? ORDER BY id DESC LIMIT 1`),
      list: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM story_versions WHERE story_id = ? ORDER BY id DESC`),
      get: db.prepare(`SELECT ${SUMMARY_COLUMNS}, state FROM story_versions WHERE story_id = ? AND id = ?`),
      oldAutos: db.prepare("SELECT id, created_at FROM story_versions WHERE story_id = ? AND kind = 'auto' AND created_at < ? ORDER BY created_at DESC, id DESC"),
      remove: db.prepare('DELETE FROM story_versions WHERE id = ?'),
      insertDeletion: db.prepare('INSERT INTO story_deletions (story_id, client_id, clock, len, user_id) VALUES (?, ?, ?, ?, ?)'),
      deletions: db.prepare(
        'SELECT clock, len, user_id FROM story_deletions WHERE story_id = ? AND client_id = ? AND clock < ? AND clock + len > ? ORDER BY rowid',
      ),
    }
  }

  /**
   * Called after every stored client update: O(1) (one map lookup) unless an automatic
   * checkpoint is due, i.e. the last version is AUTO_CHECKPOINT_MS old. Returns the new version,
   * if one was made, so the caller can announce it.
   */
  onEdited(storyId: string, doc: Y.Doc): VersionSummary | null {
    let last = this.lastAt.get(storyId)
    if (last === undefined) {
      const row = this.statements.last.get(storyId) as VersionRow | undefined
      // A story without versions gets its first checkpoint at its first edit.
      last = row ? row.created_at : -Infinity
      this.lastAt.set(storyId, last)
    }
    if (this.now() - last < AUTO_CHECKPOINT_MS) return null
    const { version, created } = this.store(storyId, doc, { kind: 'auto' })
    return created ? version : null
  }

  /**
   * Store the document's state as a version. A state identical to the last version's is not
   * stored again: an automatic checkpoint returns that version; an explicit one (named, status,
   * restore) takes over an identical automatic checkpoint, or shares its state with a new row.
   */
  checkpoint(storyId: string, doc: Y.Doc, options: CheckpointOptions): VersionSummary {
    return this.store(storyId, doc, options).version
  }

  /** `checkpoint`, telling whether a version was made or changed. */
  private store(storyId: string, doc: Y.Doc, options: CheckpointOptions): { version: VersionSummary; created: boolean } {
    const now = this.now()
    this.lastAt.set(storyId, now)
    const name = options.name?.trim() ?? ''
    const userId = options.userId ?? null
    const snapshot = Y.snapshot(doc)
    const last = this.statements.last.get(storyId) as (VersionRow & { snapshot: Buffer }) | undefined
    if (last && Y.equalSnapshots(snapshot, Y.decodeSnapshotV2(last.snapshot))) {
      if (options.kind === 'auto') return { version: toSummary(last), created: false }
      if (last.kind === 'auto') {
        this.statements.relabel.run(options.kind, name, userId, now, last.id)
        return { version: { ...toSummary(last), kind: options.kind, name, userId, createdAt: now }, created: true }
      }
    }
    const state = deflateRawSync(Y.encodeStateAsUpdateV2(doc))
    const words = bodyWordCount(doc)
    const id = Number(
      this.statements.insert.run({ storyId, kind: options.kind, name, userId, createdAt: now, state, bytes: state.length, words, snapshot: Y.encodeSnapshotV2(snapshot) })
        .lastInsertRowid,
    )
    if (options.kind === 'auto') this.thin(storyId, now)
    return { version: { id, storyId, kind: options.kind, name, userId, createdAt: now, bytes: state.length, words }, created: true }
  }

  /** Thin old automatic checkpoints: keep the newest of each hour (each day past 30 days). */
  private thin(storyId: string, now: number): void {
    const rows = this.statements.oldAutos.all(storyId, now - KEEP_ALL_MS) as Array<{ id: number; created_at: number }>
    const seen = new Set<string>()
    this.db.transaction(() => {
      for (const row of rows) {
        const bucket = now - row.created_at > KEEP_HOURLY_MS ? `d${Math.floor(row.created_at / DAY_MS)}` : `h${Math.floor(row.created_at / HOUR_MS)}`
        if (seen.has(bucket)) this.statements.remove.run(row.id)
        else seen.add(bucket)
      }
    })()
  }

  /** A story's versions, newest first. */
  list(storyId: string): VersionSummary[] {
    return (this.statements.list.all(storyId) as VersionRow[]).map(toSummary)
  }

  /** One version with its state (`Y.encodeStateAsUpdateV2`); null if the story has no such version. */
  get(storyId: string, versionId: number): { summary: VersionSummary; state: Uint8Array } | null {
    const row = this.statements.get.get(storyId, versionId) as (VersionRow & { state: Buffer }) | undefined
    return row ? { summary: toSummary(row), state: new Uint8Array(inflateRawSync(row.state)) } : null
  }

  /** A version's document (gc off, so nothing in it is collected on load); null if there is none. */
  load(storyId: string, versionId: number): { summary: VersionSummary; doc: Y.Doc } | null {
    const version = this.get(storyId, versionId)
    if (!version) return null
    const doc = new Y.Doc({ gc: false })
    Y.applyUpdateV2(doc, version.state)
    return { summary: version.summary, doc }
  }

  /**
   * Remember who deleted what in a client update (v1), for "removed by" in comparisons. Yjs
   * deletions carry no client id, so only the server, which knows the sender, can tell.
   */
  recordDeletions(storyId: string, update: Uint8Array, userId: number): void {
    const { ds } = Y.decodeUpdate(update)
    if (ds.clients.size > 0) this.recordDeleteSet(storyId, ds, userId)
  }

  /** Remember that `userId` deleted the ranges of `ds` (e.g. a transaction's deleteSet). */
  recordDeleteSet(storyId: string, ds: DeleteSet, userId: number): void {
    this.db.transaction(() => {
      for (const [client, ranges] of ds.clients) for (const range of ranges) this.statements.insertDeletion.run(storyId, client, range.clock, range.len, userId)
    })()
  }

  /** Who deleted items `clock … clock+len` of `client`: consecutive pieces, null where unknown. */
  deletedBy(storyId: string, client: number, clock: number, len: number): Deleters {
    const rows = this.statements.deletions.all(storyId, client, clock + len, clock) as Array<{ clock: number; len: number; user_id: number }>
    const out: Deleters = []
    let pos = clock
    const end = clock + len
    while (pos < end) {
      // The first recorded deletion covering `pos` (concurrent deletes of one item: the first wins).
      const cover = rows.find((row) => row.clock <= pos && pos < row.clock + row.len)
      if (cover) {
        const stop = Math.min(end, cover.clock + cover.len)
        out.push({ len: stop - pos, by: cover.user_id })
        pos = stop
        continue
      }
      const next = Math.min(end, ...rows.filter((row) => row.clock > pos).map((row) => row.clock))
      out.push({ len: next - pos, by: null })
      pos = next
    }
    return out
  }
}

// Comparing and restoring -------------------------------------------------------------------
//
// Both walk the later of two states of one story item by item and look each item up by id in
// the earlier one. Yjs orders items the same way in every state, and a later state holds every
// item of an earlier one (a deleted one as a placeholder of the same length), so each piece of
// text or block is in both, new since, or deleted since. Where text was deleted and the same
// text written again (a restore does exactly that), the pieces are matched by content too.

/** A piece of an item of the walked document, with what the other document holds at its ids. */
interface Segment {
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
interface ItemChain {
  _start: Y.Item | null
}

/** The item chain of `type` (deleted items included), split where `other`'s items split. */
function alignedSegments(type: ItemChain, other: Y.Doc): Segment[] {
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
function segmentText(s: Segment, there = false): string | null {
  const item = there ? s.there : s.item
  const offset = there ? s.thereOffset : s.offset
  return item?.content instanceof Y.ContentString ? item.content.str.slice(offset, offset + s.len) : null
}

/** Lengths of the common start and end of two strings (not overlapping). */
function commonEnds(a: string, b: string): [number, number] {
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
function slicePieces<T extends { text: string }>(pieces: T[], from: number, to: number): T[] {
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
function nodeKey(node: SharedType): string {
  return node instanceof Y.XmlElement || node instanceof Y.XmlText ? `${node.constructor.name}:${node.toString()}` : `?${String(node._item?.id.clock)}`
}

/**
 * Walk a gap of nodes (those only in the current state, those only in the other) in order:
 * content-equal pairs are matched, the rest deleted or inserted. Returns the steps in order.
 */
function matchNodes<C, V>(current: C[], other: V[], key: (node: C | V) => string): Array<{ current?: C; other?: V }> {
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

export type Change = 'same' | 'added' | 'removed'
/** A run of text: unchanged, added or removed, and by whom (who wrote it; for removed text, who removed it). */
export interface DiffRun {
  text: string
  change: Change
  by: number | null
}
/** A top-level body block; `changed` when it is in both versions with differences inside. */
export interface DiffBlock {
  type: string
  change: Change | 'changed'
  runs: DiffRun[]
}
export interface Comparison {
  headline: DiffRun[]
  blocks: DiffBlock[]
}

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

function diffNode(step: { node: SharedType; before: SharedType | null; change: Change; by: number | null }, older: Y.Doc, who: Attribution, out: Runs): void {
  const { node, change, by } = step
  // Matched by content though not by id (written again since): unchanged, as the newer has it.
  const whole = change !== 'same' || (step.before !== null && !sameType(node, step.before))
  if (whole) return wholeNode(node, who, out, change, by)
  if (node instanceof Y.XmlText) diffText(node, older, who, out)
  else if (node instanceof Y.XmlElement && node.nodeName === 'hardBreak') out.push('\n', change, by)
  else if (node instanceof Y.XmlElement) {
    out.break(change, by)
    for (const child of childSteps(node, older, who)) diffNode(child, older, who, out)
  }
}

/** A whole node, all of it added, removed (`node` from the older state) or unchanged. */
function wholeNode(node: SharedType, who: Attribution, out: Runs, change: Change, fallback: number | null): void {
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
    for (let item = node._start; item !== null; item = item.right) {
      if (!item.deleted && item.content instanceof Y.ContentType) wholeNode(item.content.type, who, out, change, change === 'removed' ? fallback : who.insertedBy(item.id.client))
    }
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

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

/**
 * Make `doc`'s body, headline, slug, bylines and dateline equal to `version`'s (an earlier state
 * of the same story) with the fewest edits, matched by item id: what both have stays, what only
 * `doc` has is deleted, what was deleted since is inserted again as a copy (new items; history
 * keeps everything). Blocks that did not change are not touched, so someone typing in one while
 * the restore happens keeps every character. Desk fields (section, status, planned length,
 * assignment) are not restored. Returns the deletions made, for attribution.
 */
export function restoreDoc(doc: Y.Doc, version: Y.Doc): DeleteSet {
  let deleted: DeleteSet | null = null
  doc.transact((transaction) => {
    restoreChildren(getBody(doc), getBody(version), version)
    for (const key of ['headline', 'slug'] as const) {
      const text = getMetaText(doc, key)
      const source = getMetaText(version, key)
      if (text && source) restoreText(text, source, version)
    }
    const bylines = getBylines(doc)
    const oldBylines = getBylines(version)
    if (bylines && oldBylines) restoreArray(bylines, oldBylines, version)
    const dateline = getDatelineMap(doc)
    const oldDateline = getDatelineMap(version)
    if (dateline && oldDateline) {
      for (const field of DATELINE_FIELDS) {
        const value = oldDateline.get(field)
        if (typeof value === 'string' && dateline.get(field) !== value) dateline.set(field, value)
      }
    }
    deleted = transaction.deleteSet
  })
  return deleted ?? Y.createDeleteSet()
}

/** Whether two types are the same shared type (same item id), so they can be matched by id. */
function sameType(a: SharedType, b: SharedType): boolean {
  if (a._item === null || b._item === null) return a._item === b._item
  return Y.compareIDs(a._item.id, b._item.id)
}

function restoreChildren(type: Y.XmlFragment, source: Y.XmlFragment, version: Y.Doc): void {
  if (!sameType(type, source)) throw new Error('restore: the version is not a state of this document')
  type Step = { kind: 'keep'; node: SharedType; source: SharedType } | { kind: 'skip' } | { kind: 'delete' } | { kind: 'insert'; source: SharedType }
  const steps: Step[] = []
  let removed: SharedType[] = []
  let missing: SharedType[] = []
  const flush = (): void => {
    for (const step of matchNodes(removed, missing, nodeKey)) {
      if (step.current && step.other) steps.push({ kind: 'skip' })
      else if (step.current) steps.push({ kind: 'delete' })
      else if (step.other) steps.push({ kind: 'insert', source: step.other })
    }
    removed = []
    missing = []
  }
  // Plan first, edit after: the walk reads the item chain that the edits change.
  for (const s of alignedSegments(type, version)) {
    if (s.here && s.item.content instanceof Y.ContentType) {
      if (s.thereVisible && s.there?.content instanceof Y.ContentType) {
        flush()
        steps.push({ kind: 'keep', node: s.item.content.type, source: s.there.content.type })
      } else removed.push(s.item.content.type)
    } else if (!s.here && s.thereVisible && s.there?.content instanceof Y.ContentType) missing.push(s.there.content.type)
  }
  flush()
  let index = 0
  for (const step of steps) {
    if (step.kind === 'delete') {
      type.delete(index, 1)
      continue
    }
    if (step.kind === 'insert') {
      const copy = copyNode(step.source)
      if (copy) type.insert(index, [copy])
    } else if (step.kind === 'keep') {
      if (step.node instanceof Y.XmlText && step.source instanceof Y.XmlText) restoreText(step.node, step.source, version)
      else if (step.node instanceof Y.XmlElement && step.source instanceof Y.XmlElement) {
        restoreAttributes(step.node, step.source)
        restoreChildren(step.node, step.source, version)
      }
    }
    index++
  }
}

/** A fresh copy of a node of the version: element name, attributes, text with its formatting. */
function copyNode(source: SharedType): Y.XmlElement | Y.XmlText | null {
  if (source instanceof Y.XmlText) {
    const copy = new Y.XmlText()
    copy.applyDelta(source.toDelta())
    return copy
  }
  if (!(source instanceof Y.XmlElement)) return null
  const copy = new Y.XmlElement(source.nodeName)
  for (const [key, value] of Object.entries(source.getAttributes())) if (value !== undefined) copy.setAttribute(key, value)
  copy.insert(0, source.toArray().flatMap((child) => copyNode(child) ?? []))
  return copy
}

function restoreAttributes(node: Y.XmlElement, source: Y.XmlElement): void {
  const want = source.getAttributes()
  const have = node.getAttributes()
  for (const [key, value] of Object.entries(want)) if (value !== undefined && !sameJson(have[key], value)) node.setAttribute(key, value)
  for (const key of Object.keys(have)) if (!(key in want)) node.removeAttribute(key)
}

type Attributes = Record<string, unknown>

/** The formatting each visible text item of `text` has. */
function formatsOf(text: ItemChain): Map<Y.Item, Attributes> {
  const formats = new Map<Y.Item, Attributes>()
  let current: Attributes = {}
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted) continue
    if (item.content instanceof Y.ContentFormat) {
      const { key, value } = item.content
      current = { ...current }
      if (value === null) delete current[key]
      else current[key] = value
    } else formats.set(item, current)
  }
  return formats
}

function restoreText(text: Y.Text, source: Y.Text, version: Y.Doc): void {
  if (!sameType(text, source)) {
    // Not the same shared text (never so for stories: their texts are created once): replace.
    text.delete(0, text.length)
    text.applyDelta(source.toDelta())
    return
  }
  const formats = formatsOf(source)
  type Op = { kind: 'keep'; len: number } | { kind: 'delete'; len: number } | { kind: 'insert'; text: string; attributes: Attributes }
  const ops: Op[] = []
  let removed = ''
  let missing: Array<{ text: string; attributes: Attributes }> = []
  const flush = (): void => {
    const missingText = missing.map((piece) => piece.text).join('')
    const [start, end] = commonEnds(removed, missingText)
    if (start > 0) ops.push({ kind: 'keep', len: start })
    if (removed.length - start - end > 0) ops.push({ kind: 'delete', len: removed.length - start - end })
    for (const piece of slicePieces(missing, start, missingText.length - end)) ops.push({ kind: 'insert', ...piece })
    if (end > 0) ops.push({ kind: 'keep', len: end })
    removed = ''
    missing = []
  }
  for (const s of alignedSegments(text, version)) {
    if (s.here && s.item.countable) {
      if (s.thereVisible) {
        flush()
        ops.push({ kind: 'keep', len: s.len })
      } else removed += segmentText(s) ?? '\uFFFC'.repeat(s.len)
    } else if (!s.here && s.thereVisible && s.there) {
      const piece = segmentText(s, true)
      if (piece !== null) missing.push({ text: piece, attributes: formats.get(s.there) ?? {} })
    }
  }
  flush()
  let index = 0
  for (const op of ops) {
    if (op.kind === 'keep') index += op.len
    else if (op.kind === 'delete') text.delete(index, op.len)
    else {
      // Exactly the version's formatting: marks active here but not given are ended.
      text.insert(index, op.text, { ...op.attributes })
      index += op.text.length
    }
  }
  restoreFormatting(text, source)
}

type DeltaOp = { insert?: unknown; attributes?: Attributes }

/** Runs of equal formatting, by length. */
function spans(delta: DeltaOp[]): Array<{ len: number; attributes: Attributes }> {
  return delta.map((op) => ({ len: typeof op.insert === 'string' ? op.insert.length : 1, attributes: op.attributes ?? {} }))
}

/** With the characters equal, give every range the version's marks (bold added since is removed…). */
function restoreFormatting(text: Y.Text, source: Y.Text): void {
  const have = spans(text.toDelta() as DeltaOp[])
  const want = spans(source.toDelta() as DeltaOp[])
  let index = 0
  let i = 0
  let j = 0
  let leftHave = have[0]?.len ?? 0
  let leftWant = want[0]?.len ?? 0
  while (i < have.length && j < want.length) {
    const len = Math.min(leftHave, leftWant)
    const a = have[i]?.attributes ?? {}
    const b = want[j]?.attributes ?? {}
    if (len > 0 && !sameJson(a, b)) {
      const patch: Attributes = { ...b }
      for (const key of Object.keys(a)) if (!(key in b)) patch[key] = null
      text.format(index, len, patch)
    }
    index += len
    leftHave -= len
    leftWant -= len
    if (leftHave === 0) leftHave = have[++i]?.len ?? 0
    if (leftWant === 0) leftWant = want[++j]?.len ?? 0
  }
}

function restoreArray(array: Y.Array<string>, source: Y.Array<string>, version: Y.Doc): void {
  if (!sameType(array, source)) {
    array.delete(0, array.length)
    array.insert(0, source.toArray())
    return
  }
  type Op = { kind: 'keep'; len: number } | { kind: 'delete'; len: number } | { kind: 'insert'; values: string[] }
  const ops: Op[] = []
  let removed: unknown[] = []
  let missing: string[] = []
  const flush = (): void => {
    for (const step of matchNodes(removed, missing, (value) => JSON.stringify(value))) {
      if (step.current !== undefined && step.other !== undefined) ops.push({ kind: 'keep', len: 1 })
      else if (step.current !== undefined) ops.push({ kind: 'delete', len: 1 })
      else if (step.other !== undefined) ops.push({ kind: 'insert', values: [step.other] })
    }
    removed = []
    missing = []
  }
  for (const s of alignedSegments(array, version)) {
    if (s.here && s.item.content instanceof Y.ContentAny) {
      if (s.thereVisible) {
        flush()
        ops.push({ kind: 'keep', len: s.len })
      } else removed.push(...s.item.content.arr.slice(s.offset, s.offset + s.len))
    } else if (!s.here && s.thereVisible && s.there?.content instanceof Y.ContentAny) {
      const values: unknown[] = s.there.content.arr.slice(s.thereOffset, s.thereOffset + s.len)
      missing.push(...values.filter((value): value is string => typeof value === 'string'))
    }
  }
  flush()
  let index = 0
  for (const op of ops) {
    if (op.kind === 'keep') index += op.len
    else if (op.kind === 'delete') array.delete(index, op.len)
    else {
      array.insert(index, op.values)
      index += op.values.length
    }
  }
}
