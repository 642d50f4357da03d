/**
 * One open story: its Y.Doc, awareness and connections.
 *
 * Durable before relay. The client updates of one event-loop turn are applied in one transaction,
 * the resulting update is committed to the store, and only then relayed, acknowledged (`saved`)
 * or included in an answer to anyone. One step runs at a time (`serial`): while a commit is in
 * flight, later updates accumulate and go in the next batch (group commit), so a slower store
 * makes bigger batches, not a queue per keystroke.
 *
 * A commit that fails (after a few quick retries: a lock may pass) drops the room with whatever
 * it had not stored. Its connections are closed with 1013 and come back to a room loaded from the
 * store, and as they resync they send again what the server lacks. While the store is failing,
 * client updates are not applied at all: each connection that sent one is told its edits are not
 * saved, and when the store recovers the room asks it for them (a sync step 1: the stock provider
 * answers with everything the server lacks). A connection whose updates were dropped because it
 * could not write is asked the same way when its rights come back.
 *
 * An update that builds on something the room has not got (updateScope `missing`: a keystroke
 * racing the resync after a reconnect, an edit built on another tab's words that reached it over
 * BroadcastChannel) is held for its connection, in order and bounded, and that connection is asked
 * for what it has; the held update is checked like any other once what it builds on is in.
 */
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { WebSocket } from 'ws'
import { canEditStory, canSettleSuggestions, CLIENT_WRITABLE_META, CLIENT_WRITABLE_ROOTS, isLockedStatus, type Actor, type Assignment } from '../src/shared/permissions.js'
import { Close, MessageType, UnsavedReason, type CloseEvent } from '../src/shared/protocol.js'
import { limitedParts } from '../src/shared/partAccess.js'
import type { DeskSummary } from '../src/shared/api.js'
import { assignmentOf, BODY, bodyBlocks, getDesk, getMeta, MetaKey, partWordCount, readDesk, readMeta, type StoryDesk } from '../src/shared/storyDoc.js'
import { clientsOf, decodeUpdateOrNull, overlapsDocument, suggestionAuthorsIn, updateScope, type UpdateScope } from './updateScope.js'
import { bodyStructureProblem } from './bodyStructure.js'
import { checkPartScope, growParts } from './partScope.js'
import { metaStructureProblem } from './metaStructure.js'
import { SuggestionIndex } from './suggestionIndex.js'
import { insertDecisions, type DecisionInput } from './suggestionLog.js'
import { decisionNotices, insertNotifications } from './notifications.js'
import { reviewSuggestions, type SuggestionReview } from './suggestionReview.js'
import type { Logger } from './logger.js'
import type { LoadedStory, SearchText, Storage, StoryIndexFields, UpdateExtras } from './storage.js'
import { searchTextOf } from './storySearch.js'
import { countWords } from '../src/shared/newsroom.js'
import { isStoreFailure, StoreUnavailableError, type StoreHealth } from './storeHealth.js'
import type { StoryEvents } from './storyEvents.js'
import type { Bus } from './bus.js'
import { deletionsIn, type Deletion } from './versions.js'

/**
 * Add a deletion to a batch's list, widening the last one instead when it is the same person's
 * and touches it: typing and backspacing make runs of one-item deletions, and one row per run
 * says the same (who deleted each item; with several deleters of one item, the first row wins,
 * and only the last row ever grows, so the order of rows stays the order of deletions).
 */
function addDeletion(list: Deletion[], deletion: Deletion): void {
  const last = list[list.length - 1]
  if (last && last.client === deletion.client && last.userId === deletion.userId) {
    if (last.clock + last.len === deletion.clock) {
      last.len += deletion.len
      return
    }
    if (deletion.clock + deletion.len === last.clock) {
      last.clock = deletion.clock
      last.len += deletion.len
      return
    }
  }
  list.push({ ...deletion })
}

/** Fold the log into a fresh snapshot after this many updates. */
export const COMPACT_AFTER_UPDATES = 1000
/** Refresh the story index at most this often while a story is being edited. */
export const INDEX_REFRESH_MS = 500
/** Close a connection whose unsent data grows past this (a reader that stopped reading). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024
/**
 * Waits before retrying a failed commit (a lock held by another process may pass). About 1.5 s in
 * all, spent without blocking: other stories carry on, and this one's updates accumulate.
 */
const COMMIT_RETRY_DELAYS_MS = [20, 50, 100, 200, 400, 800]
/** At most this many updates, or bytes, held per connection for what they build on. */
export const MAX_HELD_UPDATES = 1000
export const MAX_HELD_BYTES = 1024 * 1024
/** At most this many held in one story (many connections each under their bound). */
const MAX_HELD_PER_ROOM = 5000
/** A connection asked for what its held updates build on has this long to send it. */
export const HOLD_TIMEOUT_MS = 10_000
/** Bytes of client updates waiting for the next commit, at most, per story. */
export const MAX_PENDING_BYTES = 32 * 1024 * 1024

/**
 * Updates applied in one transaction (and stored and relayed as one), at most. A client that sends
 * faster than the story is stored (a long paste replayed, a flood) is taken in turns of this many,
 * so one turn stays short for every other story on the node (a turn of the automerge-paper trace's
 * updates: about 13 ms of CPU), and Yjs, which merges a client's items only when a transaction
 * ends, keeps its arrays short: 60,000 updates in one transaction took seconds, splicing ever
 * longer arrays. Smaller turns cost more in all (a commit, a relay and Yjs' clean-up each): 256
 * took half as much CPU again over the trace.
 */
export const MAX_BATCH_UPDATES = 1024
/** Bytes of updates in one transaction, at most (one update larger than this is a turn of its own). */
export const MAX_BATCH_BYTES = 1024 * 1024

/** How long the whole story, encoded for a new reader, is kept for the next one (Room.keepFullState). */
export const FULL_STATE_KEEP_MS = 5_000
/** Presence client ids one connection may bring (a tab has one; a few for editors in one page). */
export const MAX_AWARENESS_IDS = 4
/** Largest presence state of one client id, as JSON. */
export const MAX_AWARENESS_STATE_BYTES = 4 * 1024
/**
 * Client ids one presence frame may name. The stock y-websocket client sends back every presence
 * update it receives, everyone's, so a frame names many ids; those not the connection's own are
 * skipped unread (a connection changes only its own: `applyClientAwareness`).
 */
export const MAX_AWARENESS_FRAME_IDS = 256
/**
 * A connection's own presence updates: a burst, then so many a second are relayed at once; past
 * that, the latest waits for the next place (a caret is only ever wanted where it is now). The
 * editor's binding republishes the caret on every remote edit, so a busy story goes past it.
 */
export const AWARENESS_BURST = 100
export const AWARENESS_PER_SECOND = 40
/** Ten times that is no client's doing: the connection is closed with Close.policy. */
export const AWARENESS_ABUSE_BURST = 10 * AWARENESS_BURST
export const AWARENESS_ABUSE_PER_SECOND = 10 * AWARENESS_PER_SECOND
/** Full-state requests (sync step 1): a burst, then so many a second. */
export const SYNC_REQUEST_BURST = 20
export const SYNC_REQUESTS_PER_SECOND = 2

