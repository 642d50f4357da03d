/**
 * Poisoned structure (issue 11) against the real server and stock y-websocket clients: an update
 * that builds what the editor cannot hold in the body (8,000 nested quotes, a string, a number or
 * a sub-document straight in it, an unknown node type) closes its sender with 4403 and stores
 * nothing, while everyone else goes on; ordinary editing passes; and a body nested deep, within
 * the limit or stored past it before the check, still answers status changes, versions, compare
 * and exports without a 500.
 */
import { getSchema, type JSONContent } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { Close } from '../../src/shared/protocol'
import { storyExtensions } from '../../src/shared/schema/index'
import { bodyBlocks, bodyDepth, getBody, getBylines, getDatelineMap, getMetaText, MAX_BODY_DEPTH, readMeta } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { addUser, getJson, importStoryVia, postJson, sendJson, startTestServer } from '../helpers/server'

const schema = getSchema(storyExtensions())
type Person = Awaited<ReturnType<typeof addUser>>
let srv: RunningServer
const people = {} as Record<'chief' | 'editor' | 'reporter', Person>
const clients: TestClient[] = []

beforeAll(async () => {
  srv = await startTestServer()
  people.chief = await addUser(srv, 'chief', 'chief')
  people.editor = await addUser(srv, 'editor', 'editor')
  people.reporter = await addUser(srv, 'reporter', 'reporter')
})
afterEach(() => {
  while (clients.length) clients.pop()?.destroy()
})
afterAll(async () => {
  await srv.close()
})

/** A story led by the reporter, with two paragraphs. */
async function newStory(): Promise<string> {
  const id = await importStoryVia(srv.url, people.chief.token, 'Structure\n\nFirst words here.\n\nSecond words.\n')
  const res = await sendJson(`${srv.url}/api/stories/${id}/desk`, { lead: people.reporter.id }, people.chief.token, 'PATCH')
  if (res.status !== 200) throw new Error(`setup: assigning the reporter answered ${res.status}`)
  return id
}

