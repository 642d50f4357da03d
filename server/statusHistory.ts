/**
 * The workflow's record: every status move of a story (who, from, to, the reason a desk chief
 * gave to override the review gate or the correction note a published story was reopened with,
 * when), oldest first. Asynchronous, on the store's database.
 */
import type { Kysely } from 'kysely'
import type { HistoryEntry } from '../src/shared/api.js'
import { isStatus } from '../src/shared/newsroom.js'
import type { StoreSchema } from './store/schema.js'

export class StatusHistory {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** Record a move. */
  async record(storyId: string, entry: HistoryEntry): Promise<void> {
    await this.db
      .insertInto('status_history')
      .values({ story_id: storyId, user_id: entry.userId, from_status: entry.from, to_status: entry.to, reason: entry.reason, at: entry.at })
      .execute()
  }

  /** A story's moves, oldest first. */
  async list(storyId: string): Promise<HistoryEntry[]> {
    const rows = await this.db.selectFrom('status_history').selectAll().where('story_id', '=', storyId).orderBy('at').orderBy('id').execute()
    return rows.map((row) => ({
      userId: row.user_id,
      from: isStatus(row.from_status) ? row.from_status : 'draft',
      to: isStatus(row.to_status) ? row.to_status : 'draft',
      reason: row.reason,
      at: row.at,
    }))
  }
}
