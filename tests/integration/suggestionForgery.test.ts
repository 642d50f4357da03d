/**
 * Suggestions forged with a re-used id (issue 11), against the real server and real y-websocket
 * clients: once Erin (an editor) has suggested something, Riley (the story's lead reporter) cannot
 * put her id on new text or on text it never covered (server/suggestionReview.ts): the update is
 * refused whole with 4403, nothing of it is stored or relayed, and everyone else goes on
 * converging. What honest clients send around her suggestion (text typed inside it the way Yjs
 * writes it, text deleted around it) still goes through.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { Close } from '../../src/shared/protocol'
import { getBody } from '../../src/shared/storyDoc'
import { closeCode, connectClient, firstText, synced, type TestClient } from '../helpers/clients'
import { addUser, createStoryVia, sendJson, startTestServer } from '../helpers/server'

type Person = Awaited<ReturnType<typeof addUser>>
let srv: RunningServer
const people = {} as Record<'erin' | 'riley' | 'chief', Person>
let clients: TestClient[] = []
let id = ''

beforeAll(async () => {
  srv = await startTestServer()
  people.erin = await addUser(srv, 'erin', 'editor')
  people.riley = await addUser(srv, 'riley', 'reporter')
  people.chief = await addUser(srv, 'chief', 'chief')
})
afterAll(async () => {
  await srv.close()
})
beforeEach(async () => {
  id = await createStoryVia(srv.url, people.chief.token, { headline: 'Harbour', section: 'News' })
  const desk = await sendJson(`${srv.url}/api/stories/${id}/desk`, { lead: people.riley.id }, people.chief.token, 'PATCH')
  if (desk.status !== 200) throw new Error(`setup: desk answered ${desk.status}`)
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

/** Erin's suggestion values: as her editor writes them. */
function erins(suggestionId: string) {
  return { id: suggestionId, authorId: people.erin.id, authorName: 'Erin', authorColor: '#c00', time: 1 }
}

/** The first paragraph as runs: text, and the suggestion id on it with `+` (inserted) or `-` (struck out). */
function runs(doc: Y.Doc): string[] {
  const node = (getBody(doc).get(0) as Y.XmlElement | undefined)?.get(0)
  if (!(node instanceof Y.XmlText)) return []
  return (node.toDelta() as Array<{ insert: string; attributes?: Record<string, { id: string } | undefined> }>).map((op) => {
    const ins = op.attributes?.insertion
    const del = op.attributes?.deletion
    return ins ? `+${op.insert}:${ins.id}` : del ? `-${op.insert}:${del.id}` : op.insert
  })
}

const stored = async () => (await srv.storage.loadDoc(id))!.doc
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

/** Riley writes the story; Erin suggests " today" (e1) and strikes out " at noon" (e2). Both watch. */
async function erinSuggests(): Promise<{ erin: TestClient; watcher: TestClient }> {
  const riley = await open('riley', 101)
  firstText(riley.doc).insert(0, 'Ferries stop at noon.')
  const erin = await open('erin', 102)
  await vi.waitFor(() => expect(runs(erin.doc)).toEqual(['Ferries stop at noon.']))
  firstText(erin.doc).insert(12, ' today', { insertion: erins('e1') })
  firstText(erin.doc).format(18, 8, { deletion: erins('e2') })
  const expected = ['Ferries stop', '+ today:e1', '- at noon:e2', '.']
  const watcher = await open('chief', 103)
  await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
  await vi.waitFor(async () => expect(runs(await stored())).toEqual(expected))
  return { erin, watcher }
}

