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
import { countOpenSuggestions, FORMAT_CHANGE, TYPE_ATTRIBUTE } from '../../src/shared/suggestions'
import { suggestionAuthorsIn } from '../../server/updateScope'
import { closeCode, connectClient, firstText, synced, type TestClient } from '../helpers/clients'
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

/** The whole body, every block's name and attributes and every text run with all its attributes, as plain data. */
function body(doc: Y.Doc): unknown {
  const node = (child: Y.XmlElement | Y.XmlText | Y.XmlHook): unknown =>
    child instanceof Y.XmlText
      ? child.toDelta()
      : child instanceof Y.XmlElement
        ? { name: child.nodeName, attributes: child.getAttributes(), children: child.toArray().map(node) }
        : String(child)
  return JSON.parse(JSON.stringify(getBody(doc).toArray().map(node)))
}

const stored = async () => (await srv.storage.loadDoc(id))!.doc
const storedRuns = async () => runs(await stored())
const storedBreak = async () => (getBody(await stored()).get(0) as Y.XmlElement).getAttribute('suggestion') ?? null
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

/** Ann writes "Hello", then suggests " world" (id a1): stored and seen by `watcher`. */
async function annSuggests(ann: TestClient, watcher: TestClient): Promise<void> {
  firstText(ann.doc).insert(0, 'Hello')
  firstText(ann.doc).insert(5, ' world', { insertion: attrs('a1', 'ann') })
  const expected: Array<[string, string | null]> = [
    ['Hello', null],
    [' world', 'a1'],
  ]
  await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
  await vi.waitFor(async () => expect(await storedRuns()).toEqual(expected))
}

/** `forge` on a fresh connection of `who` is refused with 4403 and changes nothing anywhere. */
async function expectRefused(who: keyof typeof people, clientID: number, watcher: TestClient, forge: (doc: Y.Doc) => void): Promise<void> {
  const forger = await open(who, clientID)
  const closing = closeCode(forger)
  const before = {
    tail: (await srv.storage.tailLength(id)),
    runs: await storedRuns(),
    breakValue: await storedBreak(),
    watcher: runs(watcher.doc),
    body: body(await stored()),
    watcherBody: body(watcher.doc),
    recorded: new Map(await recorded()),
  }
  const refused = srv.rooms.get(id)!.refused
  forge(forger.doc)
  await vi.waitFor(() => expect(closing()).toBe(Close.forbidden.code), { timeout: 5_000 })
  forger.destroy()
  expect(srv.rooms.get(id)!.refused).toBe(refused + 1)
  await settle()
  expect((await srv.storage.tailLength(id))).toBe(before.tail)
  expect(await storedRuns()).toEqual(before.runs)
  expect(await storedBreak()).toBe(before.breakValue)
  expect(runs(watcher.doc)).toEqual(before.watcher)
  expect((getBody(watcher.doc).get(0) as Y.XmlElement).getAttribute('suggestion') ?? null).toBe(before.breakValue)
  // Nothing else either: no format or block type value anywhere, no forged id recorded.
  expect(body(await stored())).toEqual(before.body)
  expect(body(watcher.doc)).toEqual(before.watcherBody)
  expect(await recorded()).toEqual(before.recorded)
}

describe('suggestions in your own name', () => {
  it('a text suggestion is accepted, reaches another client and is stored', async () => {
    const ann = await open('ann', 101)
    const watcher = await open('chief', 102)
    await annSuggests(ann, watcher)
    firstText(ann.doc).format(0, 5, { deletion: attrs('a2', 'ann') })
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', 'a2'], [' world', 'a1']]))
    expect(runs(watcher.doc)).toEqual([['Hello', 'a2'], [' world', 'a1']])
    expect(ann.provider.wsconnected).toBe(true)
  })

  it('a paragraph-break suggestion is accepted, reaches another client and is stored', async () => {
    const ann = await open('ann', 111)
    const watcher = await open('chief', 112)
    ;(getBody(ann.doc).get(0) as Y.XmlElement).setAttribute('suggestion', breakValue('p1', 'ann'))
    await vi.waitFor(async () => expect(await storedBreak()).toBe(breakValue('p1', 'ann')))
    expect((getBody(watcher.doc).get(0) as Y.XmlElement).getAttribute('suggestion')).toBe(breakValue('p1', 'ann'))
  })
})

