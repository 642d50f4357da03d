/**
 * Version history against the real server and real providers: naming and listing, comparing
 * with authors (who wrote, who removed), and restoring as a new change while someone types.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import type { StoryEvent } from '../../server/storyEvents'
import type { Comparison, VersionSummary } from '../../src/shared/api'
import { bodyBlocks, getBody } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { addUser, createStoryVia, getJson, postJson, sendJson, startTestServer } from '../helpers/server'

type Person = Awaited<ReturnType<typeof addUser>>
let srv: RunningServer
const people = {} as Record<'chief' | 'writer' | 'editor' | 'typist' | 'outsider', Person>
const clients: TestClient[] = []
const events: StoryEvent[] = []

beforeAll(async () => {
  srv = await startTestServer()
  people.chief = await addUser(srv, 'chief', 'chief')
  people.writer = await addUser(srv, 'writer', 'reporter')
  people.editor = await addUser(srv, 'editor', 'editor')
  people.typist = await addUser(srv, 'typist', 'reporter')
  people.outsider = await addUser(srv, 'outsider', 'reporter')
  srv.services.events.subscribe((event) => events.push(event))
})
afterAll(async () => {
  for (const client of clients) client.destroy()
  await srv.close()
})

let id = ''
beforeEach(async () => {
  id = await createStoryVia(srv.url, people.chief.token, { headline: 'Ceasefire' })
  const desk = await sendJson(`${srv.url}/api/stories/${id}/desk`, { lead: people.writer.id, contributors: [people.typist.id] }, people.chief.token, 'PATCH')
  if (desk.status !== 200) throw new Error(`setup: desk answered ${desk.status}`)
})

async function open(who: keyof typeof people, clientID: number): Promise<TestClient> {
  const client = connectClient(srv.url, id, { clientID, token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

/** Block `index`'s text node, created when the paragraph is empty. */
function textAt(doc: Y.Doc, index: number): Y.XmlText {
  const paragraph = getBody(doc).get(index) as Y.XmlElement
  let text = paragraph.get(0) as Y.XmlText | undefined
  if (!text) {
    text = new Y.XmlText()
    paragraph.insert(0, [text])
  }
  return text
}

/** The server's document as it is now (open room, else storage). */
const serverBlocks = async () => bodyBlocks(srv.rooms.get(id)?.doc ?? (await srv.storage.loadDoc(id))!.doc)

async function nameVersion(who: keyof typeof people, name: string): Promise<VersionSummary> {
  const { status, body } = await postJson(`${srv.url}/api/stories/${id}/versions`, { name }, people[who].token)
  expect(status).toBe(201)
  return body.version as VersionSummary
}

async function list(who: keyof typeof people = 'outsider'): Promise<VersionSummary[]> {
  const { status, body } = await getJson(`${srv.url}/api/stories/${id}/versions`, people[who].token)
  expect(status).toBe(200)
  return body.versions as VersionSummary[]
}

async function compare(from: string | number, to: string | number): Promise<Comparison & { from: unknown; to: unknown }> {
  const { status, body } = await getJson(`${srv.url}/api/stories/${id}/versions/compare?from=${from}&to=${to}`, people.outsider.token)
  expect(status).toBe(200)
  return body as unknown as Comparison & { from: unknown; to: unknown }
}

describe('named versions', () => {
  it('anyone who may edit names a version; everyone lists them; it is announced', async () => {
    const writer = await open('writer', 101)
    textAt(writer.doc, 0).insert(0, 'Talks resumed on Monday.')
    await vi.waitFor(async () => expect(await serverBlocks()).toEqual(['Talks resumed on Monday.']))
    events.length = 0
    const version = await nameVersion('writer', 'First draft')
    expect(version).toMatchObject({ kind: 'named', name: 'First draft', userId: people.writer.id, words: 4 })
    expect(events).toContainEqual({ type: 'review', storyId: id, kind: 'versions' })
    // The first edit made an automatic checkpoint of this very state: the named version took it over.
    expect(await list()).toEqual([version])
    textAt(writer.doc, 0).insert(0, 'Breaking: ')
    await vi.waitFor(async () => expect(await serverBlocks()).toEqual(['Breaking: Talks resumed on Monday.']))
    const second = await nameVersion('writer', 'Second draft')
    expect((await list()).map((v) => v.name)).toEqual(['Second draft', 'First draft'])
    expect(second.words).toBe(5)

    const refused = await postJson(`${srv.url}/api/stories/${id}/versions`, { name: 'Mine' }, people.outsider.token)
    expect(refused.status).toBe(403)
    expect((await postJson(`${srv.url}/api/stories/${id}/versions`, { name: '  ' }, people.writer.token)).status).toBe(400)
    expect((await getJson(`${srv.url}/api/stories/0000000000000000/versions`, people.writer.token)).status).toBe(404)
    expect((await getJson(`${srv.url}/api/stories/${id}/versions/compare?from=999999&to=current`, people.writer.token)).status).toBe(404)
    expect((await getJson(`${srv.url}/api/stories/${id}/versions/compare?from=abc&to=current`, people.writer.token)).status).toBe(400)
  })
})