async function open(id: string, who: keyof typeof people): Promise<TestClient> {
  const client = connectClient(srv.url, id, { token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

/** The code the server closes a client with (the provider would reconnect; it is destroyed here). */
function closeCode(client: TestClient): Promise<number> {
  return new Promise((resolve) =>
    client.provider.on('connection-close', (event) => {
      if (!event) return
      client.provider.disconnect()
      resolve(event.code)
    }),
  )
}

/** `levels` quotes nested at the end of the body in one transaction (inserted level by level: Yjs integrates a nested preliminary tree recursively). */
function nestQuotes(doc: Y.Doc, levels: number, words = 'deep words'): void {
  doc.transact(() => {
    let parent: Y.XmlFragment = getBody(doc)
    for (let level = 0; level < levels; level++) {
      const quote = new Y.XmlElement('blockquote')
      parent.insert(parent.length, [quote])
      parent = quote
    }
    const paragraph = new Y.XmlElement('paragraph')
    parent.insert(0, [paragraph])
    paragraph.insert(0, [new Y.XmlText(words)])
  })
}

/** Type at the end of the first paragraph. */
function type(client: TestClient, words: string): void {
  const text = (getBody(client.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
  text.insert(text.length, words)
}

/** Send `forge` from a fresh connection of `who`: resolves with the close code once refused. */
async function forged(id: string, who: keyof typeof people, forge: (doc: Y.Doc) => void): Promise<number> {
  const forger = await open(id, who)
  const closing = closeCode(forger)
  forge(forger.doc)
  const code = await closing
  forger.destroy()
  return code
}

describe('poisoned structure is refused whole', () => {
  it.each(['editor', 'reporter'] as const)('8,000 nested quotes from the %s: 4403, nothing stored, everyone else goes on', async (who) => {
    const id = await newStory()
    const watcher = await open(id, 'chief')
    const writer = await open(id, 'editor')
    const tail = await srv.storage.tailLength(id)
    const code = await forged(id, who, (doc) => nestQuotes(doc, 8_000))
    expect(code).toBe(Close.forbidden.code)
    expect(await srv.storage.tailLength(id)).toBe(tail)
    // Another client keeps editing, and everyone converges on it.
    type(writer, ' Still here.')
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)).toEqual(['First words here. Still here.', 'Second words.']))
    // A fresh client opens the story intact.
    const fresh = await open(id, 'reporter')
    expect(bodyBlocks(fresh.doc)).toEqual(['First words here. Still here.', 'Second words.'])
    expect(bodyDepth(fresh.doc)).toBe(1)
    expect(bodyDepth((await srv.storage.loadDoc(id))!.doc)).toBe(1)
  })

  it.each([
    ['a string', (doc: Y.Doc) => getBody(doc).insert(1, ['poison'] as unknown as Y.XmlElement[])],
    ['a number', (doc: Y.Doc) => getBody(doc).insert(1, [42] as unknown as Y.XmlElement[])],
    ['a sub-document', (doc: Y.Doc) => getBody(doc).insert(1, [new Y.Doc()] as unknown as Y.XmlElement[])],
    ['an unknown node type', (doc: Y.Doc) => getBody(doc).insert(1, [new Y.XmlElement('iframe')])],
    ['a list item', (doc: Y.Doc) => getBody(doc).insert(1, [new Y.XmlElement('listItem')])],
  ])('%s straight in the body: 4403, nothing stored', async (_name, forge) => {
    const id = await newStory()
    const watcher = await open(id, 'chief')
    const before = getBody(watcher.doc).toJSON()
    const tail = await srv.storage.tailLength(id)
    expect(await forged(id, 'editor', forge)).toBe(Close.forbidden.code)
    expect(await srv.storage.tailLength(id)).toBe(tail)
    expect(getBody((await srv.storage.loadDoc(id))!.doc).toJSON()).toBe(before)
    const fresh = await open(id, 'editor')
    expect(getBody(fresh.doc).toJSON()).toBe(before)
  })
})

describe('the side panel\'s fields hold what the panel writes', () => {
  it.each([
    ['a number in the byline list', (doc: Y.Doc) => getBylines(doc)?.push([42 as unknown as string])],
    ['an object in the byline list', (doc: Y.Doc) => getBylines(doc)?.push([{ name: 'x' } as unknown as string])],
    ['a byline of 5,000 characters', (doc: Y.Doc) => getBylines(doc)?.push(['x'.repeat(5_000)])],
    ['a number as the dateline city', (doc: Y.Doc) => getDatelineMap(doc)?.set('city', 7 as unknown as string)],
    ['a field the dateline does not have', (doc: Y.Doc) => getDatelineMap(doc)?.set('evil', 'x')],
    ['formatting in the headline', (doc: Y.Doc) => getMetaText(doc, 'headline')?.format(0, 3, { bold: true })],
    ['an embed in the slug', (doc: Y.Doc) => getMetaText(doc, 'slug')?.insertEmbed(0, { image: 'x' })],
  ])('%s: 4403, nothing stored', async (_name, forge) => {
    const id = await newStory()
    const before = readMeta((await srv.storage.loadDoc(id))!.doc)
    const tail = await srv.storage.tailLength(id)
    expect(await forged(id, 'editor', forge)).toBe(Close.forbidden.code)
    expect(await srv.storage.tailLength(id)).toBe(tail)
    expect(readMeta((await srv.storage.loadDoc(id))!.doc)).toEqual(before)
  })

  it('names, dateline fields and headline text as the panel writes them pass', async () => {
    const id = await newStory()
    const writer = await open(id, 'editor')
    const watcher = await open(id, 'chief')
    getBylines(writer.doc)?.push(['Ana Ruiz'])
    getDatelineMap(writer.doc)?.set('city', 'Springfield')
    getDatelineMap(writer.doc)?.set('region', 'Illinois')
    getMetaText(writer.doc, 'headline')?.insert(0, 'New: ')
    await vi.waitFor(() => expect(readMeta(watcher.doc)).toMatchObject({ headline: 'New: Structure', bylines: ['Reporter', 'Ana Ruiz'], dateline: { city: 'Springfield', region: 'Illinois' } }))
    await vi.waitFor(async () => expect(readMeta((await srv.storage.loadDoc(id))!.doc).bylines).toEqual(['Reporter', 'Ana Ruiz']))
  })
})

describe('ordinary editing passes', () => {
  it('paragraphs, subheads, lists, quotes, marks and own suggestions, written by the binding, reach everyone and are stored', async () => {
    const id = await newStory()
    const watcher = await open(id, 'chief')
    const editor = await open(id, 'editor')
    const closes: number[] = []
    editor.provider.on('connection-close', (event) => event && closes.push(event.code))
    const mine = { id: 'own-1', authorId: people.editor.id, authorName: 'Editor', authorColor: '#c00', time: 1 }
    const story: JSONContent = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Subhead' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Bold', marks: [{ type: 'bold' }] }, { type: 'hardBreak' }, { type: 'text', text: 'link', marks: [{ type: 'link', attrs: { href: 'https://example.org' } }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] },
        { type: 'orderedList', attrs: { start: 2 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'second' }] }] }] },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'quoted', marks: [{ type: 'italic' }] }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'suggested', marks: [{ type: 'insertion', attrs: mine }] }, { type: 'text', text: ' note', marks: [{ type: 'note' }] }] },
      ],
    }
    prosemirrorJSONToYXmlFragment(schema, story, getBody(editor.doc))
    const expected = ['Subhead', 'Bold\nlink', 'item', 'second', 'quoted', 'suggested']
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)).toEqual(expected))
    await vi.waitFor(async () => expect(bodyBlocks((await srv.storage.loadDoc(id))!.doc)).toEqual(expected))
    expect(closes).toEqual([])
  })
})

