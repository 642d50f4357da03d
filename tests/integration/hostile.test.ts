/**
 * The server against hostile requests (issue: never let anyone in, never let anyone stall it):
 * malformed WebSocket upgrades are answered and let go, every answer carries the security headers.
 */
import net from 'node:net'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../server/app'
import { CONTENT_SECURITY_POLICY } from '../../server/http'
import { AWARENESS_ABUSE_BURST, AWARENESS_BURST, MAX_AWARENESS_FRAME_IDS, MAX_AWARENESS_IDS, MAX_AWARENESS_STATE_BYTES, SYNC_REQUEST_BURST } from '../../server/room'
import { Close, MessageType } from '../../src/shared/protocol'
import { closed, connectClient, opened, rawSocket, synced, type TestClient } from '../helpers/clients'
import { addUser, createStoryVia, signInAs, startTestServer } from '../helpers/server'
import { MAX_STREAMS_PER_PERSON } from '../../server/routes/stories'

let srv: RunningServer
const cleanup: Array<() => unknown> = []
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(async () => {
  while (cleanup.length) await cleanup.pop()?.()
  await srv.close()
})

/** An awareness frame with the given states (client id, clock, JSON), as y-protocols encodes them. */
function awarenessFrame(states: Array<[number, number, string]>): Uint8Array {
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, states.length)
  for (const [clientId, clock, json] of states) {
    encoding.writeVarUint(update, clientId)
    encoding.writeVarUint(update, clock)
    encoding.writeVarString(update, json)
  }
  const frame = encoding.createEncoder()
  encoding.writeVarUint(frame, MessageType.awareness)
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update))
  return encoding.toUint8Array(frame)
}

function open(id: string, token: string): TestClient {
  const client = connectClient(srv.url, id, { token })
  cleanup.push(() => client.destroy())
  return client
}

