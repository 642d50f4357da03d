/**
 * The record of suggestion decisions: who accepted or rejected which suggestion, when, and what it
 * said. Suggestions live in the story document and vanish once settled, so this table is the only
 * trace of them afterwards (the issue asks that accept and reject be recorded: who, when, what).
 * Decisions are recorded by the server from the updates it applies (server/suggestionReview.ts),
 * in the same transaction as the update that settles them (`insertDecisions`), by the node that
 * stores it: never from a client's claim (issue 11, audit forgery).
 */
import type { Kysely } from 'kysely'
import type { DecisionKind } from '../src/shared/api.js'
import type { StoreSchema } from './store/schema.js'

/** Longest recorded suggestion text, in characters. */
export const DECISION_TEXT_MAX_CHARS = 2000

/** One settled suggestion, as the server found it in an update it applied. */
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

/** The table row of one decision. */
function decisionRow(storyId: string, userId: number, decision: DecisionInput, at: number) {
  return {
    story_id: storyId,
    user_id: userId,
    action: decision.action,
    suggestion_id: decision.suggestionId,
    author_id: decision.authorId,
    kind: decision.kind,
    text: decision.text,
    at,
  }
}

/** Store one person's decisions at one moment inside the caller's transaction (the update that settles them). */
export async function insertDecisions(db: Kysely<StoreSchema>, storyId: string, userId: number, decisions: readonly DecisionInput[], at = Date.now()): Promise<void> {
  const rows = decisions.map((decision) => decisionRow(storyId, userId, decision, at))
  for (let start = 0; start < rows.length; start += 200) await db.insertInto('suggestion_decisions').values(rows.slice(start, start + 200)).execute()
}

/**
 * Suggestion decisions on the store's database (`suggestion_decisions`, made and changed only by
 * the migrations in server/store/migrations.ts).
 */
export class SuggestionLog {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** Record a batch of decisions by one person at one moment, all or none. */
  async record(storyId: string, userId: number, decisions: readonly DecisionInput[], at = Date.now()): Promise<Decision[]> {
    return this.db.transaction().execute(async (trx) => {
      const recorded: Decision[] = []
      for (const decision of decisions) {
        const { id } = await trx
          .insertInto('suggestion_decisions')
          .values(decisionRow(storyId, userId, decision, at))
          .returning('id')
          .executeTakeFirstOrThrow()
        recorded.push({ ...decision, id, storyId, userId, at })
      }
      return recorded
    })
  }

  /** A story's decisions, newest first. */
  async list(storyId: string, limit = 500): Promise<Decision[]> {
    const rows = await this.db
      .selectFrom('suggestion_decisions')
      .selectAll()
      .where('story_id', '=', storyId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    return rows.map((row) => ({
      id: row.id,
      storyId: row.story_id,
      userId: row.user_id,
      action: row.action,
      suggestionId: row.suggestion_id,
      authorId: row.author_id,
      kind: row.kind,
      text: row.text,
      at: row.at,
    }))
  }
}
