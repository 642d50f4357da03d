/**
 * The story store's contract, run against every backend: the embedded SQLite and a real
 * PostgreSQL cluster (Debian's `postgresql`, started for this file). Each rule is one test, the
 * same on both, so a second backend cannot drift from the first.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import * as Y from 'yjs'
import { EMPTY_DESK_SUMMARY } from '../../src/shared/api'
import { bodyBlocks, getBody, initStoryDoc } from '../../src/shared/storyDoc'
import { openPostgres, openSqlite, type Backend } from '../../server/store/backends'
import { NewsroomDictionary } from '../../server/dictionary'
import { Sections } from '../../server/sections'
import { Sessions } from '../../server/sessions'
import { StatusHistory } from '../../server/statusHistory'
import { Storage, SuggestionAuthorConflict, type StoryIndexFields } from '../../server/storage'
import { insertDecisions, SuggestionLog, type DecisionInput } from '../../server/suggestionLog'
import { Users } from '../../server/users'
import { Comments } from '../../server/comments'
import { Notifications } from '../../server/notifications'
import { StoryEvents } from '../../server/storyEvents'
import { createLogger } from '../../server/logger'
import { Publishing } from '../../server/publishing'
import { AUTO_CHECKPOINT_MS, Versions } from '../../server/versions'
import { startPostgres, type TestPostgres } from '../helpers/postgres'
import { tempDataDir } from '../helpers/server'

let cluster: TestPostgres | null = null
beforeAll(async () => {
  cluster = await startPostgres()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

/** Accounts 7, 8 and 9 (the ledgers refer to people), written the same way on both backends. */
async function withPeople(backend: Backend): Promise<Backend> {
  for (const id of [7, 8, 9]) {
    await sql`INSERT INTO users (id, username, display_name, color, role, password_hash, created_at)
      VALUES (${id}, ${`user${id}`}, ${`User ${id}`}, '#000000', 'reporter', 'x', 0)`.execute(backend.db)
  }
  return backend
}

const backends: Array<{ name: string; open: () => Promise<Backend> }> = [
  { name: 'SQLite', open: () => withPeople(openSqlite(tempDataDir())) },
  {
    name: 'PostgreSQL',
    open: async () => {
      if (!cluster) throw new Error('no PostgreSQL cluster')
      return withPeople(await openPostgres(await cluster.createDatabase()))
    },
  },
]

/** How each backend words the two constraint failures the contract relies on. */
const UNIQUE = /UNIQUE constraint failed|duplicate key value violates unique constraint/
const FOREIGN_KEY = /FOREIGN KEY constraint failed|violates foreign key constraint/
const CHECK = /CHECK constraint failed|violates check constraint/

const FIELDS: StoryIndexFields = { headline: 'Talks', slug: 'TALKS', section: 'World', status: 'draft', bylines: ['Ann Lee'], words: 2 }

/** A story document's first state, and the update that typing `text` at its start makes. */
function storyState(paragraph: string): { state: Uint8Array; doc: Y.Doc } {
  const doc = new Y.Doc()
  initStoryDoc(doc, { paragraphs: [paragraph] })
  return { state: Y.encodeStateAsUpdate(doc), doc }
}

function typeInto(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc)
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  ;(paragraph.get(0) as Y.XmlText).insert(0, text)
  return Y.encodeStateAsUpdate(doc, before)
}

