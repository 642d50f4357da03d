import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { Close, isPermanentClose, MAX_FRAME_BYTES, MessageType } from '../../src/shared/protocol'
import { MAX_HELD_UPDATES } from '../../server/room'
import { bodyBlocks, getBody, getDatelineMap, getMetaText, readMeta } from '../../src/shared/storyDoc'
import type { RunningServer } from '../../server/app'
import { closed, connectClient, opened, rawSocket, synced, type TestClient } from '../helpers/clients'
import { createStoryVia, getJson, signInAs, startChildServer, startTestServer, tempDataDir, tokenFor } from '../helpers/server'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.()
})

/** The desk chief's token on the server the test is talking to. */
let token = ''

async function server(dataDir?: string): Promise<RunningServer> {
  const running = await startTestServer({ dataDir })
  cleanup.push(() => running.close())
  token = await signInAs(running, 'chief', 'admin')
  return running
}

/** A demo-mode child process (kill -9 tests), signed in as its desk chief. */
async function child(dataDir: string) {
  const started = await startChildServer(dataDir)
  cleanup.push(() => started.process.kill('SIGKILL'))
  token = await tokenFor(started.url, 'chief', 'newsroom')
  return started
}

function client(baseUrl: string, id: string, clientID?: number): TestClient {
  const c = connectClient(baseUrl, id, { clientID, token })
  cleanup.push(() => c.destroy())
  return c
}

function firstParagraph(doc: Y.Doc): Y.XmlText {
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  let text = paragraph.get(0) as Y.XmlText | undefined
  if (!text) {
    text = new Y.XmlText()
    paragraph.insert(0, [text])
  }
  return text
}

