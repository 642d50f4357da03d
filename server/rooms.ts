/** The open stories: load on first connection, unload (stored) when the last one leaves. */
import type * as Y from 'yjs'
import type { Logger } from './logger.js'
import { Room, type Participant, type RoomDeps } from './room.js'
import { docOfStored } from './storage.js'
import type { StoredUser } from './users.js'

/** The part of a user a room needs. */
export function participantOf(user: StoredUser): Participant {
  return { id: user.id, role: user.role, isAdmin: user.isAdmin, displayName: user.displayName, color: user.color }
}

/** Each node says again who is in its stories this often; what another node said expires after PRESENCE_TTL_MS. */
export const PRESENCE_REFRESH_MS = 10_000
const PRESENCE_TTL_MS = 3 * PRESENCE_REFRESH_MS

/**
 * Someone waiting for a story to load who can be sent the stored story as it is read (`encoded`,
 * the whole story); resolves once it is on its way, or once it decided not to take it.
 */
export type StoredStoryListener = (encoded: Uint8Array) => Promise<void>

/** How long building a loaded story waits for the stored bytes sent to early readers to leave. */
const STORED_SEND_WAIT_MS = 200

export class Rooms {
  private readonly rooms = new Map<string, Room>()
  /** Who is in each story through other nodes: story → node → user ids, and when that node said so. */
  private readonly remotePresence = new Map<string, Map<string, { present: number[]; at: number }>>()
  private readonly unfollows = new Map<Room, () => void>()
  private presenceTimer: NodeJS.Timeout | null = null
  /** Stories being loaded: a second connection waits for the same load, not a second room. */
  private readonly loading = new Map<string, Promise<Room | null>>()
  /** Per story being loaded: who would take the stored story as soon as it is read. */
  private readonly storedListeners = new Map<string, StoredStoryListener[]>()
  private readonly deps: RoomDeps

  constructor(deps: RoomDeps) {
    this.deps = {
      ...deps,
      // Keep hooks passed in (versions), add the presence announcement.
      onPresence: (room) => this.announcePresence(room.id, room.people().map((person) => person.id)),
      onClosed: (room) => {
        if (this.rooms.get(room.id) === room) this.rooms.delete(room.id)
        this.unfollows.get(room)?.()
        this.unfollows.delete(room)
        deps.log.debug({ story: room.id }, 'story unloaded')
      },
    }
    // Edits refused while the store was failing are asked for again once it works.
    deps.health.onRecovered(() => {
      for (const room of this.rooms.values()) room.pullUnsaved()
    })
  }

  /** User ids present in each story, on this node and the others. */
  presence(): Map<string, number[]> {
    const present = new Map<string, number[]>()
    for (const room of this.rooms.values()) present.set(room.id, room.people().map((person) => person.id))
    const now = Date.now()
    for (const [storyId, byNode] of this.remotePresence) {
      for (const [node, entry] of byNode) {
        if (now - entry.at > PRESENCE_TTL_MS) {
          byNode.delete(node)
          continue
        }
        present.set(storyId, [...new Set([...(present.get(storyId) ?? []), ...entry.present])])
      }
      if (byNode.size === 0) this.remotePresence.delete(storyId)
    }
    return present
  }

  /** Who is in a story, on every node. */
  presenceOf(storyId: string): number[] {
    return this.presence().get(storyId) ?? []
  }

  /** Another node says who is in a story through it; the story list hears everyone's. */
  notePresence(node: string, storyId: string, present: number[]): void {
    const byNode = this.remotePresence.get(storyId) ?? new Map<string, { present: number[]; at: number }>()
    if (present.length > 0) byNode.set(node, { present, at: Date.now() })
    else byNode.delete(node)
    if (byNode.size > 0) this.remotePresence.set(storyId, byNode)
    else this.remotePresence.delete(storyId)
    this.deps.events.deliver({ type: 'presence', storyId, present: this.presenceOf(storyId) })
  }

  private announcePresence(storyId: string, present: number[]): void {
    this.deps.events.deliver({ type: 'presence', storyId, present: this.presenceOf(storyId) })
    if (this.deps.bus.shared) this.deps.bus.publishEvent({ type: 'presence', storyId, present })
  }

  /** With other nodes: say again, now and then, who is here (what a dead node said expires). */
  startPresenceRefresh(): void {
    if (!this.deps.bus.shared || this.presenceTimer) return
    this.presenceTimer = setInterval(() => {
      for (const room of this.rooms.values()) {
        const present = room.people().map((person) => person.id)
        if (present.length > 0) this.deps.bus.publishEvent({ type: 'presence', storyId: room.id, present })
      }
    }, PRESENCE_REFRESH_MS)
    this.presenceTimer.unref()
  }