/** A connection went past what any client needs: it is closed with Close.policy. */
export class PolicyViolation extends Error {
  override name = 'PolicyViolation'
}

/** A token bucket: `take` says whether one more is allowed now. */
class Budget {
  private tokens: number
  private last = Date.now()
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst
  }
  take(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

export interface RoomDeps {
  storage: Storage
  /** Other nodes: what this room stores goes to them, what they store comes back (server/bus.ts). */
  bus: Bus
  health: StoreHealth
  events: StoryEvents
  log: Logger
  /** Someone joined or left (the budget shows who is in each story). */
  onPresence?: (room: Room) => void
  /** A client change was stored (the rhythm of automatic checkpoints). */
  onStored?: (room: Room) => Promise<unknown> | undefined
  /** The room is gone (unloaded, or dropped after a failed commit): forget it. */
  onClosed?: (room: Room) => void
}

/** Who is behind a connection. */
export interface Participant extends Actor {
  displayName: string
  color: string
}

interface PendingUpdate {
  update: Uint8Array
  from: WebSocket
  /** Who sent it, kept for a connection that closes before its update is applied. */
  who: Participant
  /**
   * Set on the sync step 2 that answers our step 1: it carries everything its sender had that we
   * lacked, so once it is stored, edits of that sender we dropped before are stored too (unless
   * more were dropped since it arrived: `drops` is the sender's count when it did).
   */
  pullAnswer?: { drops: number }
}

interface ConnState {
  who: Participant
  /** Awareness client ids this connection controls. */
  clientIds: Set<number>
  /** Updates waiting for what they build on, in arrival order, and their size. */
  held: Uint8Array[]
  heldBytes: number
  heldTimer: NodeJS.Timeout | null
  /** A sync step 1 went to this connection and its step 2 has not come back yet. */
  pulling: boolean
  /** Why updates from this connection were dropped unstored; cleared once it has sent them again. */
  unsaved: UnsavedReason | null
  /** How many of its updates were dropped so far. */
  drops: number
  /** A sync step 2 answer owed to it, waiting for the store (only the latest request counts). */
  step1: Uint8Array | null
  /** Refused and being closed: nothing more of it is applied or answered. */
  closing: boolean
  /** How many presence updates and full-state requests it may still send. */
  awarenessBudget: Budget
  awarenessAbuse: Budget
  syncBudget: Budget
  /** Its latest presence per client id past the budget, vouched for, waiting for the next place; and the timer. */
  awarenessWaiting: Map<number, { clock: number; json: string }>
  awarenessTimer: NodeJS.Timeout | null
}

/** One batch, applied and waiting to be committed. */
interface Applied {
  update: Uint8Array
  /** The connection not to relay to (a lone writer does not need its own edit back). */
  skip: WebSocket | null
  /** A part grew in the batch (server/partScope.ts): its sender must get the batch back to see it. */
  partsGrew?: boolean
  suggestionAuthors: Map<string, number | null>
  clientAuthors: Map<number, number>
  /** Client updates in the batch. */
  updates: number
  /** Who deleted what, stored with the batch. */
  deletions: Deletion[]
  /** Pull answers applied in the batch: their senders' dropped edits are stored with it. */
  pullAnswers: Array<{ state: ConnState; drops: number }>
  /** A server change's rows that are stored in the same transaction (UpdateExtras.alsoWrite). */
  alsoWrite?: UpdateExtras['alsoWrite']
  /** Suggestions the batch's client updates settle, and who settled each (stored with it). */
  decisions?: Array<{ userId: number; decision: DecisionInput }>
  /** The authors those decisions notified (stored with them), told once the batch is stored. */
  notified?: number[]
}

/**
 * The origin of what another node stored (server/bus.ts): applied and relayed here, never stored
 * or published again. Client updates have their connection as origin, the server's own changes
 * the room.
 */
export const FROM_NODE = Symbol('another node')


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Encode one sync-protocol `update` message. */
function encodeUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** A sync step 2 message carrying `update`. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** Encode an awareness message for the given client ids. */
export function encodeAwarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}

/** Encode a message of varuints (`saved` and `notSaved` answers). */
function encodeNumbers(...values: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  for (const value of values) encoding.writeVarUint(encoder, value)
  return encoding.toUint8Array(encoder)
}

export class Room {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  /** Open connections: who is behind each and the awareness client ids it controls. */
  readonly conns = new Map<WebSocket, ConnState>()
  /** Updates refused (read-only, forbidden or while the store fails), for tests and logs. */
  refused = 0
  /** API requests working on the room now (server/rooms.ts): it is not unloaded under them. */
  holds = 0
  private pending: PendingUpdate[] = []
  /** Where the queue starts in `pending` (takeBatch moves it). */
  private pendingHead = 0
  /** Answers owed once everything received before them is stored. */
  private waiting: Array<() => void> = []
  private flushScheduled = false
  /** The end of the chain of steps (apply, commit, relay; API work), which run one at a time. */
  private chain: Promise<unknown> = Promise.resolve()
  private steps = 0
  private inExclusive = false
  /** Yjs client ids whose author is already recorded. */
  private readonly knownClients = new Set<number>()
  /**
   * Every suggestion id the story has ever held, with the user it is attributed to: the ids stored
   * (`suggestion_authors`) and the ones in the document. Only grows, on disk too, so a suggestion
   * whose values were all deleted and collected is still known after an unload or a restart
   * (undoing its reject, an offline client's text typed inside it). Ids are random 64-bit hex, so
   * one coming back under another author is forged.
   */
  private readonly suggestionAuthors: Map<string, number | null>
  /** Which blocks may hold which suggestions: the first look of server/suggestionReview.ts. */
  private readonly suggestionIndex: SuggestionIndex
  private tailLength: number
  private indexTimer: NodeJS.Timeout | null = null
  private indexDirty = false
  /** The search text last written with the index row: an unchanged text is not written again. */
  private indexedText: SearchText | null = null
  private lastChange = 0
  /** Unloaded or dropped: nothing more is applied, stored or sent. */
  private closed = false
  /** Updates held across all connections. */
  private heldCount = 0
  /** A read from the store is queued (server/bus.ts lost track of the other nodes' updates). */
  private resyncQueued = false
  /**
   * The whole story encoded, until the document next changes or no new reader has asked for it for
   * FULL_STATE_KEEP_MS (stateAfter).
   */
  private fullState: Uint8Array | null = null
  private fullStateTimer: NodeJS.Timeout | null = null
  /** Bytes received and not yet applied: bounded, should the store stop answering. */
  private pendingBytes = 0
  /** Updates were dropped over that bound: their senders are asked again after the next commit. */
  private overflowed = false

