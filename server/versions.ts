/**
 * Version history of stories: automatic checkpoints, status and named versions, each the full
 * document state (`Y.encodeStateAsUpdateV2`) in the store. Full states rather than Yjs snapshots
 * because `Y.createDocFromSnapshot` needs `gc: false` on the live document (../shared/STACK.md),
 * and the rooms keep gc on. Comparing (./versionDiff.ts) and restoring (./versionRestore.ts) walk
 * two states of one document side by side by Yjs item id: the same text has the same ids in both.
 *
 * Growth is bounded: states are stored deflated (about half the size for prose), identical
 * consecutive states are stored once, and automatic checkpoints are thinned (all of the last day,
 * then one an hour, then one a day after 30 days); named, status and restore versions are kept.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { sql, type Kysely } from 'kysely'
import * as Y from 'yjs'
import type { VersionKind, VersionSummary } from '../src/shared/api.js'
import { bodyWordCount } from '../src/shared/storyDoc.js'
import type { StoreSchema } from './store/schema.js'

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

const SUMMARY_COLUMNS = ['id', 'story_id', 'kind', 'name', 'user_id', 'created_at', 'bytes', 'words'] as const

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

/** One run of a client's items that a user deleted. */
export interface Deletion {
  client: number
  clock: number
  len: number
  userId: number
}

/** The runs a delete set removes, attributed to `userId`. */
export function deletionsIn(ds: DeleteSet, userId: number): Deletion[] {
  const out: Deletion[] = []
  for (const [client, ranges] of ds.clients) for (const range of ranges) out.push({ client, clock: range.clock, len: range.len, userId })
  return out
}

/**
 * What a client update (v1) deletes, attributed to its sender, for "removed by" in comparisons:
 * Yjs deletions carry no client id, so only the server, which knows the sender, can tell.
 */
export function deletionsOf(update: Uint8Array, userId: number): Deletion[] {
  const { ds } = Y.decodeUpdate(update)
  return ds.clients.size > 0 ? deletionsIn(ds, userId) : []
}

/** Store deletions (inside the caller's transaction), in statements of a bounded size. */
export async function insertDeletions(db: Kysely<StoreSchema>, storyId: string, deletions: readonly Deletion[]): Promise<void> {
  for (let start = 0; start < deletions.length; start += 500) {
    const rows = deletions.slice(start, start + 500).map(({ client, clock, len, userId }) => ({ story_id: storyId, client_id: client, clock, len, user_id: userId }))
    await db.insertInto('story_deletions').values(rows).execute()
  }
}

/** Key space of the per-story advisory locks that let one node at a time make a version. */
const VERSION_LOCK_SPACE = 4_173_002

/** The version store over the store's database (SQLite or PostgreSQL). */
export class Versions {
  private readonly now: () => number
  /**
   * Per story: when its last version was made, as this node last knew it. Only a hint that spares
   * a query per edit; the database has the last word (another node may have made one since).
   */
  private readonly lastAt = new Map<string, number>()
  /** Stories with a checkpoint being made now: edits meanwhile do not start a second. */
  private readonly making = new Set<string>()
  private readonly kind: 'sqlite' | 'postgres'

  /** Over a migrated database (server/store/migrations.ts); `now` is for tests. */
  constructor(
    private readonly db: Kysely<StoreSchema>,
    options: { now?: () => number; kind?: 'sqlite' | 'postgres' } = {},
  ) {
    this.now = options.now ?? Date.now
    this.kind = options.kind ?? 'sqlite'
  }

  /**
   * Called after every stored client update: no query unless an automatic checkpoint may be due,
   * i.e. the last version this node knows of is AUTO_CHECKPOINT_MS old. Resolves to the new
   * version, if one was made, so the caller can announce it. Several nodes editing one story
   * make one checkpoint: the last version is read again under a per-story lock.
   */
  async onEdited(storyId: string, doc: Y.Doc): Promise<VersionSummary | null> {
    const known = this.lastAt.get(storyId)
    if (known !== undefined && this.now() - known < AUTO_CHECKPOINT_MS) return null
    if (this.making.has(storyId)) return null
    this.making.add(storyId)
    // Encoded now, synchronously: the document goes on changing while the database works.
    const captured = capture(doc)
    try {
      const { version, created } = await this.store(storyId, captured, { kind: 'auto' })
      return created ? version : null
    } finally {
      this.making.delete(storyId)
    }
  }

  /**
   * Store the document's state as a version. A state identical to the last version's is not
   * stored again: an automatic checkpoint returns that version; an explicit one (named, status,
   * restore) takes over an identical automatic checkpoint, or shares its state with a new row.
   */
  async checkpoint(storyId: string, doc: Y.Doc, options: CheckpointOptions): Promise<VersionSummary> {
    return (await this.store(storyId, capture(doc), options)).version
  }

