/** Real y-websocket clients for server tests. */
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { expect, vi } from 'vitest'

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  destroy(): void
}

/** Open story `id` on the server at `baseUrl` with the stock WebsocketProvider, signed in by `token`. */
export function connectClient(baseUrl: string, id: string, options: { clientID?: number; token?: string } = {}): TestClient {
  const doc = new Y.Doc()
  if (options.clientID !== undefined) doc.clientID = options.clientID
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/collab', id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
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
