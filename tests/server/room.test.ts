import { LocalBus } from '../../server/bus'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import { Room, type Participant } from '../../server/room'
import { Storage } from '../../server/storage'
import { openSqlite } from '../../server/store/backends'
import { StoreHealth } from '../../server/storeHealth'
import { StoryEvents } from '../../server/storyEvents'
import { createLogger } from '../../server/logger'
import { createStory } from '../../server/stories'
import { Users } from '../../server/users'
import { bodyBlocks, getBody } from '../../src/shared/storyDoc'
import { tempDataDir } from '../helpers/server'

const CHIEF: Participant = { id: 1, role: 'chief', isAdmin: false, displayName: 'Chief', color: '#000000' }

const open: Storage[] = []
afterEach(async () => {
  while (open.length) await open.pop()?.close()
})

/** The little of a socket a Room touches: it only sends to open sockets. */
function socket(): WebSocket & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = []
  return { OPEN: 1, readyState: 1, bufferedAmount: 0, sent, send: (data: Uint8Array) => sent.push(data) } as unknown as WebSocket & {
    sent: Uint8Array[]
  }
}

async function setup() {
  const backend = openSqlite(tempDataDir())
  const storage = new Storage(backend)
  open.push(storage)
  await new Users(backend.db).create({ username: 'chief', password: 'long enough', displayName: 'Chief', role: 'chief' })
  const events = new StoryEvents()
  const story = await createStory(storage, events, { paragraphs: ['start'] })
  const log = createLogger('silent')
  const health = new StoreHealth(() => storage.probe(), log)
  const room = new Room(story.id, (await storage.loadDoc(story.id))!, { storage, bus: new LocalBus('test'), health, events, log })
  return { storage, room, id: story.id }
}

function edit(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  change(doc)
  return Y.encodeStateAsUpdate(doc, before)
}

const append = (text: string) => (doc: Y.Doc) => {
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  const node = paragraph.get(0) as Y.XmlText
  node.insert(node.length, text)
}

describe('room', () => {
  it('stores what a connection sent before it left in the same turn', async () => {
    const { storage, room, id } = await setup()
    const conn = socket()
    room.join(conn, CHIEF)
    room.enqueue(edit(room.doc, append(' and last words')), conn)
    room.leave(conn)
    expect(await room.unload()).toBe(true)
    expect(bodyBlocks((await storage.loadDoc(id))!.doc)).toEqual(['start and last words'])
  })

  it('applies one turn of updates as one stored update, relayed once to others only', async () => {
    const { storage, room, id } = await setup()
    const writer = socket()
    const reader = socket()
    room.join(writer, CHIEF)
    room.join(reader, CHIEF)
    const tail = (await storage.tailLength(id))
    // Two keystrokes from one client in one turn (each its own update, as a fast typist sends).
    const local = new Y.Doc()
    Y.applyUpdate(local, Y.encodeStateAsUpdate(room.doc))
    const updates: Uint8Array[] = []
    local.on('update', (update: Uint8Array) => updates.push(update))
    append(' one')(local)
    append(' two')(local)
    // Joining sent each its sync step 1.
    expect([reader.sent.length, writer.sent.length]).toEqual([1, 1])
    for (const update of updates) room.enqueue(update, writer)
    await vi.waitFor(async () => expect((await storage.tailLength(id))).toBe(tail + 1))
    expect(reader.sent).toHaveLength(2)
    expect(writer.sent).toHaveLength(1)
    expect(bodyBlocks((await storage.loadDoc(id))!.doc)).toEqual(['start one two'])
  })

  it("holds a connection's update that misses its base, asks it for the base, and applies both once it comes", async () => {
    const { storage, room, id } = await setup()
    const writer = socket()
    const reader = socket()
    room.join(writer, CHIEF)
    room.join(reader, CHIEF)
    // The answer to the step 1 sent on joining arrives (empty): the writer is not being asked now.
    room.enqueue(Y.encodeStateAsUpdate(new Y.Doc()), writer, true)
    const local = new Y.Doc()
    Y.applyUpdate(local, Y.encodeStateAsUpdate(room.doc))
    const updates: Uint8Array[] = []
    local.on('update', (update: Uint8Array) => updates.push(update))
    append(' lost')(local) // never reaches the server
    append(' then')(local) // builds on ' lost'
    const base = Y.encodeStateAsUpdate(local)
    const [, then] = updates
    room.enqueue(then as Uint8Array, writer)
    await vi.waitFor(() => expect(writer.sent).toHaveLength(2)) // the server asked: a second step 1
    expect(writer.sent[1]?.[0]).toBe(0)
    expect((await storage.tailLength(id))).toBe(0)
    // The answer (a sync step 2 carrying ' lost') fills the gap: everything applies, in order.
    room.enqueue(base, writer, true)
    await vi.waitFor(async () => expect(bodyBlocks((await storage.loadDoc(id))!.doc)).toEqual(['start lost then']))
    expect(room.refused).toBe(0)
    expect(reader.sent.length).toBeGreaterThan(1)
  })
})

describe('room, updates from other nodes', () => {
  it('relays what another node stored without storing it again; a gap is read from the store once', async () => {
    const { storage, room, id } = await setup()
    const reader = socket()
    room.join(reader, CHIEF)
    const tail = await storage.tailLength(id)
    // Another node's writer: three updates, each built on the one before, all committed there.
    const elsewhere = new Y.Doc()
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(room.doc))
    const updates: Uint8Array[] = []
    for (const words of [' one', ' two', ' three']) {
      const update = edit(elsewhere, append(words))
      Y.applyUpdate(elsewhere, update)
      await storage.appendUpdate(id, update)
      updates.push(update)
    }
    const loads = vi.spyOn(storage, 'loadDoc')
    // The first arrives: applied and relayed, not stored again.
    room.applyFromNode(updates[0]!, new Map())
    expect(bodyBlocks(room.doc)).toEqual(['start one'])
    expect(reader.sent.length).toBeGreaterThan(1)
    // The second was missed (a gap); the third builds on it: never parked in the document, and
    // one read from the store brings both, however many gapped entries come meanwhile.
    room.applyFromNode(updates[2]!, new Map())
    room.applyFromNode(updates[2]!, new Map())
    expect(bodyBlocks(room.doc)).toEqual(['start one'])
    expect(room.doc.store.pendingStructs).toBeNull()
    await vi.waitFor(() => expect(bodyBlocks(room.doc)).toEqual(['start one two three']))
    expect(loads).toHaveBeenCalledTimes(1)
    expect(await storage.tailLength(id)).toBe(tail + 3)
    expect(await room.unload(true)).toBe(true)
  })
})
