/** The open stories: load on first connection, unload (stored) when the last one leaves. */
import type { Logger } from './logger.js'
import { Room, type RoomDeps } from './room.js'

export class Rooms {
  private readonly rooms = new Map<string, Room>()

  constructor(private readonly deps: RoomDeps) {}

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
