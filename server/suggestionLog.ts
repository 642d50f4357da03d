/**
 * The record of suggestion decisions: who accepted or rejected which suggestion, when, and what it
 * said. Suggestions live in the story document and vanish once settled, so this table is the only
 * trace of them afterwards (the issue asks that accept and reject be recorded: who, when, what).
 */
import type Database from 'better-sqlite3'
import type { DecisionKind } from '../src/shared/api.js'

/**
 * The table as the migrations in server/storage.ts leave it. Its shape changes only there (the
 * `format` kind came with the rebuild in migration 5, which also creates the table on a database
 * that has none yet), so on a database Storage opened this finds everything in place; keep the two
 * equal.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS suggestion_decisions (
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
  CREATE INDEX IF NOT EXISTS suggestion_decisions_story ON suggestion_decisions (story_id, at DESC, id DESC);
`

/** What the client reports about one settled suggestion. */
export interface DecisionInput {
  action: 'accept' | 'reject'
  suggestionId: string
  /** The suggestion's author; null for suggestions made before authors were stored. */
  authorId: number | null
  kind: DecisionKind
  text: string
}

/** One recorded decision, as the API answers it. */
export interface Decision extends DecisionInput {
  id: number
  storyId: string
  /** Who decided (stamped by the server, never taken from the request). */
  userId: number
  /** When, ms since the epoch (stamped by the server). */
  at: number
}

interface DecisionRow {
  id: number
  story_id: string
  user_id: number
  action: 'accept' | 'reject'
  suggestion_id: string
  author_id: number | null
  kind: DecisionKind
  text: string
  at: number
}

const toDecision = (row: DecisionRow): Decision => ({
  id: row.id,
  storyId: row.story_id,
  userId: row.user_id,
  action: row.action,
  suggestionId: row.suggestion_id,
  authorId: row.author_id,
  kind: row.kind,
  text: row.text,
  at: row.at,
})

/** Suggestion decisions in SQLite beside the stories. */
export class SuggestionLog {
  private readonly insert: Database.Statement
  private readonly byStory: Database.Statement

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA)
    this.insert = db.prepare(
      'INSERT INTO suggestion_decisions (story_id, user_id, action, suggestion_id, author_id, kind, text, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    this.byStory = db.prepare('SELECT * FROM suggestion_decisions WHERE story_id = ? ORDER BY at DESC, id DESC LIMIT ?')
  }

  /** Record a batch of decisions by one person at one moment, all or none. */
  record(storyId: string, userId: number, decisions: readonly DecisionInput[], at = Date.now()): Decision[] {
    const run = this.db.transaction(() =>
      decisions.map((decision) => {
        const { lastInsertRowid } = this.insert.run(storyId, userId, decision.action, decision.suggestionId, decision.authorId, decision.kind, decision.text, at)
        return { ...decision, id: Number(lastInsertRowid), storyId, userId, at }
      }),
    )
    return run()
  }

  /** A story's decisions, newest first. */
  list(storyId: string, limit = 500): Decision[] {
    return (this.byStory.all(storyId, limit) as DecisionRow[]).map(toDecision)
  }
}
