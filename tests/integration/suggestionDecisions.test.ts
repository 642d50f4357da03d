/**
 * Suggestion decisions against the real server: editors record accepts and rejects (the server
 * stamps who and when), everyone lists them newest first, others are refused and bad bodies fail.
 * A data folder from before the `format` kind is migrated with its decisions kept.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/app'
import type { Decision } from '../../server/suggestionLog'
import { addUser, createStoryVia, getJson, sendJson, startTestServer, tempDataDir } from '../helpers/server'
import { SQLITE_MIGRATIONS } from '../../server/store/migrations'

type Person = Awaited<ReturnType<typeof addUser>>
let srv: RunningServer
const people = {} as Record<'chief' | 'writer' | 'editor' | 'outsider', Person>

beforeAll(async () => {
  srv = await startTestServer()
  people.chief = await addUser(srv, 'chief', 'chief')
  people.writer = await addUser(srv, 'writer', 'reporter')
  people.editor = await addUser(srv, 'editor', 'editor')
  people.outsider = await addUser(srv, 'outsider', 'reporter')
})
afterAll(async () => {
  await srv.close()
})

let id = ''
beforeEach(async () => {
  id = await createStoryVia(srv.url, people.chief.token, { headline: 'Harbour' })
  const desk = await sendJson(`${srv.url}/api/stories/${id}/desk`, { lead: people.writer.id }, people.chief.token, 'PATCH')
  if (desk.status !== 200) throw new Error(`setup: desk answered ${desk.status}`)
})

const url = () => `${srv.url}/api/stories/${id}/suggestions/decisions`

async function list(who: keyof typeof people = 'outsider'): Promise<Decision[]> {
  const { status, body } = await getJson(url(), people[who].token)
  expect(status).toBe(200)
  return body.decisions as Decision[]
}

describe('suggestion decisions', () => {
  it('records an editor’s decisions with who and when, newest first', async () => {
    const before = Date.now()
    const first = await sendJson(url(), { decisions: [{ action: 'accept', suggestionId: 's1', authorId: people.writer.id, kind: 'insertion', text: 'at dawn' }] }, people.editor.token)
    expect(first.status).toBe(201)
    const second = await sendJson(
      url(),
      {
        decisions: [
          { action: 'reject', suggestionId: 's2', authorId: people.writer.id, kind: 'deletion', text: 'quietly' },
          { action: 'reject', suggestionId: 's3', authorId: null, kind: 'replacement', text: 'old → new' },
        ],
      },
      people.writer.token,
    )
    expect(second.status).toBe(201)

    const decisions = await list()
    expect(decisions.map((d) => [d.suggestionId, d.action, d.userId])).toEqual([
      ['s3', 'reject', people.writer.id],
      ['s2', 'reject', people.writer.id],
      ['s1', 'accept', people.editor.id],
    ])
    const accepted = decisions[2]!
    expect(accepted).toMatchObject({ storyId: id, authorId: people.writer.id, kind: 'insertion', text: 'at dawn' })
    expect(accepted.at).toBeGreaterThanOrEqual(before)
    expect(accepted.at).toBeLessThanOrEqual(Date.now())
  })

  it('refuses a who or when sent by the client', async () => {
    const forged = await sendJson(
      url(),
      { decisions: [{ action: 'accept', suggestionId: 's1', authorId: null, kind: 'insertion', text: 'x', userId: people.chief.id, at: 1 }] },
      people.editor.token,
    )
    expect(forged.status).toBe(400)
    expect(await list()).toEqual([])
  })

  it('refuses an unassigned reporter and stores nothing', async () => {
    const refused = await sendJson(url(), { decisions: [{ action: 'accept', suggestionId: 's1', authorId: null, kind: 'insertion', text: 'x' }] }, people.outsider.token)
    expect(refused.status).toBe(403)
    expect(await list('chief')).toEqual([])
  })

  it('answers 400 to bad bodies', async () => {
    const good = { action: 'accept', suggestionId: 's1', authorId: 1, kind: 'insertion', text: 'x' }
    const bad: unknown[] = [
      {},
      { decisions: [] },
      { decisions: 'all' },
      { decisions: [{ ...good, action: 'approve' }] },
      { decisions: [{ ...good, kind: 'move' }] },
      { decisions: [{ ...good, kind: 'formatChange' }] },
      { decisions: [{ ...good, kind: 'suggestedType' }] },
      { decisions: [{ ...good, kind: null }] },
      { decisions: [{ ...good, suggestionId: '' }] },
      { decisions: [{ ...good, authorId: 'riley' }] },
      { decisions: [{ ...good, text: 'x'.repeat(2001) }] },
      { decisions: Array.from({ length: 201 }, (_, index) => ({ ...good, suggestionId: `s${index}` })) },
    ]
    for (const body of bad) {
      const { status } = await sendJson(url(), body, people.editor.token)
      expect({ body: JSON.stringify(body).slice(0, 80), status }).toEqual({ body: JSON.stringify(body).slice(0, 80), status: 400 })
    }
    expect(await list()).toEqual([])
    // The limits themselves are fine.
    const full = Array.from({ length: 200 }, (_, index) => ({ ...good, suggestionId: `s${index}`, text: 'y'.repeat(2000) }))
    expect((await sendJson(url(), { decisions: full }, people.editor.token)).status).toBe(201)
    expect(await list()).toHaveLength(200)
  })

  it('records decisions on format suggestions (kind format), with the other kinds in one batch', async () => {
    const res = await sendJson(
      url(),
      {
        decisions: [
          { action: 'accept', suggestionId: 'f1', authorId: people.writer.id, kind: 'format', text: 'Harbour (bold)' },
          { action: 'reject', suggestionId: 'f2', authorId: null, kind: 'format', text: 'Heading 2 → Paragraph' },
          { action: 'accept', suggestionId: 's1', authorId: people.writer.id, kind: 'insertion', text: 'at dawn' },
        ],
      },
      people.editor.token,
    )
    expect(res.status).toBe(201)
    expect((res.body.decisions as Decision[]).map((d) => [d.suggestionId, d.kind])).toEqual([
      ['f1', 'format'],
      ['f2', 'format'],
      ['s1', 'insertion'],
    ])
    const decisions = await list()
    expect(decisions.map((d) => [d.suggestionId, d.action, d.kind, d.userId]).sort()).toEqual([
      ['f1', 'accept', 'format', people.editor.id],
      ['f2', 'reject', 'format', people.editor.id],
      ['s1', 'accept', 'insertion', people.editor.id],
    ])
  })

  it('refuses an unknown kind, the whole batch, and stores nothing', async () => {
    const res = await sendJson(
      url(),
      {
        decisions: [
          { action: 'accept', suggestionId: 'f1', authorId: null, kind: 'format', text: 'bold' },
          { action: 'accept', suggestionId: 't1', authorId: null, kind: 'blockType', text: 'Heading' },
        ],
      },
      people.editor.token,
    )
    expect(res.status).toBe(400)
    expect(await list()).toEqual([])
  })

  it('answers 404 for an unknown story and 401 without a session', async () => {
    expect((await getJson(`${srv.url}/api/stories/nope/suggestions/decisions`, people.editor.token)).status).toBe(404)
    expect((await getJson(url())).status).toBe(401)
  })
})

/** The decision table as servers before the `format` kind made it (server/suggestionLog.ts then). */
const OLD_TABLE = `
  CREATE TABLE suggestion_decisions (
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
  CREATE INDEX suggestion_decisions_story ON suggestion_decisions (story_id, at DESC, id DESC);
`