  /** A user's role or standing changed: open connections follow at once (deactivated: closed). */
  updateUser(user: StoredUser): void {
    for (const room of this.rooms.values()) room.updateParticipant(user.id, user.active ? participantOf(user) : null)
  }

  /**
   * Run `change` on a story's room as the server, with the story at its stored state and nothing
   * else applied meanwhile (`Room.exclusive`), loading the story if it is not open and releasing
   * it afterwards. Resolves to what `change` returns, or null when there is no such story.
   */
  async change<T>(id: string, change: (room: Room) => T | Promise<T>): Promise<{ value: T } | null> {
    const room = await this.open(id)
    if (!room) return null
    room.holds++
    try {
      return { value: await room.exclusive(() => change(room)) }
    } finally {
      room.holds--
      this.releaseIfIdle(room)
    }
  }

  /**
   * Read a story's current stored document without loading it into a room when nobody has it
   * open; null when there is no such story.
   */
  async read<T>(id: string, read: (doc: Y.Doc) => T): Promise<{ value: T } | null> {
    const open = this.rooms.get(id)
    if (open) return this.change(id, (room) => read(room.doc))
    const loaded = await this.deps.storage.loadDoc(id)
    if (!loaded) return null
    try {
      return { value: read(loaded.doc) }
    } finally {
      loaded.doc.destroy()
    }
  }

  /**
   * The open room for a story, loading it from storage first; null for unknown stories. When it
   * must be loaded, `onStored` is offered the stored story as it is read, if those bytes are the
   * whole story, before they are applied to a document (see `load`).
   */
  async open(id: string, onStored?: StoredStoryListener): Promise<Room | null> {
    const existing = this.rooms.get(id)
    if (existing && !existing.isClosed) return existing
    const listeners = this.storedListeners.get(id) ?? []
    if (onStored) this.storedListeners.set(id, [...listeners, onStored])
    let loading = this.loading.get(id)
    if (!loading) {
      loading = this.load(id).finally(() => this.loading.delete(id))
      this.loading.set(id, loading)
    }
    try {
      return await loading
    } finally {
      if (onStored) this.forgetListener(id, onStored)
    }
  }

  private forgetListener(id: string, listener: StoredStoryListener): void {
    const left = (this.storedListeners.get(id) ?? []).filter((each) => each !== listener)
    if (left.length > 0) this.storedListeners.set(id, left)
    else this.storedListeners.delete(id)
  }

  private async load(id: string): Promise<Room | null> {
    // Where the other nodes' stream ends, before loading: whatever they store from here on is
    // either in what is loaded or read from the stream (server/bus.ts).
    const position = this.deps.bus.shared ? await this.deps.bus.position(id) : null
    const stored = await this.deps.storage.readStored(id)
    if (!stored) return null
    // Cold open (issue 12): readers waiting for the story get the stored bytes now, and the
    // document is built once they are on their way, so the reader's decoding and ours overlap
    // instead of following each other. Only the bytes of the whole story, as stored.
    const listeners = this.storedListeners.get(id) ?? []
    if (listeners.length > 0 && stored.tail.length === 0) {
      const sends = listeners.map((listener) => listener(stored.snapshot.state))
      // Bounded: a reader that does not read must not hold the story up for anyone else.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.all(sends), new Promise((resolve) => (timer = setTimeout(resolve, STORED_SEND_WAIT_MS)))])
      clearTimeout(timer)
    }
    const loaded = docOfStored(stored)
    const room = new Room(id, loaded, this.deps)
    this.rooms.set(id, room)
    this.unfollows.set(
      room,
      this.deps.bus.follow(id, position, {
        update: (update, authors) => room.applyFromNode(update, authors),
        awareness: (update) => room.applyAwarenessFromNode(update),
        resync: () => room.resyncFromStore(),
      }),
    )
    this.deps.log.debug({ story: id, tail: loaded.tailLength }, 'story loaded')
    return room
  }

  /** The room if it is open, without loading. */
  get(id: string): Room | undefined {
    return this.rooms.get(id)
  }

  /** Unload a room that has no connections left (stored first; kept if someone comes back meanwhile). */
  releaseIfIdle(room: Room): void {
    if (room.conns.size > 0 || room.holds > 0 || this.rooms.get(room.id) !== room) return
    room.unload().catch((error: unknown) => this.deps.log.error({ err: error, story: room.id }, 'failed to unload story'))
  }

  /** How many stories are open. */
  get size(): number {
    return this.rooms.size
  }

  /** Store and release every room (shutdown). */
  async closeAll(log: Logger): Promise<void> {
    if (this.presenceTimer) clearInterval(this.presenceTimer)
    this.presenceTimer = null
    await Promise.all(
      [...this.rooms.values()].map((room) =>
        room.unload(true).catch((error: unknown) => log.error({ err: error, story: room.id }, 'failed to store story on shutdown')),
      ),
    )
    this.rooms.clear()
  }
}
