/**
 * The notifications table on both backends (SQLite and a real PostgreSQL cluster, started for this
 * file): a database from before issue 15's migration keeps its @mentions (one per person and
 * comment, in their order) and takes every new kind; a once-key lets a notification in once; rows
 * read back as the API shows them.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Comments } from '../../server/comments'
import { createLogger } from '../../server/logger'
import { Notifications } from '../../server/notifications'
import { openPostgres, openSqlite, type Backend } from '../../server/store/backends'
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../server/store/migrations'
import { StoryEvents, type StoryEvent } from '../../server/storyEvents'
import { startPostgres, type TestPostgres } from '../helpers/postgres'
import { tempDataDir } from '../helpers/server'

let cluster: TestPostgres | null = null
beforeAll(async () => {
  cluster = await startPostgres()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

/**
 * What a database from before the migration holds: people 7, 8 and 9, a story, a thread with one
 * comment, and mentions of it: 7 twice (two nodes both inserted it, as could happen before) and
 * 9 once; all made in the same millisecond.
 */
/** Each list up to the migration that generalised notifications (later ones run when the store opens). */
const sqliteStep = SQLITE_MIGRATIONS.findIndex((migration) => migration.includes('CREATE TABLE notifications_rebuilt'))
const postgresStep = POSTGRES_MIGRATIONS.findIndex((migration) => migration.includes("ADD COLUMN kind TEXT NOT NULL DEFAULT 'mention'"))

const LEGACY_ROWS = `
  INSERT INTO users (id, username, display_name, color, role, password_hash, created_at) VALUES
    (7, 'user7', 'User 7', '#000000', 'reporter', 'x', 0),
    (8, 'user8', 'User 8', '#000000', 'editor', 'x', 0),
    (9, 'user9', 'User 9', '#000000', 'reporter', 'x', 0);
  INSERT INTO stories (id, headline, created_at, updated_at) VALUES ('aaaaaaaaaaaaaaaa', 'Talks', 0, 0);
  INSERT INTO comment_threads (id, story_id, start_anchor, end_anchor, quote, author_id, created_at)
    VALUES ('t1', 'aaaaaaaaaaaaaaaa', 'S', 'E', 'x', 8, 5);
  INSERT INTO comments (id, thread_id, author_id, body, created_at) VALUES ('c1', 't1', 8, 'Ask @user7 and @user9', 5);
  INSERT INTO notifications (id, user_id, story_id, thread_id, comment_id, by_user_id, created_at) VALUES
    ('n1', 7, 'aaaaaaaaaaaaaaaa', 't1', 'c1', 8, 5),
    ('n2', 9, 'aaaaaaaaaaaaaaaa', 't1', 'c1', 8, 5),
    ('n3', 7, 'aaaaaaaaaaaaaaaa', 't1', 'c1', 8, 5);`

/** A SQLite data folder at the version before notifications were generalised, with the legacy rows. */
function legacySqlite(): string {
  const dir = tempDataDir()
  fs.mkdirSync(dir, { recursive: true })
  const db = new Database(path.join(dir, 'deskline.db'))
  db.pragma('foreign_keys = ON')
  for (const migration of SQLITE_MIGRATIONS.slice(0, sqliteStep)) db.exec(migration)
  db.pragma(`user_version = ${sqliteStep}`)
  db.exec(LEGACY_ROWS)
  db.close()
  return dir
}

/** A PostgreSQL database at the version before notifications were generalised, with the legacy rows. */
async function legacyPostgres(): Promise<string> {
  if (!cluster) throw new Error('no PostgreSQL cluster')
  const url = await cluster.createDatabase()
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    for (const migration of POSTGRES_MIGRATIONS.slice(0, postgresStep)) await client.query(migration)
    await client.query(`CREATE TABLE deskline_schema (version INTEGER NOT NULL); INSERT INTO deskline_schema VALUES (${postgresStep})`)
    await client.query(LEGACY_ROWS)
  } finally {
    await client.end()
  }
  return url
}

const backends: Array<{ name: string; open: () => Promise<Backend> }> = [
  { name: 'SQLite', open: async () => openSqlite(legacySqlite()) },
  { name: 'PostgreSQL', open: async () => openPostgres(await legacyPostgres()) },
]

