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
  const drop = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    waiting = []
  }
  provider.messageHandlers[messageAwareness] = (_encoder, decoder) => {
    waiting.push(decoding.readVarUint8Array(decoder))
    timer ??= setTimeout(apply, turnMs)
  }
  // The socket closed: the provider now takes everyone else's presence away. What waited came
  // from that socket, and would bring them back, present though unreachable, until they time out.
  provider.on('connection-close', drop)
  return () => {
    provider.off('connection-close', drop)
    drop()
  }
}
