/**
 * The server refuses suggestions forged in someone else's name (server/room.ts
 * `suggestionsAllowed`), against the real server and real y-websocket clients, while the ways
 * honest clients re-emit other people's suggestions (Yjs' restore formats, re-set attributes,
 * undo) still go through.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { Close } from '../../src/shared/protocol'
import { getBody } from '../../src/shared/storyDoc'
import { suggestionAuthorsIn } from '../../server/updateScope'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { addUser, createStoryVia, importStoryVia, startTestServer, tempDataDir } from '../helpers/server'

type Person = Awaited<ReturnType<typeof addUser>>
let srv: RunningServer
/** The server's data folder: a restart opens the same one, on the same port (clients reconnect). */
const dataDir = tempDataDir()
const people = {} as Record<'ann' | 'bob' | 'chief', Person>
let clients: TestClient[] = []
let id = ''

beforeAll(async () => {
  srv = await startTestServer({ dataDir })
  people.ann = await addUser(srv, 'ann', 'editor')
  people.bob = await addUser(srv, 'bob', 'editor')
  people.chief = await addUser(srv, 'chief', 'chief')
})
afterAll(async () => {
  await srv.close()
})
beforeEach(async () => {
  id = await createStoryVia(srv.url, people.chief.token, { headline: 'Suggestions', section: 'News' })
})
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

/** The code of the client's first close, once it comes (the stock provider would reconnect: tests destroy it). */
function closeCode(client: TestClient): () => number | null {
  let code: number | null = null
  client.provider.on('connection-close', (event) => {
    if (event && code === null) code = event.code
  })
  return () => code
}

/** The first paragraph's text node, created when the paragraph is empty. */
function text(doc: Y.Doc): Y.XmlText {
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()])
  return paragraph.get(0) as Y.XmlText
}

function attrs(suggestionId: string, who: keyof typeof people) {
  return { id: suggestionId, authorId: people[who].id, authorName: who, authorColor: '#c00', time: 1 }
}

function breakValue(suggestionId: string, who: keyof typeof people): string {
  return JSON.stringify({ kind: 'split', ...attrs(suggestionId, who) })
}

/** The first paragraph as runs of text with the same suggestion id (or none); other marks ignored. */
function runs(doc: Y.Doc): Array<[string, string | null]> {
  const node = (getBody(doc).get(0) as Y.XmlElement | undefined)?.get(0)
  if (!(node instanceof Y.XmlText)) return []
  const out: Array<[string, string | null]> = []
  for (const op of node.toDelta() as Array<{ insert: string; attributes?: Record<string, { id: string } | undefined> }>) {
    const suggestion = op.attributes?.insertion?.id ?? op.attributes?.deletion?.id ?? null
    const last = out[out.length - 1]
    if (last && last[1] === suggestion) last[0] += op.insert
    else out.push([op.insert, suggestion])
  }
  return out
}

const stored = () => srv.storage.loadDoc(id)!.doc
const storedRuns = () => runs(stored())
const storedBreak = () => (getBody(stored()).get(0) as Y.XmlElement).getAttribute('suggestion') ?? null
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

/** Ann writes "Hello", then suggests " world" (id a1): stored and seen by `watcher`. */
async function annSuggests(ann: TestClient, watcher: TestClient): Promise<void> {
  text(ann.doc).insert(0, 'Hello')
  text(ann.doc).insert(5, ' world', { insertion: attrs('a1', 'ann') })
  const expected: Array<[string, string | null]> = [
    ['Hello', null],
    [' world', 'a1'],
  ]
  await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
  await vi.waitFor(() => expect(storedRuns()).toEqual(expected))
}

/** `forge` on a fresh connection of `who` is refused with 4403 and changes nothing anywhere. */
async function expectRefused(who: keyof typeof people, clientID: number, watcher: TestClient, forge: (doc: Y.Doc) => void): Promise<void> {
  const forger = await open(who, clientID)
  const closing = closeCode(forger)
  const before = { tail: srv.storage.tailLength(id), runs: storedRuns(), breakValue: storedBreak(), watcher: runs(watcher.doc) }
  const refused = srv.rooms.get(id)!.refused
  forge(forger.doc)
  await vi.waitFor(() => expect(closing()).toBe(Close.forbidden.code), { timeout: 5_000 })
  forger.destroy()
  expect(srv.rooms.get(id)!.refused).toBe(refused + 1)
  await settle()
  expect(srv.storage.tailLength(id)).toBe(before.tail)
  expect(storedRuns()).toEqual(before.runs)
  expect(storedBreak()).toBe(before.breakValue)
  expect(runs(watcher.doc)).toEqual(before.watcher)
  expect((getBody(watcher.doc).get(0) as Y.XmlElement).getAttribute('suggestion') ?? null).toBe(before.breakValue)
}