/** `forge` from a fresh connection of Riley is refused with 4403; nothing is stored, relayed or recorded. */
async function expectRefused(watcher: TestClient, clientID: number, forge: (doc: Y.Doc) => void): Promise<void> {
  const forger = await open('riley', clientID)
  const closing = closeCode(forger)
  const before = { tail: await srv.storage.tailLength(id), stored: runs(await stored()), watcher: runs(watcher.doc) }
  const refused = srv.rooms.get(id)!.refused
  forge(forger.doc)
  await vi.waitFor(() => expect(closing()).toBe(Close.forbidden.code), { timeout: 5_000 })
  forger.destroy()
  expect(srv.rooms.get(id)!.refused).toBe(refused + 1)
  await settle()
  expect(await srv.storage.tailLength(id)).toBe(before.tail)
  expect(runs(await stored())).toEqual(before.stored)
  expect(runs(watcher.doc)).toEqual(before.watcher)
  expect(await srv.services.decisions.list(id)).toEqual([])
}

describe("Erin's suggestion id on what it never covered is refused whole (4403)", () => {
  it("a reporter re-using the editor's id on new text, however the text is written", async () => {
    const { erin, watcher } = await erinSuggests()
    // The attack: new words under Erin's id and name.
    await expectRefused(watcher, 201, (doc) => firstText(doc).insert(0, 'Officials say ', { insertion: erins('e1') }))
    // Her id with another name, and her deletion's id on new text.
    await expectRefused(watcher, 202, (doc) => firstText(doc).insert(0, 'No. ', { insertion: { ...erins('e1'), authorName: 'Erin (approves)' } }))
    await expectRefused(watcher, 203, (doc) => firstText(doc).insert(0, 'Not ', { deletion: erins('e2') }))
    // Typed inside her run the way no honest client writes it: the new text inherits her value.
    await expectRefused(watcher, 204, (doc) => firstText(doc).insert(15, 'XX'))
    // Her words taken out and others put under her id in one update.
    await expectRefused(watcher, 205, (doc) =>
      doc.transact(() => {
        firstText(doc).delete(12, 6)
        firstText(doc).insert(12, ' never', { insertion: erins('e1') })
      }),
    )
    // Everyone still converges, and Erin goes on writing.
    firstText(erin.doc).insert(0, 'Update: ')
    const expected = ['Update: Ferries stop', '+ today:e1', '- at noon:e2', '.']
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
    await vi.waitFor(async () => expect(runs(await stored())).toEqual(expected))
    expect(erin.provider.wsconnected).toBe(true)
  })

  it("deletion marks with the editor's id on text it never covered", async () => {
    const { watcher } = await erinSuggests()
    await expectRefused(watcher, 301, (doc) => firstText(doc).format(0, 7, { deletion: erins('e2') }))
    await expectRefused(watcher, 302, (doc) => firstText(doc).format(0, 7, { insertion: erins('e1') }))
    // Her deletion stretched over the full stop after it.
    await expectRefused(watcher, 303, (doc) => firstText(doc).format(18, 9, { deletion: erins('e2') }))
    expect(runs(await stored())).toEqual(['Ferries stop', '+ today:e1', '- at noon:e2', '.'])
  })
})

describe("honest editing around Erin's suggestion goes through", () => {
  it('typing inside it as the binding writes it, and deleting text around it', async () => {
    const { watcher } = await erinSuggests()
    const riley = await open('riley', 401)
    const node = firstText(riley.doc)
    // Plain text inside " today": Yjs negates her value before it and restores it after.
    node.insert(15, 'XX', {})
    // Riley's own suggestion inside it, and a deletion across its start.
    node.insert(16, 'YY', { insertion: { id: 'r1', authorId: people.riley.id, authorName: 'Riley', authorColor: '#00c', time: 2 } })
    node.delete(10, 4)
    const expected = ['Ferries st', '+o:e1', 'X', '+YY:r1', 'X', '+day:e1', '- at noon:e2', '.']
    await vi.waitFor(() => expect(runs(watcher.doc)).toEqual(expected))
    await vi.waitFor(async () => expect(runs(await stored())).toEqual(expected))
    expect(riley.provider.wsconnected).toBe(true)
    expect(srv.rooms.get(id)!.refused).toBe(0)
    // None of that settled anything.
    expect(await srv.services.decisions.list(id)).toEqual([])
  })
})
