/**
 * Comment threads, their comments and @mention notifications, in SQLite beside the stories.
 * Thread bodies never enter the story document: commenting is not editing. A thread is anchored
 * by two encoded `Y.RelativePosition`s into the story's `body` (see src/review/anchors.ts), so
 * it follows its passage through concurrent edits and outlives it (shown as detached).
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { CommentView, NotificationView, ThreadView } from '../src/shared/api.js'


interface ThreadRow {
  id: string
  story_id: string
  start_anchor: string
  end_anchor: string
  quote: string
  author_id: number
  created_at: number
  resolved_at: number | null
  resolved_by: number | null
}

interface CommentRow {
  id: string
  thread_id: string
  author_id: number
  body: string
  created_at: number
  edited_at: number | null
  deleted: number
}

interface NotificationRow {
  id: string
  user_id: number
  story_id: string
  thread_id: string
  comment_id: string
  by_user_id: number
  created_at: number
  read_at: number | null
  body: string
  deleted: number
}

/** What a notification's excerpt keeps of the comment. */
const EXCERPT_CHARS = 160

/** How many notifications `GET /api/notifications` returns at most. */
export const NOTIFICATION_LIMIT = 100

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

/** The comment repository over the server's database (its tables come from server/store/migrations.ts). */
export class Comments {
  private readonly db: Database.Database
  private readonly statements

