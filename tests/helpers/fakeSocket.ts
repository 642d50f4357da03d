/**
 * A y-websocket provider "connected" to a socket that only records what the provider sends: for
 * client tests of what goes out on the wire, without a server.
 */
import type { WebsocketProvider } from 'y-websocket'

/** Make `provider` believe its socket is open; `sent` is told every frame it sends. */
export function connectToFakeSocket(provider: WebsocketProvider, sent: (frame: Uint8Array) => void): void {
  const ws = {
    OPEN: 1,
    readyState: 1,
    send: sent,
    close() {},
  }
  Object.assign(provider, { ws, wsconnected: true })
}
