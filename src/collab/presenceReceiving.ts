/**
 * Others' presence, taken in at a calm pace (issue 12). Each caret move of anyone in the story
 * arrives as its own message; applied at once, each had the editor redraw every remote caret in a
 * transaction of its own, on the main thread, between this person's key presses: with five others
 * typing, 25 redraws a second. Presence messages are now kept for `PRESENCE_TURN_MS` and applied
 * together, in order, so carets and the "In this story now" list move up to ten times a second. The
 * others' edits themselves are not held: they apply as they arrive.
 */
import { applyAwarenessUpdate } from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import { messageAwareness, type WebsocketProvider } from 'y-websocket'

/** Presence messages received within this long are applied together. */
export const PRESENCE_TURN_MS = 100

/** Have `provider` apply the presence it receives in turns; returns what stops it. */
export function receivePresenceInTurns(provider: WebsocketProvider, turnMs = PRESENCE_TURN_MS): () => void {
  let waiting: Uint8Array[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  const apply = () => {
    timer = null
    const updates = waiting
    waiting = []
    for (const update of updates) applyAwarenessUpdate(provider.awareness, update, provider)
  }
  provider.messageHandlers[messageAwareness] = (_encoder, decoder) => {
    waiting.push(decoding.readVarUint8Array(decoder))
    timer ??= setTimeout(apply, turnMs)
  }
  return () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    waiting = []
  }
}

interface PresenceChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

type PresenceListener = (changes: PresenceChanges, origin: unknown) => void

/**
 * `awareness` as the editor's caret plugin (y-tiptap) should see it: the same object, but its
 * `change` listeners hear only changes to others' presence. The plugin redraws every remote caret
 * in a transaction of its own on each change, this tab's too, which it never draws: each key press
 * moves this tab's caret, so each cost a second editor transaction before the frame.
 */
export function othersPresence<T extends { clientID: number; on(name: string, listener: PresenceListener): void; off(name: string, listener: PresenceListener): void }>(awareness: T): T {
  const filtered = new Map<PresenceListener, PresenceListener>()
  const othersOnly = (listener: PresenceListener): PresenceListener => {
    let wrapper = filtered.get(listener)
    if (!wrapper) {
      wrapper = (changes, origin) => {
        const own = awareness.clientID
        if ([changes.added, changes.updated, changes.removed].some((ids) => ids.some((id) => id !== own))) listener(changes, origin)
      }
      filtered.set(listener, wrapper)
    }
    return wrapper
  }
  return new Proxy(awareness, {
    get(target, property) {
      if (property === 'on') return (name: string, listener: PresenceListener) => target.on(name, name === 'change' ? othersOnly(listener) : listener)
      if (property === 'off') {
        return (name: string, listener: PresenceListener) => {
          target.off(name, name === 'change' ? othersOnly(listener) : listener)
          if (name === 'change') filtered.delete(listener)
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