describe.each(backends)('notifications: $name', ({ open }) => {
  it('migrates the mentions there were, takes every kind, and lets a once-keyed one in once', async () => {
    const backend = await open()
    try {
      const events = new StoryEvents()
      const heard: StoryEvent[] = []
      events.subscribe((event) => heard.push(event))
      const notifications = new Notifications(backend.db, events, createLogger('silent'))
      const comments = new Comments(backend.db, backend.kind)

      // Kept: one mention per person and comment, the first one made.
      expect((await notifications.list(7)).map((item) => item.id)).toEqual(['n1'])
      expect(await notifications.list(9)).toEqual([
        { id: 'n2', kind: 'mention', storyId: 'aaaaaaaaaaaaaaaa', threadId: 't1', commentId: 'c1', byUserId: 8, createdAt: 5, readAt: null, excerpt: 'Ask @user7 and @user9' },
      ])
      expect(await comments.notify([7, 9], { storyId: 'aaaaaaaaaaaaaaaa', threadId: 't1', commentId: 'c1', byUserId: 8 })).toEqual([])

      // Every other kind, newest first; nobody is told of what they did themselves.
      const story = 'aaaaaaaaaaaaaaaa'
      expect(await notifications.send([{ userId: 7, storyId: story, byUserId: 8, details: { kind: 'assigned', role: 'lead' } }], 10)).toEqual([7])
      await notifications.send([{ userId: 7, storyId: story, byUserId: 8, details: { kind: 'part_assigned', partId: 'p1', label: 'Reaction' } }], 11)
      await notifications.send([{ userId: 7, storyId: story, byUserId: 8, details: { kind: 'status', from: 'draft', to: 'in_edit' } }], 12)
      await notifications.send([{ userId: 7, storyId: story, byUserId: 8, details: { kind: 'suggestion_accepted', count: 2, excerpt: ' today' } }], 13)
      await notifications.send([{ userId: 7, storyId: story, byUserId: 8, details: { kind: 'suggestion_rejected', count: 1, excerpt: 'Ferries' } }], 13)
      expect(await notifications.send([{ userId: 8, storyId: story, byUserId: 8, details: { kind: 'assigned', role: 'editor' } }], 14)).toEqual([])

      // A deadline alert comes once per person, whoever sends it.
      const deadline = { storyId: story, byUserId: null, details: { kind: 'deadline', deadline: 99, minutes: 50 } as const, onceKey: 'deadline:aaaaaaaaaaaaaaaa:99' }
      expect(await notifications.send([{ userId: 7, ...deadline }, { userId: 9, ...deadline }], 20)).toEqual([7, 9])
      expect(await notifications.send([{ userId: 7, ...deadline }, { userId: 9, ...deadline }], 21)).toEqual([])
      expect(heard.filter((event) => event.type === 'notification')).toHaveLength(7)

      const mine = await notifications.list(7)
      expect(mine.map((item) => [item.kind, item.createdAt])).toEqual([
        ['deadline', 20],
        ['suggestion_rejected', 13],
        ['suggestion_accepted', 13],
        ['status', 12],
        ['part_assigned', 11],
        ['assigned', 10],
        ['mention', 5],
      ])
      expect(mine[0]).toEqual({ id: mine[0]!.id, kind: 'deadline', storyId: story, byUserId: null, createdAt: 20, readAt: null, deadline: 99, minutes: 50 })
      expect(mine[3]).toMatchObject({ kind: 'status', from: 'draft', to: 'in_edit', byUserId: 8 })
      expect(mine[4]).toMatchObject({ kind: 'part_assigned', partId: 'p1', label: 'Reaction' })

      // Only its person marks one read.
      expect(await notifications.markRead(mine[0]!.id, 9)).toBe(false)
      expect(await notifications.markRead(mine[0]!.id, 7)).toBe(true)
      expect((await notifications.list(7))[0]!.readAt).not.toBeNull()
      expect((await notifications.list(7)).filter((item) => item.kind === 'mention').map((item) => item.id)).toEqual(['n1'])

      // An unknown kind is refused by the table itself.
      await expect(
        backend.db.insertInto('notifications').values({ id: 'x', user_id: 7, kind: 'gossip' as 'status', story_id: story, thread_id: null, comment_id: null, by_user_id: null, once_key: null, created_at: 1 }).execute(),
      ).rejects.toThrow(/CHECK constraint failed|violates check constraint/)
    } finally {
      await backend.db.destroy()
    }
  })
})
