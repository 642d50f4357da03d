/**
 * "Saved" state for one story. y-websocket has no acknowledgement, so after local edits we
 * send our own `[saved, n]` request; the server answers `[saved, n]` once everything it got
 * before the request is stored, or `[notSaved, n, reason]` when some of our edits were dropped
 * unstored (we may not write now; its storage is failing). Requests go after the edits on the
 * same socket, so an answer to the latest request speaks for every local edit so far.
 *
 * Dropped edits stay in this tab's document: the server asks for them again (a sync step 1 the
 * provider answers) once it can take them, so we keep asking until it says they are saved.
 */
import type * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType, type UnsavedReason } from '../shared/protocol'

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'refused'

/** The save state, with the server's reason when it refused to store our edits. */
export interface SaveStatus {
  state: SaveState
  /** Set when `state` is 'refused'. */
  reason: UnsavedReason | null
}

/** Wait this long after a keystroke before asking; a burst of typing costs one request. */
const REQUEST_DELAY_MS = 150
/** Ask again this often while not everything is saved (the server may be holding or pulling). */
const RETRY_MS = 1_000

export interface SavedTracker {
  getStatus(): SaveStatus
  subscribe(listener: () => void): () => void
  destroy(): void
}

/** Track whether this client's edits of `doc` are stored on the server behind `provider`. */
export function createSavedTracker(doc: Y.Doc, provider: WebsocketProvider): SavedTracker {
  let status: SaveStatus = { state: 'saved', reason: null }
  let latest = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const listeners = new Set<() => void>()

  const set = (state: SaveState, reason: UnsavedReason | null = null) => {
    if (state === status.state && reason === status.reason) return
    status = { state, reason }
    for (const listener of listeners) listener()
  }

  const request = () => {
    timer = null
    const ws = provider.ws
    if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) {
      if (status.state === 'saving') set('unsaved')
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
    // A refusal stands until the server says otherwise; new edits do not hide it.
    if (status.state !== 'refused') set(provider.wsconnected ? 'saving' : 'unsaved')
    if (timer === null) timer = setTimeout(request, REQUEST_DELAY_MS)
  }

  const onSync = (isSynced: boolean) => {
    // After a reconnect the provider has re-sent our missing edits; ask again.
    if (isSynced && status.state !== 'saved') {
      if (status.state === 'unsaved') set('saving')
      request()
    }
  }
  const onStatus = ({ status: connection }: { status: string }) => {
    if (connection !== 'connected' && status.state === 'saving') set('unsaved')
  }
  const retry = setInterval(() => {
    if (status.state !== 'saved' && timer === null && provider.wsconnected) request()
  }, RETRY_MS)

  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === latest) set('saved')
  }
  provider.messageHandlers[MessageType.notSaved] = (_encoder, decoder) => {
    decoding.readVarUint(decoder)
    set('refused', decoding.readVarUint(decoder) as UnsavedReason)
  }
  doc.on('update', onUpdate)
  provider.on('sync', onSync)
  provider.on('status', onStatus)

  return {
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      if (timer !== null) clearTimeout(timer)
      clearInterval(retry)
      doc.off('update', onUpdate)
      provider.off('sync', onSync)
      provider.off('status', onStatus)
      listeners.clear()
    },
  }
}