describe('suggestions in your own name', () => {
  it('a text suggestion is accepted, reaches another client and is stored', async () => {
    const ann = await open('ann', 101)
    const watcher = await open('chief', 102)
    await annSuggests(ann, watcher)
    text(ann.doc).format(0, 5, { deletion: attrs('a2', 'ann') })
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', 'a2'], [' world', 'a1']]))
    expect(runs(watcher.doc)).toEqual([['Hello', 'a2'], [' world', 'a1']])
    expect(ann.provider.wsconnected).toBe(true)
  })

  it('a paragraph-break suggestion is accepted, reaches another client and is stored', async () => {
    const ann = await open('ann', 111)
    const watcher = await open('chief', 112)
    ;(getBody(ann.doc).get(0) as Y.XmlElement).setAttribute('suggestion', breakValue('p1', 'ann'))
    await vi.waitFor(() => expect(storedBreak()).toBe(breakValue('p1', 'ann')))
    expect((getBody(watcher.doc).get(0) as Y.XmlElement).getAttribute('suggestion')).toBe(breakValue('p1', 'ann'))
  })
})

describe("suggestions forged in someone else's name are refused whole (4403)", () => {
  it('a text suggestion with a fresh id, inserted or formatted, in another user\'s name or nobody\'s', async () => {
    const ann = await open('ann', 201)
    const watcher = await open('chief', 202)
    await annSuggests(ann, watcher)
    await expectRefused('bob', 203, watcher, (doc) => text(doc).insert(11, ' forged', { insertion: attrs('f1', 'ann') }))
    await expectRefused('bob', 204, watcher, (doc) => text(doc).format(0, 5, { deletion: attrs('f2', 'ann') }))
    await expectRefused('bob', 205, watcher, (doc) => text(doc).format(0, 5, { deletion: { ...attrs('f3', 'bob'), authorId: null } }))
    // Ann's known id taken over in Bob's name: ids are random, so reuse by another author is forged.
    await expectRefused('bob', 206, watcher, (doc) => text(doc).format(0, 5, { deletion: attrs('a1', 'bob') }))
    // A malformed value (no id) and one smuggled in a forged update together with Bob's honest text.
    await expectRefused('bob', 207, watcher, (doc) => text(doc).format(0, 5, { deletion: { authorId: people.bob.id } }))
    await expectRefused('bob', 208, watcher, (doc) =>
      doc.transact(() => {
        text(doc).insert(0, 'Fine. ')
        text(doc).insert(0, 'Not mine ', { insertion: attrs('f4', 'chief') })
      }),
    )
    // The honest author still writes; nothing forged ever reached anyone.
    text(ann.doc).insert(0, 'Yes. ')
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Yes. Hello', null], [' world', 'a1']]))
    expect(runs(watcher.doc)).toEqual([['Yes. Hello', null], [' world', 'a1']])
  })

  it('a paragraph-break suggestion in another user\'s name, and a malformed one', async () => {
    const ann = await open('ann', 301)
    const watcher = await open('chief', 302)
    await annSuggests(ann, watcher)
    const paragraph = (doc: Y.Doc) => getBody(doc).get(0) as Y.XmlElement
    await expectRefused('bob', 303, watcher, (doc) => paragraph(doc).setAttribute('suggestion', breakValue('f5', 'ann')))
    await expectRefused('bob', 304, watcher, (doc) => paragraph(doc).setAttribute('suggestion', 'not json'))
    await expectRefused('bob', 305, watcher, (doc) => paragraph(doc).setAttribute('suggestion', 7 as unknown as string))
    // Bob's own break is fine; then Ann's name on a fresh id over it is not.
    const bob = await open('bob', 306)
    paragraph(bob.doc).setAttribute('suggestion', breakValue('b5', 'bob'))
    await vi.waitFor(() => expect(storedBreak()).toBe(breakValue('b5', 'bob')))
    await vi.waitFor(() => expect(paragraph(watcher.doc).getAttribute('suggestion')).toBe(breakValue('b5', 'bob')))
    await expectRefused('bob', 307, watcher, (doc) => paragraph(doc).setAttribute('suggestion', breakValue('f6', 'ann')))
  })
})

