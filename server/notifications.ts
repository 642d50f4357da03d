/**
 * Notifications (issue 15): an @mention, an assignment to a story or a part, a status move of a
 * story you lead or edit, a deadline an hour away, your suggestion accepted or rejected. One table
 * (server/store/migrations.ts) for every kind; each producer says what happened here and the person
 * hears it live (`notification` on the story events, which reach other nodes through the bus).
 *
 * Never the person who did it: you are not told of your own move. A notification that must come
 * once (a mention per comment, a deadline per story and time) carries a key unique per person:
 * whichever node inserts it first wins, the others insert nothing and announce nothing.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { NotificationDetails, NotificationView, OtherNotificationView } from '../src/shared/api.js'
import { STATUSES, type Status } from '../src/shared/newsroom.js'
import type { StoryDesk } from '../src/shared/storyDoc.js'
import type { Logger } from './logger.js'
import type { StoreSchema } from './store/schema.js'
import type { StoryEvents } from './storyEvents.js'
import type { DecisionInput } from './suggestionLog.js'

/** What a notification's excerpt keeps of a comment or a suggestion. */
export const EXCERPT_CHARS = 160

/** How many notifications `GET /api/notifications` returns at most. */
export const NOTIFICATION_LIMIT = 100

/** A notification to store: for whom, about which story, by whom (null: nobody), and what. */
export interface NotificationInput {
  userId: number
  storyId: string
  byUserId: number | null
  details: NotificationDetails | { kind: 'mention'; threadId: string; commentId: string }
  /** Set when it must reach its person once: another with the same key is not stored. */
  onceKey?: string
}

const Status = z.enum(Object.keys(STATUSES) as [Status, ...Status[]])

/** The stored details of each kind but mentions (a row's `details` is JSON without the kind). */
const DETAILS = {
  assigned: z.object({ role: z.enum(['lead', 'editor', 'contributor']) }),
  part_assigned: z.object({ partId: z.string(), label: z.string() }),
  status: z.object({ from: Status, to: Status }),
  deadline: z.object({ deadline: z.number(), minutes: z.number() }),
  suggestion_accepted: z.object({ count: z.number(), excerpt: z.string() }),
  suggestion_rejected: z.object({ count: z.number(), excerpt: z.string() }),
} as const

function parseDetails(kind: keyof typeof DETAILS, json: string): NotificationDetails | null {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  const parsed = DETAILS[kind].safeParse(value)
  return parsed.success ? ({ kind, ...parsed.data } as NotificationDetails) : null
}

/**
 * Store notifications in `db` (a transaction of the caller's, or the database), skipping anyone
 * notified by themselves and any whose once-key their person already has. Returns who was
 * notified, once each, for the caller to announce after its transaction commits.
 */
export async function insertNotifications(db: Kysely<StoreSchema>, inputs: readonly NotificationInput[], now = Date.now()): Promise<number[]> {
  const rows = inputs
    .filter((input) => input.userId !== input.byUserId)
    .map((input) => {
      const { kind, ...details } = input.details
      const mention = input.details.kind === 'mention' ? input.details : null
      return {
        id: randomUUID(),
        user_id: input.userId,
        kind,
        story_id: input.storyId,
        thread_id: mention?.threadId ?? null,
        comment_id: mention?.commentId ?? null,
        by_user_id: input.byUserId,
        details: mention ? '{}' : JSON.stringify(details),
        once_key: input.onceKey ?? null,
        created_at: now,
      }
    })
  if (rows.length === 0) return []
  // Only to and from people the newsroom has: a suggestion's author id comes from a story, and may
  // name nobody (an import, a deleted account). One such row must not fail the change it rides with.
  const ids = [...new Set(rows.flatMap((row) => (row.by_user_id === null ? [row.user_id] : [row.user_id, row.by_user_id])))]
  const known = new Set((await db.selectFrom('users').select('id').where('id', 'in', ids).execute()).map((row) => row.id))
  const sendable = rows.filter((row) => known.has(row.user_id) && (row.by_user_id === null || known.has(row.by_user_id)))
  if (sendable.length === 0) return []
  const inserted = await db
    .insertInto('notifications')
    .values(sendable)
    .onConflict((conflict) => conflict.columns(['user_id', 'once_key']).doNothing())
    .returning('user_id')
    .execute()
  return [...new Set(inserted.map((row) => row.user_id))]
}

/**
 * What an assignment change tells people: the new lead, editor and contributors, and whoever a
 * part is newly given to (a part made for them, or handed over). Nobody hears of what they
 * already had, and a person made lead is not told again that they also contribute.
 */
