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
import { canEditStory, type Actor, type Assignment } from '../src/shared/permissions.js'
import { Close, MessageType } from '../src/shared/protocol.js'
import type { DeskSummary } from '../src/shared/api.js'
import { assignmentOf, bodyWordCount, META, MetaKey, partWordCount, readDesk, readMeta } from '../src/shared/storyDoc.js'
import { suggestionAuthorsIn, updateScope, type UpdateScope } from './updateScope.js'
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
  /** Someone joined or left (the budget shows who is in each story). */
  onPresence?: (room: Room) => void
  /** A client's update was applied (who sent it: deletions are attributed from here). */
  onApplied?: (room: Room, update: Uint8Array, userId: number) => void
  /** A client change was stored (the rhythm of automatic checkpoints). */
  onStored?: (room: Room) => void
}

interface PendingUpdate {
  update: Uint8Array
  from: WebSocket
}

/** Who is behind a connection. */
export interface Participant extends Actor {
  displayName: string
  color: string
}

interface ConnState {
  who: Participant
  /** Awareness client ids this connection controls. */
  clientIds: Set<number>
}

/** The only parts of a story a client may change itself; desk fields go through the API. */
const CLIENT_ROOTS = new Set(['body', META])
const CLIENT_META_KEYS = new Set<string>([MetaKey.headline, MetaKey.slug, MetaKey.bylines, MetaKey.dateline])


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
  /** Open connections: who is behind each and the awareness client ids it controls. */
  readonly conns = new Map<WebSocket, ConnState>()
  /** Updates refused (read-only or forbidden), for tests and logs. */
  refused = 0
  private pending: PendingUpdate[] = []
  private flushScheduled = false
  /** Yjs client ids whose author is already recorded. */
  private readonly knownClients = new Set<number>()
  /**
   * Every suggestion id the story has ever held, with the user it is attributed to: the ids stored
   * in SQLite (`suggestion_authors`) and the ones in the document. Only grows, on disk too, so a
   * suggestion whose values were all deleted and collected is still known after an unload or a
   * restart (undoing its reject, an offline client's text typed inside it). Ids are random 64-bit
   * hex, so one coming back under another author is forged.
   */
  private readonly suggestionAuthors: Map<string, number | null>
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
    this.suggestionAuthors = deps.storage.suggestionAuthorsOf(id)
    // Ids in the document but not on disk (a story stored before the table, or created with
    // suggestions in its first state): recorded now, before any client can see the room.
    deps.storage.recordSuggestionAuthors(id, this.learnSuggestions(suggestionAuthorsIn(this.doc)))
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
    const owned = this.conns.get(origin as WebSocket)?.clientIds
    if (owned) {
      for (const id of change.added) owned.add(id)
      for (const id of change.removed) owned.delete(id)
    }
    if (changed.length === 0) return
    const message = encodeAwarenessMessage(this.awareness, changed)
    for (const conn of this.conns.keys()) this.send(conn, message)
  }

  /** Register a connection and who is behind it. */
  join(conn: WebSocket, who: Participant): void {
    this.conns.set(conn, { who, clientIds: new Set() })
    this.deps.onPresence?.(this)
  }

  /** The people connected now, once each. */
  people(): Participant[] {
    const seen = new Map<number, Participant>()
    for (const { who } of this.conns.values()) seen.set(who.id, who)
    return [...seen.values()]
  }

  /** The story's current assignment. */
  assignment(): Assignment {
    return assignmentOf(readDesk(this.doc))
  }

  /** Whether this connection may change the story now (checked again at every update). */
  canWrite(conn: WebSocket): boolean {
    const state = this.conns.get(conn)
    return state !== undefined && canEditStory(state.who, this.assignment())
  }

  /** Replace who is behind connections of `userId` (role changed, or deactivated: null closes). */
  updateParticipant(userId: number, who: Participant | null): void {
    for (const [conn, state] of this.conns) {
      if (state.who.id !== userId) continue
      if (who) state.who = who
      else conn.close(Close.unauthorized.code, Close.unauthorized.reason)
    }
  }

  /** Forget a connection and, at once, the presence it carried. */
  leave(conn: WebSocket): void {
    // What it sent before closing is received: apply and store it before letting go.
    this.flush()
    const owned = this.conns.get(conn)?.clientIds
    this.conns.delete(conn)
    if (owned && owned.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...owned], null)
    }
    this.deps.onPresence?.(this)
  }

  /**
   * Queue a (decoded) update from `from`; applied at the end of this turn. A read-only
   * connection's updates are dropped here: never stored, never relayed.
   */
  enqueue(update: Uint8Array, from: WebSocket): void {
    if (!this.canWrite(from)) {
      this.refused++
      return
    }
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
    // Suggestion ids this batch brings in: rare (one per suggestion), stored with the update.
    const introduced = new Map<string, number | null>()
    const outgoing: Uint8Array[] = []
    const collect = (update: Uint8Array): void => {
      outgoing.push(update)
    }
    this.doc.on('update', collect)
    try {
      this.doc.transact(() => {
        for (const entry of batch) {
          // Checked against the document as it is now, with this turn's earlier updates in it.
          const scope = this.mayApply(entry)
          if (!scope) continue
          try {
            Y.applyUpdate(this.doc, entry.update, entry.from)
          } catch (error) {
            this.deps.log.warn({ err: error, story: this.id }, 'update failed to apply')
            entry.from.close(Close.badFrame.code, 'Update could not be applied')
            continue
          }
          // Bookkeeping after a good apply; its failures are ours, not the sender's bad frame.
          this.learnSuggestions(scope.suggestions.map(({ id, authorId }) => [id, authorId] as const), introduced)
          this.recordAuthors(entry)
          const who = this.conns.get(entry.from)?.who
          if (who) this.deps.onApplied?.(this, entry.update, who.id)
        }
      }, this)
    } finally {
      this.doc.off('update', collect)
    }
    if (outgoing.length === 0) {
      // Nothing changed, so nothing is new either; should an id still have come in, keep it.
      this.deps.storage.recordSuggestionAuthors(this.id, introduced)
      return
    }
    const update = outgoing.length === 1 ? (outgoing[0] as Uint8Array) : Y.mergeUpdates(outgoing)
    // A lone writer does not need its own edit back.
    this.store(update, origins.size === 1 ? ([...origins][0] ?? null) : null, introduced)
    this.scheduleIndexRefresh()
    this.deps.onStored?.(this)
  }

  /**
   * Write an update to the log, with the suggestion ids it introduces (one SQLite transaction),
   * then relay it to everyone but `skip`.
   */
  private store(update: Uint8Array, skip: WebSocket | null, introduced?: ReadonlyMap<string, number | null>): void {
    this.lastSeq = this.deps.storage.appendUpdate(this.id, update, introduced)
    this.tailLength++
    this.lastChange = Date.now()
    const message = encodeUpdateMessage(update)
    for (const conn of this.conns.keys()) {
      if (conn !== skip) this.send(conn, message)
    }
    if (this.tailLength >= COMPACT_AFTER_UPDATES) this.compact()
  }

  /**
   * The update's scope if it may be applied, else null: its sender may write now, it changes
   * nothing but the body and the headline, slug, byline and dateline, and every suggestion it
   * carries is the sender's own or one the room already holds under the same author. A forged
   * update (a desk field, the desk map, an unknown root, a suggestion in someone else's name) is
   * refused whole and its connection closed with 4403.
   */
  private mayApply(entry: PendingUpdate): UpdateScope | null {
    const who = this.conns.get(entry.from)?.who
    if (!who || !this.canWrite(entry.from)) {
      this.refused++
      return null
    }
    const scope = updateScope(this.doc, entry.update)
    const forbidden =
      scope.unresolved ||
      // Replacing a shared field (say `meta.set('headline', …)`) would orphan everyone's edits.
      scope.replacedMetaKeys.size > 0 ||
      [...scope.roots].some((root) => !CLIENT_ROOTS.has(root)) ||
      [...scope.metaKeys].some((key) => !CLIENT_META_KEYS.has(key))
    const forged = !forbidden && !this.suggestionsAllowed(scope, who.id)
    if (!forbidden && !forged) return scope
    this.refused++
    const reason = forged ? 'refused a suggestion in another author\'s name' : 'refused a forbidden update'
    this.deps.log.warn({ story: this.id, user: who.id, roots: [...scope.roots], metaKeys: [...scope.metaKeys] }, reason)
    entry.from.close(Close.forbidden.code, 'That change is not allowed')
    this.pending = this.pending.filter((other) => other.from !== entry.from)
    return null
  }

  /**
   * Whether the suggestions an update carries may be applied for `userId`: each is well formed,
   * and its id is either one the room holds under the same author, or new and the sender's own.
   * Honest clients re-emit other people's values with their ids (Yjs' restore formats around
   * typing and formatting, the binding re-setting attributes, undoing a reject), never a new id.
   */
  private suggestionsAllowed(scope: UpdateScope, userId: number): boolean {
    if (scope.malformedSuggestion) return false
    if (scope.suggestions.length === 0) return true
    // Ids this update introduces: one update must not give a new id two authors either.
    const introduced = new Map<string, number | null>()
    for (const { id, authorId } of scope.suggestions) {
      // Authors are numbers or null (an anonymous author): undefined means the id is new.
      const known = this.suggestionAuthors.has(id) ? this.suggestionAuthors.get(id) : introduced.get(id)
      if (known === undefined) {
        if (authorId !== userId) return false
        introduced.set(id, authorId)
      } else if (known !== authorId) {
        return false
      }
    }
    return true
  }

  /** Note the suggestion ids the room did not know yet (into `learned`, which it returns), for storage. */
  private learnSuggestions(
    ids: Iterable<readonly [string, number | null]>,
    learned = new Map<string, number | null>(),
  ): Map<string, number | null> {
    for (const [id, authorId] of ids) {
      if (this.suggestionAuthors.has(id)) continue
      this.suggestionAuthors.set(id, authorId)
      learned.set(id, authorId)
    }
    return learned
  }

  /** Remember who is behind the Yjs client ids of an applied update (authorship for versions). */
  private recordAuthors(entry: PendingUpdate): void {
    const who = this.conns.get(entry.from)?.who
    if (!who) return
    for (const client of Y.parseUpdateMeta(entry.update).to.keys()) {
      if (this.knownClients.has(client)) continue
      this.knownClients.add(client)
      this.deps.storage.recordAuthor(this.id, client, who.id)
    }
  }

  /**
   * Change the document as the server (desk fields, assignments, parts, restores): one
   * transaction, stored, then relayed to every connection. With `actorId`, the change is made
   * under a fresh Yjs client id recorded as that user's, so versions can say who did it.
   */
  applyServerChange(change: (doc: Y.Doc) => void, actorId: number | null = null): void {
    this.flush()
    if (actorId !== null) {
      // Yjs reads doc.clientID for each new item, so a fresh id here is this change's alone.
      this.doc.clientID = globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? this.doc.clientID
      this.knownClients.add(this.doc.clientID)
      this.deps.storage.recordAuthor(this.id, this.doc.clientID, actorId)
    }
    const outgoing: Uint8Array[] = []
    const collect = (update: Uint8Array): void => {
      outgoing.push(update)
    }
    let before = new Map<number, number>()
    this.doc.on('update', collect)
    try {
      this.doc.transact((transaction) => {
        before = transaction.beforeState
        change(this.doc)
      }, this)
    } finally {
      this.doc.off('update', collect)
    }
    if (outgoing.length === 0) return
    // A restore brings back anyone's suggestions, unchecked: the server's own change is trusted.
    const introduced = this.learnSuggestions(suggestionAuthorsIn(this.doc, before))
    this.store(outgoing.length === 1 ? (outgoing[0] as Uint8Array) : Y.mergeUpdates(outgoing), null, introduced)
    this.refreshIndex()
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
      if (this.indexDirty) this.refreshIndex()
    }, INDEX_REFRESH_MS)
  }

  /** Write the index row (headline, words…) from the document and announce it. */
  refreshIndex(): void {
    this.indexDirty = false
    const meta = readMeta(this.doc)
    const desk = readDesk(this.doc)
    const fields: StoryIndexFields = {
      headline: meta.headline,
      slug: meta.slug,
      section: meta.section,
      status: meta.status,
      bylines: meta.bylines,
      words: bodyWordCount(this.doc),
    }
    const summary: DeskSummary = {
      lead: desk.lead,
      contributors: desk.contributors,
      editor: desk.editor,
      deadline: desk.deadline,
      plannedWords: meta.plannedWords,
      parts: desk.parts.map((part) => ({ id: part.id, label: part.label, assignee: part.assignee, words: partWordCount(this.doc, part) })),
    }
    const story = this.deps.storage.updateIndex(this.id, fields, summary, this.lastChange || Date.now())
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
    if (this.indexDirty) this.refreshIndex()
    this.destroyed = true
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }
}