  constructor(
    readonly id: string,
    loaded: LoadedStory,
    private readonly deps: RoomDeps,
  ) {
    this.doc = loaded.doc
    this.tailLength = loaded.tailLength
    this.suggestionAuthors = loaded.suggestionAuthors
    // Ids in the document but not on disk (a story stored before the table, or created with
    // suggestions in its first state): recorded now. Should the store refuse, they are still in
    // the document and are found again at the next load.
    const found = this.learnSuggestions(suggestionAuthorsIn(this.doc))
    if (found.size > 0) {
      deps.storage.recordSuggestionAuthors(id, found).catch((error: unknown) => deps.log.warn({ err: error, story: id }, 'could not record suggestion authors at load'))
    }
    this.suggestionIndex = new SuggestionIndex(this.doc)
    // What is stored, when it is the whole story, is what a new reader is sent: not encoded again.
    if (loaded.encoded) this.keepFullState(loaded.encoded)
    this.doc.on('update', this.forgetFullState)
    getDesk(this.doc).observeDeep(() => {
      this.deskRead = null
    })
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
    // Carets of this node's clients (and their leaving) go to the other nodes; their own come
    // from there, and states timing out time out on every node by themselves.
    if (origin !== FROM_NODE && origin !== 'timeout') {
      this.deps.bus.publishAwareness(this.id, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    }
  }

  /** Whether the room was unloaded or dropped. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Register a connection and who is behind it, and open the sync with our state vector. */
  join(conn: WebSocket, who: Participant): void {
    this.conns.set(conn, {
      who,
      clientIds: new Set(),
      held: [],
      heldBytes: 0,
      heldTimer: null,
      pulling: false,
      unsaved: null,
      drops: 0,
      step1: null,
      closing: false,
      awarenessBudget: new Budget(AWARENESS_BURST, AWARENESS_PER_SECOND),
      awarenessAbuse: new Budget(AWARENESS_ABUSE_BURST, AWARENESS_ABUSE_PER_SECOND),
      syncBudget: new Budget(SYNC_REQUEST_BURST, SYNC_REQUESTS_PER_SECOND),
      awarenessWaiting: new Map(),
      awarenessTimer: null,
    })
    this.deps.onPresence?.(this)
    this.sendSyncStep1(conn)
  }

  /** The people connected now, once each. */
  people(): Participant[] {
    const seen = new Map<number, Participant>()
    for (const { who } of this.conns.values()) seen.set(who.id, who)
    return [...seen.values()]
  }

  /** The story's desk map as read last, until it next changes: read for every update (issue 12). */
  private deskRead: { desk: StoryDesk; assignment: Assignment } | null = null

  /** The story's current desk (assignees, parts, deadline). */
  desk(): StoryDesk {
    return this.readDeskOnce().desk
  }

  /** The story's current assignment. */
  assignment(): Assignment {
    return this.readDeskOnce().assignment
  }

  /**
   * Take new blocks at a part's edge into the part (server/partScope.ts). The update is applied
   * already and is stored whatever happens here: should the growth fail, the part stays as it was.
   */
  private growParts(growth: ReadonlyMap<string, readonly Y.ID[]>): number | null {
    try {
      return growParts(this.doc, growth)
    } catch (error) {
      this.deps.log.warn({ err: error, story: this.id }, 'could not grow a part over new blocks at its edge')
      return null
    }
  }

  /** A server change is running (changeStory): the desk is read afresh each time, never kept. */
  private deskChanging = false

  private readDeskOnce(): { desk: StoryDesk; assignment: Assignment } {
    if (this.deskRead) return this.deskRead
    const desk = readDesk(this.doc)
    const read = { desk, assignment: assignmentOf(desk) }
    if (!this.deskChanging) this.deskRead = read
    return read
  }

  /** Whether this connection may change the story now (checked again at every update). */
  canWrite(conn: WebSocket): boolean {
    const state = this.conns.get(conn)
    return state !== undefined && this.writeRefusal(state.who) === null
  }

  /**
   * Why `who` may not change the story now, or null when they may: the story is locked
   * (published or spiked, for everyone: issue 15), or they may not edit it (role, assignment).
   * Read at every update, so a status move or a new assignment counts from the next one.
   */
  private writeRefusal(who: Actor): UnsavedReason | null {
    if (isLockedStatus(getMeta(this.doc).get(MetaKey.status))) return UnsavedReason.locked
    return canEditStory(who, this.assignment()) ? null : UnsavedReason.readOnly
  }

  /** Replace who is behind connections of `userId` (role changed, or deactivated: null closes). */
  updateParticipant(userId: number, who: Participant | null): void {
    for (const [conn, state] of this.conns) {
      if (state.who.id !== userId) continue
      if (who) state.who = who
      else conn.close(Close.unauthorized.code, Close.unauthorized.reason)
    }
    if (who) this.pullUnsaved()
  }

  /** Forget a connection and, at once, the presence it carried. What it sent is still applied. */
  leave(conn: WebSocket): void {
    const state = this.conns.get(conn)
    if (!state) return
    this.forgetHeld(state)
    if (state.awarenessTimer) clearTimeout(state.awarenessTimer)
    this.conns.delete(conn)
    if (this.closed) return
    if (state.clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...state.clientIds], null)
    this.deps.onPresence?.(this)
  }

  /**
   * Queue an update from `conn`; decoded and applied at the end of this turn. `isSyncStep2` marks
   * the answer to our sync step 1: it carries everything the connection had that we lacked, so
   * edits of it we dropped before are in it. Updates of a connection that may not write, or sent
   * while the store fails, are dropped here: never stored, never relayed, never acknowledged
   * (and one that does not decode throws, for the caller to close its socket as a bad frame).
   */
  enqueue(update: Uint8Array, conn: WebSocket, isSyncStep2 = false): void {
    const state = this.conns.get(conn)
    if (!state || state.closing || this.closed) return
    const pullAnswer = isSyncStep2 && state.pulling ? { drops: state.drops } : undefined
    if (pullAnswer) state.pulling = false
    const reason = this.deps.health.failing ? UnsavedReason.storeFailing : this.writeRefusal(state.who)
    if (reason !== null) {
      // Refused unread, but a frame that does not decode is still a bad frame (thrown: 4400).
      const decoded = Y.decodeUpdate(update)
      // A step 2 with no structs (all it had was already here) loses nothing by being dropped.
      if (!isSyncStep2 || clientsOf(decoded).size > 0) this.drop(state, reason)
      return
    }
    if (this.pendingBytes + update.byteLength > MAX_PENDING_BYTES) {
      // The store is not keeping up (or not answering at all): refuse rather than queue without
      // end; the sender keeps its edits and is asked for them once a commit goes through.
      this.overflowed = true
      this.drop(state, UnsavedReason.storeFailing)
      return
    }
    this.pendingBytes += update.byteLength
    this.pending.push({ update, from: conn, who: state.who, pullAnswer })
    this.schedule()
  }