describe('a data folder from before the format kind', () => {
  const dataDir = tempDataDir()
  let server: RunningServer
  let editor: Person
  let storyId = ''
  const dbFile = path.join(dataDir, 'deskline.db')
  const decisionsUrl = () => `${server.url}/api/stories/${storyId}/suggestions/decisions`

  /** Open the closed server's database directly, for what only SQLite can tell. */
  function withDb<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(dbFile)
    try {
      return fn(db)
    } finally {
      db.close()
    }
  }

  const tableSql = (db: Database.Database) =>
    (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'suggestion_decisions'").get() as { sql: string } | undefined)?.sql ?? null
  const indexes = (db: Database.Database) =>
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'suggestion_decisions'").all() as Array<{ name: string }>).map((row) => row.name)

  /** Turn the closed server's database back into the old version: user_version 4, the old table. */
  function downgrade(rows: Array<[number, string, string, string, number]>): void {
    withDb((db) => {
      const userId = editor.id
      db.transaction(() => {
        db.exec('DROP TABLE IF EXISTS suggestion_decisions')
        db.exec(OLD_TABLE)
        const insert = db.prepare('INSERT INTO suggestion_decisions (id, story_id, user_id, action, suggestion_id, author_id, kind, text, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        for (const [rowId, action, suggestionId, kind, at] of rows) insert.run(rowId, storyId, userId, action, suggestionId, userId, kind, `text of ${suggestionId}`, at)
        db.pragma('user_version = 4')
      })()
      // The old table really refuses the new kind.
      expect(() =>
        db.prepare('INSERT INTO suggestion_decisions (story_id, user_id, action, suggestion_id, author_id, kind, text, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(storyId, userId, 'accept', 'x', null, 'format', 'x', 1),
      ).toThrow(/CHECK constraint failed/)
    })
  }

  beforeAll(async () => {
    server = await startTestServer({ dataDir })
    const chief = await addUser(server, 'chief', 'chief')
    editor = await addUser(server, 'editor', 'editor')
    storyId = await createStoryVia(server.url, chief.token, { headline: 'Old data' })
    await server.close()
  })
  afterAll(async () => {
    await server.close()
  })

  it('keeps every old decision, ids and all, and then takes format decisions', async () => {
    downgrade([
      [10, 'accept', 'old1', 'insertion', 1000],
      [11, 'reject', 'old2', 'deletion', 2000],
      [12, 'accept', 'old3', 'replacement', 3000],
    ])
    server = await startTestServer({ dataDir })
    const { status, body } = await getJson(decisionsUrl(), editor.token)
    expect(status).toBe(200)
    const old = (body.decisions as Decision[]).map(({ id: rowId, storyId: story, userId, action, suggestionId, authorId, kind, text, at }) => ({
      id: rowId,
      story,
      userId,
      action,
      suggestionId,
      authorId,
      kind,
      text,
      at,
    }))
    expect(old).toEqual([
      { id: 12, story: storyId, userId: editor.id, action: 'accept', suggestionId: 'old3', authorId: editor.id, kind: 'replacement', text: 'text of old3', at: 3000 },
      { id: 11, story: storyId, userId: editor.id, action: 'reject', suggestionId: 'old2', authorId: editor.id, kind: 'deletion', text: 'text of old2', at: 2000 },
      { id: 10, story: storyId, userId: editor.id, action: 'accept', suggestionId: 'old1', authorId: editor.id, kind: 'insertion', text: 'text of old1', at: 1000 },
    ])
    const format = await sendJson(decisionsUrl(), { decisions: [{ action: 'accept', suggestionId: 'f1', authorId: null, kind: 'format', text: 'bold' }] }, editor.token)
    expect(format.status).toBe(201)
    // Row ids go on from the old ones.
    expect((format.body.decisions as Decision[])[0]).toMatchObject({ id: 13, kind: 'format' })
    await server.close()

    withDb((db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length)
      expect(tableSql(db)).toContain("CHECK (kind IN ('insertion', 'deletion', 'replacement', 'format'))")
      expect(tableSql(db)).toContain("CHECK (action IN ('accept', 'reject'))")
      expect(indexes(db)).toEqual(['suggestion_decisions_story'])
      expect(db.prepare('SELECT name FROM sqlite_master WHERE name LIKE ?').all('%rebuilt%')).toEqual([])
      expect(db.pragma('foreign_key_check')).toEqual([])
      // The table still refuses what it refused before.
      expect(() =>
        db.prepare('INSERT INTO suggestion_decisions (story_id, user_id, action, suggestion_id, author_id, kind, text, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(storyId, editor.id, 'accept', 'x', null, 'move', 'x', 1),
      ).toThrow(/CHECK constraint failed/)
    })

    // Another restart runs nothing again: everything is still there.
    server = await startTestServer({ dataDir })
    const again = await getJson(decisionsUrl(), editor.token)
    expect((again.body.decisions as Decision[]).map((d) => [d.id, d.suggestionId, d.kind])).toEqual([
      [13, 'f1', 'format'],
      [12, 'old3', 'replacement'],
      [11, 'old2', 'deletion'],
      [10, 'old1', 'insertion'],
    ])
    await server.close()
  })

  it('creates the table when the old data folder never had one', async () => {
    withDb((db) => {
      db.exec('DROP TABLE suggestion_decisions')
      db.pragma('user_version = 4')
    })
    server = await startTestServer({ dataDir })
    expect((await getJson(decisionsUrl(), editor.token)).body.decisions).toEqual([])
    const format = await sendJson(decisionsUrl(), { decisions: [{ action: 'reject', suggestionId: 'f2', authorId: editor.id, kind: 'format', text: 'italic' }] }, editor.token)
    expect(format.status).toBe(201)
    await server.close()
    withDb((db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length)
      expect(tableSql(db)).toContain("'format'")
      expect(indexes(db)).toEqual(['suggestion_decisions_story'])
    })
  })
})