export function assignmentNotices(storyId: string, before: StoryDesk, after: StoryDesk, byUserId: number): NotificationInput[] {
  const notices: NotificationInput[] = []
  const told = new Set<number>()
  const tell = (userId: number, details: NotificationInput['details']) => {
    told.add(userId)
    notices.push({ userId, storyId, byUserId, details })
  }
  if (after.lead !== null && after.lead !== before.lead) tell(after.lead, { kind: 'assigned', role: 'lead' })
  if (after.editor !== null && after.editor !== before.editor) tell(after.editor, { kind: 'assigned', role: 'editor' })
  for (const userId of after.contributors) {
    if (!before.contributors.includes(userId) && !told.has(userId)) tell(userId, { kind: 'assigned', role: 'contributor' })
  }
  for (const part of after.parts) {
    const was = before.parts.find((other) => other.id === part.id)
    if (part.assignee !== null && part.assignee !== was?.assignee) tell(part.assignee, { kind: 'part_assigned', partId: part.id, label: part.label })
  }
  return notices
}

/** A status move told to the story's lead and editor (the mover is skipped when stored). */
export function statusNotices(storyId: string, desk: StoryDesk, move: { from: Status; to: Status; byUserId: number }): NotificationInput[] {
  const people = new Set([desk.lead, desk.editor].filter((id): id is number => id !== null))
  return [...people].map((userId) => ({ userId, storyId, byUserId: move.byUserId, details: { kind: 'status', from: move.from, to: move.to } }))
}

/**
 * Settled suggestions told to their authors: one notification per decider, author and verdict in
 * a batch (accepting all of someone's twenty suggestions is one message, not twenty). Suggestions
 * of unknown authors, and authors taking back their own, tell nobody.
 */
export function decisionNotices(storyId: string, decisions: ReadonlyArray<{ userId: number; decision: DecisionInput }>): NotificationInput[] {
  const groups = new Map<string, NotificationInput & { details: { kind: 'suggestion_accepted' | 'suggestion_rejected'; count: number; excerpt: string } }>()
  for (const { userId, decision } of decisions) {
    if (decision.authorId === null || decision.authorId === userId) continue
    const kind = decision.action === 'accept' ? 'suggestion_accepted' : 'suggestion_rejected'
    const key = `${userId}:${decision.authorId}:${kind}`
    const group = groups.get(key)
    if (group) group.details.count++
    else groups.set(key, { userId: decision.authorId, storyId, byUserId: userId, details: { kind, count: 1, excerpt: decision.text.slice(0, EXCERPT_CHARS) } })
  }
  return [...groups.values()]
}

/** The notification repository: store and announce, list a person's, mark read. */
export class Notifications {
  constructor(
    private readonly db: Kysely<StoreSchema>,
    private readonly events: StoryEvents,
    private readonly log: Logger,
  ) {}

  /**
   * `send`, for what happens after a change is stored: the change stands whether or not its
   * notifications could be, so a failure is logged rather than answered as the change's.
   */
  async notify(inputs: readonly NotificationInput[]): Promise<void> {
    try {
      await this.send(inputs)
    } catch (error) {
      this.log.warn({ err: error, notifications: inputs.length }, 'could not store notifications')
    }
  }

  /** Store notifications (see `insertNotifications`) and tell each person notified, live. Returns who. */
  async send(inputs: readonly NotificationInput[], now = Date.now()): Promise<number[]> {
    if (inputs.length === 0) return []
    const notified = await insertNotifications(this.db, inputs, now)
    this.announce(notified)
    return notified
  }

  /** Tell each person they have a new notification (after it is stored). */
  announce(userIds: Iterable<number>): void {
    for (const userId of new Set(userIds)) this.events.publish({ type: 'notification', userId })
  }

  /** A person's notifications of every kind, newest first; rows whose details cannot be read are left out. */
  async list(userId: number, limit = NOTIFICATION_LIMIT): Promise<Array<NotificationView | OtherNotificationView>> {
    const rows = await this.db
      .selectFrom('notifications as n')
      .leftJoin('comments as c', 'c.id', 'n.comment_id')
      .selectAll('n')
      .select(['c.body as body', 'c.deleted as deleted'])
      .where('n.user_id', '=', userId)
      .orderBy('n.created_at', 'desc')
      .orderBy('n.rowid', 'desc')
      .limit(limit)
      .execute()
    const out: Array<NotificationView | OtherNotificationView> = []
    for (const row of rows) {
      const base = { id: row.id, storyId: row.story_id, createdAt: row.created_at, readAt: row.read_at }
      if (row.kind === 'mention') {
        // A mention outlives nothing: deleting its comment deletes it (server/comments.ts).
        if (row.thread_id === null || row.comment_id === null || row.by_user_id === null) continue
        const excerpt = row.deleted || row.body === null ? '' : row.body.slice(0, EXCERPT_CHARS)
        out.push({ ...base, kind: 'mention', threadId: row.thread_id, commentId: row.comment_id, byUserId: row.by_user_id, excerpt })
        continue
      }
      const details = parseDetails(row.kind, row.details)
      if (details) out.push({ ...base, byUserId: row.by_user_id, ...details })
    }
    return out
  }

  /** Mark one of `userId`'s notifications read; false when it is not theirs or does not exist. */
  async markRead(id: string, userId: number, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('notifications')
      .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }
}
