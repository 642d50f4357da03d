/**
 * Durable story storage in SQLite (WAL). Each story is a snapshot plus an append-only log of
 * Yjs updates; loading is snapshot + tail, and `compact` folds the tail into a new snapshot.
 * Every write is synchronous (better-sqlite3): when `appendUpdate` returns, the update is in
 * the WAL, so it survives `kill -9` of this process.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import type { Status } from '../src/shared/newsroom.js'
import { EMPTY_DESK_SUMMARY, type DeskSummary, type StorySummary } from '../src/shared/api.js'

export type { StorySummary }

/** The index fields that come from the document itself. */
export type StoryIndexFields = Omit<StorySummary, 'id' | 'createdAt' | 'updatedAt' | 'desk' | 'present' | 'openComments'>

interface StoryRow {
  id: string
  headline: string
  slug: string
  section: string
  status: string
  bylines: string
  words: number
  created_at: number
  updated_at: number
  desk: string
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE stories (
     id TEXT PRIMARY KEY,
     headline TEXT NOT NULL DEFAULT '',
     slug TEXT NOT NULL DEFAULT '',
     section TEXT NOT NULL DEFAULT '',
     status TEXT NOT NULL DEFAULT 'draft',
     bylines TEXT NOT NULL DEFAULT '[]',
     words INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX stories_updated ON stories (updated_at DESC);
   CREATE TABLE story_snapshots (
     story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
     state BLOB NOT NULL,
     through_seq INTEGER NOT NULL
   );
   CREATE TABLE story_updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     data BLOB NOT NULL
   );
   CREATE INDEX story_updates_story ON story_updates (story_id, seq);`,
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     display_name TEXT NOT NULL,
     byline_name TEXT NOT NULL DEFAULT '',
     color TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('reporter', 'editor', 'chief')),
     is_admin INTEGER NOT NULL DEFAULT 0,
     password_hash TEXT NOT NULL,
     active INTEGER NOT NULL DEFAULT 1,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('browser', 'api')),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_user ON sessions (user_id);
   CREATE TABLE sections (
     name TEXT PRIMARY KEY COLLATE NOCASE,
     position INTEGER NOT NULL
   );
   CREATE TABLE status_history (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id INTEGER REFERENCES users (id),
     from_status TEXT NOT NULL,
     to_status TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     at INTEGER NOT NULL
   );
   CREATE INDEX status_history_story ON status_history (story_id, at);
   ALTER TABLE stories ADD COLUMN desk TEXT NOT NULL DEFAULT '{}';`,
  `CREATE TABLE story_authors (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     client_id INTEGER NOT NULL,
     user_id INTEGER NOT NULL REFERENCES users (id),
     PRIMARY KEY (story_id, client_id)
   );`,
  // Who each suggestion id belongs to (server/room.ts), kept after the values themselves are
  // deleted and collected. No reference on author_id: a server change may bring in any author.
  `CREATE TABLE suggestion_authors (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     suggestion_id TEXT NOT NULL,
     author_id INTEGER,
     PRIMARY KEY (story_id, suggestion_id)
   ) WITHOUT ROWID;`,
  // Decisions on format suggestions: kind 'format'. SQLite cannot change a CHECK in place, so the
  // table is rebuilt (new table, rows copied with their ids, old one dropped, new one renamed, its
  // index made again), inside the migration's transaction. The table was first made by
  // server/suggestionLog.ts when the decision routes started, so a database may not have it yet:
  // it is created in its first form before the rebuild. Nothing references it, so dropping it
  // with foreign keys on checks nothing and renaming rewrites nothing.
  `CREATE TABLE IF NOT EXISTS suggestion_decisions (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id INTEGER NOT NULL REFERENCES users (id),
     action TEXT NOT NULL CHECK (action IN ('accept', 'reject')),
     suggestion_id TEXT NOT NULL,
     author_id INTEGER,
     kind TEXT NOT NULL CHECK (kind IN ('insertion', 'deletion', 'replacement')),
     text TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE TABLE suggestion_decisions_rebuilt (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id INTEGER NOT NULL REFERENCES users (id),
     action TEXT NOT NULL CHECK (action IN ('accept', 'reject')),
     suggestion_id TEXT NOT NULL,
     author_id INTEGER,
     kind TEXT NOT NULL CHECK (kind IN ('insertion', 'deletion', 'replacement', 'format')),
     text TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   INSERT INTO suggestion_decisions_rebuilt (id, story_id, user_id, action, suggestion_id, author_id, kind, text, at)
     SELECT id, story_id, user_id, action, suggestion_id, author_id, kind, text, at FROM suggestion_decisions;
   DROP TABLE suggestion_decisions;
   ALTER TABLE suggestion_decisions_rebuilt RENAME TO suggestion_decisions;
   CREATE INDEX suggestion_decisions_story ON suggestion_decisions (story_id, at DESC, id DESC);`,
  // One row rewritten by the health probe (server/storeHealth.ts): the smallest write that tells
  // whether the database takes writes now (a full disk, a lock held by another process).
  `CREATE TABLE IF NOT EXISTS store_probe (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     at INTEGER NOT NULL
   );`,
]