  /** `checkpoint`, telling whether a version was made or changed. */
  private async store(storyId: string, captured: Captured, options: CheckpointOptions): Promise<{ version: VersionSummary; created: boolean }> {
    const now = this.now()
    const name = options.name?.trim() ?? ''
    const userId = options.userId ?? null
    const result = await this.db.transaction().execute(async (trx) => {
      if (this.kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(${VERSION_LOCK_SPACE}, hashtext(${storyId}))`.execute(trx)
      const last = await trx
        .selectFrom('story_versions')
        .select([...SUMMARY_COLUMNS, 'snapshot'])
        .where('story_id', '=', storyId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
      // Another node made the automatic checkpoint meanwhile.
      if (options.kind === 'auto' && last && now - last.created_at < AUTO_CHECKPOINT_MS) return { version: toSummary(last), created: false, lastAt: last.created_at }
      if (last && Y.equalSnapshots(captured.snapshot, Y.decodeSnapshotV2(last.snapshot))) {
        if (options.kind === 'auto') return { version: toSummary(last), created: false, lastAt: now }
        if (last.kind === 'auto') {
          await trx.updateTable('story_versions').set({ kind: options.kind, name, user_id: userId, created_at: now }).where('id', '=', last.id).execute()
          return { version: { ...toSummary(last), kind: options.kind, name, userId, createdAt: now }, created: true, lastAt: now }
        }
      }
      const state = deflateRawSync(captured.state)
      const row = await trx
        .insertInto('story_versions')
        .values({ story_id: storyId, kind: options.kind, name, user_id: userId, created_at: now, state, bytes: state.length, words: captured.words, snapshot: Y.encodeSnapshotV2(captured.snapshot) })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (options.kind === 'auto') await this.thin(trx, storyId, now)
      const version: VersionSummary = { id: Number(row.id), storyId, kind: options.kind, name, userId, createdAt: now, bytes: state.length, words: captured.words }
      return { version, created: true, lastAt: now }
    })
    this.lastAt.set(storyId, result.lastAt)
    return { version: result.version, created: result.created }
  }

  /** Thin old automatic checkpoints: keep the newest of each hour (each day past 30 days). */
  private async thin(db: Kysely<StoreSchema>, storyId: string, now: number): Promise<void> {
    const rows = await db
      .selectFrom('story_versions')
      .select(['id', 'created_at'])
      .where('story_id', '=', storyId)
      .where('kind', '=', 'auto')
      .where('created_at', '<', now - KEEP_ALL_MS)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute()
    const seen = new Set<string>()
    const remove: number[] = []
    for (const row of rows) {
      const bucket = now - row.created_at > KEEP_HOURLY_MS ? `d${Math.floor(row.created_at / DAY_MS)}` : `h${Math.floor(row.created_at / HOUR_MS)}`
      if (seen.has(bucket)) remove.push(row.id)
      else seen.add(bucket)
    }
    if (remove.length > 0) await db.deleteFrom('story_versions').where('id', 'in', remove).execute()
  }

  /** A story's versions, newest first. */
  async list(storyId: string): Promise<VersionSummary[]> {
    const rows = await this.db.selectFrom('story_versions').select(SUMMARY_COLUMNS).where('story_id', '=', storyId).orderBy('id', 'desc').execute()
    return rows.map(toSummary)
  }

  /** One version with its state (`Y.encodeStateAsUpdateV2`); null if the story has no such version. */
  async get(storyId: string, versionId: number): Promise<{ summary: VersionSummary; state: Uint8Array } | null> {
    const row = await this.db
      .selectFrom('story_versions')
      .select([...SUMMARY_COLUMNS, 'state'])
      .where('story_id', '=', storyId)
      .where('id', '=', versionId)
      .executeTakeFirst()
    return row ? { summary: toSummary(row), state: new Uint8Array(inflateRawSync(row.state)) } : null
  }

  /** A version's document (gc off, so nothing in it is collected on load); null if there is none. */
  async load(storyId: string, versionId: number): Promise<{ summary: VersionSummary; doc: Y.Doc } | null> {
    const version = await this.get(storyId, versionId)
    if (!version) return null
    const doc = new Y.Doc({ gc: false })
    Y.applyUpdateV2(doc, version.state)
    return { summary: version.summary, doc }
  }

  /** Remember who deleted what in a client update (v1); rooms store this with the update itself. */
  async recordDeletions(storyId: string, update: Uint8Array, userId: number): Promise<void> {
    await insertDeletions(this.db, storyId, deletionsOf(update, userId))
  }

  /** Remember that `userId` deleted the ranges of `ds` (e.g. a transaction's deleteSet). */
  async recordDeleteSet(storyId: string, ds: DeleteSet, userId: number): Promise<void> {
    await this.db.transaction().execute((trx) => insertDeletions(trx, storyId, deletionsIn(ds, userId)))
  }

  /** Every recorded deletion of a story, for `deletedBy` (one query per comparison). */
  async deletionsOf(storyId: string): Promise<DeletionIndex> {
    const rows = await this.db
      .selectFrom('story_deletions')
      .select(['client_id', 'clock', 'len', 'user_id'])
      .where('story_id', '=', storyId)
      .orderBy('rowid')
      .execute()
    const byClient = new Map<number, Array<{ clock: number; len: number; user_id: number }>>()
    for (const row of rows) {
      const list = byClient.get(row.client_id) ?? []
      list.push(row)
      byClient.set(row.client_id, list)
    }
    return new DeletionIndex(byClient)
  }
}

/** A document's state, snapshot and word count, taken at one moment. */
interface Captured {
  state: Uint8Array
  snapshot: Y.Snapshot
  words: number
}

function capture(doc: Y.Doc): Captured {
  return { state: Y.encodeStateAsUpdateV2(doc), snapshot: Y.snapshot(doc), words: bodyWordCount(doc) }
}

/** A story's recorded deletions by client, answering who deleted a run of items. */
export class DeletionIndex {
  constructor(private readonly byClient: Map<number, Array<{ clock: number; len: number; user_id: number }>>) {}

  /** Who deleted items `clock … clock+len` of `client`: consecutive pieces, null where unknown. */
  deletedBy(client: number, clock: number, len: number): Deleters {
    const rows = (this.byClient.get(client) ?? []).filter((row) => row.clock < clock + len && row.clock + row.len > clock)
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