/** Send a raw HTTP upgrade request; resolves to what came back before the server closed the socket. */
function rawUpgrade(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1')
    let answer = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer and no close for ${path}: ${JSON.stringify(answer)}`))
    }, 5_000)
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1')
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
    socket.on('error', () => undefined)
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
    // The client stops writing; the server must answer and close on its own.
    socket.end()
  })
}

describe('hostile requests', () => {
  it('a malformed upgrade is answered and closed, never left holding a socket', async () => {
    for (const path of ['/collab/%E0%A4%A', '/collab/%', '/collab/../../etc', '/nowhere', `/collab/${'a'.repeat(5000)}`]) {
      const answer = await rawUpgrade(path)
      // Refused before or after the handshake: either an HTTP error status, or the WebSocket
      // upgrade followed by a close frame (4401: no session).
      expect(`${path} → ${answer.slice(0, 12)}`).toMatch(/ → HTTP\/1\.1 (400|404|101)/)
    }
    // Many at once: the server keeps answering everyone.
    const answers = await Promise.all(Array.from({ length: 100 }, () => rawUpgrade('/collab/%E0%A4%A')))
    expect(answers.every((answer) => answer.startsWith('HTTP/1.1'))).toBe(true)
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200)
  })

  it('every answer carries the security headers', async () => {
    for (const path of ['/healthz', '/api/stories', '/api/nowhere']) {
      const res = await fetch(`${srv.url}${path}`)
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('same-origin')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'")
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/)
  })

  it('presence: a connection changes only its own, under the name the server knows, within bounds', async () => {
    const desk = await signInAs(srv, 'desk', 'admin')
    const id = await createStoryVia(srv.url, desk)
    const erin = await addUser(srv, 'erin', 'editor')
    const rory = await addUser(srv, 'rory', 'reporter')
    const editor = open(id, erin.token)
    const watcher = open(id, desk)
    await Promise.all([synced(editor), synced(watcher)])
    editor.provider.awareness.setLocalStateField('user', { name: 'Erin', color: '#123456' })
    const stateOf = (clientId: number) => watcher.provider.awareness.getStates().get(clientId)?.user as { name?: string; color?: string } | undefined
    // The name and colour come from the session, not from what the client wrote.
    await vi.waitFor(() => expect(stateOf(editor.doc.clientID)?.name).toBe('Erin'))
    const erinColor = (await srv.services.users.get(erin.id))?.color

    // A read-only reporter tries to rename the editor, and to call himself someone else.
    const forger = rawSocket(srv.url, `/collab/${id}`, rory.token)
    cleanup.push(() => forger.terminate())
    await opened(forger)
    forger.send(awarenessFrame([[editor.doc.clientID, 999, JSON.stringify({ user: { name: 'Erin Editor (approves everything)' } })]]))
    forger.send(awarenessFrame([[424242, 1, JSON.stringify({ user: { name: 'The Publisher', color: '#ff0000' } })]]))
    await vi.waitFor(() => expect(stateOf(424242)?.name).toBe('Rory'))
    expect(stateOf(editor.doc.clientID)).toMatchObject({ name: 'Erin', color: erinColor })

    // Too many ids in one frame, or a huge state: closed with the policy code, nothing relayed.
    for (const frame of [
      awarenessFrame(Array.from({ length: MAX_AWARENESS_FRAME_IDS + 1 }, (_, index) => [500_000 + index, 1, '{}'] as [number, number, string])),
      awarenessFrame([[600_000, 1, JSON.stringify({ user: {}, junk: 'x'.repeat(MAX_AWARENESS_STATE_BYTES + 10) })]]),
    ]) {
      const spammer = rawSocket(srv.url, `/collab/${id}`, rory.token)
      cleanup.push(() => spammer.terminate())
      await opened(spammer)
      const closing = closed(spammer)
      spammer.send(frame)
      expect((await closing).code).toBe(Close.policy.code)
    }
    // Past the budget a connection's presence is coalesced: the latest arrives, nothing is closed.
    const fast = rawSocket(srv.url, `/collab/${id}`, rory.token)
    cleanup.push(() => fast.terminate())
    await opened(fast)
    for (let index = 0; index < AWARENESS_BURST * 2; index++) fast.send(awarenessFrame([[710_000, index + 1, JSON.stringify({ cursor: index })]]))
    await vi.waitFor(() => expect(watcher.provider.awareness.getStates().get(710_000)?.cursor).toBe(AWARENESS_BURST * 2 - 1))
    expect(fast.readyState).toBe(fast.OPEN)
    // Echoing everyone else's presence, as the stock client does, however often: skipped, never closed.
    const echo = awarenessFrame([[editor.doc.clientID, 999_999, JSON.stringify({ user: { name: 'Echo' }, cursor: 'echo' })], [710_000, 999_999, '{}']])
    for (let index = 0; index < AWARENESS_ABUSE_BURST * 2; index++) watcher.provider.ws?.send(echo)
    const marker = open(id, desk)
    await synced(marker)
    expect(watcher.provider.wsconnected).toBe(true)
    expect(marker.provider.awareness.getStates().get(editor.doc.clientID)).toMatchObject({ user: { name: 'Erin' } })
    expect(marker.provider.awareness.getStates().get(editor.doc.clientID)?.cursor).toBeUndefined()
    // Ten times any client's pace: closed.
    const flooder = rawSocket(srv.url, `/collab/${id}`, rory.token)
    cleanup.push(() => flooder.terminate())
    await opened(flooder)
    const flooded = closed(flooder)
    for (let index = 0; index < AWARENESS_ABUSE_BURST * 3; index++) flooder.send(awarenessFrame([[700_000, index + 1, '{}']]))
    expect((await flooded).code).toBe(Close.policy.code)
    // What went past the bounds never reached anyone; the flooder's presence goes with it.
    expect([...watcher.provider.awareness.getStates().keys()].filter((key) => key >= 500_000 && key <= 600_000)).toEqual([])
    await vi.waitFor(() => expect(watcher.provider.awareness.getStates().has(700_000)).toBe(false))
    expect(MAX_AWARENESS_IDS).toBeLessThan(10)
  })

  it('full-state requests: repeated ones are refused, and what the server sends stays bounded', async () => {
    const desk = await signInAs(srv, 'desk', 'admin')
    const id = await createStoryVia(srv.url, desk)
    const writer = open(id, desk)
    await synced(writer)
    // A story of some size.
    const paragraph = writer.doc.getXmlFragment('body').get(0) as Y.XmlElement
    const text = new Y.XmlText('word '.repeat(20_000))
    paragraph.insert(0, [text])
    await vi.waitFor(async () => expect((await srv.services.storage.getStory(id))?.words).toBe(20_000), { timeout: 5_000 })

    const asker = rawSocket(srv.url, `/collab/${id}`, desk)
    cleanup.push(() => asker.terminate())
    await opened(asker)
    let received = 0
    asker.on('message', (data: Buffer) => {
      received += data.length
    })
    const closing = closed(asker)
    const stepOne = encoding.createEncoder()
    encoding.writeVarUint(stepOne, MessageType.sync)
    encoding.writeVarUint(stepOne, 0)
    encoding.writeVarUint8Array(stepOne, new Uint8Array([0]))
    for (let index = 0; index < 300; index++) asker.send(encoding.toUint8Array(stepOne))
    expect((await closing).code).toBe(Close.policy.code)
    const stateSize = Y.encodeStateAsUpdate(srv.rooms.get(id)!.doc).length
    expect(stateSize).toBeGreaterThan(20_000)
    // At most a burst of answers (usually far fewer: queued requests share one), never 300.
    expect(received).toBeLessThan((SYNC_REQUEST_BURST + 2) * stateSize)
  })

  it('live story lists: a few per person, the next refused, a closed one counted out', async () => {
    const reader = await addUser(srv, 'lena', 'reporter')
    const streams: AbortController[] = []
    const openStream = async () => {
      const controller = new AbortController()
      streams.push(controller)
      cleanup.push(() => controller.abort())
      return fetch(`${srv.url}/api/stories/events`, { headers: { authorization: `Bearer ${reader.token}` }, signal: controller.signal })
    }
    for (let index = 0; index < MAX_STREAMS_PER_PERSON; index++) expect((await openStream()).status).toBe(200)
    const refused = await openStream()
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error: { id: string } }).error.id).toBe('too_many_streams')
    // Someone else is not held back by it.
    const other = await fetch(`${srv.url}/api/stories/events`, { headers: { authorization: `Bearer ${await signInAs(srv, 'desk', 'admin')}` }, signal: AbortSignal.timeout(2_000) }).catch(() => null)
    expect(other?.status).toBe(200)
    // Closing one makes room for one.
    streams[0]!.abort()
    await vi.waitFor(async () => expect((await openStream()).status).toBe(200))
  })

  it('links: the server stores only http(s), mailto and relative ones; any other closes the sender', async () => {
    const desk = await signInAs(srv, 'desk', 'admin')
    const id = await createStoryVia(srv.url, desk)
    const reader = open(id, desk)
    await synced(reader)
    const textOf = (client: TestClient) => {
      const paragraph = client.doc.getXmlFragment('body').get(0) as Y.XmlElement
      return paragraph.toString()
    }
    const write = async (href: string, words: string) => {
      const writer = open(id, desk)
      const closes: number[] = []
      writer.provider.on('connection-close', (event) => event && closes.push(event.code))
      await synced(writer)
      const paragraph = writer.doc.getXmlFragment('body').get(0) as Y.XmlElement
      const text = new Y.XmlText()
      text.insert(0, words, { link: { href } })
      paragraph.insert(0, [text])
      return { writer, closes }
    }
    for (const href of ['https://example.org/a', 'mailto:desk@example.org', '/stories/relative']) {
      const { writer, closes } = await write(href, `ok-${href.length} `)
      await vi.waitFor(() => expect(textOf(reader)).toContain(`ok-${href.length}`))
      expect(closes).toEqual([])
      writer.destroy()
    }
    for (const href of ['javascript:alert(1)', '  JaVa\tScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x']) {
      const { writer, closes } = await write(href, 'forged ')
      await vi.waitFor(() => expect(closes).toContain(Close.forbidden.code))
      writer.destroy()
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(textOf(reader)).not.toContain('forged')
    expect(srv.rooms.get(id)?.doc.getXmlFragment('body').toString()).not.toMatch(/javascript|data:|vbscript/i)
  })
})
