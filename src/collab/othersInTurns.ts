/**
 * The others' edits and presence, taken in at a calm pace (issue 12). Each character another
 * person types arrives as its own message, and so does each move of their caret. Applied at once,
 * each was a transaction of its own through every plugin of the editor, and a frame, on the main
 * thread between this person's key presses: with five others typing, 25 edits and 25 caret
 * redraws a second, any of them in the way of the next key press.
 *
 * Presence is kept for `OTHERS_TURN_MS` and applied in turns, in order: carets and the "In this
 * story now" list move up to ten times a second. While this person types (an edit of theirs in the
 * last `TYPING_MS`), the others' edits wait too, with their presence, for the frame of this
 * person's next key press (at most `OTHERS_WAIT_MS`), and go in right after it: the edits in one
 * Yjs transaction (one pass through the editor, not one per character), then the presence. Their
 * own frame is then drawn before the key press after that. When this person is not typing, the
 * others' edits go in as they arrive. Nothing waits that matters for saving: the server stored
 * those edits before it relayed them, and this tab's own edits never wait here.
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
import { afterPaint } from '../ui/afterPaint'

/** The others' presence received within this long is applied together. */
export const OTHERS_TURN_MS = 100
/** While this person types, the others' edits and presence wait at most this long for the frame of their next key press. */
export const OTHERS_WAIT_MS = 150
/** This person is typing until this long after their last edit. */
export const TYPING_MS = 300

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
  const stockAwareness = provider.messageHandlers[messageAwareness]
  if (!stockSync || !stockAwareness) throw new Error('the provider has no sync or presence message handler')

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
    applyEdits()
    const updates = presence
    presence = []
    // One bad presence message costs only itself, as with the stock provider.
    for (const update of updates) {
      try {
        applyAwarenessUpdate(provider.awareness, update, provider)
      } catch (error) {
        report(error)
      }
    }
  }
  // While this person types, what arrives waits for the frame of their next key press (at most
  // `OTHERS_WAIT_MS`): a frame of the others' drawn at any moment between two key presses made
  // the next one wait for the display's next frame; drawn just after a key press's frame, it is
  // done before the next key press comes. The wait gathers what arrives meanwhile into one turn.
  let ownEditAt = -Infinity
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin !== provider) ownEditAt = Date.now()
  }
  provider.doc.on('update', onUpdate)
  const typing = () => Date.now() - ownEditAt <= TYPING_MS
  let late: ReturnType<typeof setTimeout> | null = null
  const turnAfterPaint = afterPaint(() => {
    if (late !== null) clearTimeout(late)
    if (timer !== null) clearTimeout(timer)
    late = timer = null
    turn()
  })
  const untilNextKeyPress = () => {
    if (turnAfterPaint.waiting()) return
    turnAfterPaint.schedule(false, false)
    late = setTimeout(turnAfterPaint.flush, OTHERS_WAIT_MS)
  }
  // Presence goes in turns, typing or not.
  const due = () => {
    timer = null
    if (typing()) untilNextKeyPress()
    else turn()
  }

  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    const start = decoder.pos
    if (provider.synced && decoding.readVarUint(decoder) === messageYjsUpdate) {
      edits.push(decoding.readVarUint8Array(decoder))
      // Not typing: at once, as the stock provider does.
      if (typing()) untilNextKeyPress()
      else applyEdits()
      return
    }
    decoder.pos = start
    applyEdits()
    stockSync(encoder, decoder, ...rest)
  }
  provider.messageHandlers[messageAwareness] = (_encoder, decoder) => {
    presence.push(decoding.readVarUint8Array(decoder))
    if (typing()) untilNextKeyPress()
    else if (timer === null && !turnAfterPaint.waiting()) timer = setTimeout(due, turnMs)
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
    provider.doc.off('update', onUpdate)
    if (timer !== null) clearTimeout(timer)
    if (late !== null) clearTimeout(late)
    timer = late = null
    turnAfterPaint.cancel()
    onClose()
    provider.messageHandlers[messageSync] = stockSync
    provider.messageHandlers[messageAwareness] = stockAwareness
  }
}