describe('compare', () => {
  it('shows who wrote the text, who added a word and who removed one', async () => {
    const writer = await open('writer', 201)
    textAt(writer.doc, 0).insert(0, 'The ceasefire holds in the north.')
    await vi.waitFor(async () => expect(await serverBlocks()).toEqual(['The ceasefire holds in the north.']))
    const filed = await nameVersion('writer', 'Filed')

    const editor = await open('editor', 202)
    const text = textAt(editor.doc, 0)
    const at = text.toString().indexOf('north')
    text.delete(at, 'north'.length)
    text.insert(at, 'south')
    await vi.waitFor(async () => expect(await serverBlocks()).toEqual(['The ceasefire holds in the south.']))
    const edited = await nameVersion('editor', 'Edited')

    const expected = [
      { text: 'The ceasefire holds in the ', change: 'same', by: people.writer.id },
      { text: 'north', change: 'removed', by: people.editor.id },
      { text: 'south', change: 'added', by: people.editor.id },
      { text: '.', change: 'same', by: people.writer.id },
    ]
    const result = await compare(filed.id, edited.id)
    expect(result.blocks).toEqual([{ type: 'paragraph', change: 'changed', runs: expected }])
    expect(result.headline).toEqual([{ text: 'Ceasefire', change: 'same', by: null }])
    // Against the live document, and in either order: always older → newer.
    expect((await compare(filed.id, 'current')).blocks[0]?.runs).toEqual(expected)
    const reversed = await compare('current', filed.id)
    expect(reversed).toMatchObject({ from: filed.id, to: 'current' })
    expect(reversed.blocks[0]?.runs).toEqual(expected)
  })
})

describe('restore', () => {
  it('restores as a new change while someone types in another paragraph: everyone converges, nothing is lost', async () => {
    const writer = await open('writer', 301)
    const body = getBody(writer.doc)
    textAt(writer.doc, 0).insert(0, 'The talks began on Monday.')
    const second = new Y.XmlElement('paragraph')
    second.insert(0, [new Y.XmlText('Officials declined to comment.')])
    body.insert(1, [second])
    await vi.waitFor(async () => expect(await serverBlocks()).toEqual(['The talks began on Monday.', 'Officials declined to comment.']))
    const clean = await nameVersion('writer', 'Clean copy')

    // The editor rewrites the lead after the version.
    const editor = await open('editor', 302)
    const lead = textAt(editor.doc, 0)
    lead.delete(0, lead.length)
    lead.insert(0, 'Rewritten lead.')
    await vi.waitFor(async () => expect((await serverBlocks())[0]).toBe('Rewritten lead.'))

    // The typist keeps typing at the end of the second paragraph through the restore.
    const typist = await open('typist', 303)
    const stream = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4)
    let typed = 0
    const typing = setInterval(() => {
      if (typed >= stream.length) return
      const text = textAt(typist.doc, 1)
      text.insert(text.length, stream[typed++] ?? '')
    }, 4)
    await vi.waitFor(() => expect(typed).toBeGreaterThan(10))
    const restore = await postJson(`${srv.url}/api/stories/${id}/versions/${clean.id}/restore`, {}, people.editor.token)
    expect(restore.status).toBe(200)
    const typedAtRestore = typed
    await vi.waitFor(() => expect(typed).toBeGreaterThan(typedAtRestore + 10))
    clearInterval(typing)

    const before = restore.body.before as VersionSummary
    expect(before).toMatchObject({ kind: 'restore', name: 'Before restoring “Clean copy”', userId: people.editor.id })
    // Every client converges on the server's document.
    await vi.waitFor(async () => {
      const server = await serverBlocks()
      for (const client of [writer, editor, typist]) expect(bodyBlocks(client.doc)).toEqual(server)
    })
    const [restoredLead, paragraph] = await serverBlocks()
    expect(restoredLead).toBe('The talks began on Monday.')
    // The second paragraph is the version's, plus what the typist typed during and after the
    // restore; what they typed between the version and the restore is in "Before restoring".
    expect(paragraph?.startsWith('Officials declined to comment.')).toBe(true)
    const kept = paragraph!.slice('Officials declined to comment.'.length)
    expect(kept.length).toBeGreaterThan(10)
    expect(stream.slice(0, typed).endsWith(kept)).toBe(true)
    const beforeDoc = (await srv.services.versions.load(id, before.id))!.doc
    expect(bodyBlocks(beforeDoc)[0]).toBe('Rewritten lead.')
    const replaced = bodyBlocks(beforeDoc)[1]!.slice('Officials declined to comment.'.length)
    expect(stream.slice(0, typed)).toBe(`${replaced}${kept}`)

    // The list still has every version, the pre-restore checkpoint on top.
    const versions = await list()
    expect(versions.map((v) => v.id)).toEqual(expect.arrayContaining([clean.id, before.id]))
    expect(versions[0]?.id).toBe(before.id)

    // Comparing the pre-restore state with now shows the restore, attributed to the editor.
    const diff = await compare(before.id, 'current')
    expect(diff.blocks[0]?.runs).toEqual([
      { text: 'Rewritten lead', change: 'removed', by: people.editor.id },
      { text: 'The talks began on Monday', change: 'added', by: people.editor.id },
      // The restore kept the full stop it had in common (fewest edits): the editor typed it.
      { text: '.', change: 'same', by: people.editor.id },
    ])
    // And the version against now: the lead is as it was.
    expect((await compare(clean.id, 'current')).blocks[0]).toMatchObject({ change: 'same' })
  })

  it('only people who may edit restore; unknown versions are 404', async () => {
    const writer = await open('writer', 401)
    textAt(writer.doc, 0).insert(0, 'Text.')
    await vi.waitFor(async () => expect(await serverBlocks()).toEqual(['Text.']))
    const version = await nameVersion('writer', 'V')
    expect((await postJson(`${srv.url}/api/stories/${id}/versions/${version.id}/restore`, {}, people.outsider.token)).status).toBe(403)
    expect((await postJson(`${srv.url}/api/stories/${id}/versions/999999/restore`, {}, people.writer.token)).status).toBe(404)
  })
})
