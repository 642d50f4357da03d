/**
 * Version history of stories: automatic checkpoints, status and named versions, each the full
 * document state (`Y.encodeStateAsUpdateV2`) in SQLite. Full states rather than Yjs snapshots
 * because `Y.createDocFromSnapshot` needs `gc: false` on the live document (../shared/STACK.md),
 * and the rooms keep gc on. Comparing (./versionDiff.ts) and restoring (./versionRestore.ts) walk
 * two states of one document side by side by Yjs item id: the same text has the same ids in both.
 *
 * Growth is bounded: states are stored deflated (about half the size for prose), identical
 * consecutive states are stored once, and automatic checkpoints are thinned (all of the last day,
 * then one an hour, then one a day after 30 days); named, status and restore versions are kept.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type Database from 'better-sqlite3'
import * as Y from 'yjs'
import type { VersionKind, VersionSummary } from '../src/shared/api.js'
import { bodyWordCount } from '../src/shared/storyDoc.js'

export { VERSION_KINDS, type VersionKind, type VersionSummary } from '../src/shared/api.js'

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
export type DeleteSet = Y.Transaction['deleteSet']

/** Who removed a run of items: lengths in clock units, in order. */
export type Deleters = Array<{ len: number; by: number | null }>

/** The version store over the server's database. */
export class Versions {
  private readonly db: Database.Database
  private readonly now: () => number
  /** Per story: when its last version was made (read from SQLite once per story and process). */
  private readonly lastAt = new Map<string, number>()
  private readonly statements

  /** Over a migrated database (server/store/migrations.ts); `now` is for tests. */
  constructor(db: Database.Database, options: { now?: () => number } = {}) {
    this.db = db
    this.now = options.now ?? Date.now
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
