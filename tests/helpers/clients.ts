/** Real y-websocket clients for server tests. */
import { WebSocket } from 'ws'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { expect, vi } from 'vitest'
import { MessageType } from '../../src/shared/protocol'
import { getBody } from '../../src/shared/storyDoc'

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  destroy(): void
}

/**
 * Open story `id` on the server at `baseUrl` with the stock WebsocketProvider, signed in by `token`;
 * with `broadcast`, it also shares edits over BroadcastChannel as the provider does by default.
 */
export function connectClient(
  baseUrl: string,
  id: string,
  options: { clientID?: number; token?: string; broadcast?: boolean } = {},
): TestClient {
  const doc = new Y.Doc()
  if (options.clientID !== undefined) doc.clientID = options.clientID
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/collab', id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Off unless asked: clients of one process would otherwise share edits around the server.
    disableBc: !options.broadcast,
    params: options.token ? { token: options.token } : {},
  })
  return {
    doc,
    provider,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Wait for the first sync with the server. */
export async function synced(client: TestClient): Promise<void> {
  await vi.waitFor(() => expect(client.provider.synced).toBe(true), { timeout: 10_000, interval: 10 })
}

/** Open a raw WebSocket (no provider) to a path of the server, signed in by `token` if given. */
export function rawSocket(baseUrl: string, pathname: string, token?: string, headers: Record<string, string> = {}): WebSocket {
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  return new WebSocket(baseUrl.replace(/^http/, 'ws') + pathname + query, { headers })
}

/** Resolve with the close code and reason of a raw socket. */
export function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
}

/** Resolve when a raw socket is open. */
export function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
}

/** What the server answered to a client's `[saved, n]` requests: n, and the reason when not saved. */
export interface SaveAnswers {
  saved: number[]
  notSaved: Array<{ request: number; reason: number }>
  /** Send `[saved, n]` now. */
  ask(request: number): void
}

/** Listen for `saved` / `notSaved` answers on a stock client (as the app's saved tracker does). */
export function saveAnswers(client: TestClient): SaveAnswers {
  const answers: SaveAnswers = {
    saved: [],
    notSaved: [],
    ask(request) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.saved)
      encoding.writeVarUint(encoder, request)
      const ws = client.provider.ws
      if (ws?.readyState === ws?.OPEN) ws?.send(encoding.toUint8Array(encoder))
    },
  }
  client.provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    answers.saved.push(decoding.readVarUint(decoder))
  }
  client.provider.messageHandlers[MessageType.notSaved] = (_encoder, decoder) => {
    answers.notSaved.push({ request: decoding.readVarUint(decoder), reason: decoding.readVarUint(decoder) })
  }
  return answers
}

/** The code of the client's first close, once it comes (the stock provider would reconnect: tests destroy it). */
export function closeCode(client: TestClient): () => number | null {
  let code: number | null = null
  client.provider.on('connection-close', (event) => {
    if (event && code === null) code = event.code
  })
  return () => code
}

/** The first paragraph's text node, created when the paragraph is empty. */
export function firstText(doc: Y.Doc): Y.XmlText {
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()])
  return paragraph.get(0) as Y.XmlText
}