describe('sync server', () => {
  it('two clients edit concurrently and converge; a late joiner gets the same document', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token, { headline: 'Talks', section: 'World' })
    const a = client(srv.url, id, 101)
    const b = client(srv.url, id, 202)
    await Promise.all([synced(a), synced(b)])

    // Interleaved edits to the same paragraph, the headline and different metadata fields.
    for (let i = 0; i < 20; i++) {
      firstParagraph(a.doc).insert(0, 'a')
      firstParagraph(b.doc).insert(firstParagraph(b.doc).length, 'b')
    }
    getMetaText(a.doc, 'headline')?.insert(0, 'Syria ')
    getMetaText(b.doc, 'headline')?.insert(5, ' stall')
    getDatelineMap(a.doc)?.set('city', 'HANGZHOU')
    getDatelineMap(b.doc)?.set('country', 'China')

    await vi.waitFor(() => {
      expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
      expect(bodyBlocks(a.doc)).toEqual(bodyBlocks(b.doc))
    })
    expect(bodyBlocks(a.doc)[0]).toBe('a'.repeat(20) + 'b'.repeat(20))
    expect(readMeta(a.doc)).toEqual(readMeta(b.doc))
    expect(readMeta(a.doc)).toMatchObject({ headline: 'Syria Talks stall', section: 'World', dateline: { city: 'HANGZHOU', country: 'China' } })

    const late = client(srv.url, id, 303)
    await synced(late)
    await vi.waitFor(() => expect(bodyBlocks(late.doc)).toEqual(bodyBlocks(a.doc)))
    expect(readMeta(late.doc)).toEqual(readMeta(a.doc))
  })

  it('keeps everything across a restart', async () => {
    const dataDir = tempDataDir()
    const first = await startTestServer({ dataDir })
    token = await signInAs(first, 'chief', 'admin')
    const id = await createStoryVia(first.url, token)
    const a = connectClient(first.url, id, { token })
    await synced(a)
    firstParagraph(a.doc).insert(0, 'Survives a restart.')
    getMetaText(a.doc, 'headline')?.insert(0, 'Restart')
    await vi.waitFor(async () => expect((await first.storage.tailLength(id))).toBeGreaterThan(0))
    a.destroy()
    await first.close()

    const second = await server(dataDir)
    const b = client(second.url, id)
    await synced(b)
    await vi.waitFor(() => expect(bodyBlocks(b.doc)).toEqual(['Survives a restart.']))
    expect(readMeta(b.doc).headline).toBe('Restart')
    // The story index was refreshed from the document before the first server stopped.
    const list = (await getJson(`${second.url}/api/stories`, token)).body as { stories: Array<{ id: string; headline: string; words: number }> }
    expect(list.stories.find((story) => story.id === id)).toMatchObject({ headline: 'Restart', words: 3 })
  })

  it('an edit another client has seen survives kill -9 of the server', async () => {
    const dataDir = tempDataDir()
    const first = await child(dataDir)
    const id = await createStoryVia(first.url, token)
    const writer = client(first.url, id, 11)
    const reader = client(first.url, id, 22)
    await Promise.all([synced(writer), synced(reader)])

    firstParagraph(writer.doc).insert(0, 'Seen by the reader.')
    await vi.waitFor(() => expect(bodyBlocks(reader.doc)).toEqual(['Seen by the reader.']))
    first.process.kill('SIGKILL')
    expect(await first.exited).toBeNull()
    writer.provider.disconnect()
    reader.provider.disconnect()

    const next = await child(dataDir)
    const fresh = client(next.url, id, 33)
    await synced(fresh)
    await vi.waitFor(() => expect(bodyBlocks(fresh.doc)).toEqual(['Seen by the reader.']))
  })

  it('shuts down cleanly on SIGTERM: clients are told to retry, everything is stored', async () => {
    const dataDir = tempDataDir()
    const first = await child(dataDir)
    const id = await createStoryVia(first.url, token)
    const a = client(first.url, id)
    await synced(a)
    const closes: number[] = []
    a.provider.on('connection-close', (event) => event && closes.push(event.code))
    firstParagraph(a.doc).insert(0, 'Stored at shutdown.')
    await new Promise((resolve) => setTimeout(resolve, 50))
    first.process.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    await vi.waitFor(() => expect(closes).toContain(Close.shuttingDown.code))
    a.provider.disconnect()

    const next = await child(dataDir)
    const b = client(next.url, id)
    await synced(b)
    await vi.waitFor(() => expect(bodyBlocks(b.doc)).toEqual(['Stored at shutdown.']))
  })

  it('closes a connection to an unknown story with 4404', async () => {
    const srv = await server()
    for (const path of ['/collab/0000000000000000', '/collab/not-an-id', '/collab/']) {
      const socket = rawSocket(srv.url, path, token)
      expect(await closed(socket)).toEqual({ code: Close.storyNotFound.code, reason: Close.storyNotFound.reason })
    }
    // The stock provider sees the same code and stops retrying.
    const c = client(srv.url, '0000000000000000')
    const event = await new Promise<CloseEvent>((resolve) => c.provider.on('connection-close', (e) => e && resolve(e)))
    expect(event.code).toBe(4404)
    await vi.waitFor(() => expect(c.provider.shouldConnect).toBe(false))
  })

  it('garbage frames close only that socket; the story and other clients carry on', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const good = client(srv.url, id, 7)
    await synced(good)

    const garbage: Uint8Array[] = [
      new Uint8Array([0xff, 0xff, 0xff]), // unknown message type
      new Uint8Array([MessageType.sync, 9]), // unknown sync step
      new Uint8Array([MessageType.sync, 2, 50, 1, 2, 3]), // truncated update
      (() => {
        const e = encoding.createEncoder()
        encoding.writeVarUint(e, MessageType.sync)
        encoding.writeVarUint(e, 2)
        encoding.writeVarUint8Array(e, new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]))
        return encoding.toUint8Array(e)
      })(), // undecodable update
      new Uint8Array([MessageType.awareness, 5, 1, 2, 3, 4, 5]), // bad awareness
    ]
    for (const frame of garbage) {
      const socket = rawSocket(srv.url, `/collab/${id}`, token)
      await opened(socket)
      const closing = closed(socket)
      socket.send(frame)
      const { code } = await closing
      expect(code).toBe(Close.badFrame.code)
    }
    const text = rawSocket(srv.url, `/collab/${id}`, token)
    await opened(text)
    const textClosed = closed(text)
    text.send('hello')
    expect((await textClosed).code).toBe(Close.badFrame.code)

    // The good client still edits and a newcomer sees its edit.
    firstParagraph(good.doc).insert(0, 'still fine')
    const other = client(srv.url, id, 8)
    await synced(other)
    await vi.waitFor(() => expect(bodyBlocks(other.doc)).toEqual(['still fine']))
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200)
  })

  it('sends a new reader of a story not yet open the stored story before the room has loaded it (issue 12: cold open)', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const socket = rawSocket(srv.url, `/collab/${id}`, token)
    cleanup.push(() => socket.terminate())
    const syncSteps: number[] = []
    let whole: Uint8Array | null = null
    socket.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) !== MessageType.sync) return
      const step = decoding.readVarUint(decoder)
      syncSteps.push(step)
      if (step === 1) whole ??= decoding.readVarUint8Array(decoder)
    })
    await opened(socket)
    // A new reader's step 1: an empty state vector, asking for everything.
    socket.send(new Uint8Array([MessageType.sync, 0, 1, 0]))
    await vi.waitFor(() => expect(syncSteps).toContain(0))
    // Answered from the stored bytes while the story loaded: before the room's own step 1.
    expect(syncSteps[0]).toBe(1)
    const reader = new Y.Doc()
    Y.applyUpdate(reader, whole as unknown as Uint8Array)
    expect(bodyBlocks(reader)).toEqual([''])
    expect(syncSteps.filter((step) => step === 1)).toHaveLength(1)
  })

  it(`refuses frames over ${MAX_FRAME_BYTES} bytes with 1009`, async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const socket = rawSocket(srv.url, `/collab/${id}`, token)
    await opened(socket)
    const closing = closed(socket)
    socket.send(new Uint8Array(MAX_FRAME_BYTES + 1))
    expect((await closing).code).toBe(Close.tooLarge.code)
    // Nothing reached the story.
    const c = client(srv.url, id)
    await synced(c)
    expect(bodyBlocks(c.doc)).toEqual([''])
  })

  it(`refuses a frame over ${MAX_FRAME_BYTES} bytes sent with the upgrade itself, before the session is checked, with 1009`, async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const { port } = new URL(srv.url)
    const socket = net.connect(Number(port), '127.0.0.1')
    cleanup.push(() => socket.destroy())
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    // The request and, in the same write, the header of a masked binary frame one byte too long.
    const header = Buffer.alloc(14)
    header[0] = 0x82
    header[1] = 0x80 | 127
    header.writeBigUInt64BE(BigInt(MAX_FRAME_BYTES + 1), 2)
    const request = [
      `GET /collab/${id}?token=${encodeURIComponent(token)} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n')
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.write(Buffer.concat([Buffer.from(request), header]))
    await ended
    const bytes = Buffer.concat(received)
    const frameAt = bytes.indexOf('\r\n\r\n') + 4
    expect(bytes.subarray(0, 12).toString()).toBe('HTTP/1.1 101')
    // A close frame with code 1009, and the server still serves the story.
    expect(bytes[frameAt]).toBe(0x88)
    expect(bytes.readUInt16BE(frameAt + 2)).toBe(Close.tooLarge.code)
    const c = client(srv.url, id)
    await synced(c)
    expect(bodyBlocks(c.doc)).toEqual([''])
  })

  it('removes the awareness of a closed connection at once', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const a = client(srv.url, id, 1)
    const b = client(srv.url, id, 2)
    await Promise.all([synced(a), synced(b)])
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' })
    await vi.waitFor(() => expect(b.provider.awareness.getStates().get(1)).toBeDefined())
    a.provider.disconnect()
    await vi.waitFor(() => expect(b.provider.awareness.getStates().get(1)).toBeUndefined(), { timeout: 2000 })
  })

  it('acknowledges saves only after the update is stored', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const a = client(srv.url, id)
    await synced(a)
    const acks: number[] = []
    a.provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
      acks.push(Number(decoder.arr[decoder.pos]))
    }
    const before = (await srv.storage.tailLength(id))
    firstParagraph(a.doc).insert(0, 'x')
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.saved)
    encoding.writeVarUint(e, 7)
    a.provider.ws?.send(encoding.toUint8Array(e))
    await vi.waitFor(() => expect(acks).toEqual([7]))
    expect((await srv.storage.tailLength(id))).toBe(before + 1)
  })

  it('holds a keystroke built on words the server has not got until they arrive, and refuses nothing', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const a = client(srv.url, id, 41)
    const b = client(srv.url, id, 42)
    await Promise.all([synced(a), synced(b)])
    const closes: number[] = []
    a.provider.on('connection-close', (event) => event && closes.push(event.code))
    // B writes offline and its words reach A directly (as another tab's do, over BroadcastChannel).
    b.provider.disconnect()
    firstParagraph(b.doc).insert(0, 'from b')
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)))
    // A's keystroke builds on B's words: the server holds it, asks A, and A's answer fills the gap.
    firstParagraph(a.doc).insert(6, ' and a')
    await vi.waitFor(async () => expect(bodyBlocks((await srv.storage.loadDoc(id))!.doc)).toEqual(['from b and a']))
    expect(closes).toEqual([])
    expect(srv.rooms.get(id)?.refused).toBe(0)
    b.provider.connect()
    await vi.waitFor(() => expect(bodyBlocks(b.doc)).toEqual(['from b and a']))
  })

  it('closes a connection that piles up updates built on something it never sends, with a code the client retries', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const socket = rawSocket(srv.url, `/collab/${id}`, token)
    await opened(socket)
    const closing = closed(socket)
    // Keystrokes of a client whose first edits never arrive, and which never answers the server.
    const local = new Y.Doc()
    const c = client(srv.url, id, 43)
    await synced(c)
    Y.applyUpdate(local, Y.encodeStateAsUpdate(c.doc))
    firstParagraph(local).insert(0, 'never sent')
    const updates: Uint8Array[] = []
    local.on('update', (update: Uint8Array) => updates.push(update))
    for (let i = 0; i <= MAX_HELD_UPDATES; i++) firstParagraph(local).insert(0, 'x')
    for (const update of updates) {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MessageType.sync)
      encoding.writeVarUint(e, 2)
      encoding.writeVarUint8Array(e, update)
      socket.send(encoding.toUint8Array(e))
    }
    expect(await closing).toEqual({ code: Close.outOfStep.code, reason: Close.outOfStep.reason })
    expect(isPermanentClose(Close.outOfStep.code)).toBe(false)
    expect(bodyBlocks((await srv.storage.loadDoc(id))!.doc)).toEqual([''])
  })

  it('unloads a story when its last client leaves, storing it first', async () => {
    const srv = await server()
    const id = await createStoryVia(srv.url, token)
    const a = client(srv.url, id)
    await synced(a)
    expect(srv.rooms.size).toBe(1)
    firstParagraph(a.doc).insert(0, 'stored on unload')
    await vi.waitFor(async () => expect((await srv.storage.tailLength(id))).toBe(1))
    a.provider.disconnect()
    await vi.waitFor(() => expect(srv.rooms.size).toBe(0))
    // Unloading compacted the log into the snapshot.
    expect((await srv.storage.tailLength(id))).toBe(0)
    expect(bodyBlocks((await srv.storage.loadDoc(id))!.doc)).toEqual(['stored on unload'])
  })
})