  constructor(db: Database.Database) {
    this.db = db
    this.statements = {
      threadsOf: db.prepare('SELECT * FROM comment_threads WHERE story_id = ? ORDER BY created_at, rowid'),
      commentsOfStory: db.prepare(
        `SELECT c.* FROM comments c JOIN comment_threads t ON t.id = c.thread_id WHERE t.story_id = ? ORDER BY c.created_at, c.rowid`,
      ),
      commentsOf: db.prepare('SELECT * FROM comments WHERE thread_id = ? ORDER BY created_at, rowid'),
      thread: db.prepare('SELECT * FROM comment_threads WHERE id = ?'),
      comment: db.prepare('SELECT * FROM comments WHERE id = ?'),
      insertThread: db.prepare(
        `INSERT INTO comment_threads (id, story_id, start_anchor, end_anchor, quote, author_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertComment: db.prepare('INSERT INTO comments (id, thread_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)'),
      editComment: db.prepare('UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted = 0'),
      deleteComment: db.prepare("UPDATE comments SET deleted = 1, body = '', edited_at = ? WHERE id = ?"),
      liveComments: db.prepare('SELECT count(*) AS n FROM comments WHERE thread_id = ? AND deleted = 0'),
      deleteThread: db.prepare('DELETE FROM comment_threads WHERE id = ?'),
      resolve: db.prepare('UPDATE comment_threads SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL'),
      reopen: db.prepare('UPDATE comment_threads SET resolved_at = NULL, resolved_by = NULL WHERE id = ? AND resolved_at IS NOT NULL'),
      openCount: db.prepare('SELECT count(*) AS n FROM comment_threads WHERE story_id = ? AND resolved_at IS NULL'),
      notified: db.prepare('SELECT user_id FROM notifications WHERE comment_id = ?'),
      insertNotification: db.prepare(
        `INSERT INTO notifications (id, user_id, story_id, thread_id, comment_id, by_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      dropNotifications: db.prepare('DELETE FROM notifications WHERE comment_id = ?'),
      notificationsOf: db.prepare(
        `SELECT n.*, c.body AS body, c.deleted AS deleted FROM notifications n JOIN comments c ON c.id = n.comment_id
         WHERE n.user_id = ? ORDER BY n.created_at DESC, n.rowid DESC LIMIT ?`,
      ),
      markRead: db.prepare('UPDATE notifications SET read_at = coalesce(read_at, ?) WHERE id = ? AND user_id = ?'),
    }
  }

  /** Every thread of a story with its comments, oldest first (the client puts them in document order). */
  threads(storyId: string): ThreadView[] {
    const byThread = new Map<string, CommentView[]>()
    for (const row of this.statements.commentsOfStory.all(storyId) as CommentRow[]) {
      const list = byThread.get(row.thread_id) ?? []
      list.push(toComment(row))
      byThread.set(row.thread_id, list)
    }
    return (this.statements.threadsOf.all(storyId) as ThreadRow[]).map((row) => toThread(row, byThread.get(row.id) ?? []))
  }

  /** One thread with its comments, or null. */
  thread(id: string): ThreadView | null {
    const row = this.statements.thread.get(id) as ThreadRow | undefined
    if (!row) return null
    return toThread(row, (this.statements.commentsOf.all(id) as CommentRow[]).map(toComment))
  }

  /** One comment (deleted ones too), or null. */
  comment(id: string): CommentView | null {
    const row = this.statements.comment.get(id) as CommentRow | undefined
    return row ? toComment(row) : null
  }

  /** Start a thread on a passage with its first comment, in one transaction. */
  createThread(input: { storyId: string; start: string; end: string; quote: string; authorId: number; body: string }, now = Date.now()): ThreadView {
    const id = randomUUID()
    this.db.transaction(() => {
      this.statements.insertThread.run(id, input.storyId, input.start, input.end, input.quote, input.authorId, now)
      this.statements.insertComment.run(randomUUID(), id, input.authorId, input.body, now)
    })()
    return this.thread(id) as ThreadView
  }

  /** Reply in a thread. */
  addComment(threadId: string, authorId: number, body: string, now = Date.now()): CommentView {
    const id = randomUUID()
    this.statements.insertComment.run(id, threadId, authorId, body, now)
    return this.comment(id) as CommentView
  }

  /** Change a comment's text (not a deleted one); the new comment or null. */
  editComment(id: string, body: string, now = Date.now()): CommentView | null {
    if (this.statements.editComment.run(body, now, id).changes === 0) return null
    return this.comment(id)
  }

  /**
   * Delete a comment: it keeps its place in the thread as "deleted", and its mentions are
   * withdrawn. When no comment of the thread is left, the thread goes too.
   */
  deleteComment(id: string, now = Date.now()): { threadDeleted: boolean } {
    return this.db.transaction(() => {
      const row = this.statements.comment.get(id) as CommentRow | undefined
      if (!row) return { threadDeleted: false }
      this.statements.deleteComment.run(now, id)
      this.statements.dropNotifications.run(id)
      const left = (this.statements.liveComments.get(row.thread_id) as { n: number }).n
      if (left > 0) return { threadDeleted: false }
      this.statements.deleteThread.run(row.thread_id)
      return { threadDeleted: true }
    })()
  }

  /** Resolve (by `userId`) or reopen a thread; false when it already was. */
  setResolved(threadId: string, resolved: boolean, userId: number, now = Date.now()): boolean {
    const result = resolved ? this.statements.resolve.run(now, userId, threadId) : this.statements.reopen.run(threadId)
    return result.changes > 0
  }

  /** Unresolved threads of a story (the review gate before Ready, and the budget). */
  openThreadCount(storyId: string): number {
    return (this.statements.openCount.get(storyId) as { n: number }).n
  }

  /**
   * Notify `userIds` that comment `commentId` mentions them, skipping anyone already notified
   * for it (an edit re-mentioning someone does not notify twice). Returns who was notified.
   */
  notify(userIds: Iterable<number>, at: { storyId: string; threadId: string; commentId: string; byUserId: number }, now = Date.now()): number[] {
    return this.db.transaction(() => {
      const already = new Set((this.statements.notified.all(at.commentId) as Array<{ user_id: number }>).map((row) => row.user_id))
      const added: number[] = []
      for (const userId of new Set(userIds)) {
        if (already.has(userId) || userId === at.byUserId) continue
        this.statements.insertNotification.run(randomUUID(), userId, at.storyId, at.threadId, at.commentId, at.byUserId, now)
        added.push(userId)
      }
      return added
    })()
  }

  /** A user's notifications, newest first. */
  notifications(userId: number, limit = NOTIFICATION_LIMIT): NotificationView[] {
    return (this.statements.notificationsOf.all(userId, limit) as NotificationRow[]).map((row) => ({
      id: row.id,
      kind: 'mention',
      storyId: row.story_id,
      threadId: row.thread_id,
      commentId: row.comment_id,
      byUserId: row.by_user_id,
      createdAt: row.created_at,
      readAt: row.read_at,
      excerpt: row.deleted ? '' : row.body.slice(0, EXCERPT_CHARS),
    }))
  }

  /** Mark one of `userId`'s notifications read; false when it is not theirs or does not exist. */
  markRead(id: string, userId: number, now = Date.now()): boolean {
    return this.statements.markRead.run(now, id, userId).changes > 0
  }
}
