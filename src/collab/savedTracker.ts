/**
 * "Saved" state for one story. y-websocket has no acknowledgement, so after local edits we
 * send our own `[saved, n]` request; the server answers `[saved, n]` once everything it got
 * before the request is in SQLite. Requests go after the edits on the same socket, so an
 * answer to the latest request means every local edit so far is on disk.
 */
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from '../shared/protocol'

export type SaveState = 'saved' | 'saving' | 'unsaved'

/** Wait this long after a keystroke before asking; a burst of typing costs one request. */
const REQUEST_DELAY_MS = 150

export interface SavedTracker {
  getState(): SaveState
  subscribe(listener: () => void): () => void
  destroy(): void
}

/** Track whether this client's edits of `doc` are stored on the server behind `provider`. */
export function createSavedTracker(doc: Y.Doc, provider: WebsocketProvider): SavedTracker {
  let state: SaveState = 'saved'
  let latest = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const listeners = new Set<() => void>()

  const set = (next: SaveState) => {
    if (next === state) return
    state = next
    for (const listener of listeners) listener()
  }

  const request = () => {
    timer = null
    const ws = provider.ws
    if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) {
      set('unsaved')
      return
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.saved)
    encoding.writeVarUint(encoder, latest)
    ws.send(encoding.toUint8Array(encoder))
  }

  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    // Updates that came from the server are stored already.
    if (origin === provider) return
    latest++
    set(provider.wsconnected ? 'saving' : 'unsaved')
    if (timer === null) timer = setTimeout(request, REQUEST_DELAY_MS)
  }

  const onSync = (isSynced: boolean) => {
    // After a reconnect the provider has re-sent our missing edits; ask again.
    if (isSynced && state !== 'saved') {
      set('saving')
      request()
    }
  }
  const onStatus = ({ status }: { status: string }) => {
    if (status !== 'connected' && state === 'saving') set('unsaved')
  }

  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    const answered = decoding.readVarUint(decoder)
    if (answered === latest) set('saved')
  }
  doc.on('update', onUpdate)
  provider.on('sync', onSync)
  provider.on('status', onStatus)

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      if (timer !== null) clearTimeout(timer)
      doc.off('update', onUpdate)
      provider.off('sync', onSync)
      provider.off('status', onStatus)
      listeners.clear()
    },
  }
}
