/**
 * Pub/sub of story index changes, feeding the story list's live stream: in process, and through
 * the bus to the other nodes when there are some (server/bus.ts).
 */
import type { StorySummary } from './storage.js'

export type StoryEvent =
  | { type: 'story'; story: StorySummary }
  | { type: 'presence'; storyId: string; present: number[] }
  /** Something beside the text changed (comments, versions, suggestion decisions): clients in the story refetch it. */
  | { type: 'review'; storyId: string; kind: 'comments' | 'versions' | 'decisions' }
  /** A user has a new notification (e.g. an @mention). */
  | { type: 'notification'; userId: number }
  /** The newsroom dictionary or its rules turned off changed: every open editor reloads them. */
  | { type: 'dictionary' }

type Listener = (event: StoryEvent) => void

/** A tiny typed event bus: `subscribe` returns its own unsubscribe. */
export class StoryEvents {
  private readonly listeners = new Set<Listener>()

  /** `relay` sends each event published here to the other nodes. */
  constructor(private readonly relay: (event: StoryEvent) => void = () => undefined) {}

  /** Listen to every story event until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Tell every listener here and on the other nodes. */
  publish(event: StoryEvent): void {
    this.deliver(event)
    this.relay(event)
  }

  /** Tell every listener here (an event another node published); a throwing one does not stop the others. */
  deliver(event: StoryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        this.listeners.delete(listener)
      }
    }
  }

  /** How many listeners are attached (for tests and shutdown). */
  get size(): number {
    return this.listeners.size
  }
}
