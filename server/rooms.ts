/** The open stories: load on first connection, unload (stored) when the last one leaves. */
import type { Logger } from './logger.js'
import { Room, type Participant, type RoomDeps } from './room.js'
import type { StoredUser } from './users.js'

/** The part of a user a room needs. */
export function participantOf(user: StoredUser): Participant {
  return { id: user.id, role: user.role, isAdmin: user.isAdmin, displayName: user.displayName, color: user.color }
}

export class Rooms {
  private readonly rooms = new Map<string, Room>()
  private readonly deps: RoomDeps

  constructor(deps: RoomDeps) {
    this.deps = {
      ...deps,
      // Keep hooks passed in (versions), add the presence announcement.
      onPresence: (room) =>
        deps.events.publish({ type: 'presence', storyId: room.id, present: room.people().map((person) => person.id) }),
    }
  }

  /** User ids present in each open story. */
  presence(): Map<string, number[]> {
    const present = new Map<string, number[]>()
    for (const room of this.rooms.values()) present.set(room.id, room.people().map((person) => person.id))
    return present
  }

  /** A user's role or standing changed: open connections follow at once (deactivated: closed). */
  updateUser(user: StoredUser): void {
    for (const room of this.rooms.values()) room.updateParticipant(user.id, user.active ? participantOf(user) : null)
  }

  /**
   * Run `change` on a story's document as the server, loading the story if it is not open and
   * releasing it afterwards; false when there is no such story.
   */
  change(id: string, change: (room: Room) => void): boolean {
    const room = this.open(id)
    if (!room) return false
    try {
      change(room)
    } finally {
      this.releaseIfIdle(room)
    }
    return true
  }

  /** The open room for a story, loading it from storage first; null for unknown stories. */
  open(id: string): Room | null {
    const existing = this.rooms.get(id)
    if (existing) return existing
    const loaded = this.deps.storage.loadDoc(id)
    if (!loaded) return null
    const room = new Room(id, loaded, this.deps)
    this.rooms.set(id, room)
    this.deps.log.debug({ story: id, tail: loaded.tailLength }, 'story loaded')
    return room
  }

  /** The room if it is open, without loading. */
  get(id: string): Room | undefined {
    return this.rooms.get(id)
  }

  /** Unload a room that has no connections left. */
  releaseIfIdle(room: Room): void {
    if (room.conns.size > 0 || this.rooms.get(room.id) !== room) return
    this.rooms.delete(room.id)
    room.destroy()
    this.deps.log.debug({ story: room.id }, 'story unloaded')
  }

  /** How many stories are open. */
  get size(): number {
    return this.rooms.size
  }

  /** Store and release every room (shutdown). */
  closeAll(log: Logger): void {
    for (const room of this.rooms.values()) {
      try {
        room.destroy()
      } catch (error) {
        log.error({ err: error, story: room.id }, 'failed to store story on shutdown')
      }
    }
    this.rooms.clear()
  }
}