  /** Answer a `[saved, n]` request once everything `conn` sent before it is stored, or say why not. */
  requestSaved(conn: WebSocket, request: number): void {
    this.whenStored(() => {
      const state = this.conns.get(conn)
      if (!state || state.closing || this.closed) return
      if (state.unsaved !== null) this.send(conn, encodeNumbers(MessageType.notSaved, request, state.unsaved))
      // With updates still held, say nothing yet: the client asks again.
      else if (state.held.length === 0) this.send(conn, encodeNumbers(MessageType.saved, request))
    })
  }

  /**
   * Apply a client's presence update, as the server vouches for it: only client ids it brought
   * itself (everyone else's, which the stock client echoes back, are skipped unread), at most
   * MAX_AWARENESS_IDS of them and MAX_AWARENESS_STATE_BYTES each, and the name and colour of the
   * person signed in, whatever the client wrote. Past AWARENESS_PER_SECOND the latest waits for the
   * next place; past ten times that, or past the bounds, PolicyViolation.
   */
  applyClientAwareness(conn: WebSocket, update: Uint8Array): void {
    const state = this.conns.get(conn)
    if (!state || state.closing || this.closed) return
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    if (count > MAX_AWARENESS_FRAME_IDS) throw new PolicyViolation(`presence for ${count} client ids`)
    const entries: Array<{ clientId: number; clock: number; json: string }> = []
    for (let index = 0; index < count; index++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      // Someone else's (another connection's, another node's): not this connection's to change.
      if (!state.clientIds.has(clientId) && this.awareness.getStates().has(clientId)) {
        decoding.readVarUint8Array(decoder)
        continue
      }
      const json = decoding.readVarString(decoder)
      if (json.length > MAX_AWARENESS_STATE_BYTES) throw new PolicyViolation(`a presence state of ${json.length} bytes`)
      if (!state.clientIds.has(clientId) && state.clientIds.size >= MAX_AWARENESS_IDS) throw new PolicyViolation('too many presence client ids')
      entries.push({ clientId, clock, json: this.vouchedPresence(json, state.who) })
    }
    if (entries.length === 0) return
    if (!state.awarenessAbuse.take()) throw new PolicyViolation('presence updates too fast')
    // Each id's latest state goes out now or, past the budget, when there is room again.
    for (const { clientId, clock, json } of entries) state.awarenessWaiting.set(clientId, { clock, json })
    if (state.awarenessTimer === null) this.applyWaitingAwareness(conn)
  }