describe.each(backends)('story store contract: $name', ({ open }) => {
  let storage: Storage
  let backend: Backend
  beforeEach(async () => {
    backend = await open()
    storage = new Storage(backend)
    return () => storage.close()
  })

  it('creates a story and reads its index row back', async () => {
    const { state } = storyState('Hello')
    const created = await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY, 1_000)
    expect(created).toMatchObject({ id: 'aaaaaaaaaaaaaaaa', ...FIELDS, createdAt: 1_000, updatedAt: 1_000 })
    expect(await storage.hasStory('aaaaaaaaaaaaaaaa')).toBe(true)
    expect(await storage.hasStory('bbbbbbbbbbbbbbbb')).toBe(false)
    expect(await storage.getStory('aaaaaaaaaaaaaaaa')).toEqual(created)
    expect(await storage.getStory('bbbbbbbbbbbbbbbb')).toBeNull()
  })

  it('refuses a second story with the same id, and keeps the first', async () => {
    const { state } = storyState('First')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    await expect(storage.createStory('aaaaaaaaaaaaaaaa', storyState('Second').state, FIELDS, EMPTY_DESK_SUMMARY)).rejects.toThrow(UNIQUE)
    expect(bodyBlocks((await storage.loadDoc('aaaaaaaaaaaaaaaa'))!.doc)).toEqual(['First'])
  })

  it('lists stories most recently updated first, then by id', async () => {
    for (const [id, at] of [['cccccccccccccccc', 1], ['aaaaaaaaaaaaaaaa', 3], ['bbbbbbbbbbbbbbbb', 3]] as const) {
      await storage.createStory(id, storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY, at)
    }
    expect((await storage.listStories()).map((story) => story.id)).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'cccccccccccccccc'])
  })

  it('rebuilds a story from its snapshot and log, in order, and says where the log ends', async () => {
    const { state, doc } = storyState('world')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    expect(await storage.loadDoc('bbbbbbbbbbbbbbbb')).toBeNull()
    const first = await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'hello '))
    const second = await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'Oh, '))
    expect(second).toBeGreaterThan(first)
    const loaded = (await storage.loadDoc('aaaaaaaaaaaaaaaa'))!
    expect(bodyBlocks(loaded.doc)).toEqual(['Oh, hello world'])
    expect(loaded).toMatchObject({ lastSeq: second, tailLength: 2 })
    expect(await storage.tailLength('aaaaaaaaaaaaaaaa')).toBe(2)
  })

  it('refuses an update for a story that does not exist, storing nothing', async () => {
    const { doc } = storyState('x')
    await expect(storage.appendUpdate('bbbbbbbbbbbbbbbb', typeInto(doc, 'y'))).rejects.toThrow(FOREIGN_KEY)
    expect(await storage.tailLength('bbbbbbbbbbbbbbbb')).toBe(0)
  })

  it('stores what an update brings with it in the same transaction; a known suggestion id keeps its first author', async () => {
    const { state, doc } = storyState('x')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'a'), {
      suggestionAuthors: new Map([['s1', 7], ['s2', null]]),
      clientAuthors: new Map([[4_000_000_000, 7]]),
    })
    // Another node recorded s1 first under 7: an update giving it author 8 is refused whole.
    const b = typeInto(doc, 'b')
    await expect(
      storage.appendUpdate('aaaaaaaaaaaaaaaa', b, { suggestionAuthors: new Map([['s1', 8]]), clientAuthors: new Map([[4_000_000_000, 8]]) }),
    ).rejects.toThrow(SuggestionAuthorConflict)
    expect(await storage.tailLength('aaaaaaaaaaaaaaaa')).toBe(1)
    // The same author again is no conflict (an honest client re-sending its own id).
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', b, { suggestionAuthors: new Map([['s1', 7]]) })
    // A client id must belong to someone who exists: nothing of that append is kept.
    await expect(storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'c'), { clientAuthors: new Map([[5, 404]]) })).rejects.toThrow(FOREIGN_KEY)
    await storage.recordSuggestionAuthors('aaaaaaaaaaaaaaaa', new Map([['s3', 9], ['s2', 9]]))
    expect(await storage.suggestionAuthorsOf('aaaaaaaaaaaaaaaa')).toEqual(new Map([['s1', 7], ['s2', null], ['s3', 9]]))
    // Yjs client ids are unsigned 32-bit: past PostgreSQL's INTEGER, inside its BIGINT.
    expect(await storage.authorsOf('aaaaaaaaaaaaaaaa')).toEqual(new Map([[4_000_000_000, 7]]))
    const loaded = (await storage.loadDoc('aaaaaaaaaaaaaaaa'))!
    expect(loaded.suggestionAuthors.get('s1')).toBe(7)
    expect(bodyBlocks(loaded.doc)).toEqual(['bax'])
  })

  it('a failed append leaves neither the update nor what it brought', async () => {
    const { state, doc } = storyState('x')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    // The suggestion is recorded first inside the transaction; the update then fails (no story).
    await expect(storage.appendUpdate('bbbbbbbbbbbbbbbb', typeInto(doc, 'a'), { suggestionAuthors: new Map([['s1', 7]]) })).rejects.toThrow(FOREIGN_KEY)
    expect(await storage.suggestionAuthorsOf('bbbbbbbbbbbbbbbb')).toEqual(new Map())
  })

  it('a plain append made while another transaction is open is kept when that transaction rolls back', async () => {
    const { state, doc } = storyState('world')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    let append: Promise<number> | null = null
    const rolledBack = backend.db.transaction().execute(async (trx) => {
      await trx.insertInto('story_updates').values({ story_id: 'aaaaaaaaaaaaaaaa', data: typeInto(storyState('other').doc, 'lost ') }).execute()
      // SQLite has one connection: an append that joined this transaction would go with it.
      append = storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'hello '))
      // Awaited below; a rejection meanwhile is not left unhandled.
      append.catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 20))
      throw new Error('rolled back on purpose')
    })
    await expect(rolledBack).rejects.toThrow('rolled back on purpose')
    expect(await append).toBeGreaterThan(0)
    expect(bodyBlocks((await storage.loadDoc('aaaaaaaaaaaaaaaa'))!.doc)).toEqual(['hello world'])
    expect(await storage.tailLength('aaaaaaaaaaaaaaaa')).toBe(1)
  })

  it('compaction folds the log into the snapshot; the story loads the same and later rows stay', async () => {
    const { state, doc } = storyState('end')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    for (const word of ['c ', 'b ', 'a ']) await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, word))
    expect(await storage.compact('aaaaaaaaaaaaaaaa')).toBe(3)
    expect(await storage.tailLength('aaaaaaaaaaaaaaaa')).toBe(0)
    expect(await storage.compact('aaaaaaaaaaaaaaaa')).toBe(0)
    const last = await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, '> '))
    const loaded = (await storage.loadDoc('aaaaaaaaaaaaaaaa'))!
    expect(bodyBlocks(loaded.doc)).toEqual(['> a b c end'])
    expect(loaded).toMatchObject({ tailLength: 1, lastSeq: last })
  })

  it('updates the index row from the document and answers the new summary', async () => {
    await storage.createStory('aaaaaaaaaaaaaaaa', storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY, 1)
    const desk = { ...EMPTY_DESK_SUMMARY, lead: 3, plannedWords: 500 }
    const story = await storage.updateIndex('aaaaaaaaaaaaaaaa', { ...FIELDS, headline: 'Talks resume', words: 40 }, desk, 99)
    expect(story).toMatchObject({ headline: 'Talks resume', words: 40, updatedAt: 99, createdAt: 1, desk })
    expect(await storage.updateIndex('bbbbbbbbbbbbbbbb', FIELDS, desk, 100)).toBeNull()
  })

  it('keeps every status move of a story, oldest first, apart from other stories', async () => {
    const history = new StatusHistory(backend.db)
    for (const id of ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']) await storage.createStory(id, storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY)
    await history.record('aaaaaaaaaaaaaaaa', { userId: 7, from: 'in_edit', to: 'ready', reason: 'Legal cleared it', at: 20 })
    await history.record('aaaaaaaaaaaaaaaa', { userId: null, from: 'draft', to: 'in_edit', reason: '', at: 10 })
    await history.record('bbbbbbbbbbbbbbbb', { userId: 8, from: 'draft', to: 'in_edit', reason: '', at: 5 })
    expect(await history.list('aaaaaaaaaaaaaaaa')).toEqual([
      { userId: null, from: 'draft', to: 'in_edit', reason: '', at: 10 },
      { userId: 7, from: 'in_edit', to: 'ready', reason: 'Legal cleared it', at: 20 },
    ])
    await expect(history.record('cccccccccccccccc', { userId: 7, from: 'draft', to: 'in_edit', reason: '', at: 1 })).rejects.toThrow(FOREIGN_KEY)
  })

  it('records suggestion decisions a batch at a time, all or none, and lists them newest first', async () => {
    const decisions = new SuggestionLog(backend.db)
    await storage.createStory('aaaaaaaaaaaaaaaa', storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY)
    const first = await decisions.record('aaaaaaaaaaaaaaaa', 7, [{ action: 'accept', suggestionId: 's1', authorId: 8, kind: 'insertion', text: 'new' }], 100)
    const second = await decisions.record(
      'aaaaaaaaaaaaaaaa',
      8,
      [
        { action: 'reject', suggestionId: 's2', authorId: null, kind: 'format', text: 'Bold: x' },
        { action: 'accept', suggestionId: 's3', authorId: 7, kind: 'deletion', text: 'old' },
      ],
      200,
    )
    expect(second.map((decision) => decision.id)).toEqual([...second.map((decision) => decision.id)].sort((a, b) => a - b))
    expect((await decisions.list('aaaaaaaaaaaaaaaa')).map((decision) => decision.suggestionId)).toEqual(['s3', 's2', 's1'])
    expect((await decisions.list('aaaaaaaaaaaaaaaa', 1))[0]).toEqual(second[1])
    expect(first[0]).toMatchObject({ storyId: 'aaaaaaaaaaaaaaaa', userId: 7, at: 100, authorId: 8 })
    // One bad row (a kind the table refuses) and the whole batch is refused.
    const bad = { action: 'accept', suggestionId: 's5', authorId: 7, kind: 'bogus', text: '' } as unknown as DecisionInput
    await expect(decisions.record('aaaaaaaaaaaaaaaa', 7, [{ action: 'accept', suggestionId: 's4', authorId: 7, kind: 'insertion', text: '' }, bad])).rejects.toThrow(CHECK)
    expect(await decisions.list('aaaaaaaaaaaaaaaa')).toHaveLength(3)
  })

  it('stores the decisions an update makes in its transaction: both or neither', async () => {
    const decisions = new SuggestionLog(backend.db)
    const { state, doc } = storyState('x')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    const accepted: DecisionInput = { action: 'accept', suggestionId: 's1', authorId: 8, kind: 'insertion', text: 'new' }
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'a'), { alsoWrite: (db) => insertDecisions(db, 'aaaaaaaaaaaaaaaa', 7, [accepted], 100) })
    expect(await decisions.list('aaaaaaaaaaaaaaaa')).toEqual([{ ...accepted, id: expect.any(Number), storyId: 'aaaaaaaaaaaaaaaa', userId: 7, at: 100 }])
    // The update is refused (its suggestion id is someone else's): its decision is not kept either.
    await storage.recordSuggestionAuthors('aaaaaaaaaaaaaaaa', new Map([['s9', 9]]))
    const rejected: DecisionInput = { action: 'reject', suggestionId: 's2', authorId: 9, kind: 'deletion', text: 'old' }
    await expect(
      storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'b'), {
        suggestionAuthors: new Map([['s9', 7]]),
        alsoWrite: (db) => insertDecisions(db, 'aaaaaaaaaaaaaaaa', 7, [rejected], 200),
      }),
    ).rejects.toThrow(SuggestionAuthorConflict)
    expect((await decisions.list('aaaaaaaaaaaaaaaa')).map((decision) => decision.suggestionId)).toEqual(['s1'])
    expect(await storage.tailLength('aaaaaaaaaaaaaaaa')).toBe(1)
  })

  it('keeps what suggestions covered after it is deleted, through loading and compaction', async () => {
    const { state, doc } = storyState('x')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    const text = (getBody(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    const change = (edit: () => void) => {
      const before = Y.encodeStateVector(doc)
      edit()
      return Y.encodeStateAsUpdate(doc, before)
    }
    const value = { id: 's1', authorId: 8, authorName: 'Eight', authorColor: null, time: 1 }
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', change(() => text.insert(1, ' suggested', { insertion: value })))
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', change(() => text.insert(0, 'plain ')))
    // Both deleted: the suggested text and its value are kept (deleted), the plain text is collected.
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', change(() => text.delete(0, text.length)))
    const kept = (loaded: Y.Doc) => {
      const found: string[] = []
      for (let item = ((getBody(loaded).get(0) as Y.XmlElement).get(0) as Y.XmlText)._start; item !== null; item = item.right) {
        if (item.content instanceof Y.ContentString) found.push(`${item.deleted ? '-' : ''}${item.content.str}`)
        if (item.content instanceof Y.ContentFormat) found.push(`${item.deleted ? '-' : ''}{${item.content.key}: ${(item.content.value as { id?: string } | null)?.id ?? null}}`)
      }
      return found
    }
    const expected = ['-{insertion: s1}', '- suggested', '-{insertion: null}']
    expect(kept((await storage.loadDoc('aaaaaaaaaaaaaaaa'))!.doc)).toEqual(expected)
    expect(await storage.compact('aaaaaaaaaaaaaaaa')).toBe(3)
    const loaded = (await storage.loadDoc('aaaaaaaaaaaaaaaa'))!.doc
    expect(kept(loaded)).toEqual(expected)
    expect(bodyBlocks(loaded)).toEqual([''])
  })

  it('keeps accounts: usernames unique whatever their case, found whatever their case, listed by name', async () => {
    const users = new Users(backend.db)
    const zed = await users.create({ username: 'Zed', password: 'long enough', displayName: 'zed Zimmer', role: 'reporter' })
    expect(zed).toMatchObject({ username: 'Zed', displayName: 'zed Zimmer', bylineName: 'zed Zimmer', role: 'reporter', isAdmin: false, active: true })
    expect((await users.byUsername('zED'))?.id).toBe(zed!.id)
    await expect(users.create({ username: 'zed', password: 'long enough', displayName: 'Other', role: 'editor' })).rejects.toThrow(UNIQUE)
    expect(await users.create({ username: 'amy', password: 'long enough', displayName: 'Amy', role: 'editor' }, { onlyIfEmpty: true })).toBeNull()
    expect((await users.list()).map((user) => user.displayName)).toEqual(['User 7', 'User 8', 'User 9', 'zed Zimmer'])
    expect(await users.update(zed!.id, { active: false, isAdmin: true })).toMatchObject({ active: false, isAdmin: true, role: 'reporter' })
    expect(await users.count()).toBe(4)
    expect(await users.get(404)).toBeNull()
  })

  it('keeps sessions by the hash of their token; a browser session slides, an expired one is gone', async () => {
    const sessions = new Sessions(backend.db, { browser: 3_600_000, api: 86_400_000 })
    const browser = await sessions.create(7, 'browser', 0)
    const api = await sessions.create(8, 'api', 0)
    const stored = await sql<{ token_hash: string }>`SELECT token_hash FROM sessions`.execute(backend.db)
    expect(stored.rows.map((row) => row.token_hash)).not.toContain(browser.token)
    expect(await sessions.use(browser.token, 10 * 60_000)).toMatchObject({ userId: 7, renewed: true, expiresAt: 10 * 60_000 + 3_600_000 })
    expect(await sessions.resolve(api.token, 1)).toBe(8)
    expect(await sessions.resolve('not a token', 1)).toBeNull()
    expect(await sessions.resolve(api.token, api.expiresAt)).toBeNull()
    await sessions.revokeUser(7)
    expect(await sessions.resolve(browser.token, 1)).toBeNull()
    await expect(sessions.create(404, 'api')).rejects.toThrow(FOREIGN_KEY)
  })

  it('keeps sections in desk order, one per name whatever its case', async () => {
    const sections = new Sections(backend.db)
    await sections.ensureDefaults()
    const defaults = await sections.list()
    expect(defaults.length).toBeGreaterThan(2)
    expect(await sections.add('Science')).toBe(true)
    expect(await sections.add('science')).toBe(false)
    expect(await sections.find('SCIENCE')).toBe('Science')
    expect(await sections.list()).toEqual([...defaults, 'Science'])
    expect(await sections.remove('science')).toBe(true)
    expect(await sections.remove('Science')).toBe(false)
    await sections.ensureDefaults()
    expect(await sections.list()).toEqual(defaults)
  })

  it('keeps the newsroom dictionary: each word once, as added, and the style rules turned off', async () => {
    const dictionary = new NewsroomDictionary(backend.db)
    expect(await dictionary.read()).toEqual({ words: [], disabledRules: [] })
    expect(await dictionary.add('Lavrov', 7)).toBe(true)
    expect(await dictionary.add('Lavrov', 8)).toBe(false)
    expect(await dictionary.add('iPhone', 8)).toBe(true)
    expect(await dictionary.add('lavrov', 9)).toBe(true)
    expect((await dictionary.read()).words.map((entry) => [entry.word, entry.addedBy])).toEqual([
      ['iPhone', 8],
      ['lavrov', 9],
      ['Lavrov', 7],
    ])
    expect(await dictionary.remove('lavrov')).toBe(true)
    expect(await dictionary.remove('lavrov')).toBe(false)
    expect(await dictionary.setRule('ap-ok', true, 7)).toBe(false)
    expect(await dictionary.setRule('ap-ok', false, 7)).toBe(true)
    expect(await dictionary.setRule('ap-ok', false, 8)).toBe(false)
    expect(await dictionary.setRule('ap-months', false, 8)).toBe(true)
    expect((await dictionary.read()).disabledRules).toEqual(['ap-months', 'ap-ok'])
    expect(await dictionary.setRule('ap-ok', true, 9)).toBe(true)
    expect(await dictionary.read()).toMatchObject({ words: [{ word: 'iPhone' }, { word: 'Lavrov' }], disabledRules: ['ap-months'] })
  })

  it('keeps comment threads in order, counts open ones per story, and notifies each person once', async () => {
    await storage.createStory('aaaaaaaaaaaaaaaa', storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY)
    await storage.createStory('bbbbbbbbbbbbbbbb', storyState('y').state, FIELDS, EMPTY_DESK_SUMMARY)
    const comments = new Comments(backend.db)
    const input = { storyId: 'aaaaaaaaaaaaaaaa', start: 'S', end: 'E', quote: 'x', authorId: 7 }
    // Made in the same millisecond: still in the order they were made.
    const first = await comments.createThread({ ...input, body: 'One' }, 5)
    const second = await comments.createThread({ ...input, body: 'Two' }, 5)
    const reply = await comments.addComment(first.id, 8, 'Reply', 5)
    expect((await comments.threads('aaaaaaaaaaaaaaaa')).map((thread) => thread.comments.map((comment) => comment.body))).toEqual([['One', 'Reply'], ['Two']])
    expect(await comments.setResolved(second.id, true, 8)).toBe(true)
    expect(await comments.setResolved(second.id, true, 9)).toBe(false)
    expect(await comments.openThreadCounts()).toEqual(new Map([['aaaaaaaaaaaaaaaa', 1]]))
    expect(await comments.openThreadCount('bbbbbbbbbbbbbbbb')).toBe(0)
    const at = { storyId: 'aaaaaaaaaaaaaaaa', threadId: first.id, commentId: reply.id, byUserId: 8 }
    expect((await comments.notify([7, 8, 9], at)).sort()).toEqual([7, 9])
    expect(await comments.notify([7, 9], at)).toEqual([])
    const notifications = new Notifications(backend.db, new StoryEvents(), createLogger('silent'))
    const [notification] = await notifications.list(7)
    expect(notification).toMatchObject({ kind: 'mention', commentId: reply.id, excerpt: 'Reply', readAt: null })
    expect(await notifications.markRead(notification!.id, 9)).toBe(false)
    expect(await notifications.markRead(notification!.id, 7)).toBe(true)
    // Deleting the last live comment of a thread takes the thread and its notifications.
    expect(await comments.deleteComment(reply.id)).toEqual({ threadDeleted: false })
    expect(await notifications.list(7)).toEqual([])
    expect(await comments.deleteComment((await comments.thread(first.id))!.comments[0]!.id)).toEqual({ threadDeleted: true })
    expect(await comments.thread(first.id)).toBeNull()
  })

  it('keeps versions: a checkpoint loads back whole, and two nodes make one automatic checkpoint', async () => {
    const { state, doc } = storyState('Filed copy')
    await storage.createStory('aaaaaaaaaaaaaaaa', state, FIELDS, EMPTY_DESK_SUMMARY)
    let clock = 1_000_000
    const nodeA = new Versions(backend.db, { kind: backend.kind, now: () => clock })
    const nodeB = new Versions(backend.db, { kind: backend.kind, now: () => clock })
    const named = await nodeA.checkpoint('aaaaaaaaaaaaaaaa', doc, { kind: 'named', name: 'Filed', userId: 7 })
    expect(bodyBlocks((await nodeB.load('aaaaaaaaaaaaaaaa', named.id))!.doc)).toEqual(['Filed copy'])
    clock += AUTO_CHECKPOINT_MS
    typeInto(doc, 'More ')
    const made = await Promise.all([nodeA.onEdited('aaaaaaaaaaaaaaaa', doc), nodeB.onEdited('aaaaaaaaaaaaaaaa', doc)])
    expect(made.filter(Boolean)).toHaveLength(1)
    expect((await nodeB.list('aaaaaaaaaaaaaaaa')).map((version) => version.kind)).toEqual(['auto', 'named'])
    // Who deleted what, stored with an update, answers "removed by".
    await storage.appendUpdate('aaaaaaaaaaaaaaaa', typeInto(doc, 'x'), { deletions: [{ client: 4_000_000_000, clock: 2, len: 3, userId: 9 }] })
    expect((await nodeA.deletionsOf('aaaaaaaaaaaaaaaa')).deletedBy(4_000_000_000, 0, 6)).toEqual([
      { len: 2, by: null },
      { len: 3, by: 9 },
      { len: 1, by: null },
    ])
  })

  it('keeps publications with their outbox; one node claims a delivery; the pull feed has each story once', async () => {
    await storage.createStory('aaaaaaaaaaaaaaaa', storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY)
    await storage.createStory('bbbbbbbbbbbbbbbb', storyState('y').state, FIELDS, EMPTY_DESK_SUMMARY)
    let clock = 1_000
    const log = createLogger('silent')
    const publishing = new Publishing(backend.db, { urls: ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'], secret: 'x'.repeat(16), now: () => clock }, log)
    const write = (storyId: string, kind: 'publish' | 'withhold', version: number) =>
      backend.db.transaction().execute(publishing.rowsFor({ storyId, kind, version, userId: 7, edNote: '', body: () => JSON.stringify({ uri: storyId, version, kind }) }))
    await write('aaaaaaaaaaaaaaaa', 'publish', 1)
    clock = 2_000
    await write('bbbbbbbbbbbbbbbb', 'publish', 1)
    clock = 3_000
    await write('aaaaaaaaaaaaaaaa', 'withhold', 1)
    expect(await publishing.lastPublished('aaaaaaaaaaaaaaaa')).toEqual({ version: 1, edNote: '' })
    expect(await publishing.lastPublished('cccccccccccccccc')).toBeNull()
    const listed = await publishing.list('aaaaaaaaaaaaaaaa')
    expect(listed.map((publication) => [publication.kind, publication.deliveries.map((delivery) => delivery.state)])).toEqual([
      ['withhold', ['pending', 'pending']],
      ['publish', ['pending', 'pending']],
    ])
    // Newest first, each story's latest only, since a time.
    expect((await publishing.published(0)).map((body) => JSON.parse(body) as { uri: string; kind: string })).toEqual([
      { uri: 'aaaaaaaaaaaaaaaa', version: 1, kind: 'withhold' },
      { uri: 'bbbbbbbbbbbbbbbb', version: 1, kind: 'publish' },
    ])
    expect(await publishing.published(2_500)).toHaveLength(1)
    expect(await publishing.storyOfDelivery(listed[0]!.deliveries[0]!.id)).toBe('aaaaaaaaaaaaaaaa')
    expect(await publishing.retry(123_456)).toBe(false)
  })

  it('takes a probe write, again and again', async () => {
    await expect(storage.probe(1)).resolves.toBeUndefined()
    await expect(storage.probe(2)).resolves.toBeUndefined()
  })
})

describe('PostgreSQL migrations', () => {
  it('run once when several nodes open one empty database at the same moment', async () => {
    const url = await cluster!.createDatabase()
    const opened = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url, { max: 2 })))
    await withPeople(opened[0]!)
    const stores = opened.map((backend) => new Storage(backend))
    await stores[0]!.createStory('aaaaaaaaaaaaaaaa', storyState('x').state, FIELDS, EMPTY_DESK_SUMMARY)
    for (const store of stores) expect(await store.hasStory('aaaaaaaaaaaaaaaa')).toBe(true)
    await Promise.all(stores.map((store) => store.close()))
  })

  it('stop with a clear error when the server cannot be reached', async () => {
    await expect(openPostgres('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow(/ECONNREFUSED|connect/)
  })
})