describe("suggestions forged in someone else's name are refused whole (4403)", () => {
  it('a text suggestion with a fresh id, inserted or formatted, in another user\'s name or nobody\'s', async () => {
    const ann = await open('ann', 201)
    const watcher = await open('chief', 202)
    await annSuggests(ann, watcher)
    await expectRefused('bob', 203, watcher, (doc) => firstText(doc).insert(11, ' forged', { insertion: attrs('f1', 'ann') }))
    await expectRefused('bob', 204, watcher, (doc) => firstText(doc).format(0, 5, { deletion: attrs('f2', 'ann') }))
    await expectRefused('bob', 205, watcher, (doc) => firstText(doc).format(0, 5, { deletion: { ...attrs('f3', 'bob'), authorId: null } }))
    // Ann's known id taken over in Bob's name: ids are random, so reuse by another author is forged.
    await expectRefused('bob', 206, watcher, (doc) => firstText(doc).format(0, 5, { deletion: attrs('a1', 'bob') }))
    // A malformed value (no id) and one smuggled in a forged update together with Bob's honest text.
    await expectRefused('bob', 207, watcher, (doc) => firstText(doc).format(0, 5, { deletion: { authorId: people.bob.id } }))
    await expectRefused('bob', 208, watcher, (doc) =>
      doc.transact(() => {
        firstText(doc).insert(0, 'Fine. ')
        firstText(doc).insert(0, 'Not mine ', { insertion: attrs('f4', 'chief') })
      }),
    )
    // The honest author still writes; nothing forged ever reached anyone.
    firstText(ann.doc).insert(0, 'Yes. ')
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Yes. Hello', null], [' world', 'a1']]))
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
    await vi.waitFor(async () => expect(await storedBreak()).toBe(breakValue('b5', 'bob')))
    await vi.waitFor(() => expect(paragraph(watcher.doc).getAttribute('suggestion')).toBe(breakValue('b5', 'bob')))
    await expectRefused('bob', 307, watcher, (doc) => paragraph(doc).setAttribute('suggestion', breakValue('f6', 'ann')))
  })
})

/** A format suggestion value: bold added, a link removed. */
function formatValue(suggestionId: string, who: keyof typeof people, extra: Record<string, unknown> = {}) {
  return { ...attrs(suggestionId, who), added: [{ type: 'bold' }], removed: [{ type: 'link', attrs: { href: 'https://example.com' } }], ...extra }
}

/** A block type suggestion value: the block was a plain paragraph. */
function typeValue(suggestionId: string, who: keyof typeof people, from: unknown = { type: 'paragraph', attrs: {} }): string {
  return JSON.stringify({ ...attrs(suggestionId, who), from })
}

/** The first paragraph's text runs with their format suggestion ids (plain or hashed key), for readable assertions. */
function formatRuns(doc: Y.Doc): Array<[string, string[]]> {
  const node = (getBody(doc).get(0) as Y.XmlElement | undefined)?.get(0)
  if (!(node instanceof Y.XmlText)) return []
  return (node.toDelta() as Array<{ insert: string; attributes?: Record<string, { id: string } | null> }>).map((op) => [
    op.insert,
    Object.entries(op.attributes ?? {})
      .filter(([key, value]) => key.split('--')[0] === FORMAT_CHANGE && value)
      .map(([, value]) => (value as { id: string }).id),
  ])
}

const firstBlock = (doc: Y.Doc) => getBody(doc).get(0) as Y.XmlElement
const storedType = async () => firstBlock(await stored()).getAttribute(TYPE_ATTRIBUTE) ?? null

