/**
 * The story store: each story is a snapshot plus an append-only log of Yjs updates, with its
 * index row (what the story list shows) and the ledgers the room keeps (who is behind each Yjs
 * client id, who each suggestion id belongs to). Asynchronous, over Kysely, so one implementation
 * runs on SQLite (the default, WAL: when `appendUpdate` resolves the update is in the WAL and
 * survives `kill -9`) and on PostgreSQL (server/store/backends.ts). One exception: SQLite's plain
 * append, the write behind every edit, runs its own prepared statement (`insertUpdate`).
 *
 * Loading is the snapshot plus every row still in the log; `compact` folds the rows it reads into
 * the snapshot and deletes exactly those rows, so a row another writer commits meanwhile is never
 * lost (applying a row twice changes nothing in Yjs).
 */
import type Database from 'better-sqlite3'
import type { Kysely } from 'kysely'
import * as Y from 'yjs'
import type { Status } from '../src/shared/newsroom.js'
import { EMPTY_DESK_SUMMARY, type DeskSummary, type StorySummary } from '../src/shared/api.js'
import type { Backend } from './store/backends.js'
import type { StoreSchema, StoriesTable } from './store/schema.js'
import { insertDeletions, type Deletion } from './versions.js'
import { createStoryDoc } from './suggestionHistory.js'

export type { StorySummary }

/** The index fields that come from the document itself. */
export type StoryIndexFields = Omit<StorySummary, 'id' | 'createdAt' | 'updatedAt' | 'desk' | 'present' | 'openComments'>

type StoriesRow = StoriesTable

/** A story's text as search reads it (server/storySearch.ts), kept beside its index row. */
export interface SearchText {
  /** The body, one block a line, desk notes left out. */
  body: string
  /** Headline, slug, bylines and body, folded for search. */
  folded: string
}

/** A story as stored: its document, where its log ends, and the suggestion ids it has known. */
export interface LoadedStory {
  doc: Y.Doc
  /** The last sequence number of the story's log (0 when the log is empty). */
  lastSeq: number
  /** Rows in the log, not yet folded into the snapshot. */
  tailLength: number
  suggestionAuthors: Map<string, number | null>
  /**
   * The stored bytes when they are the whole story by themselves (a snapshot with no log after it),
   * which a new reader can be sent as they are, without encoding the document again.
   */
  encoded: Uint8Array | null
}

/** A story's rows as read from the store, before they are applied to a document. */
export interface StoredStory {
  snapshot: { state: Uint8Array; through_seq: number }
  tail: Array<{ seq: number; data: Uint8Array }>
  authors: Array<{ suggestion_id: string; author_id: number | null }>
}

/** What an update brings besides itself, stored in the same transaction. */
export interface UpdateExtras {
  /** Suggestion ids the update introduces, with their authors (server/room.ts). */
  suggestionAuthors?: ReadonlyMap<string, number | null>
  /** Yjs client ids first seen in the update, with the user behind each (who wrote what, for versions). */
  clientAuthors?: ReadonlyMap<number, number>
  /** Who deleted what in it (removed by, for versions). */
  deletions?: readonly Deletion[]
  /** More rows that must be stored with this update or not at all (a publication's outbox). */
  alsoWrite?: (db: Kysely<StoreSchema>) => Promise<void>
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

function toSummary(row: StoriesRow): StorySummary {
  const parsed = parseJson(row.bylines)
  const bylines = Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : []
  const desk = { ...EMPTY_DESK_SUMMARY, ...(parseJson(row.desk) as Partial<DeskSummary> | null) }
  return {
    id: row.id,
    headline: row.headline,
    slug: row.slug,
    section: row.section as StorySummary['section'],
    status: row.status as Status,
    bylines,
    words: row.words,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    desk,
    present: [],
    openComments: 0,
  }
}

/** An update would give a suggestion id a second author: nothing of it is stored. */
export class SuggestionAuthorConflict extends Error {
  readonly code = 'SUGGESTION_AUTHOR_CONFLICT'
  override name = 'SuggestionAuthorConflict'
  constructor(storyId: string, suggestionId: string) {
    super(`Suggestion ${suggestionId} of story ${storyId} already belongs to someone else`)
  }
}

/** The story store over a SQLite or PostgreSQL database. */
export class Storage {
  private readonly db: Kysely<StoreSchema>
  private appendStatement: Database.Statement<[string, Uint8Array]> | null = null

  constructor(private readonly backend: Backend) {
    this.db = backend.db
  }