  /** Relay a connection's waiting presence once its budget allows, trying again until it does. */
  private applyWaitingAwareness(conn: WebSocket): void {
    const state = this.conns.get(conn)
    if (!state || state.closing || this.closed) return
    state.awarenessTimer = null
    if (state.awarenessWaiting.size === 0) return
    if (!state.awarenessBudget.take()) {
      state.awarenessTimer = setTimeout(() => this.applyWaitingAwareness(conn), 1000 / AWARENESS_PER_SECOND)
      return
    }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, state.awarenessWaiting.size)
    for (const [clientId, { clock, json }] of state.awarenessWaiting) {
      encoding.writeVarUint(encoder, clientId)
      encoding.writeVarUint(encoder, clock)
      encoding.writeVarString(encoder, json)
    }
    state.awarenessWaiting.clear()
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encoding.toUint8Array(encoder), conn)
  }

  /** A presence state with the signed-in person's name and colour in `user` (null: leaving). */
  private vouchedPresence(json: string, who: Participant): string {
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch {
      throw new PolicyViolation('a presence state that is not JSON')
    }
    if (value === null) return 'null'
    const fields = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
    const user = typeof fields.user === 'object' && fields.user !== null ? (fields.user as Record<string, unknown>) : {}
    return JSON.stringify({ ...fields, user: { ...user, name: who.displayName, color: who.color } })
  }

  /** Answer a sync step 1 from the stored state: after everything received before it is stored. */
  answerSyncStep1(conn: WebSocket, stateVector: Uint8Array): void {
    const state = this.conns.get(conn)
    if (!state || state.closing) return
    // Each answer may be the whole story: a connection asking again and again is refused.
    if (!state.syncBudget.take()) throw new PolicyViolation('full-state requests too fast')
    // Requests that pile up while a commit is in flight cost one answer: the latest.
    const queued = state.step1 !== null
    state.step1 = stateVector
    if (queued) return
    this.whenStored(() => this.answerStep1(conn, state))
  }

  /** Send `conn` what it lacks, by the latest state vector it asked with. */
  private answerStep1(conn: WebSocket, state: ConnState): void {
    const vector = state.step1
    state.step1 = null
    if (vector === null || state.closing || this.closed || !this.conns.has(conn)) return
    this.send(conn, encodeSyncStep2(this.stateAfter(vector)))
  }

  /**
   * `conn` was sent `encoded`, the stored story, before this room loaded it (server/rooms.ts): send
   * what the room has that `encoded` lacks (another node's update, read from the stream since), if
   * anything, as the answer to a step 1 with that state.
   */
  caughtUpFrom(conn: WebSocket, encoded: Uint8Array): void {
    if (this.fullState === encoded) return
    const state = this.conns.get(conn)
    if (!state || state.closing) return
    state.step1 = Y.encodeStateVectorFromUpdate(encoded)
    this.whenStored(() => this.answerStep1(conn, state))
  }

  /**
   * Ask every connection whose edits were dropped, and that may send them now (the store works
   * again, its rights came back), for what it has that the room lacks.
   */
  pullUnsaved(): void {
    if (this.closed || this.deps.health.failing) return
    for (const [conn, state] of this.conns) {
      if (state.unsaved === null) continue
      if (state.unsaved !== UnsavedReason.storeFailing && this.writeRefusal(state.who) !== null) continue
      this.whenStored(() => this.sendSyncStep1(conn))
    }
  }

  /**
   * Run `fn` with the story at its stored state, everything received so far applied and stored,
   * and nothing else applied until it is done (`applyServerChange` is only called in here).
   */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.serial(async () => {
      await this.flushNow()
      if (this.closed) throw new StoreUnavailableError('The story could not be saved.')
      this.inExclusive = true
      try {
        return await fn()
      } finally {
        this.inExclusive = false
      }
    })
  }

  /**
   * Change the document as the server (desk fields, assignments, parts, restores), inside
   * `exclusive`: one transaction, stored, then relayed to every connection. With `actorId`, the
   * change is made under a fresh Yjs client id recorded as that user's, so versions can say who did
   * it. `alsoWrite` stores more rows in the same transaction as the change (both or neither).
   * Rejects with StoreUnavailableError, the room dropped, when it cannot be stored.
   */
  async applyServerChange<T>(change: (doc: Y.Doc) => T, actorId: number | null = null, alsoWrite?: UpdateExtras['alsoWrite']): Promise<T> {
    if (!this.inExclusive) throw new Error('applyServerChange runs inside room.exclusive')
    // Refused before anything changes: dropping the room for it would close every editor.
    if (this.deps.health.failing) throw new StoreUnavailableError('The newsroom cannot save changes right now.')
    const clientAuthors = new Map<number, number>()
    if (actorId !== null) {
      // Yjs reads doc.clientID for each new item, so a fresh id here is this change's alone.
      this.doc.clientID = globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? this.doc.clientID
      clientAuthors.set(this.doc.clientID, actorId)
    }
    const outgoing: Uint8Array[] = []
    const collect = (update: Uint8Array): void => {
      outgoing.push(update)
    }
    let before = new Map<number, number>()
    let result: T
    this.doc.on('update', collect)
    try {
      result = this.doc.transact((transaction) => {
        before = transaction.beforeState
        // The change may set the desk and read it back in this transaction, before observers run.
        this.deskRead = null
        this.deskChanging = true
        try {
          return change(this.doc)
        } finally {
          this.deskChanging = false
        }
      }, this)
    } catch (error) {
      // Whatever it changed before throwing is in the document and stored nowhere: drop the room.
      if (outgoing.length > 0) this.fail(error)
      throw error
    } finally {
      this.doc.off('update', collect)
    }
    if (outgoing.length === 0) return result
    // A restore brings back anyone's suggestions, unchecked: the server's own change is trusted.
    const suggestionAuthors = this.learnSuggestions(suggestionAuthorsIn(this.doc, before))
    const update = outgoing.length === 1 ? (outgoing[0] as Uint8Array) : Y.mergeUpdates(outgoing)
    try {
      await this.store({ update, skip: null, suggestionAuthors, clientAuthors, updates: 0, deletions: [], pullAnswers: [], alsoWrite })
    } catch (error) {
      this.fail(error)
      throw new StoreUnavailableError('The change could not be saved.')
    }
    try {
      await this.refreshIndex()
    } catch (error) {
      this.indexDirty = true
      this.deps.log.warn({ err: error, story: this.id }, 'could not refresh the story index')
    }
    // An assignment may have given someone back the right to write.
    this.pullUnsaved()
    return result
  }

  /**
   * Store everything and release the document, unless someone came back meanwhile (or `force`, at
   * shutdown). Resolves whether the room was unloaded.
   */
  unload(force = false): Promise<boolean> {
    return this.serial(async () => {
      await this.flushNow()
      if (this.closed) return true
      if (!force && (this.conns.size > 0 || this.holds > 0)) return false
      try {
        await this.compact()
      } catch (error) {
        // The log keeps every update: the next load replays it. Nothing is lost.
        this.deps.log.warn({ err: error, story: this.id }, 'could not compact the story at unload')
      }
      try {
        if (this.indexDirty) await this.refreshIndex()
      } catch (error) {
        this.deps.log.warn({ err: error, story: this.id }, 'could not refresh the story index at unload')
      }
      this.close()
      return true
    })
  }

  /**
   * What a client with `vector` lacks. A new reader's (empty) vector asks for the whole story,
   * encoded once per change of the document and shared by every such reader.
   */
  private stateAfter(vector: Uint8Array): Uint8Array {
    if (vector.length !== 1 || vector[0] !== 0) return Y.encodeStateAsUpdate(this.doc, vector)
    return this.keepFullState(this.fullState ?? Y.encodeStateAsUpdate(this.doc))
  }

  /**
   * Keep `encoded`, the whole story, for the next new reader. Readers come in bursts (a story
   * opened from the budget meeting, a link in the chat): kept while they arrive, the bytes are
   * dropped FULL_STATE_KEEP_MS after the last, so an open story costs its document and not a
   * second copy of it (issue 12's memory goal).
   */
  private keepFullState(encoded: Uint8Array): Uint8Array {
    this.fullState = encoded
    if (this.fullStateTimer) this.fullStateTimer.refresh()
    else this.fullStateTimer = setTimeout(this.forgetFullState, FULL_STATE_KEEP_MS).unref()
    return encoded
  }

  private readonly forgetFullState = (): void => {
    this.fullState = null
    if (this.fullStateTimer) clearTimeout(this.fullStateTimer)
    this.fullStateTimer = null
  }

  /**
   * Apply an update another node stored: relayed to this node's connections, not stored or
   * published again. Suggestion ids it brings are learnt with the authors that node enforced.
   * Should it build on something this node never received (a stream entry missed), the story is
   * read again from the store.
   */
  applyFromNode(update: Uint8Array, suggestionAuthors: ReadonlyMap<string, number | null>, resyncOnGap = true): void {
    if (this.closed) return
    // Never applied with a gap: Yjs would park it and integrate it later inside a local batch,
    // which would store and publish it again as this node's. The store has it (it was committed
    // before it was published): read from there instead.
    if (resyncOnGap && updateScope(this.doc, update).missing) {
      this.resyncFromStore()
      return
    }
    this.learnSuggestions(suggestionAuthors)
    const outgoing: Uint8Array[] = []
    const collect = (change: Uint8Array, origin: unknown): void => {
      if (origin === FROM_NODE) outgoing.push(change)
    }
    this.doc.on('update', collect)
    try {
      Y.applyUpdate(this.doc, update, FROM_NODE)
    } finally {
      this.doc.off('update', collect)
    }
    for (const change of outgoing) {
      const message = encodeUpdateMessage(change)
      for (const conn of this.conns.keys()) this.send(conn, message)
    }
    if (outgoing.length > 0) this.lastChange = Date.now()
  }

  /** Apply an awareness update from another node's clients. */
  applyAwarenessFromNode(update: Uint8Array): void {
    if (this.closed) return
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_NODE)
    } catch (error) {
      this.deps.log.warn({ err: error, story: this.id }, 'awareness from another node did not apply')
    }
  }

  /**
   * Read the story from the store again and apply what this node lacks (the bus lost track:
   * Redis restarted, or an update built on an entry this node never read). In the chain, so the
   * state read is never older than a batch this room is committing.
   */
  resyncFromStore(): void {
    // One read covers every gap found until it runs.
    if (this.closed || this.resyncQueued) return
    this.resyncQueued = true
    this.serial(async () => {
      this.resyncQueued = false
      if (this.closed) return
      const loaded = await this.deps.storage.loadDoc(this.id)
      if (!loaded || this.closed) return
      try {
        this.learnSuggestions(loaded.suggestionAuthors)
        this.applyFromNode(Y.encodeStateAsUpdate(loaded.doc, Y.encodeStateVector(this.doc)), new Map(), false)
      } finally {
        loaded.doc.destroy()
      }
    }).catch((error: unknown) => this.deps.log.warn({ err: error, story: this.id }, 'could not read the story again from the store'))
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

  /** Send our state vector: the stock provider answers with everything we lack (its sync step 2). */
  private sendSyncStep1(conn: WebSocket): void {
    const state = this.conns.get(conn)
    if (!state) return
    state.pulling = true
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeSyncStep1(encoder, this.doc)
    this.send(conn, encoding.toUint8Array(encoder))
  }

  /** Drop a connection's update unstored, remembering why for its `saved` requests. */
  private drop(state: ConnState, reason: UnsavedReason): void {
    this.refused++
    state.drops++
    state.unsaved = reason
  }

  /** Run `step` after every step queued before it: apply, commit and relay happen one at a time. */
  private serial<T>(step: () => Promise<T>): Promise<T> {
    this.steps++
    const run = this.chain.then(step).finally(() => {
      this.steps--
    })
    this.chain = run.catch(() => undefined)
    return run
  }

  /** Call `answer` once everything received so far is stored (at once when it is). */
  private whenStored(answer: () => void): void {
    if (this.steps === 0 && this.queued() === 0 && !this.flushScheduled) {
      answer()
      return
    }
    this.waiting.push(answer)
    this.schedule()
  }

  /** Flush at the end of this turn, after any step already running. */
  private schedule(): void {
    if (this.flushScheduled || this.closed) return
    this.flushScheduled = true
    setImmediate(() => {
      this.serial(() => this.flushNow()).catch((error: unknown) => this.deps.log.error({ err: error, story: this.id }, 'flush failed'))
    })
  }

  /**
   * Apply everything queued as one transaction, store the resulting update, relay it, then give
   * the answers that waited for it. A failed store drops the room (`fail`).
   */
  private async flushNow(): Promise<void> {
    this.flushScheduled = false
    if (this.closed) return
    const batch = this.takeBatch()
    // Answers wait for everything queued before them: given once nothing is left in the queue.
    const last = this.queued() === 0
    const answers = last ? this.waiting : []
    if (last) this.waiting = []
    const applied = this.applyBatch(batch)
    if (applied.update.byteLength > 0) {
      try {
        await this.store(applied)
      } catch (error) {
        this.fail(error)
        return
      }
    }
    // What those senders had dropped is stored now, unless they were dropped again since.
    for (const { state, drops } of applied.pullAnswers) if (state.drops === drops) state.unsaved = null
    // One answer failing (a connection gone bad) must not cost the others theirs.
    for (const answer of answers) {
      try {
        answer()
      } catch (error) {
        this.deps.log.warn({ err: error, story: this.id }, 'an answer failed')
      }
    }
    if (this.queued() > 0) this.schedule()
    else if (this.overflowed) {
      this.overflowed = false
      this.pullUnsaved()
    }
  }

  /** Updates queued and not yet taken. */
  private queued(): number {
    return this.pending.length - this.pendingHead
  }

  /** Take the next turn's updates off the queue: MAX_BATCH_UPDATES and MAX_BATCH_BYTES at most, one at least. */
  private takeBatch(): PendingUpdate[] {
    let end = this.pendingHead
    let bytes = 0
    for (; end < this.pending.length; end++) {
      const size = (this.pending[end] as PendingUpdate).update.byteLength
      if (end - this.pendingHead === MAX_BATCH_UPDATES || (end > this.pendingHead && bytes + size > MAX_BATCH_BYTES)) break
      bytes += size
    }
    this.pendingBytes -= bytes
    if (this.pendingHead === 0 && end === this.pending.length) {
      const batch = this.pending
      this.pending = []
      return batch
    }
    // Taken by moving the head, not by splicing: a long queue is not copied once per turn.
    const batch = this.pending.slice(this.pendingHead, end)
    this.pendingHead = end
    if (this.pendingHead === this.pending.length) {
      this.pending = []
      this.pendingHead = 0
    }
    return batch
  }

  /**
   * Apply a batch (and whatever it lets held updates build on) in one transaction. The result's
   * update is empty when nothing changed.
   */
  private applyBatch(batch: PendingUpdate[]): Applied {
    const applied: Applied = { update: new Uint8Array(), skip: null, suggestionAuthors: new Map(), clientAuthors: new Map(), updates: 0, deletions: [], pullAnswers: [] }
    if (batch.length === 0) return applied
    const origins = new Set<WebSocket>()
    const outgoing: Uint8Array[] = []
    const collect = (update: Uint8Array): void => {
      outgoing.push(update)
    }
    this.doc.on('update', collect)
    try {
      this.doc.transact(() => {
        let progress = false
        for (const entry of batch) {
          const state = this.conns.get(entry.from)
          if (state?.closing) continue
          // In order per connection: behind what it already holds, unless it answers our pull
          // (which carries everything the connection has, so it is never behind anything).
          if (state && state.held.length > 0 && !entry.pullAnswer) {
            this.hold(entry)
            continue
          }
          // Checked against the document as it is now, with this turn's earlier updates in it.
          const outcome = this.applyOne(entry, applied)
          if (outcome === 'missing') this.hold(entry)
          if (outcome === 'applied') {
            origins.add(entry.from)
            progress = true
            if (state && entry.pullAnswer) applied.pullAnswers.push({ state, drops: entry.pullAnswer.drops })
          }
        }
        // What was just applied may be what held updates were waiting for.
        while (progress) progress = this.applyHeld(applied, origins)
      }, this)
    } finally {
      this.doc.off('update', collect)
    }
    if (outgoing.length === 0) {
      // Nothing changed, so nothing is new either; should an id still have come in, keep it.
      if (applied.suggestionAuthors.size > 0) {
        this.deps.storage
          .recordSuggestionAuthors(this.id, applied.suggestionAuthors)
          .catch((error: unknown) => this.deps.log.warn({ err: error, story: this.id }, 'could not record suggestion authors'))
      }
      return applied
    }
    applied.update = outgoing.length === 1 ? (outgoing[0] as Uint8Array) : Y.mergeUpdates(outgoing)
    applied.skip = origins.size === 1 && !applied.partsGrew ? ([...origins][0] ?? null) : null
    const decisions = applied.decisions
    if (decisions?.length) {
      const at = Date.now()
      applied.alsoWrite = async (db) => {
        for (const { userId, decision } of decisions) await insertDecisions(db, this.id, userId, [decision], at)
        // Their authors hear of it (issue 15), in the same transaction: both or neither.
        applied.notified = await insertNotifications(db, decisionNotices(this.id, decisions), at)
      }
    }
    return applied
  }

  /**
   * Retry every connection's held updates in order, each connection stopping at the first that
   * still misses its base (honest updates come in causal order, so nothing behind it could apply
   * and keep the order); whether any was applied. One check per connection when nothing moves.
   */
  private applyHeld(applied: Applied, origins: Set<WebSocket>): boolean {
    let progress = false
    for (const [conn, state] of this.conns) {
      while (state.held.length > 0 && !state.closing) {
        const update = state.held[0] as Uint8Array
        const outcome = this.applyOne({ update, from: conn, who: state.who }, applied)
        // Still missing its base; or refused and closed, which let go of everything it held.
        if (outcome === 'missing' || state.closing) break
        state.held.shift()
        state.heldBytes -= update.byteLength
        this.heldCount--
        if (outcome === 'applied') {
          origins.add(conn)
          progress = true
        }
      }
      if (state.held.length === 0 && state.heldTimer) {
        clearTimeout(state.heldTimer)
        state.heldTimer = null
      }
    }
    return progress
  }

  /**
   * Check one update and apply it: 'applied'; 'missing' when it builds on what the room has not
   * got (held, checked again later); 'refused' when its sender may not write now (dropped), it is
   * forbidden or forged (the connection is closed with 4403), or it does not apply (4400).
   */
  private applyOne(entry: PendingUpdate, applied: Applied): 'applied' | 'missing' | 'refused' {
    const state = this.conns.get(entry.from)
    if (state?.closing) return 'refused'
    const who = state?.who ?? entry.who
    const refusal = this.writeRefusal(who)
    if (refusal !== null) {
      if (state) this.drop(state, refusal)
      else this.refused++
      return 'refused'
    }
    // Decoded once here (issue 12): the checks below, the client ids and the deletions all read
    // this, and only Yjs' own apply reads the bytes again.
    let update = entry.update
    let decoded = decodeUpdateOrNull(update)
    // Part of it the story already has: Yjs integrates only the rest, after the item that ends
    // what the story holds of that client, wherever that is, and not at the origin the struct
    // names. Checked as it claims, such an update could land anywhere: it is cut to what is new
    // (each cut struct's origin then names its real left neighbour) and checked and applied so.
    if (decoded !== null && overlapsDocument(this.doc, decoded)) {
      update = Y.diffUpdate(update, Y.encodeStateVector(this.doc))
      decoded = decodeUpdateOrNull(update)
    }
    if (decoded === null) {
      this.refused++
      this.deps.log.warn({ story: this.id, user: who.id }, 'an update did not decode')
      this.closeConn(entry.from, { code: Close.badFrame.code, reason: 'Update could not be read' })
      return 'refused'
    }
    const scope = updateScope(this.doc, decoded)
    // What it builds in the body must be what the editor can hold (issue 11: poisoned structure).
    const structure = bodyStructureProblem(scope.bodyItems) ?? metaStructureProblem(scope.metaItems)
    const forbidden =
      structure !== null ||
      scope.unresolved ||
      // A link no reader should follow would reach every page and export.
      scope.unsafeLink ||
      // Replacing a shared field (say `meta.set('headline', …)`) would orphan everyone's edits.
      scope.replacedMetaKeys.size > 0 ||
      [...scope.roots].some((root) => !CLIENT_WRITABLE_ROOTS.has(root)) ||
      [...scope.metaKeys].some((key) => !CLIENT_WRITABLE_META.has(key))
    const forged = !forbidden && !this.suggestionsAllowed(scope, who.id)
    if (forbidden || forged) {
      this.refused++
      const reason = forged ? 'refused a suggestion in another author\'s name' : 'refused a forbidden update'
      this.deps.log.warn({ story: this.id, user: who.id, roots: [...scope.roots], metaKeys: [...scope.metaKeys], structure }, reason)
      this.closeConn(entry.from, { code: Close.forbidden.code, reason: 'That change is not allowed' })
      return 'refused'
    }
    if (scope.missing) return state ? 'missing' : 'refused'
    // A reporter given only parts of the story writes only inside them (issue 15: server/partScope.ts).
    const parts = limitedParts(who, this.desk())
    const partCheck = parts ? checkPartScope(this.doc, parts, decoded, scope) : null
    if (partCheck?.refused) {
      this.refused++
      this.deps.log.warn({ story: this.id, user: who.id, why: partCheck.refused }, "refused an update outside the sender's part")
      this.closeConn(entry.from, { code: Close.forbidden.code, reason: 'That change is not allowed' })
      return 'refused'
    }
    // Someone else's suggestion made to cover what it never covered, checked once all it builds on is here.
    const review = this.reviewSuggestions(update, who.id, scope)
    if (review?.forged) {
      this.refused++
      this.deps.log.warn({ story: this.id, user: who.id, why: review.forged }, "refused a suggestion in another author's name")
      this.closeConn(entry.from, { code: Close.forbidden.code, reason: 'That change is not allowed' })
      return 'refused'
    }
    try {
      Y.applyUpdate(this.doc, update, entry.from)
    } catch (error) {
      this.refused++
      this.deps.log.warn({ err: error, story: this.id }, 'update failed to apply')
      this.closeConn(entry.from, { code: Close.badFrame.code, reason: 'Update could not be applied' })
      return 'refused'
    }
    // New blocks at the edge of the sender's part join it (a paragraph added at its end), in this batch.
    const grewAs = partCheck ? this.growParts(partCheck.growth) : null
    // The desk changed inside this batch's transaction: its observer runs only at the end.
    if (partCheck && partCheck.growth.size > 0) this.deskRead = null
    if (grewAs !== null) {
      applied.partsGrew = true
      applied.clientAuthors.set(grewAs, who.id)
    }
    this.learnSuggestions(
      scope.suggestions.map(({ id, authorId }) => [id, authorId] as const),
      applied.suggestionAuthors,
    )
    if (review) {
      review.applied()
      // Recorded from what was applied, by this node, with the update (issue 11: audit forgery).
      if (canSettleSuggestions(who, this.assignment())) for (const decision of review.decisions) (applied.decisions ??= []).push({ userId: who.id, decision })
    }
    for (const client of clientsOf(decoded)) {
      if (!this.knownClients.has(client) && !applied.clientAuthors.has(client)) applied.clientAuthors.set(client, who.id)
    }
    applied.updates++
    for (const deletion of deletionsIn(decoded.ds, who.id)) addDeletion(applied.deletions, deletion)
    return 'applied'
  }

  /**
   * Hold an update until what it builds on arrives, and ask its connection for that. A connection
   * that goes past the bounds, or does not send it in time, is closed with a code the provider
   * retries: it reconnects and resyncs from scratch, losing nothing.
   */
  private hold(entry: PendingUpdate): void {
    const state = this.conns.get(entry.from)
    if (!state || state.closing) return
    state.held.push(entry.update)
    state.heldBytes += entry.update.byteLength
    this.heldCount++
    if (state.held.length > MAX_HELD_UPDATES || state.heldBytes > MAX_HELD_BYTES || this.heldCount > MAX_HELD_PER_ROOM) {
      this.deps.log.warn({ story: this.id, user: state.who.id, held: state.held.length }, 'too much held for a missing base')
      this.closeConn(entry.from, Close.outOfStep)
      return
    }
    if (!state.pulling) {
      // Once: its answer (or the one to the step 1 it was sent on joining) is on its way.
      state.pulling = true
      this.whenStored(() => this.sendSyncStep1(entry.from))
    }
    state.heldTimer ??= setTimeout(() => {
      state.heldTimer = null
      if (state.held.length === 0 || this.conns.get(entry.from) !== state) return
      this.deps.log.warn({ story: this.id, user: state.who.id, held: state.held.length }, 'held updates never got their base')
      this.closeConn(entry.from, Close.outOfStep)
    }, HOLD_TIMEOUT_MS)
  }

  /**
   * Close a connection and forget what it still had queued or held: from now on nothing of it is
   * applied or answered, though frames may still arrive until the close handshake ends.
   */
  private closeConn(conn: WebSocket, event: CloseEvent): void {
    conn.close(event.code, event.reason)
    this.pending = this.pending.slice(this.pendingHead).filter((other) => other.from !== conn)
    this.pendingHead = 0
    this.pendingBytes = this.pending.reduce((sum, other) => sum + other.update.byteLength, 0)
    const state = this.conns.get(conn)
    if (state) this.forgetHeld(state)
    if (state) state.closing = true
  }

  /** Drop what a connection holds (it closed, or is being closed). */
  private forgetHeld(state: ConnState): void {
    this.heldCount -= state.held.length
    state.held = []
    state.heldBytes = 0
    if (state.heldTimer) clearTimeout(state.heldTimer)
    state.heldTimer = null
  }

  /**
   * Commit an applied batch (with the suggestion ids and client ids it introduces, in the same
   * transaction), then relay it and run the hooks. Throws if it cannot be stored.
   */
  private async store(applied: Applied): Promise<void> {
    await this.commit(applied)
    this.deps.bus.publishUpdate(this.id, applied.update, applied.suggestionAuthors)
    if (applied.decisions?.length) this.deps.events.publish({ type: 'review', storyId: this.id, kind: 'decisions' })
    for (const userId of applied.notified ?? []) this.deps.events.publish({ type: 'notification', userId })
    this.tailLength++
    this.lastChange = Date.now()
    for (const client of applied.clientAuthors.keys()) this.knownClients.add(client)
    const message = encodeUpdateMessage(applied.update)
    for (const conn of this.conns.keys()) {
      if (conn !== applied.skip) this.send(conn, message)
    }
    if (applied.updates > 0) {
      // Bookkeeping (checkpoints) must not undo a stored edit.
      this.deps.onStored?.(this)?.catch((error: unknown) => this.deps.log.warn({ err: error, story: this.id }, 'after-store hook failed'))
      this.scheduleIndexRefresh()
    }
    if (this.tailLength >= COMPACT_AFTER_UPDATES) {
      try {
        await this.compact()
      } catch (error) {
        this.deps.log.warn({ err: error, story: this.id }, 'could not compact the story')
      }
    }
  }

  /** Append to the store, retrying a failing store a few times without blocking. */
  private async commit(applied: Applied): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deps.storage.appendUpdate(this.id, applied.update, {
          suggestionAuthors: applied.suggestionAuthors,
          clientAuthors: applied.clientAuthors,
          deletions: applied.deletions,
          alsoWrite: applied.alsoWrite,
        })
      } catch (error) {
        const delay = COMMIT_RETRY_DELAYS_MS[attempt]
        if (delay === undefined || !isStoreFailure(error)) throw error
        await sleep(delay)
        continue
      }
      // Outside the try: a recovery listener's trouble must not pass for a failed commit.
      this.deps.health.succeeded()
      return
    }
  }

  /**
   * A commit failed for good: drop the room with what it had not stored. Its connections are
   * closed with 1013; they reconnect to the story as stored and resend what it lacks.
   */
  private fail(error: unknown): void {
    if (this.closed) return
    this.deps.log.error({ err: error, story: this.id }, 'could not store the story: dropping what was not stored')
    if (isStoreFailure(error)) this.deps.health.failed(error)
    // The failed commit may have gone through without our hearing it (a connection lost after
    // the commit): the other nodes read the story again from the store.
    this.deps.bus.publishResync(this.id)
    for (const conn of this.conns.keys()) conn.close(Close.storeFailed.code, Close.storeFailed.reason)
    this.close()
  }

  /** Release everything; nothing more is applied, stored or sent. */
  private close(): void {
    if (this.closed) return
    this.closed = true
    this.pending = []
    this.pendingHead = 0
    this.waiting = []
    if (this.indexTimer) clearTimeout(this.indexTimer)
    this.indexTimer = null
    this.forgetFullState()
    for (const state of this.conns.values()) if (state.heldTimer) clearTimeout(state.heldTimer)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.suggestionIndex.destroy()
    this.doc.destroy()
    this.deps.onClosed?.(this)
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

  /**
   * What an update does to other people's suggestions (server/suggestionReview.ts): whether it
   * forges one, and which it settles. Null when it cannot touch anyone else's.
   */
  private reviewSuggestions(update: Uint8Array, senderId: number, scope: UpdateScope): SuggestionReview | null {
    if (!scope.roots.has(BODY) || (this.suggestionIndex.isEmpty && scope.suggestions.length === 0)) return null
    const ownerOf = (id: string): number | null | undefined =>
      this.suggestionAuthors.has(id) ? this.suggestionAuthors.get(id) : scope.suggestions.find((ref) => ref.id === id)?.authorId
    try {
      return reviewSuggestions(update, { doc: this.doc, index: this.suggestionIndex, senderId, ownerOf })
    } catch (error) {
      // Unsure is refused, as in updateScope: an unchecked update could forge what this guards.
      this.deps.log.warn({ err: error, story: this.id }, 'could not review the suggestions of an update')
      return { forged: 'its suggestions could not be checked', decisions: [], applied: () => undefined }
    }
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

  /** Fold the stored log into the stored snapshot. */
  private async compact(): Promise<void> {
    if (this.tailLength === 0) return
    await this.deps.storage.compact(this.id)
    this.tailLength = 0
  }

  private scheduleIndexRefresh(): void {
    this.indexDirty = true
    if (this.indexTimer) return
    this.indexTimer = setTimeout(() => {
      this.indexTimer = null
      if (!this.indexDirty || this.closed) return
      // Through the chain: the index is read from the stored state, never from a batch in flight.
      this.serial(async () => {
        if (this.closed) return
        try {
          await this.refreshIndex()
        } catch (error) {
          this.deps.log.warn({ err: error, story: this.id }, 'could not refresh the story index')
        }
      }).catch(() => undefined)
    }, INDEX_REFRESH_MS)
  }

  /** Write the index row (headline, words…) and the search text from the document and announce it. */
  private async refreshIndex(): Promise<void> {
    const meta = readMeta(this.doc)
    const desk = readDesk(this.doc)
    // One walk of the body for both its word count and its search text.
    const blocks = bodyBlocks(this.doc)
    const fields: StoryIndexFields = {
      headline: meta.headline,
      slug: meta.slug,
      section: meta.section,
      status: meta.status,
      bylines: meta.bylines,
      words: blocks.reduce((words, block) => words + countWords(block), 0),
    }
    const text = searchTextOf(meta, blocks)
    const textChanged = this.indexedText === null || this.indexedText.folded !== text.folded || this.indexedText.body !== text.body
    const summary: DeskSummary = {
      lead: desk.lead,
      contributors: desk.contributors,
      editor: desk.editor,
      deadline: desk.deadline,
      plannedWords: meta.plannedWords,
      parts: desk.parts.map((part) => ({ id: part.id, label: part.label, assignee: part.assignee, words: partWordCount(this.doc, part) })),
    }
    // Dirty until the row is written: a failed write is tried again at the next change or unload.
    const story = await this.deps.storage.updateIndex(this.id, fields, summary, this.lastChange || Date.now(), textChanged ? text : undefined)
    this.indexDirty = false
    this.indexedText = text
    if (story) this.deps.events.publish({ type: 'story', story })
  }
}
