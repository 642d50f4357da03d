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
  /** Local edits the server has not confirmed storing: kept in this tab and on this device. */
  pending: number
}

/** Wait this long after a keystroke before asking; a burst of typing costs one request. */
const REQUEST_DELAY_MS = 150
/** Ask again this often while not everything is saved (the server may be holding or pulling). */
const RETRY_MS = 1_000
/**
 * A socket that has said nothing for this long after we asked is taken for dead and reopened. A
 * network that drops without a word (Wi-Fi gone, a laptop lid) otherwise keeps the socket "open"
 * for y-websocket's 30 s, while the page would say Saving…
 */
export const SILENT_SOCKET_MS = 1_500
/** How often the silence is checked. */
const WATCH_MS = 250

/**
 * Give up on the provider's socket at once and open another. `ws.close()` alone waits for the
 * closing handshake, which a dead network never completes; the provider's own disconnect drops
 * the socket there and then.
 */
export function reopenSocket(provider: WebsocketProvider): void {
  if (!provider.ws) return
  provider.disconnect()
  provider.connect()
}

export interface SavedTrackerOptions {
  /** Updates with this origin are not local edits (the local copy loading from IndexedDB). */
  localOrigin?: unknown
  /** Edits left unconfirmed by an earlier visit (a reload or restart while offline). */
  pending?: number
  /** Told whenever the count of unconfirmed edits changes, to keep it beside the local copy. */
  onPending?: (pending: number) => void
  /**
   * Called just before asking the server whether all is stored: edits still waiting to be sent
   * (`editsAfterPaint.ts`) must go first, since the question counts on following them.
   */
  beforeAsking?: () => void
}

export interface SavedTracker {
  getStatus(): SaveStatus
  subscribe(listener: () => void): () => void
  destroy(): void
}

/** Track whether this client's edits of `doc` are stored on the server behind `provider`. */
export function createSavedTracker(doc: Y.Doc, provider: WebsocketProvider, options: SavedTrackerOptions = {}): SavedTracker {
  const { localOrigin, onPending, beforeAsking } = options
  let pending = options.pending ?? 0
  let status: SaveStatus = { state: pending > 0 ? 'unsaved' : 'saved', reason: null, pending }
  let latest = 0
  /** When the latest unanswered request went out (0: none is waiting). */
  let askedAt = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const listeners = new Set<() => void>()

  const set = (state: SaveState, reason: UnsavedReason | null = null) => {
    if (state === status.state && reason === status.reason && pending === status.pending) return
    status = { state, reason, pending }
    for (const listener of listeners) listener()
  }
  const count = (next: number) => {
    if (next === pending) return
    pending = next
    onPending?.(pending)
  }

  const request = () => {
    timer = null
    const ws = provider.ws
    if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) {
      if (status.state === 'saving') set('unsaved')
      return
    }
    beforeAsking?.()
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.saved)
    encoding.writeVarUint(encoder, latest)
    ws.send(encoding.toUint8Array(encoder))
    if (askedAt === 0) askedAt = Date.now()
  }

  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    // Updates that came from the server are stored already; the local copy's are counted in `pending`.
    if (origin === provider || (localOrigin !== undefined && origin === localOrigin)) return
    latest++
    count(pending + 1)
    // A refusal stands until the server says otherwise; new edits do not hide it.
    if (status.state === 'refused') set('refused', status.reason)
    else set(provider.wsconnected ? 'saving' : 'unsaved')
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
    askedAt = 0
    if (connection !== 'connected' && status.state === 'saving') set('unsaved')
  }
  const watch = setInterval(() => {
    if (askedAt === 0 || !provider.ws || Date.now() - askedAt <= SILENT_SOCKET_MS || provider.wsLastMessageReceived >= askedAt) return
    // Nothing heard since we asked: the network is gone. Drop the socket; the provider reconnects.
    askedAt = 0
    reopenSocket(provider)
    if (status.state === 'saving') set('unsaved')
  }, WATCH_MS)
  const retry = setInterval(() => {
    if (status.state !== 'saved' && timer === null && provider.wsconnected) request()
  }, RETRY_MS)

  provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
    askedAt = 0
    if (decoding.readVarUint(decoder) !== latest) return
    count(0)
    set('saved')
  }
  provider.messageHandlers[MessageType.notSaved] = (_encoder, decoder) => {
    askedAt = 0
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
      clearInterval(watch)
      doc.off('update', onUpdate)
      provider.off('sync', onSync)
      provider.off('status', onStatus)
      listeners.clear()
    },
  }
}
