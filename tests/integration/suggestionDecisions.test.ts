/**
 * Suggestion decisions against the real server and real y-websocket clients: the server records
 * each accept and reject from the update that makes it (server/suggestionReview.ts), with who, when,
 * what happened and what the suggestion said; everyone lists them newest first. Nobody records one
 * through the API (issue 11: audit forgery): a POST is refused, a reporter who may not edit the
 * story gets nothing recorded, and an author taking back their own suggestion is no decision.
 * A data folder from before the `format` kind is migrated with its decisions kept.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import type { Decision } from '../../server/suggestionLog'
import { getBody } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from '../helpers/clients'
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

let clients: TestClient[] = []
afterEach(() => {
  for (const client of clients) client.destroy()
  clients = []
})

async function open(who: keyof typeof people, clientID: number): Promise<TestClient> {
  const client = connectClient(srv.url, id, { clientID, token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

function bodyText(doc: Y.Doc): Y.XmlText {
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()])
  return paragraph.get(0) as Y.XmlText
}

/** A suggestion value as `who`'s editor writes it. */
function by(who: keyof typeof people, suggestionId: string) {
  return { id: suggestionId, authorId: people[who].id, authorName: who, authorColor: '#c00', time: 1 }
}

const plain = (doc: Y.Doc) => bodyText(doc).toString()
const stored = async () => (await srv.storage.loadDoc(id))!.doc
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

/**
 * The writer (the lead reporter) writes "Ferries stop at noon."; the editor suggests " today" (e1),
 * strikes out " at noon" (e2), suggests " All" (e3) and strikes out "Ferries" (e4).
 */
async function suggested(): Promise<{ writer: TestClient; editor: TestClient }> {
  const writer = await open('writer', 101)
  bodyText(writer.doc).insert(0, 'Ferries stop at noon.')
  const editor = await open('editor', 102)
  await vi.waitFor(() => expect(plain(editor.doc)).toContain('Ferries stop at noon.'))
  bodyText(editor.doc).insert(12, ' today', { insertion: by('editor', 'e1') })
  bodyText(editor.doc).format(18, 8, { deletion: by('editor', 'e2') })
  bodyText(editor.doc).insert(27, ' All', { insertion: by('editor', 'e3') })
  bodyText(editor.doc).format(0, 7, { deletion: by('editor', 'e4') })
  await vi.waitFor(async () => expect((await stored()).getXmlFragment('body').toString()).toContain('e4'))
  await vi.waitFor(() => expect(bodyText(writer.doc).toDelta()).toHaveLength(6))
  return { writer, editor }
}

