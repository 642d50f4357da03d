/**
 * The record of suggestion decisions: who accepted or rejected which suggestion, when, and what it
 * said. Suggestions live in the story document and vanish once settled, so this table is the only
 * trace of them afterwards (the issue asks that accept and reject be recorded: who, when, what).
 */
import type Database from 'better-sqlite3'
import type { DecisionKind } from '../src/shared/api.js'

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

/**
 * Suggestion decisions in SQLite beside the stories: the `suggestion_decisions` table, made and
 * changed only by the migrations in server/storage.ts, which have run on any database Storage opened.
 */
export class SuggestionLog {
  private readonly insert: Database.Statement
  private readonly byStory: Database.Statement

  constructor(private readonly db: Database.Database) {
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
