/**
 * Part assignees write only their part (issue 15, server/partScope.ts), against the real server
 * with stock y-websocket clients: inside the part is stored and relayed; anywhere else in the body,
 * and the metadata, is refused like any forbidden update (not stored, not relayed, 4403); the
 * story's lead still writes anywhere.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { Close } from '../../src/shared/protocol'
import { bodyBlocks, encodeAnchor, getBody, getMetaText, readDesk, readMeta, resolvePart } from '../../src/shared/storyDoc'
import { closeCode, connectClient, synced, type TestClient } from '../helpers/clients'
import { importStoryVia, sendJson } from '../helpers/server'
import { newsroomForFile } from '../helpers/newsroom'

const newsroom = newsroomForFile({ chief: 'chief', lead: 'reporter', partOnly: ['robin', 'reporter'], watcher: 'editor' })
const { people, clients } = newsroom
const BLOCKS = ['Zero paragraph.', 'One paragraph.', 'Two paragraph.', 'Three paragraph.']

let id = ''
let nextClientId = 1000
beforeEach(async () => {
  id = await importStoryVia(newsroom.srv.url, people.chief.token, `Floods\n\n${BLOCKS.join('\n\n')}\n`)
  const led = await sendJson(`${newsroom.srv.url}/api/stories/${id}/desk`, { lead: people.lead.id }, people.chief.token, 'PATCH')
  if (led.status !== 200) throw new Error(`setup: assigning the lead answered ${led.status}`)
  // The desk gives blocks 1 and 2 to Robin, anchored as the parts panel anchors them.
  const chief = await open('chief')
  const body = getBody(chief.doc)
  const start = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 1, 0))
  const end = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 3, -1))
  const part = await sendJson(`${newsroom.srv.url}/api/stories/${id}/parts`, { start, end, assignee: people.partOnly.id, label: 'Reaction' }, people.chief.token)
  if (part.status !== 201) throw new Error(`setup: adding the part answered ${part.status}`)
  chief.destroy()
})

async function open(who: keyof typeof people): Promise<TestClient> {
  const client = connectClient(newsroom.srv.url, id, { clientID: nextClientId++, token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

/** Robin, once the part has reached the client. */
async function openPartOnly(): Promise<TestClient> {
  const client = await open('partOnly')
  await vi.waitFor(() => expect(readDesk(client.doc).parts).toHaveLength(1))
  return client
}

function textOf(client: TestClient, block: number): Y.XmlText {
  return (getBody(client.doc).get(block) as Y.XmlElement).get(0) as Y.XmlText
}

const stored = async () => bodyBlocks((await newsroom.srv.storage.loadDoc(id))!.doc)

/** What came of Robin's attempt: the close code, the refusals counted, and what others hold afterwards. */
interface Outcome {
  code: number | null
  refused: number
  watcher: string[]
  headline: string
  stored: string[]
}

/** What a refused attempt comes to: closed as forbidden, nothing relayed or stored but the lead's later edit. */
const REFUSED: Outcome = {
  code: Close.forbidden.code,
  refused: 1,
  watcher: [`>${BLOCKS[0]}`, ...BLOCKS.slice(1)],
  headline: 'Floods',
  stored: [`>${BLOCKS[0]}`, ...BLOCKS.slice(1)],
}

/** Robin tries `change`; then the lead edits, so anything Robin's change let through would be relayed and stored first. */
async function attempt(change: (client: TestClient) => void): Promise<Outcome> {
  const watcher = await open('watcher')
  const robin = await openPartOnly()
  const code = closeCode(robin)
  const refusedBefore = newsroom.srv.rooms.get(id)!.refused
  change(robin)
  await vi.waitFor(() => expect(code()).not.toBeNull())
  robin.destroy()
  const lead = await open('lead')
  textOf(lead, 0).insert(0, '>')
  await vi.waitFor(() => expect(bodyBlocks(watcher.doc)[0]).toBe(`>${BLOCKS[0]}`))
  await vi.waitFor(async () => expect((await stored())[0]).toBe(`>${BLOCKS[0]}`))
  return { code: code(), refused: newsroom.srv.rooms.get(id)!.refused - refusedBefore, watcher: bodyBlocks(watcher.doc), headline: readMeta(watcher.doc).headline, stored: await stored() }
}