/** What an update brings besides itself, stored in the same transaction. */
export interface UpdateExtras {
  /** Suggestion ids the update introduces, with their authors (server/room.ts). */
  suggestionAuthors?: ReadonlyMap<string, number | null>
  /** Yjs client ids first seen in the update, with the user behind each (who wrote what, for versions). */
  clientAuthors?: ReadonlyMap<number, number>
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

function toSummary(row: StoryRow): StorySummary {
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

/** The story store over one SQLite database file. */
export class Storage {
  private readonly db: Database.Database
  private readonly statements

  /** Open (and migrate) `DATA_DIR/deskline.db`. */
  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true })
    this.db = new Database(path.join(dataDir, 'deskline.db'))
    this.db.pragma('journal_mode = WAL')
    // NORMAL in WAL mode: a commit is in the WAL file (the OS has it) when the call returns, so a
    // killed process loses nothing; only a power cut can lose the last transactions.
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    // Never wait on a lock: better-sqlite3 waits synchronously, which would stall every story and
    // request while another process holds the database. A locked write fails at once instead;
    // rooms retry it without blocking (server/room.ts) and report the store as failing.
    this.db.pragma('busy_timeout = 0')
    this.migrate()
    const db = this.db
    this.statements = {
      insertStory: db.prepare(
        `INSERT INTO stories (id, headline, slug, section, status, bylines, words, desk, created_at, updated_at)
         VALUES (@id, @headline, @slug, @section, @status, @bylines, @words, @desk, @createdAt, @updatedAt)`,
      ),
      insertSnapshot: db.prepare(
        `INSERT INTO story_snapshots (story_id, state, through_seq) VALUES (?, ?, ?)
         ON CONFLICT (story_id) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq`,
      ),
      appendUpdate: db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)'),
      snapshot: db.prepare('SELECT state, through_seq FROM story_snapshots WHERE story_id = ?'),
      tail: db.prepare('SELECT seq, data FROM story_updates WHERE story_id = ? AND seq > ? ORDER BY seq'),
      deleteThrough: db.prepare('DELETE FROM story_updates WHERE story_id = ? AND seq <= ?'),
      exists: db.prepare('SELECT 1 FROM stories WHERE id = ?'),
      get: db.prepare('SELECT * FROM stories WHERE id = ?'),
      list: db.prepare('SELECT * FROM stories ORDER BY updated_at DESC, id'),
      updateIndex: db.prepare(
        `UPDATE stories SET headline = @headline, slug = @slug, section = @section, status = @status,
           bylines = @bylines, words = @words, desk = @desk, updated_at = @updatedAt WHERE id = @id`,
      ),
      tailLength: db.prepare('SELECT count(*) AS n FROM story_updates WHERE story_id = ?'),
      insertSuggestionAuthor: db.prepare('INSERT OR IGNORE INTO suggestion_authors (story_id, suggestion_id, author_id) VALUES (?, ?, ?)'),
      suggestionAuthors: db.prepare('SELECT suggestion_id, author_id FROM suggestion_authors WHERE story_id = ?'),
      insertAuthor: db.prepare('INSERT OR IGNORE INTO story_authors (story_id, client_id, user_id) VALUES (?, ?, ?)'),
      probe: db.prepare('INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'),
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number
    for (let index = version; index < MIGRATIONS.length; index++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[index] ?? '')
        this.db.pragma(`user_version = ${index + 1}`)
      })()
    }
  }

  /** Create a story from its first document state and index fields. */
  createStory(id: string, state: Uint8Array, fields: StoryIndexFields, desk: DeskSummary, now = Date.now()): StorySummary {
    const row = { id, ...fields, bylines: JSON.stringify(fields.bylines), desk: JSON.stringify(desk), createdAt: now, updatedAt: now }
    this.db.transaction(() => {
      this.statements.insertStory.run(row)
      this.statements.insertSnapshot.run(id, state, 0)
    })()
    return { id, ...fields, createdAt: now, updatedAt: now, desk, present: [], openComments: 0 }
  }

  /** Whether a story with this id exists. */
  hasStory(id: string): boolean {
    return this.statements.exists.get(id) !== undefined
  }

  /** One story's index row. */
  getStory(id: string): StorySummary | null {
    const row = this.statements.get.get(id) as StoryRow | undefined
    return row ? toSummary(row) : null
  }

  /** Every story, most recently updated first. */
  listStories(): StorySummary[] {
    return (this.statements.list.all() as StoryRow[]).map(toSummary)
  }

  /** Rebuild a story's document: snapshot, then every logged update after it. */
  loadDoc(id: string): { doc: Y.Doc; lastSeq: number; tailLength: number } | null {
    const snapshot = this.statements.snapshot.get(id) as { state: Buffer; through_seq: number } | undefined
    if (!snapshot) return null
    const doc = new Y.Doc()
    const tail = this.statements.tail.all(id, snapshot.through_seq) as Array<{ seq: number; data: Buffer }>
    // One transaction for the whole load: observers (none yet) and the update event fire once.
    doc.transact(() => {
      Y.applyUpdate(doc, snapshot.state)
      for (const row of tail) Y.applyUpdate(doc, row.data)
    })
    const lastSeq = tail.length > 0 ? (tail[tail.length - 1]?.seq ?? snapshot.through_seq) : snapshot.through_seq
    return { doc, lastSeq, tailLength: tail.length }
  }

  /**
   * Append one update to a story's log; returns its sequence number. What the update brings
   * (`extras`: suggestion ids it introduces, client ids first seen) is recorded in the same
   * transaction; without extras (nearly every update) this is a single insert. Throws when the
   * database cannot take the write (`SQLITE_FULL`, `SQLITE_BUSY`…): then nothing of it is stored.
   */
  appendUpdate(id: string, update: Uint8Array, extras: UpdateExtras = {}): number {
    const { suggestionAuthors, clientAuthors } = extras
    if (!suggestionAuthors?.size && !clientAuthors?.size) return Number(this.statements.appendUpdate.run(id, update).lastInsertRowid)
    return this.db.transaction(() => {
      if (suggestionAuthors) this.insertSuggestionAuthors(id, suggestionAuthors)
      for (const [clientId, userId] of clientAuthors ?? []) this.statements.insertAuthor.run(id, clientId, userId)
      return Number(this.statements.appendUpdate.run(id, update).lastInsertRowid)
    })()
  }

  /** One tiny write: throws while the database cannot take writes (server/storeHealth.ts). */
  probe(now = Date.now()): void {
    this.statements.probe.run(now)
  }

  /** Replace the snapshot with `state` and drop the log up to `throughSeq`, atomically. */
  compact(id: string, state: Uint8Array, throughSeq: number): void {
    this.db.transaction(() => {
      this.statements.insertSnapshot.run(id, state, throughSeq)
      this.statements.deleteThrough.run(id, throughSeq)
    })()
  }

  /** Number of logged updates not yet folded into the snapshot. */
  tailLength(id: string): number {
    return (this.statements.tailLength.get(id) as { n: number }).n
  }

  /** Store the index fields derived from the document. */
  updateIndex(id: string, fields: StoryIndexFields, desk: DeskSummary, updatedAt: number): StorySummary | null {
    this.statements.updateIndex.run({ id, ...fields, bylines: JSON.stringify(fields.bylines), desk: JSON.stringify(desk), updatedAt })
    return this.getStory(id)
  }

  /** Remember that Yjs client `clientId` in a story is `userId` (who wrote what, for versions). */
  recordAuthor(storyId: string, clientId: number, userId: number): void {
    this.statements.insertAuthor.run(storyId, clientId, userId)
  }

  /** Every Yjs client id of a story with the user behind it. */
  authorsOf(storyId: string): Map<number, number> {
    const rows = this.db.prepare('SELECT client_id, user_id FROM story_authors WHERE story_id = ?').all(storyId) as Array<{ client_id: number; user_id: number }>
    return new Map(rows.map((row) => [row.client_id, row.user_id]))
  }

  /**
   * Remember who each suggestion id of a story belongs to, in one transaction. An id already
   * recorded keeps its author: the first one recorded is the one the room has enforced.
   */
  recordSuggestionAuthors(storyId: string, authors: ReadonlyMap<string, number | null>): void {
    if (authors.size === 0) return
    this.db.transaction(() => this.insertSuggestionAuthors(storyId, authors))()
  }

  /** Every suggestion id recorded for a story, with its author (null: an anonymous author). */
  suggestionAuthorsOf(storyId: string): Map<string, number | null> {
    const rows = this.statements.suggestionAuthors.all(storyId) as Array<{ suggestion_id: string; author_id: number | null }>
    return new Map(rows.map((row) => [row.suggestion_id, row.author_id]))
  }

  private insertSuggestionAuthors(storyId: string, authors: ReadonlyMap<string, number | null>): void {
    for (const [suggestionId, authorId] of authors) this.statements.insertSuggestionAuthor.run(storyId, suggestionId, authorId)
  }

  /** The open database, for the other repositories (users, sessions, sections, history). */
  get database(): Database.Database {
    return this.db
  }

  /** Close the database (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close()
  }
}