/** What the binding writes when a block changes type: the old element goes, a new one carrying the attribute comes. */
function retype(doc: Y.Doc, name: string, value: unknown): void {
  doc.transact(() => {
    const old = firstBlock(doc)
    const element = new Y.XmlElement(name)
    if (name === 'heading') element.setAttribute('level', 2 as unknown as string)
    element.setAttribute(TYPE_ATTRIBUTE, value as string)
    const content = old.get(0)
    element.insert(0, [new Y.XmlText(content instanceof Y.XmlText ? content.toString() : '')])
    getBody(doc).delete(0, 1)
    getBody(doc).insert(0, [element])
  })
}

describe('format and block type suggestions', () => {
  it("format suggestions: your own is accepted, relayed and stored; one in another's name or malformed is refused whole (4403)", async () => {
    const ann = await open('ann', 1201)
    const watcher = await open('chief', 1202)
    await annSuggests(ann, watcher)
    // Ann bolds "Hello" in suggest mode.
    firstText(ann.doc).format(0, 5, { bold: true, [FORMAT_CHANGE]: formatValue('af1', 'ann') })
    const annFormatted: Array<[string, string[]]> = [
      ['Hello', ['af1']],
      [' world', []],
    ]
    await vi.waitFor(async () => expect(formatRuns(await stored())).toEqual(annFormatted))
    await vi.waitFor(() => expect(formatRuns(watcher.doc)).toEqual(annFormatted))
    expect((await recorded()).get('af1')).toBe(people.ann.id)

    const format = (value: unknown, key: string = FORMAT_CHANGE) => (doc: Y.Doc) => firstText(doc).format(6, 5, { italic: true, [key]: value })
    // A fresh id in Ann's name, under the plain key and under a hashed one, and in nobody's name.
    await expectRefused('bob', 1203, watcher, format(formatValue('ff1', 'ann')))
    await expectRefused('bob', 1204, watcher, format(formatValue('ff2', 'ann'), `${FORMAT_CHANGE}--AbCd1234`))
    await expectRefused('bob', 1205, watcher, format({ ...formatValue('ff3', 'bob'), authorId: null }))
    // Ann's known id taken over in Bob's name.
    await expectRefused('bob', 1206, watcher, format(formatValue('af1', 'bob')))
    // Malformed: no id, a string author, lists that are not lists.
    await expectRefused('bob', 1207, watcher, format({ ...formatValue('', 'bob') }))
    await expectRefused('bob', 1208, watcher, format({ ...formatValue('ff4', 'bob'), authorId: String(people.bob.id) }))
    await expectRefused('bob', 1209, watcher, format(formatValue('ff5', 'bob', { added: { type: 'bold' } })))
    await expectRefused('bob', 1210, watcher, format(formatValue('ff6', 'bob', { removed: 'italic' })))
    await expectRefused('bob', 1211, watcher, format('bold'))

    // Bob's own format suggestion goes through, and so does his typing inside Ann's (Yjs restores her value after it).
    const bob = await open('bob', 1212)
    firstText(bob.doc).format(6, 5, { italic: true, [`${FORMAT_CHANGE}--AbCd1234`]: formatValue('bf1', 'bob') })
    firstText(bob.doc).insert(2, 'XX', {})
    const expected: Array<[string, string[]]> = [
      ['He', ['af1']],
      ['XX', []],
      ['llo', ['af1']],
      [' ', []],
      ['world', ['bf1']],
    ]
    await vi.waitFor(async () => expect(formatRuns(await stored())).toEqual(expected))
    await vi.waitFor(() => expect(formatRuns(watcher.doc)).toEqual(expected))
    expect((await recorded()).get('bf1')).toBe(people.bob.id)
    // Settling both ends the marks.
    firstText(bob.doc).format(0, 13, { bold: null, italic: null, [FORMAT_CHANGE]: null, [`${FORMAT_CHANGE}--AbCd1234`]: null })
    // (Ann's insertion a1 still splits the text.)
    await vi.waitFor(async () => expect(formatRuns(await stored())).toEqual([['HeXXllo', []], [' world', []]]))
    expect(bob.provider.wsconnected).toBe(true)
  })

  it("block type suggestions: your own is accepted, relayed and stored; one in another's name or malformed is refused whole (4403)", async () => {
    const ann = await open('ann', 1301)
    const watcher = await open('chief', 1302)
    await annSuggests(ann, watcher)
    // Ann turns the paragraph into a heading in suggest mode.
    retype(ann.doc, 'heading', typeValue('at1', 'ann'))
    await vi.waitFor(async () => expect(await storedType()).toBe(typeValue('at1', 'ann')))
    await vi.waitFor(() => expect(firstBlock(watcher.doc).getAttribute(TYPE_ATTRIBUTE)).toBe(typeValue('at1', 'ann')))
    expect(firstBlock(await stored()).nodeName).toBe('heading')
    expect((await recorded()).get('at1')).toBe(people.ann.id)

    const set = (value: unknown) => (doc: Y.Doc) => firstBlock(doc).setAttribute(TYPE_ATTRIBUTE, value as string)
    // A fresh id in Ann's name, set on the block or on a new block as the binding writes it.
    await expectRefused('bob', 1303, watcher, set(typeValue('ft1', 'ann')))
    await expectRefused('bob', 1304, watcher, (doc) => retype(doc, 'paragraph', typeValue('ft2', 'ann', { type: 'heading', attrs: { level: 2 } })))
    // Ann's known id taken over in Bob's name.
    await expectRefused('bob', 1305, watcher, set(typeValue('at1', 'bob')))
    // Malformed: not JSON, not a string, no `from`, `from` without attributes, a string author.
    await expectRefused('bob', 1306, watcher, set('not json'))
    await expectRefused('bob', 1307, watcher, set(7))
    await expectRefused('bob', 1308, watcher, set(JSON.stringify(attrs('ft3', 'bob'))))
    await expectRefused('bob', 1309, watcher, set(typeValue('ft4', 'bob', { type: 'paragraph' })))
    await expectRefused('bob', 1310, watcher, set(JSON.stringify({ ...JSON.parse(typeValue('ft5', 'bob')), authorId: String(people.bob.id) })))
    await expectRefused('bob', 1311, watcher, (doc) => retype(doc, 'paragraph', 'not json'))

    // Re-setting Ann's value (same id, same author) is what honest clients do; Bob's own is fine too.
    const bob = await open('bob', 1312)
    set(typeValue('at1', 'ann'))(bob.doc)
    const reordered = JSON.stringify({ from: { type: 'paragraph', attrs: {} }, ...attrs('at1', 'ann') })
    set(reordered)(bob.doc)
    await vi.waitFor(async () => expect(await storedType()).toBe(reordered))
    retype(bob.doc, 'paragraph', typeValue('bt1', 'bob', { type: 'heading', attrs: { level: 2 } }))
    await vi.waitFor(async () => expect(await storedType()).toBe(typeValue('bt1', 'bob', { type: 'heading', attrs: { level: 2 } })))
    await vi.waitFor(() => expect(firstBlock(watcher.doc).getAttribute(TYPE_ATTRIBUTE)).toBe(typeValue('bt1', 'bob', { type: 'heading', attrs: { level: 2 } })))
    expect(firstBlock(await stored()).nodeName).toBe('paragraph')
    expect((await recorded()).get('bt1')).toBe(people.bob.id)
    expect(bob.provider.wsconnected).toBe(true)
  })

  it('format and block type suggestion ids are known after a restart', async () => {
    const ann = await open('ann', 1401)
    const watcher = await open('chief', 1402)
    await annSuggests(ann, watcher)
    firstText(ann.doc).format(0, 5, { bold: true, [FORMAT_CHANGE]: formatValue('rf1', 'ann') })
    firstBlock(ann.doc).setAttribute(TYPE_ATTRIBUTE, typeValue('rt1', 'ann'))
    await vi.waitFor(async () => expect(await storedType()).toBe(typeValue('rt1', 'ann')))
    await vi.waitFor(async () => expect(formatRuns(await stored())[0]).toEqual(['Hello', ['rf1']]))
    await restart()
    await Promise.all([resynced(ann), resynced(watcher)])
    // A fresh connection keeps the reloaded room open while the forgers come and go.
    const late = await open('chief', 1403)
    expect((await recorded()).get('rf1')).toBe(people.ann.id)
    expect((await recorded()).get('rt1')).toBe(people.ann.id)
    await expectRefused('bob', 1404, late, (doc) => firstText(doc).format(0, 5, { [FORMAT_CHANGE]: formatValue('rf1', 'bob') }))
    await expectRefused('bob', 1405, late, (doc) => firstBlock(doc).setAttribute(TYPE_ATTRIBUTE, typeValue('rt1', 'bob')))
    // Ann's own values re-sent under her name are still fine.
    firstBlock(ann.doc).setAttribute(TYPE_ATTRIBUTE, JSON.stringify({ from: { type: 'paragraph', attrs: {} }, ...attrs('rt1', 'ann') }))
    await vi.waitFor(() => expect(firstBlock(late.doc).getAttribute(TYPE_ATTRIBUTE)).toBe(JSON.stringify({ from: { type: 'paragraph', attrs: {} }, ...attrs('rt1', 'ann') })))
    expect(ann.provider.wsconnected).toBe(true)
  })
})