describe("working with someone else's suggestion is not refused", () => {
  it("Bob types inside Ann's suggestion, formats part of it, suggests inside it and accepts it", async () => {
    const ann = await open('ann', 401)
    const watcher = await open('chief', 402)
    await annSuggests(ann, watcher)
    const bob = await open('bob', 403)
    const node = text(bob.doc)
    // Plain text inside the run, written the way the binding does (the mark negated, then restored).
    node.insert(8, 'XX', {})
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', null], [' wo', 'a1'], ['XX', null], ['rld', 'a1']]))
    // "Hello woXXrld": bold over part of it, then accepting part of it (Yjs restores Ann's value after).
    node.format(6, 2, { bold: true })
    node.format(10, 1, { insertion: null })
    // Bob's own suggestion inside Ann's.
    node.insert(11, 'YY', { insertion: attrs('b1', 'bob') })
    const expected: Array<[string, string | null]> = [
      ['Hello', null],
      [' wo', 'a1'],
      ['XXr', null],
      ['YY', 'b1'],
      ['ld', 'a1'],
    ]
    await vi.waitFor(() => expect(storedRuns()).toEqual(expected))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
    // Re-setting Ann's break with the same id and author (the binding re-sends attributes it sees differ).
    ;(getBody(ann.doc).get(0) as Y.XmlElement).setAttribute('suggestion', breakValue('p2', 'ann'))
    await vi.waitFor(() => expect((getBody(bob.doc).get(0) as Y.XmlElement).getAttribute('suggestion')).toBe(breakValue('p2', 'ann')))
    const reordered = JSON.stringify({ id: 'p2', authorId: people.ann.id, kind: 'split', authorName: 'ann', authorColor: '#c00', time: 1 })
    ;(getBody(bob.doc).get(0) as Y.XmlElement).setAttribute('suggestion', reordered)
    await vi.waitFor(() => expect(storedBreak()).toBe(reordered))
    // Accepting everything: the marks end, the break attribute goes.
    node.format(0, node.length, { insertion: null })
    ;(getBody(bob.doc).get(0) as Y.XmlElement).removeAttribute('suggestion')
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello woXXrYYld', null]]))
    await vi.waitFor(() => expect(storedBreak()).toBeNull())
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })

  it("undoing Bob's deletion of Ann's suggested text re-creates her format items: accepted", async () => {
    const ann = await open('ann', 501)
    const watcher = await open('chief', 502)
    await annSuggests(ann, watcher)
    text(ann.doc).format(0, 5, { deletion: attrs('a2', 'ann') })
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', 'a2'], [' world', 'a1']]))
    const bob = await open('bob', 503)
    const node = text(bob.doc)
    const undo = new Y.UndoManager(getBody(bob.doc), { captureTimeout: 0 })
    // Rejecting Ann's insertion deletes its text; rejecting her deletion removes its mark.
    node.delete(5, 6)
    node.format(0, 5, { deletion: null })
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', null]]))
    undo.undo()
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', 'a2']]))
    undo.undo()
    const restored: Array<[string, string | null]> = [
      ['Hello', 'a2'],
      [' world', 'a1'],
    ]
    await vi.waitFor(() => expect(storedRuns()).toEqual(restored))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(restored))
    undo.destroy()
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })

  it('after the story is unloaded and loaded again, the suggestions in it are known', async () => {
    const ann = await open('ann', 601)
    const watcher = await open('chief', 602)
    await annSuggests(ann, watcher)
    for (const client of clients) client.destroy()
    clients = []
    await vi.waitFor(() => expect(srv.rooms.get(id)).toBeUndefined())
    const bob = await open('bob', 603)
    text(bob.doc).insert(8, 'XX', {})
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', null], [' wo', 'a1'], ['XX', null], ['rld', 'a1']]))
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })

  it("a suggestion the server itself brings in (a version restore) is known from then on", async () => {
    const bob = await open('bob', 701)
    text(bob.doc).insert(0, 'Hello')
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', null]]))
    srv.rooms.change(id, (room) => room.applyServerChange((doc) => text(doc).insert(5, ' world', { insertion: attrs('r1', 'ann') })))
    await vi.waitFor(() => expect(runs(bob.doc)).toEqual([['Hello', null], [' world', 'r1']]))
    expect(srv.storage.suggestionAuthorsOf(id).get('r1')).toBe(people.ann.id)
    text(bob.doc).insert(8, 'XX', {})
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', null], [' wo', 'r1'], ['XX', null], ['rld', 'r1']]))
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })
})

/** Stop the server and start it again on the same data and port: every room is loaded afresh. */
async function restart(): Promise<void> {
  const { port } = srv
  await srv.close()
  srv = await startTestServer({ dataDir, port })
}

/** Wait until a client is connected and synced again (after a restart). */
async function resynced(client: TestClient): Promise<void> {
  await vi.waitFor(() => expect(client.provider.wsconnected && client.provider.synced).toBe(true), { timeout: 10_000, interval: 10 })
}

