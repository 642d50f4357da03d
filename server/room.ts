/**
 * One open story: its Y.Doc, awareness and connections. Incoming updates of one event-loop
 * turn are applied in a single transaction, the resulting update is written to SQLite, and
 * only then relayed, so whatever another client has seen is already on disk.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import type { WebSocket } from 'ws'
import { MessageType } from '../src/shared/protocol.js'
import { bodyWordCount, readMeta } from '../src/shared/storyDoc.js'
import type { Logger } from './logger.js'
import type { Storage, StoryIndexFields } from './storage.js'
import type { StoryEvents } from './storyEvents.js'

/** Fold the log into a fresh snapshot after this many updates. */
export const COMPACT_AFTER_UPDATES = 1000
/** Refresh the story index at most this often while a story is being edited. */
export const INDEX_REFRESH_MS = 500
/** Close a connection whose unsent data grows past this (a reader that stopped reading). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024

export interface RoomDeps {
  storage: Storage
  events: StoryEvents
  log: Logger
}

interface PendingUpdate {
  update: Uint8Array
  from: WebSocket
}

/** Encode one sync-protocol `update` message. */
function encodeUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** Encode an awareness message for the given client ids. */
export function encodeAwarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}

export class Room {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Open connections and the awareness client ids each one controls. */
  readonly conns = new Map<WebSocket, Set<number>>()
  private pending: PendingUpdate[] = []
  private flushScheduled = false
  private lastSeq: number
  private tailLength: number
  private indexTimer: NodeJS.Timeout | null = null
  private indexDirty = false
  private lastChange = 0
  private destroyed = false

  constructor(
    readonly id: string,
    loaded: { doc: Y.Doc; lastSeq: number; tailLength: number },
    private readonly deps: RoomDeps,
  ) {
    this.doc = loaded.doc
    this.lastSeq = loaded.lastSeq
    this.tailLength = loaded.tailLength
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server has no presence of its own.
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  private readonly onAwarenessUpdate = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...change.added, ...change.updated, ...change.removed]
    const owned = this.conns.get(origin as WebSocket)
    if (owned) {
      for (const id of change.added) owned.add(id)
      for (const id of change.removed) owned.delete(id)
    }
    if (changed.length === 0) return
    const message = encodeAwarenessMessage(this.awareness, changed)
    for (const conn of this.conns.keys()) this.send(conn, message)
  }

  /** Register a connection. */
  join(conn: WebSocket): void {
    this.conns.set(conn, new Set())
  }

  /** Forget a connection and, at once, the presence it carried. */
  leave(conn: WebSocket): void {
    // What it sent before closing is received: apply and store it before letting go.
    this.flush()
    const owned = this.conns.get(conn)
    this.conns.delete(conn)
    if (owned && owned.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...owned], null)
    }
  }

  /** Queue a (decoded-and-checked) update from `from`; applied at the end of this turn. */
  enqueue(update: Uint8Array, from: WebSocket): void {
    this.pending.push({ update, from })
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
  }

  /**
   * Apply everything queued as one transaction, store the resulting update, then relay it.
   * Synchronous from start to end: no message leaves between apply and store.
   */
  flush(): void {
    this.flushScheduled = false
    if (this.pending.length === 0 || this.destroyed) return
    const batch = this.pending
    this.pending = []
    const origins = new Set(batch.map((entry) => entry.from))
    const outgoing: Uint8Array[] = []
    const collect = (update: Uint8Array): void => {
      outgoing.push(update)
    }
    this.doc.on('update', collect)
    try {
      this.doc.transact(() => {
        for (const entry of batch) {
          try {
            Y.applyUpdate(this.doc, entry.update, entry.from)
          } catch (error) {
            this.deps.log.warn({ err: error, story: this.id }, 'update failed to apply')
            entry.from.close(4400, 'Update could not be applied')
          }
        }
      }, this)
    } finally {
      this.doc.off('update', collect)
    }
    if (outgoing.length === 0) return
    const update = outgoing.length === 1 ? (outgoing[0] as Uint8Array) : Y.mergeUpdates(outgoing)
    this.lastSeq = this.deps.storage.appendUpdate(this.id, update)
    this.tailLength++
    this.lastChange = Date.now()
    // Relay after the write. A lone writer does not need its own edit back.
    const message = encodeUpdateMessage(update)
    const soleOrigin = origins.size === 1 ? [...origins][0] : undefined
    for (const conn of this.conns.keys()) {
      if (conn !== soleOrigin) this.send(conn, message)
    }
    if (this.tailLength >= COMPACT_AFTER_UPDATES) this.compact()
    this.scheduleIndexRefresh()
  }

  /** Fold the update log into a snapshot of the current state. */
  compact(): void {
    if (this.tailLength === 0) return
    this.deps.storage.compact(this.id, Y.encodeStateAsUpdate(this.doc), this.lastSeq)
    this.tailLength = 0
  }

  private scheduleIndexRefresh(): void {
    this.indexDirty = true
    if (this.indexTimer) return
    this.indexTimer = setTimeout(() => {
      this.indexTimer = null
      this.refreshIndex()
    }, INDEX_REFRESH_MS)
  }

  /** Write the index row (headline, words…) from the document and announce it. */
  refreshIndex(): void {
    if (!this.indexDirty) return
    this.indexDirty = false
    const meta = readMeta(this.doc)
    const fields: StoryIndexFields = {
      headline: meta.headline,
      slug: meta.slug,
      section: meta.section,
      status: meta.status,
      bylines: meta.bylines,
      words: bodyWordCount(this.doc),
    }
    const story = this.deps.storage.updateIndex(this.id, fields, this.lastChange || Date.now())
    if (story) this.deps.events.publish({ type: 'story', story })
  }

  /** Send one frame; a connection that stopped reading is closed rather than buffered forever. */
  send(conn: WebSocket, message: Uint8Array): void {
    if (conn.readyState !== conn.OPEN) return
    if (conn.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.deps.log.warn({ story: this.id }, 'closing a connection that stopped reading')
      conn.terminate()
      return
    }
    conn.send(message)
  }

  /** Store everything and release the document. */
  destroy(): void {
    if (this.destroyed) return
    this.flush()
    this.compact()
    if (this.indexTimer) clearTimeout(this.indexTimer)
    this.indexTimer = null
    this.refreshIndex()
    this.destroyed = true
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }
}