describe('the server records decisions from the document', () => {
  it('accepting and rejecting in the story: who, when, what happened and what it said, newest first', async () => {
    const { writer } = await suggested()
    const before = Date.now()
    // The lead reporter settles them the way the editor's accept and reject do
    // (src/review/suggest/settle.ts): accepting an insertion drops its mark, rejecting a deletion drops
    // its mark, rejecting an insertion deletes its text, accepting a deletion deletes the text.
    bodyText(writer.doc).format(12, 6, { insertion: null })
    await vi.waitFor(async () => expect(await list()).toHaveLength(1))
    bodyText(writer.doc).format(18, 8, { deletion: null })
    await vi.waitFor(async () => expect(await list()).toHaveLength(2))
    bodyText(writer.doc).delete(27, 4)
    await vi.waitFor(async () => expect(await list()).toHaveLength(3))
    bodyText(writer.doc).delete(0, 7)
    await vi.waitFor(async () => expect(await list()).toHaveLength(4))
    expect(plain(writer.doc)).toBe(' stop today at noon.')
    const decisions = await list()
    expect(decisions.map((d) => [d.suggestionId, d.action, d.kind, d.text, d.userId, d.authorId])).toEqual([
      ['e4', 'accept', 'deletion', 'Ferries', people.writer.id, people.editor.id],
      ['e3', 'reject', 'insertion', ' All', people.writer.id, people.editor.id],
      ['e2', 'reject', 'deletion', ' at noon', people.writer.id, people.editor.id],
      ['e1', 'accept', 'insertion', ' today', people.writer.id, people.editor.id],
    ])
    expect(decisions[0]).toMatchObject({ storyId: id })
    expect(decisions.at(-1)!.at).toBeGreaterThanOrEqual(before)
    expect(decisions[0]!.at).toBeLessThanOrEqual(Date.now())
  })

  it('several at once (accept all), as one decision each', async () => {
    const { editor } = await suggested()
    const chief = await open('chief', 103)
    await vi.waitFor(() => expect(bodyText(chief.doc).toDelta()).toHaveLength(6))
    chief.doc.transact(() => {
      bodyText(chief.doc).format(0, bodyText(chief.doc).length, { insertion: null })
      bodyText(chief.doc).delete(18, 8)
      bodyText(chief.doc).delete(0, 7)
    })
    await vi.waitFor(async () => expect(await list()).toHaveLength(4))
    expect((await list()).map((d) => [d.suggestionId, d.action, d.userId]).sort()).toEqual([
      ['e1', 'accept', people.chief.id],
      ['e2', 'accept', people.chief.id],
      ['e3', 'accept', people.chief.id],
      ['e4', 'accept', people.chief.id],
    ])
    await vi.waitFor(() => expect(plain(editor.doc)).toBe(' stop today. All'))
  })

  it('an author taking back their own suggestion is no decision; the next one is', async () => {
    const { editor, writer } = await suggested()
    bodyText(editor.doc).delete(27, 4)
    await vi.waitFor(async () => expect(plain(await stored())).not.toContain('All'))
    await settle()
    expect(await list()).toEqual([])
    bodyText(writer.doc).format(12, 6, { insertion: null })
    await vi.waitFor(async () => expect((await list()).map((d) => d.suggestionId)).toEqual(['e1']))
  })
})

describe('nobody records a decision through the API', () => {
  const fake = { decisions: [{ action: 'accept', suggestionId: 's1', authorId: null, kind: 'insertion', text: 'x' }] }

  it('a POST of a decision that never happened is refused and records nothing, from anyone', async () => {
    for (const who of ['editor', 'writer', 'chief', 'outsider'] as const) {
      const { status, body } = await sendJson(url(), fake, people[who].token)
      expect({ who, status, id: (body as { error?: { id?: string } }).error?.id }).toEqual({ who, status: 405, id: 'decisions_from_document' })
    }
    expect(await list('chief')).toEqual([])
  })

  it('a reporter who may not edit the story cannot get a decision recorded', async () => {
    await suggested()
    const outsider = await open('outsider', 104)
    await vi.waitFor(() => expect(bodyText(outsider.doc).toDelta()).toHaveLength(6))
    // Its updates are dropped (read-only), so its "accept" settles nothing and records nothing.
    bodyText(outsider.doc).format(12, 6, { insertion: null })
    bodyText(outsider.doc).delete(0, 7)
    await settle()
    expect(await list()).toEqual([])
    expect(plain(await stored())).toContain('Ferries')
    expect((await sendJson(url(), fake, people.outsider.token)).status).toBe(405)
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
    const format = await server.services.decisions.record(storyId, editor.id, [{ action: 'accept', suggestionId: 'f1', authorId: null, kind: 'format', text: 'bold' }])
    // Row ids go on from the old ones.
    expect(format[0]).toMatchObject({ id: 13, kind: 'format' })
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
    const format = await server.services.decisions.record(storyId, editor.id, [{ action: 'reject', suggestionId: 'f2', authorId: editor.id, kind: 'format', text: 'italic' }])
    expect(format).toHaveLength(1)
    await server.close()
    withDb((db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length)
      expect(tableSql(db)).toContain("'format'")
      expect(indexes(db)).toEqual(['suggestion_decisions_story'])
    })
  })
})