describe("working with someone else's suggestion is not refused", () => {
  it("Bob types inside Ann's suggestion, formats part of it, suggests inside it and accepts it", async () => {
    const ann = await open('ann', 401)
    const watcher = await open('chief', 402)
    await annSuggests(ann, watcher)
    const bob = await open('bob', 403)
    const node = firstText(bob.doc)
    // Plain text inside the run, written the way the binding does (the mark negated, then restored).
    node.insert(8, 'XX', {})
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', null], [' wo', 'a1'], ['XX', null], ['rld', 'a1']]))
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
    await vi.waitFor(async () => expect(await storedRuns()).toEqual(expected))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
    // Re-setting Ann's break with the same id and author (the binding re-sends attributes it sees differ).
    ;(getBody(ann.doc).get(0) as Y.XmlElement).setAttribute('suggestion', breakValue('p2', 'ann'))
    await vi.waitFor(() => expect((getBody(bob.doc).get(0) as Y.XmlElement).getAttribute('suggestion')).toBe(breakValue('p2', 'ann')))
    const reordered = JSON.stringify({ id: 'p2', authorId: people.ann.id, kind: 'split', authorName: 'ann', authorColor: '#c00', time: 1 })
    ;(getBody(bob.doc).get(0) as Y.XmlElement).setAttribute('suggestion', reordered)
    await vi.waitFor(async () => expect(await storedBreak()).toBe(reordered))
    // Accepting everything: the marks end, the break attribute goes.
    node.format(0, node.length, { insertion: null })
    ;(getBody(bob.doc).get(0) as Y.XmlElement).removeAttribute('suggestion')
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello woXXrYYld', null]]))
    await vi.waitFor(async () => expect(await storedBreak()).toBeNull())
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })

  it("undoing Bob's deletion of Ann's suggested text re-creates her format items: accepted", async () => {
    const ann = await open('ann', 501)
    const watcher = await open('chief', 502)
    await annSuggests(ann, watcher)
    firstText(ann.doc).format(0, 5, { deletion: attrs('a2', 'ann') })
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', 'a2'], [' world', 'a1']]))
    const bob = await open('bob', 503)
    const node = firstText(bob.doc)
    const undo = new Y.UndoManager(getBody(bob.doc), { captureTimeout: 0 })
    // Rejecting Ann's insertion deletes its text; rejecting her deletion removes its mark.
    node.delete(5, 6)
    node.format(0, 5, { deletion: null })
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', null]]))
    undo.undo()
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', 'a2']]))
    undo.undo()
    const restored: Array<[string, string | null]> = [
      ['Hello', 'a2'],
      [' world', 'a1'],
    ]
    await vi.waitFor(async () => expect(await storedRuns()).toEqual(restored))
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
    firstText(bob.doc).insert(8, 'XX', {})
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', null], [' wo', 'a1'], ['XX', null], ['rld', 'a1']]))
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })

  it("a suggestion the server itself brings in (a version restore) is known from then on", async () => {
    const bob = await open('bob', 701)
    firstText(bob.doc).insert(0, 'Hello')
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', null]]))
    await srv.rooms.change(id, (room) => room.applyServerChange((doc) => firstText(doc).insert(5, ' world', { insertion: attrs('r1', 'ann') })))
    await vi.waitFor(() => expect(runs(bob.doc)).toEqual([['Hello', null], [' world', 'r1']]))
    expect((await srv.storage.suggestionAuthorsOf(id)).get('r1')).toBe(people.ann.id)
    firstText(bob.doc).insert(8, 'XX', {})
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', null], [' wo', 'r1'], ['XX', null], ['rld', 'r1']]))
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
    expect((await recorded()).get('a1')).toBe(people.ann.id)
    const bob = await open('bob', 803)
    const undo = new Y.UndoManager(getBody(bob.doc), { captureTimeout: 0 })
    // Rejecting Ann's insertion deletes all of its text, and with it every value carrying a1.
    firstText(bob.doc).delete(5, 6)
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello', null]]))
    // The stored story, loaded the way a room loads it, no longer shows a1; its deleted values and
    // text are kept as history (server/suggestionHistory.ts), which the undo below is checked against.
    expect(countOpenSuggestions(await stored())).toBe(0)
    expect(suggestionAuthorsIn(await stored()).has('a1')).toBe(true)

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
    await vi.waitFor(async () => expect(await storedRuns()).toEqual(restored))
    await vi.waitFor(() => expect(runs(late.doc)).toEqual(restored))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(restored))
    undo.destroy()
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
    // Still Ann's: the known id under another author stays forged.
    await expectRefused('bob', 805, late, (doc) => firstText(doc).format(0, 5, { deletion: attrs('a1', 'bob') }))
  })

  it("an offline client's text typed inside a suggestion settled meanwhile syncs after a restart", async () => {
    const ann = await open('ann', 901)
    const watcher = await open('chief', 902)
    await annSuggests(ann, watcher)
    const bob = await open('bob', 903)
    bob.provider.disconnect()
    // Typed offline inside Ann's run: Yjs negates her mark before "XX" and restores her value after.
    firstText(bob.doc).insert(8, 'XX', {})
    // Meanwhile the chief accepts Ann's suggestion: her values are deleted (and kept as history).
    firstText(watcher.doc).format(5, 6, { insertion: null })
    await vi.waitFor(async () => expect(await storedRuns()).toEqual([['Hello world', null]]))
    expect(countOpenSuggestions(await stored())).toBe(0)

    await restart()
    await Promise.all([resynced(ann), resynced(watcher)])
    bob.provider.connect()
    await resynced(bob)
    await vi.waitFor(async () => expect((await storedRuns()).map(([run]) => run).join('')).toBe('Hello woXXrld'))
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(runs(bob.doc)))
    expect(await storedRuns()).toEqual(runs(bob.doc))
    expect(bob.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
  })
})