  /** Create a story from its first document state and index fields. */
  async createStory(id: string, state: Uint8Array, fields: StoryIndexFields, desk: DeskSummary, now = Date.now(), text?: SearchText): Promise<StorySummary> {
    const row = { id, ...fields, bylines: JSON.stringify(fields.bylines), desk: JSON.stringify(desk), created_at: now, updated_at: now }
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('stories').values(row).execute()
      await trx.insertInto('story_snapshots').values({ story_id: id, state, through_seq: 0 }).execute()
      if (text) await trx.insertInto('story_search').values({ story_id: id, ...text }).execute()
    })
    return { id, ...fields, createdAt: now, updatedAt: now, desk, present: [], openComments: 0 }
  }

  /** Whether a story with this id exists. */
  async hasStory(id: string): Promise<boolean> {
    return (await this.db.selectFrom('stories').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
  }

  /** One story's index row. */
  async getStory(id: string): Promise<StorySummary | null> {
    const row = await this.db.selectFrom('stories').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toSummary(row) : null
  }

  /** Every story, most recently updated first. */
  async listStories(): Promise<StorySummary[]> {
    const rows = await this.db.selectFrom('stories').selectAll().orderBy('updated_at', 'desc').orderBy('id').execute()
    return rows.map(toSummary)
  }

  /**
   * The desk of every story in one of `statuses`, and nothing else of it: for sweeps that run
   * often (deadline alerts), which must not read and parse every story the newsroom ever had.
   */
  async desksOf(statuses: readonly Status[]): Promise<Array<{ id: string; status: Status; desk: DeskSummary }>> {
    if (statuses.length === 0) return []
    const rows = await this.db.selectFrom('stories').select(['id', 'status', 'desk']).where('status', 'in', statuses).execute()
    return rows.map((row) => ({ id: row.id, status: row.status as Status, desk: { ...EMPTY_DESK_SUMMARY, ...(parseJson(row.desk) as Partial<DeskSummary> | null) } }))
  }

  /** Rebuild a story's document: the snapshot, then every row still in its log, in order. */
  async loadDoc(id: string): Promise<LoadedStory | null> {
    const stored = await this.readStored(id)
    return stored && docOfStored(stored)
  }

  /** A story's snapshot, log rows and suggestion authors, read in one consistent view; null when there is no such story. */
  async readStored(id: string): Promise<StoredStory | null> {
    // One consistent view of snapshot and log: on PostgreSQL, READ COMMITTED would let a compaction
    // that commits between the two reads delete rows the older snapshot did not hold.
    return this.readTransaction().execute(async (trx) => {
      const snapshot = await trx.selectFrom('story_snapshots').select(['state', 'through_seq']).where('story_id', '=', id).executeTakeFirst()
      if (!snapshot) return null
      const tail = await trx.selectFrom('story_updates').select(['seq', 'data']).where('story_id', '=', id).orderBy('seq').execute()
      const authors = await trx.selectFrom('suggestion_authors').select(['suggestion_id', 'author_id']).where('story_id', '=', id).execute()
      return { snapshot, tail, authors }
    })
  }

  /**
   * Append one update to a story's log; resolves to its sequence number. What the update brings
   * (`extras`: suggestion ids it introduces, client ids first seen) is recorded in the same
   * transaction. Rejects when the database cannot take the write (`SQLITE_FULL`, `SQLITE_BUSY`,
   * PostgreSQL unreachable…), or with SuggestionAuthorConflict when a suggestion id it introduces
   * is on record under another author: then nothing of it is stored.
   */
  async appendUpdate(id: string, update: Uint8Array, extras: UpdateExtras = {}): Promise<number> {
    const { suggestionAuthors, clientAuthors, deletions, alsoWrite } = extras
    if (!suggestionAuthors?.size && !clientAuthors?.size && !deletions?.length && !alsoWrite) return this.insertUpdate(this.db, id, update)
    return this.db.transaction().execute(async (trx) => {
      if (suggestionAuthors?.size) {
        await this.insertSuggestionAuthors(trx, id, suggestionAuthors)
        await this.requireSuggestionAuthors(trx, id, suggestionAuthors)
      }
      if (clientAuthors?.size) {
        const rows = [...clientAuthors].map(([client_id, user_id]) => ({ story_id: id, client_id, user_id }))
        await trx.insertInto('story_authors').values(rows).onConflict((conflict) => conflict.doNothing()).execute()
      }
      if (deletions?.length) await insertDeletions(trx, id, deletions)
      if (alsoWrite) await alsoWrite(trx)
      return this.insertUpdate(trx, id, update)
    })
  }

  private async insertUpdate(db: Kysely<StoreSchema>, id: string, update: Uint8Array): Promise<number> {
    const sqlite = this.backend.sqlite
    // SQLite's plain append goes straight to its prepared statement (issue 12: through Kysely it
    // was compiled and prepared again for every edit), unless a transaction is open on the one
    // connection: the row would then be part of it, kept or rolled back with it.
    if (db === this.db && sqlite !== null && !sqlite.inTransaction) {
      // Run to its end, not read for a RETURNING row: `get` would hand back the row of an insert
      // whose commit then failed (a full disk), and say nothing of the failure.
      this.appendStatement ??= sqlite.prepare<[string, Uint8Array]>('INSERT INTO story_updates (story_id, data) VALUES (?, ?)')
      return Number(this.appendStatement.run(id, update).lastInsertRowid)
    }
    const row = await db.insertInto('story_updates').values({ story_id: id, data: update }).returning('seq').executeTakeFirstOrThrow()
    return row.seq
  }

  /**
   * Fold the rows of a story's log into its snapshot, in one transaction; resolves to how many were
   * folded. Only the rows read are deleted: one another writer commits meanwhile stays in the log.
   */
  async compact(id: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('story_snapshots').select(['state', 'through_seq']).where('story_id', '=', id)
      // One node at a time: the snapshot row is locked, and a node that finds it locked leaves the
      // folding to the one that has it (two compactions overwriting each other's snapshot could
      // otherwise drop the rows only the later one read).
      if (this.backend.kind === 'postgres') query = query.forUpdate().skipLocked()
      const snapshot = await query.executeTakeFirst()
      if (!snapshot) return 0
      const tail = await trx.selectFrom('story_updates').select(['seq', 'data']).where('story_id', '=', id).orderBy('seq').execute()
      if (tail.length === 0) return 0
      // Applied into a document rather than Y.mergeUpdates, which is superlinear in the rows merged;
      // one that keeps suggestion history, as rooms do, so the snapshot keeps it too.
      const doc = createStoryDoc()
      doc.transact(() => {
        Y.applyUpdate(doc, snapshot.state)
        for (const row of tail) Y.applyUpdate(doc, row.data)
      })
      const state = Y.encodeStateAsUpdate(doc)
      doc.destroy()
      const throughSeq = Math.max(snapshot.through_seq, tail.at(-1)?.seq ?? 0)
      await trx.updateTable('story_snapshots').set({ state, through_seq: throughSeq }).where('story_id', '=', id).execute()
      const seqs = tail.map((row) => row.seq)
      for (let start = 0; start < seqs.length; start += 1000) {
        await trx.deleteFrom('story_updates').where('story_id', '=', id).where('seq', 'in', seqs.slice(start, start + 1000)).execute()
      }
      return tail.length
    })
  }

  /** A transaction that sees one snapshot of the database throughout (SQLite's always do). */
  private readTransaction() {
    const transaction = this.db.transaction()
    return this.backend.kind === 'postgres' ? transaction.setIsolationLevel('repeatable read') : transaction
  }

  /** Number of logged updates not yet folded into the snapshot. */
  async tailLength(id: string): Promise<number> {
    const row = await this.db.selectFrom('story_updates').select((eb) => eb.fn.countAll<number>().as('n')).where('story_id', '=', id).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Store the index fields derived from the document, and with `text` its search text, in one transaction. */
  async updateIndex(id: string, fields: StoryIndexFields, desk: DeskSummary, updatedAt: number, text?: SearchText): Promise<StorySummary | null> {
    const write = async (db: Kysely<StoreSchema>) => {
      const result = await db
        .updateTable('stories')
        .set({ ...fields, bylines: JSON.stringify(fields.bylines), desk: JSON.stringify(desk), updated_at: updatedAt })
        .where('id', '=', id)
        .executeTakeFirst()
      // A story deleted meanwhile gets no search row (its reference would refuse it anyway).
      if (!text || Number(result.numUpdatedRows) === 0) return
      await db
        .insertInto('story_search')
        .values({ story_id: id, ...text })
        .onConflict((conflict) => conflict.column('story_id').doUpdateSet(text))
        .execute()
    }
    if (text) await this.db.transaction().execute(write)
    else await write(this.db)
    return this.getStory(id)
  }

  /** Up to `limit` stories with no search text yet, by id after `after` (the backfill's cursor). */
  async storiesWithoutSearchText(after: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('stories')
      .leftJoin('story_search', 'story_search.story_id', 'stories.id')
      .select('stories.id')
      .where('story_search.story_id', 'is', null)
      .where('stories.id', '>', after)
      .orderBy('stories.id')
      .limit(limit)
      .execute()
    return rows.map((row) => row.id)
  }

  /** Store a story's search text unless it has some: a room's write, from a newer document, wins. */
  async fillSearchText(id: string, text: SearchText): Promise<void> {
    if (!(await this.hasStory(id))) return
    await this.db
      .insertInto('story_search')
      .values({ story_id: id, ...text })
      .onConflict((conflict) => conflict.column('story_id').doNothing())
      .execute()
  }


  /** Every Yjs client id of a story with the user behind it. */
  async authorsOf(storyId: string): Promise<Map<number, number>> {
    const rows = await this.db.selectFrom('story_authors').select(['client_id', 'user_id']).where('story_id', '=', storyId).execute()
    return new Map(rows.map((row) => [row.client_id, row.user_id]))
  }

  /**
   * Remember who each suggestion id of a story belongs to, in one statement. An id already
   * recorded keeps its author: the first one recorded is the one the room has enforced.
   */
  async recordSuggestionAuthors(storyId: string, authors: ReadonlyMap<string, number | null>): Promise<void> {
    if (authors.size === 0) return
    await this.insertSuggestionAuthors(this.db, storyId, authors)
  }

  /** Every suggestion id recorded for a story, with its author (null: an anonymous author). */
  async suggestionAuthorsOf(storyId: string): Promise<Map<string, number | null>> {
    const rows = await this.db.selectFrom('suggestion_authors').select(['suggestion_id', 'author_id']).where('story_id', '=', storyId).execute()
    return new Map(rows.map((row) => [row.suggestion_id, row.author_id]))
  }

  /**
   * Every id of `authors` is on record under the author given: another node may have recorded one
   * first under someone else (two nodes never accept two authors for one suggestion). Read inside
   * the transaction after the insert, so on PostgreSQL a concurrent insert of the same id has
   * committed (the unique key waited for it) and is seen.
   */
  private async requireSuggestionAuthors(db: Kysely<StoreSchema>, storyId: string, authors: ReadonlyMap<string, number | null>): Promise<void> {
    const ids = [...authors.keys()]
    for (let start = 0; start < ids.length; start += 500) {
      const rows = await db
        .selectFrom('suggestion_authors')
        .select(['suggestion_id', 'author_id'])
        .where('story_id', '=', storyId)
        .where('suggestion_id', 'in', ids.slice(start, start + 500))
        .execute()
      for (const row of rows) {
        if (authors.get(row.suggestion_id) !== row.author_id) throw new SuggestionAuthorConflict(storyId, row.suggestion_id)
      }
    }
  }

  private async insertSuggestionAuthors(db: Kysely<StoreSchema>, storyId: string, authors: ReadonlyMap<string, number | null>): Promise<void> {
    const rows = [...authors].map(([suggestion_id, author_id]) => ({ story_id: storyId, suggestion_id, author_id }))
    for (let start = 0; start < rows.length; start += 500) {
      await db.insertInto('suggestion_authors').values(rows.slice(start, start + 500)).onConflict((conflict) => conflict.doNothing()).execute()
    }
  }

  /** One tiny write: rejects while the database cannot take writes (server/storeHealth.ts). */
  async probe(now = Date.now()): Promise<void> {
    await this.db
      .insertInto('store_probe')
      .values({ id: 1, at: now })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ at: now }))
      .execute()
  }

  /** The raw SQLite handle (tests reach under the store with it); throws on PostgreSQL. */
  get database(): Database.Database {
    if (!this.backend.sqlite) throw new Error('Only the SQLite store has a database handle')
    return this.backend.sqlite
  }

  /** Close the database (checkpointing the WAL on SQLite). */
  async close(): Promise<void> {
    await this.db.destroy()
  }
}

/** A story's document built from its stored rows (Storage.readStored). */
export function docOfStored({ snapshot, tail, authors }: StoredStory): LoadedStory {
  // Collected, except for what suggestions covered (server/suggestionHistory.ts).
  const doc = createStoryDoc()
  // One transaction for the whole load: observers (none yet) and the update event fire once.
  doc.transact(() => {
    Y.applyUpdate(doc, snapshot.state)
    for (const row of tail) Y.applyUpdate(doc, row.data)
  })
  return {
    doc,
    lastSeq: Math.max(snapshot.through_seq, tail.at(-1)?.seq ?? 0),
    tailLength: tail.length,
    suggestionAuthors: new Map(authors.map((row) => [row.suggestion_id, row.author_id])),
    encoded: tail.length === 0 ? snapshot.state : null,
  }
}