describe('a reporter assigned only a part', () => {
  it('writes inside the part: stored and relayed', async () => {
    const watcher = await open('watcher')
    const robin = await openPartOnly()
    const code = closeCode(robin)
    textOf(robin, 1).insert(0, 'Residents said: ')
    textOf(robin, 2).delete(0, 4)
    const expected = [BLOCKS[0], `Residents said: ${BLOCKS[1]}`, 'paragraph.', BLOCKS[3]]
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)).toEqual(expected))
    await vi.waitFor(async () => expect(await stored()).toEqual(expected))
    expect(code()).toBeNull()
  })

  it('a paragraph added at the end of the part joins it, for everyone, the writer included', async () => {
    const watcher = await open('watcher')
    const robin = await openPartOnly()
    const code = closeCode(robin)
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('A third voice.')])
    getBody(robin.doc).insert(3, [paragraph])
    const part = (client: TestClient) => resolvePart(client.doc, readDesk(client.doc).parts[0]!)
    await vi.waitFor(() => expect(part(watcher)).toEqual({ from: 1, to: 4 }))
    await vi.waitFor(() => expect(part(robin)).toEqual({ from: 1, to: 4 }))
    textOf(robin, 3).insert(0, 'Then ')
    await vi.waitFor(async () => expect((await stored())[3]).toBe('Then A third voice.'))
    expect(code()).toBeNull()
    // The desk change that grew the part is recorded as Robin's.
    expect([...(await newsroom.srv.storage.authorsOf(id)).entries()].filter(([, user]) => user === people.partOnly.id)).toHaveLength(2)
  })

  it('is refused typing in another block', async () => {
    expect(await attempt((robin) => textOf(robin, 3).insert(0, 'Mine now: '))).toEqual(REFUSED)
  })

  it('is refused deleting outside the part', async () => {
    expect(await attempt((robin) => textOf(robin, 0).delete(0, 5))).toEqual(REFUSED)
  })

  it('is refused a new block outside the part', async () => {
    expect(await attempt((robin) => getBody(robin.doc).insert(0, [new Y.XmlElement('paragraph')]))).toEqual(REFUSED)
  })

  it('is refused text that claims a place in the part but would land outside it (another writer\'s clocks sent again)', async () => {
    // The desk types at the end of block 3, outside the part.
    const desk = await open('chief')
    const before = Y.encodeStateAsUpdate(desk.doc)
    textOf(desk, 3).insert(BLOCKS[3]!.length, ' (desk)')
    await vi.waitFor(async () => expect((await stored())[3]).toBe(`${BLOCKS[3]} (desk)`))
    desk.destroy()
    const outcome = await attempt((robin) => {
      // The desk's clocks again, with one more, claiming a place in block 1. Yjs integrates only
      // what the story lacks, after the desk's last item: in block 3.
      const forge = new Y.Doc()
      forge.clientID = desk.doc.clientID
      Y.applyUpdate(forge, before)
      const vector = Y.encodeStateVector(forge)
      ;((getBody(forge).get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(4, ' (desk) HACKED')
      const frame = encoding.createEncoder()
      encoding.writeVarUint(frame, 0)
      encoding.writeVarUint(frame, 2)
      encoding.writeVarUint8Array(frame, Y.encodeStateAsUpdate(forge, vector))
      robin.provider.ws!.send(encoding.toUint8Array(frame))
    })
    expect(outcome.code).toBe(Close.forbidden.code)
    expect(outcome.stored.join('\n')).not.toContain('HACKED')
    expect(outcome.watcher.join('\n')).not.toContain('HACKED')
    expect(outcome.stored[3]).toBe(`${BLOCKS[3]} (desk)`)
  })

  it('is refused a headline change', async () => {
    expect(await attempt((robin) => getMetaText(robin.doc, 'headline')?.insert(0, 'Breaking: '))).toEqual(REFUSED)
  })
})

describe('the lead reporter', () => {
  it('still writes anywhere: body outside the part and headline', async () => {
    const watcher = await open('watcher')
    const lead = await open('lead')
    textOf(lead, 0).insert(0, 'Lead: ')
    textOf(lead, 3).insert(0, 'Also: ')
    getMetaText(lead.doc, 'headline')?.insert(0, 'Breaking: ')
    const expected = [`Lead: ${BLOCKS[0]}`, BLOCKS[1], BLOCKS[2], `Also: ${BLOCKS[3]}`]
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)).toEqual(expected))
    await vi.waitFor(async () => expect(await stored()).toEqual(expected))
    expect(readMeta(watcher.doc).headline).toBe('Breaking: Floods')
  })
})
