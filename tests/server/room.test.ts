import { LocalBus } from '../../server/bus'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import { FULL_STATE_KEEP_MS, MAX_BATCH_UPDATES, Room, type Participant } from '../../server/room'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { docOfStored, Storage, type StoredStory } from '../../server/storage'
import { MessageType } from '../../src/shared/protocol'
import { openSqlite } from '../../server/store/backends'
import { StoreHealth } from '../../server/storeHealth'
import { StoryEvents } from '../../server/storyEvents'
import { createLogger } from '../../server/logger'
import { createStory } from '../../server/stories'
import { Users } from '../../server/users'
import { bodyBlocks, getBody, getMeta, MetaKey, readMeta } from '../../src/shared/storyDoc'
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

  it('takes a flood in turns of MAX_BATCH_UPDATES, each stored and relayed, and says saved only once all are stored', async () => {
    const { storage, room, id } = await setup()
    const writer = socket()
    const reader = socket()
    room.join(writer, CHIEF)
    room.join(reader, CHIEF)
    const tail = await storage.tailLength(id)
    const local = new Y.Doc()
    Y.applyUpdate(local, Y.encodeStateAsUpdate(room.doc))
    const updates: Uint8Array[] = []
    local.on('update', (update: Uint8Array) => updates.push(update))
    const keystrokes = 2 * MAX_BATCH_UPDATES + 10
    for (let index = 0; index < keystrokes; index++) append('x')(local)
    // All in one turn, then the question "is all that saved?".
    for (const update of updates) room.enqueue(update, writer)
    room.requestSaved(writer, 7)
    const saved = encoding.encode((encoder) => {
      encoding.writeVarUint(encoder, MessageType.saved)
      encoding.writeVarUint(encoder, 7)
    })
    await vi.waitFor(() => expect(writer.sent.at(-1)).toEqual(saved))
    // Three turns: three stored rows, three frames to the reader, and the answer after the last.
    expect(await storage.tailLength(id)).toBe(tail + 3)
    expect(reader.sent).toHaveLength(1 + 3)
    expect(bodyBlocks((await storage.loadDoc(id))!.doc)).toEqual([`start${'x'.repeat(keystrokes)}`])
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

describe('room, an update that repeats clocks the story has', () => {
  it('is checked where Yjs will put it, not where it claims: a status written through a heading\'s level is refused', async () => {
    const { room } = await setup()
    const conn = socket()
    room.join(conn, CHIEF)
    // A heading (the writer's own), then the desk moves the story: the status is the desk's last item.
    room.enqueue(
      edit(room.doc, (doc) => {
        const heading = new Y.XmlElement('heading')
        heading.setAttribute('level', 2 as unknown as string)
        heading.insert(0, [new Y.XmlText('Sub')])
        getBody(doc).insert(1, [heading])
      }),
      conn,
    )
    await vi.waitFor(() => expect(getBody(room.doc).length).toBe(2))
    room.applyFromNode(edit(room.doc, (doc) => getMeta(doc).set(MetaKey.status, 'copy_edit')), new Map())
    const desk = [...room.doc.store.clients.keys()].find((client) => getMeta(room.doc)._map.get(MetaKey.status)?.id.client === client)!
    const state = Y.getState(room.doc.store, desk)
    // The desk's last clock again, and one more, claiming to follow the heading's level: Yjs
    // integrates only the new one, after the desk's status item, as the status.
    const level = (getBody(room.doc).get(1) as Y.XmlElement)._map.get('level')!
    const item = new Y.Item(Y.createID(desk, state - 1), null, level.lastId, null, null, null, null, new Y.ContentAny([2, 'published']))
    const encoder = new Y.UpdateEncoderV1()
    encoding.writeVarUint(encoder.restEncoder, 1)
    encoding.writeVarUint(encoder.restEncoder, 1)
    encoder.writeClient(desk)
    encoding.writeVarUint(encoder.restEncoder, state - 1)
    item.write(encoder, 0)
    encoding.writeVarUint(encoder.restEncoder, 0)
    const refused = room.refused
    room.enqueue(encoder.toUint8Array(), conn)
    await vi.waitFor(() => expect(room.refused).toBe(refused + 1))
    expect(readMeta(room.doc).status).toBe('copy_edit')
    expect(Y.getState(room.doc.store, desk)).toBe(state)
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

describe('room, a new reader (issue 12: cold open)', () => {
  /** The update inside each sync step 2 a socket was sent. */
  const stepTwos = (conn: { sent: Uint8Array[] }) =>
    conn.sent.flatMap((message) => {
      const decoder = decoding.createDecoder(message)
      if (decoding.readVarUint(decoder) !== MessageType.sync || decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return []
      return [decoding.readVarUint8Array(decoder)]
    })
  const everything = () => Y.encodeStateVector(new Y.Doc())

  /**
   * A story stored with the text of a deleted paragraph still in it: loading collects that, so
   * encoding the loaded document again gives other bytes than the stored ones. Its room, and them.
   */
  async function roomWithStoredHistory(): Promise<{ room: Room; stored: Uint8Array }> {
    const backend = openSqlite(tempDataDir())
    const storage = new Storage(backend)
    open.push(storage)
    const story = await createStory(storage, new StoryEvents(), { paragraphs: ['start'] })
    const history = new Y.Doc({ gc: false })
    Y.applyUpdate(history, (await storage.readStored(story.id))?.snapshot.state as Uint8Array)
    getBody(history).insert(1, [new Y.XmlElement('paragraph')])
    ;(getBody(history).get(1) as Y.XmlElement).insert(0, [new Y.XmlText('cut from the story')])
    getBody(history).delete(1, 1)
    const stored = Y.encodeStateAsUpdate(history)
    await backend.db.updateTable('story_snapshots').set({ state: stored }).where('story_id', '=', story.id).execute()
    const log = createLogger('silent')
    const room = new Room(story.id, (await storage.loadDoc(story.id))!, { storage, bus: new LocalBus('test'), health: new StoreHealth(() => storage.probe(), log), events: new StoryEvents(), log })
    expect(Buffer.from(Y.encodeStateAsUpdate(room.doc)).equals(Buffer.from(stored))).toBe(false)
    return { room, stored }
  }

  /** A new reader joins `room` and asks for everything; the one sync step 2 it is sent. */
  async function newReader(room: Room): Promise<Uint8Array> {
    const reader = socket()
    room.join(reader, CHIEF)
    room.answerSyncStep1(reader, everything())
    await vi.waitFor(() => expect(stepTwos(reader)).toHaveLength(1))
    return stepTwos(reader)[0] as Uint8Array
  }

  it('is sent the stored bytes of a story that has no log after its snapshot, not a new encoding of them', async () => {
    const { room, stored } = await roomWithStoredHistory()
    expect(Buffer.from(await newReader(room)).equals(Buffer.from(stored))).toBe(true)
    expect(await room.unload(true)).toBe(true)
  })

  it('keeps the whole story encoded while new readers keep coming, and lets it go once they stop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const { room, stored } = await roomWithStoredHistory()
      vi.advanceTimersByTime(FULL_STATE_KEEP_MS - 1000)
      expect(Buffer.from(await newReader(room)).equals(Buffer.from(stored))).toBe(true)
      // Each new reader keeps it as long again.
      vi.advanceTimersByTime(FULL_STATE_KEEP_MS - 1000)
      expect(Buffer.from(await newReader(room)).equals(Buffer.from(stored))).toBe(true)
      vi.advanceTimersByTime(FULL_STATE_KEEP_MS)
      // Dropped: the next reader is sent a new encoding of the same story.
      const fresh = await newReader(room)
      expect(Buffer.from(fresh).equals(Buffer.from(stored))).toBe(false)
      expect(Buffer.from(fresh).equals(Buffer.from(Y.encodeStateAsUpdate(room.doc)))).toBe(true)
      expect(await room.unload(true)).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('sent the stored story before the room had it, gets only what changed since, and nothing when nothing did', async () => {
    const { storage, id } = await setup()
    const stored = await storage.readStored(id)
    const encoded = stored?.snapshot.state as Uint8Array
    const deps = { storage, bus: new LocalBus('test'), health: new StoreHealth(() => storage.probe(), createLogger('silent')), events: new StoryEvents(), log: createLogger('silent') }
    const room = new Room(id, docOfStored(stored as StoredStory), deps)
    const early = socket()
    room.join(early, CHIEF)
    room.caughtUpFrom(early, encoded)
    // Another node's update, read from the stream after the stored bytes went out.
    room.applyFromNode(edit(room.doc, append(' and more')), new Map())
    const late = socket()
    room.join(late, CHIEF)
    room.caughtUpFrom(late, encoded)
    await vi.waitFor(() => expect(stepTwos(late)).toHaveLength(1))
    expect(stepTwos(early)).toHaveLength(0)
    const reader = new Y.Doc()
    Y.applyUpdate(reader, encoded)
    Y.applyUpdate(reader, stepTwos(late)[0] as Uint8Array)
    expect(getBody(reader).toString()).toBe(getBody(room.doc).toString())
    expect(getBody(reader).toString()).toContain('and more')
    expect(await room.unload(true)).toBe(true)
  })
})
