/**
 * The others' edits and presence, taken in at a calm pace (issue 12). Each character another
 * person types arrives as its own message, and so does each move of their caret. Applied at once,
 * each was a transaction of its own through every plugin of the editor, and a frame, on the main
 * thread between this person's key presses: with five others typing, 25 edits and 25 caret
 * redraws a second, any of them in the way of the next key press.
 *
 * Both are now kept for `OTHERS_TURN_MS` and applied together in one turn: the turn's edits in one
 * Yjs transaction (one pass through the editor), then its presence, in order. The others' text and
 * their carets move together, up to ten times a second. Nothing waits that matters for saving: the
 * server stored those edits before it relayed them, and this tab's own edits never wait here.
 *
 * Only edits that arrive once the story is in sync wait; the first sync, a catch-up after a
 * reconnect and anything else on the socket are handled at once, after any edits that waited
 * (the order of the messages stays the order they came in).
 */
import * as Y from 'yjs'
import { applyAwarenessUpdate } from 'y-protocols/awareness'
import { messageYjsUpdate } from 'y-protocols/sync'
import * as decoding from 'lib0/decoding'
import { messageAwareness, messageSync, type WebsocketProvider } from 'y-websocket'

/** The others' edits and presence received within this long are applied together. */
export const OTHERS_TURN_MS = 100

/** Report what went wrong in the console, as the stock provider does for the updates it applies. */
function report(error: unknown): void {
  // eslint-disable-next-line no-console -- the same message as y-protocols' own
  console.error('Caught error while handling a Yjs update', error)
}

/** Have `provider` apply the others' edits and presence in turns; returns what stops it. */
export function receiveOthersInTurns(provider: WebsocketProvider, turnMs = OTHERS_TURN_MS): () => void {
  let edits: Uint8Array[] = []
  let presence: Uint8Array[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  const stockSync = provider.messageHandlers[messageSync]
  if (!stockSync) throw new Error('the provider has no sync message handler')

  const applyEdits = () => {
    if (edits.length === 0) return
    const updates = edits
    edits = []
    // One transaction: the editor hears of all of them at once. As the stock provider does, an
    // error (a bad update, or a listener that threw) is reported, not thrown into the socket, and
    // one bad update does not keep out the others.
    try {
      provider.doc.transact(() => {
        for (const update of updates) {
          try {
            Y.applyUpdate(provider.doc, update, provider)
          } catch (error) {
            report(error)
          }
        }
      }, provider)
    } catch (error) {
      report(error)
    }
  }
  const turn = () => {
    timer = null
    applyEdits()
    const updates = presence
    presence = []
    for (const update of updates) applyAwarenessUpdate(provider.awareness, update, provider)
  }
  const wait = () => {
    timer ??= setTimeout(turn, turnMs)
  }

  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    const start = decoder.pos
    if (provider.synced && decoding.readVarUint(decoder) === messageYjsUpdate) {
      edits.push(decoding.readVarUint8Array(decoder))
      wait()
      return
    }
    decoder.pos = start
    applyEdits()
    stockSync(encoder, decoder, ...rest)
  }
  provider.messageHandlers[messageAwareness] = (_encoder, decoder) => {
    presence.push(decoding.readVarUint8Array(decoder))
    wait()
  }
  // The socket closed: the provider now takes everyone else's presence away. The presence that
  // waited came from that socket, and would bring them back, present though unreachable, until
  // they time out. The edits that waited are edits all the same: they go in.
  const onClose = () => {
    applyEdits()
    presence = []
  }
  provider.on('connection-close', onClose)
  return () => {
    provider.off('connection-close', onClose)
    if (timer !== null) clearTimeout(timer)
    timer = null
    onClose()
    provider.messageHandlers[messageSync] = stockSync
  }
}
