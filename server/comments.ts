/**
 * Comment threads, their comments and @mention notifications, in the store beside the stories.
 * Thread bodies never enter the story document: commenting is not editing. A thread is anchored
 * by two encoded `Y.RelativePosition`s into the story's `body` (see src/review/comments/anchors.ts), so
 * it follows its passage through concurrent edits and outlives it (shown as detached).
 */
import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { CommentView, ThreadView } from '../src/shared/api.js'
import { insertNotifications } from './notifications.js'
import type { CommentsTable, CommentThreadsTable, StoreSchema } from './store/schema.js'


type ThreadRow = Selectable<CommentThreadsTable>
type CommentRow = Selectable<CommentsTable>


function toComment(row: CommentRow): CommentView {
  return {
    id: row.id,
    threadId: row.thread_id,
    authorId: row.author_id,
    body: row.deleted ? '' : row.body,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deleted: row.deleted === 1,
  }
}

function toThread(row: ThreadRow, comments: CommentView[]): ThreadView {
  return {
    id: row.id,
    storyId: row.story_id,
    start: row.start_anchor,
    end: row.end_anchor,
    quote: row.quote,
    authorId: row.author_id,
    createdAt: row.created_at,
    resolved: row.resolved_at !== null,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    comments,
  }
}

/** The comment repository over the store's database (SQLite or PostgreSQL; tables in server/store/migrations.ts). */
export class Comments {
  constructor(
    private readonly db: Kysely<StoreSchema>,
    private readonly kind: 'sqlite' | 'postgres' = 'sqlite',
  ) {}

  /** Every thread of a story with its comments, oldest first (the client puts them in document order). */
  async threads(storyId: string): Promise<ThreadView[]> {
    const [threads, comments] = await Promise.all([
      this.db.selectFrom('comment_threads').selectAll().where('story_id', '=', storyId).orderBy('created_at').orderBy('rowid').execute(),
      this.db
        .selectFrom('comments as c')
        .innerJoin('comment_threads as t', 't.id', 'c.thread_id')
        .selectAll('c')
        .where('t.story_id', '=', storyId)
        .orderBy('c.created_at')
        .orderBy('c.rowid')
        .execute(),
    ])
    const byThread = new Map<string, CommentView[]>()
    for (const row of comments) {
      const list = byThread.get(row.thread_id) ?? []
      list.push(toComment(row))
      byThread.set(row.thread_id, list)
    }
    return threads.map((row) => toThread(row, byThread.get(row.id) ?? []))
  }

  /** One thread with its comments, or null. */
  async thread(id: string, db: Kysely<StoreSchema> = this.db): Promise<ThreadView | null> {
    const row = await db.selectFrom('comment_threads').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    const comments = await db.selectFrom('comments').selectAll().where('thread_id', '=', id).orderBy('created_at').orderBy('rowid').execute()
    return toThread(row, comments.map(toComment))
  }

  /** One comment (deleted ones too), or null. */
  async comment(id: string, db: Kysely<StoreSchema> = this.db): Promise<CommentView | null> {
    const row = await db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toComment(row) : null
  }

  /** Start a thread on a passage with its first comment, in one transaction. */
  async createThread(input: { storyId: string; start: string; end: string; quote: string; authorId: number; body: string }, now = Date.now()): Promise<ThreadView> {
    const id = randomUUID()
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('comment_threads')
        .values({ id, story_id: input.storyId, start_anchor: input.start, end_anchor: input.end, quote: input.quote, author_id: input.authorId, created_at: now })
        .execute()
      await trx.insertInto('comments').values({ id: randomUUID(), thread_id: id, author_id: input.authorId, body: input.body, created_at: now }).execute()
      return (await this.thread(id, trx)) as ThreadView
    })
  }

  /** Reply in a thread. */
  async addComment(threadId: string, authorId: number, body: string, now = Date.now()): Promise<CommentView> {
    const id = randomUUID()
    await this.db.insertInto('comments').values({ id, thread_id: threadId, author_id: authorId, body, created_at: now }).execute()
    return (await this.comment(id)) as CommentView
  }

  /** Change a comment's text (not a deleted one); the new comment or null. */
  async editComment(id: string, body: string, now = Date.now()): Promise<CommentView | null> {
    const result = await this.db.updateTable('comments').set({ body, edited_at: now }).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) return null
    return this.comment(id)
  }

  /**
   * Delete a comment: it keeps its place in the thread as "deleted", and its mentions are
   * withdrawn. When no comment of the thread is left, the thread goes too.
   */
  async deleteComment(id: string, now = Date.now()): Promise<{ threadDeleted: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('comments').select('thread_id').where('id', '=', id).executeTakeFirst()
      if (!row) return { threadDeleted: false }
      // Two people deleting a thread's last two comments at once on two nodes: each must see the
      // other's deletion, or neither removes the thread. The thread row serializes them.
      if (this.kind === 'postgres') await trx.selectFrom('comment_threads').select('id').where('id', '=', row.thread_id).forUpdate().execute()
      await trx.updateTable('comments').set({ deleted: 1, body: '', edited_at: now }).where('id', '=', id).execute()
      await trx.deleteFrom('notifications').where('comment_id', '=', id).execute()
      const left = await trx
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('thread_id', '=', row.thread_id)
        .where('deleted', '=', 0)
        .executeTakeFirstOrThrow()
      if (Number(left.n) > 0) return { threadDeleted: false }
      await trx.deleteFrom('comment_threads').where('id', '=', row.thread_id).execute()
      return { threadDeleted: true }
    })
  }

  /** Resolve (by `userId`) or reopen a thread; false when it already was. */
  async setResolved(threadId: string, resolved: boolean, userId: number, now = Date.now()): Promise<boolean> {
    const result = resolved
      ? await this.db.updateTable('comment_threads').set({ resolved_at: now, resolved_by: userId }).where('id', '=', threadId).where('resolved_at', 'is', null).executeTakeFirst()
      : await this.db.updateTable('comment_threads').set({ resolved_at: null, resolved_by: null }).where('id', '=', threadId).where('resolved_at', 'is not', null).executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }

  /** Unresolved threads of each story (the review gate before Ready, and the story list). */
  async openThreadCounts(storyIds?: readonly string[]): Promise<Map<string, number>> {
    if (storyIds?.length === 0) return new Map()
    let query = this.db
      .selectFrom('comment_threads')
      .select((eb) => ['story_id', eb.fn.countAll<number>().as('n')])
      .where('resolved_at', 'is', null)
      .groupBy('story_id')
    if (storyIds) query = query.where('story_id', 'in', storyIds)
    const rows = await query.execute()
    return new Map(rows.map((row) => [row.story_id, Number(row.n)]))
  }

  /** Unresolved threads of one story. */
  async openThreadCount(storyId: string): Promise<number> {
    return (await this.openThreadCounts([storyId])).get(storyId) ?? 0
  }

  /**
   * Notify `userIds` that comment `commentId` mentions them, skipping anyone already notified
   * for it (an edit re-mentioning someone does not notify twice, on any node: the once-key of
   * server/notifications.ts). Returns who was notified.
   */
  async notify(userIds: Iterable<number>, at: { storyId: string; threadId: string; commentId: string; byUserId: number }, now = Date.now()): Promise<number[]> {
    const inputs = [...new Set(userIds)].map((userId) => ({
      userId,
      storyId: at.storyId,
      byUserId: at.byUserId,
      details: { kind: 'mention' as const, threadId: at.threadId, commentId: at.commentId },
      onceKey: `mention:${at.commentId}`,
    }))
    return insertNotifications(this.db, inputs, now)
  }
}