describe('the suggestion ids of a story are kept in SQLite', () => {
  it('from the first suggestion of a story imported without any', async () => {
    id = await importStoryVia(srv.url, people.chief.token, 'Imported\n\nHello')
    expect((await recorded()).size).toBe(0)
    const ann = await open('ann', 1001)
    expect((await recorded()).size).toBe(0)
    firstText(ann.doc).insert(5, ' world', { insertion: attrs('i1', 'ann') })
    ;(getBody(ann.doc).get(0) as Y.XmlElement).setAttribute('suggestion', breakValue('i2', 'ann'))
    await vi.waitFor(async () => expect(await storedBreak()).toBe(breakValue('i2', 'ann')))
    expect(await recorded()).toEqual(
      new Map([
        ['i1', people.ann.id],
        ['i2', people.ann.id],
      ]),
    )
    // Typing that brings no new id writes nothing there.
    firstText(ann.doc).insert(0, 'Oh. ')
    await vi.waitFor(async () => expect((await storedRuns())[0]?.[0]).toMatch(/^Oh\. Hello/))
    expect((await recorded()).size).toBe(2)
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
    expect((await recorded()).size).toBe(0)
    await open('bob', 1103)
    expect(await recorded()).toEqual(new Map([['a1', people.ann.id]]))
  })
})