describe('deep bodies answer the HTTP routes', () => {
  /** Status changes, a named version, compare and an export: none of them a 500. */
  async function routesAnswer(id: string): Promise<number> {
    const token = people.editor.token
    for (const to of ['in_edit', 'copy_edit', 'ready']) expect((await postJson(`${srv.url}/api/stories/${id}/status`, { to }, token)).status).toBe(200)
    const named = await postJson(`${srv.url}/api/stories/${id}/versions`, { name: 'Deep' }, token)
    expect(named.status).toBe(201)
    const version = (named.body.version as { id: number }).id
    const compared = await getJson(`${srv.url}/api/stories/${id}/versions/compare?from=${version}&to=current`, token)
    expect(compared.status).toBe(200)
    expect((await fetch(`${srv.url}/api/stories/${id}/export?format=html`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await getJson(`${srv.url}/api/stories/${id}`, token)).status).toBe(200)
    return version
  }

  it(`a body nested to the limit (${MAX_BODY_DEPTH}), sent by an editor, is accepted and every route answers`, async () => {
    const id = await newStory()
    const editor = await open(id, 'editor')
    const closes: number[] = []
    editor.provider.on('connection-close', (event) => event && closes.push(event.code))
    nestQuotes(editor.doc, MAX_BODY_DEPTH - 1)
    await vi.waitFor(async () => expect(bodyDepth((await srv.storage.loadDoc(id))!.doc)).toBe(MAX_BODY_DEPTH))
    expect(closes).toEqual([])
    await routesAnswer(id)
    const story = (await getJson(`${srv.url}/api/stories/${id}`, people.editor.token)).body.story as { words: number }
    expect(story.words).toBe(7)
  })

  it('a body stored 8,000 deep before the check existed: the routes answer, a restore is refused plainly', async () => {
    const id = await newStory()
    expect(srv.rooms.get(id)).toBeUndefined()
    // Written straight into storage, as an update the server took before it checked structure.
    const stored = (await srv.storage.loadDoc(id))!.doc
    const before = Y.encodeStateVector(stored)
    nestQuotes(stored, 8_000)
    await srv.storage.appendUpdate(id, Y.encodeStateAsUpdate(stored, before))
    const version = await routesAnswer(id)
    const restored = await postJson(`${srv.url}/api/stories/${id}/versions/${version}/restore`, {}, people.editor.token)
    expect(restored.status).toBe(422)
    expect(restored.body).toMatchObject({ error: { id: 'too_deep' } })
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200)
  })
})