/** The suggestion ids recorded for the story in SQLite. */
const recorded = () => srv.storage.suggestionAuthorsOf(id)

describe('a settled suggestion is still known after a restart', () => {
  it("undoing Bob's reject of Ann's suggestion, after the server restarted, is accepted, relayed and stored", async () => {
    const ann = await open('ann', 801)
    const watcher = await open('chief', 802)
    await annSuggests(ann, watcher)
    expect(recorded().get('a1')).toBe(people.ann.id)
    const bob = await open('bob', 803)
    const undo = new Y.UndoManager(getBody(bob.doc), { captureTimeout: 0 })
    // Rejecting Ann's insertion deletes all of its text, and with it every value carrying a1.
    text(bob.doc).delete(5, 6)
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello', null]]))
    // The stored story, loaded the way a room loads it (gc on), no longer holds a1 anywhere.
    expect(suggestionAuthorsIn(stored()).has('a1')).toBe(false)

    await restart()
    await Promise.all([resynced(ann), resynced(watcher), resynced(bob)])
    const late = await open('chief', 804)
    expect(srv.rooms.get(id)!.refused).toBe(0)

    // The undo re-creates Ann's format items, in her name: known from SQLite, so not forged.
    undo.undo()
    const restored: Array<[string, string | null]> = [
      ['Hello', null],
      [' world', 'a1'],
    ]
    await vi.waitFor(() => expect(storedRuns()).toEqual(restored))
    await vi.waitFor(() => expect(runs(late.doc)).toEqual(restored))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(restored))
    undo.destroy()
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
    // Still Ann's: the known id under another author stays forged.
    await expectRefused('bob', 805, late, (doc) => text(doc).format(0, 5, { deletion: attrs('a1', 'bob') }))
  })

  it("an offline client's text typed inside a suggestion settled meanwhile syncs after a restart", async () => {
    const ann = await open('ann', 901)
    const watcher = await open('chief', 902)
    await annSuggests(ann, watcher)
    const bob = await open('bob', 903)
    bob.provider.disconnect()
    // Typed offline inside Ann's run: Yjs negates her mark before "XX" and restores her value after.
    text(bob.doc).insert(8, 'XX', {})
    // Meanwhile the chief accepts Ann's suggestion: her values are deleted, then collected.
    text(watcher.doc).format(5, 6, { insertion: null })
    await vi.waitFor(() => expect(storedRuns()).toEqual([['Hello world', null]]))
    expect(suggestionAuthorsIn(stored()).has('a1')).toBe(false)

    await restart()
    await Promise.all([resynced(ann), resynced(watcher)])
    bob.provider.connect()
    await resynced(bob)
    await vi.waitFor(() => expect(storedRuns().map(([run]) => run).join('')).toBe('Hello woXXrld'))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(runs(bob.doc)))
    expect(storedRuns()).toEqual(runs(bob.doc))
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })
})

describe('the suggestion ids of a story are kept in SQLite', () => {
  it('from the first suggestion of a story imported without any', async () => {
    id = await importStoryVia(srv.url, people.chief.token, 'Imported\n\nHello')
    expect(recorded().size).toBe(0)
    const ann = await open('ann', 1001)
    expect(recorded().size).toBe(0)
    text(ann.doc).insert(5, ' world', { insertion: attrs('i1', 'ann') })
    ;(getBody(ann.doc).get(0) as Y.XmlElement).setAttribute('suggestion', breakValue('i2', 'ann'))
    await vi.waitFor(() => expect(storedBreak()).toBe(breakValue('i2', 'ann')))
    expect(recorded()).toEqual(
      new Map([
        ['i1', people.ann.id],
        ['i2', people.ann.id],
      ]),
    )
    // Typing that brings no new id writes nothing there.
    text(ann.doc).insert(0, 'Oh. ')
    await vi.waitFor(() => expect(storedRuns()[0]?.[0]).toMatch(/^Oh\. Hello/))
    expect(recorded().size).toBe(2)
  })

  it('for the ids in a story stored before the table existed, when its room loads', async () => {
    const ann = await open('ann', 1101)
    const watcher = await open('chief', 1102)
    await annSuggests(ann, watcher)
    for (const client of clients) client.destroy()
    clients = []
    await vi.waitFor(() => expect(srv.rooms.get(id)).toBeUndefined())
    // As if stored by an older server: the document holds a1, the table nothing.
    srv.storage.database.prepare('DELETE FROM suggestion_authors WHERE story_id = ?').run(id)
    expect(recorded().size).toBe(0)
    await open('bob', 1103)
    expect(recorded()).toEqual(new Map([['a1', people.ann.id]]))
  })
})
