/**
 * What this tab sends of presence (awareness), without the stock provider's waste (issue 12).
 *
 * The stock y-websocket provider sends on every presence change:
 * - the others' too: each caret move of anyone in the story, arriving from the server, went
 *   straight back to it (and to this browser's other tabs, which have it from their own socket),
 *   a frame the server skips unread (`MAX_AWARENESS_FRAME_IDS`). Changes that came from the
 *   provider itself are no longer sent again.
 * - this tab's caret again, unchanged, after every remote edit: y-tiptap's caret plugin republishes
 *   it whenever a remote change reaches the editor. Receivers see the same state (no `change`, so
 *   no caret redrawn): all it did was renew this tab's presence, in a busy story many times a
 *   second, each time on the page's main thread (encoding, the socket, the broadcast channel).
 *   An unchanged state is now sent again only once `RESEND_SAME_MS` have passed since it was last
 *   sent, well within the others' 30 s before they drop a silent presence (Awareness also renews
 *   it itself every 15 s).
 * - this tab's caret, moved by a key press, from inside that key press: encoding it and writing it
 *   to the socket and the broadcast channel delayed the frame that shows the typed character. A
 *   change of this tab's own state alone now leaves after the next paint (`afterPaint`), as the
 *   edit that moved it does, and after that edit (`beforeOwn`: a caret that names a character the
 *   others do not have yet cannot be placed). Several in one frame leave as one.
 * Everything else (joining, leaving, others timing out) is sent at once, after whatever of this
 * tab's waits.
 */
import type { WebsocketProvider } from 'y-websocket'
import { afterPaint } from '../ui/afterPaint'

/** An unchanged presence is sent again after this long (others drop one unheard of for 30 s). */
export const RESEND_SAME_MS = 10_000

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

type Handler = (changes: AwarenessChanges, origin: unknown) => void

/** Replace `provider`'s presence sending with the sparing one (before it connects). */
export function sendPresenceSparingly(provider: WebsocketProvider, options: { now?: () => number; beforeOwn?: () => void } = {}): void {
  const { now = Date.now, beforeOwn } = options
  const internals = provider as unknown as { _awarenessUpdateHandler: Handler }
  const stock = internals._awarenessUpdateHandler
  const awareness = provider.awareness
  /** This tab's state as last sent, and when. */
  let lastSent: string | null = null
  let lastSentAt = 0
  awareness.off('update', stock)
  /** This tab's state is the one last sent, and recently enough: no need to send it again. */
  const sentAlready = (state: string) => state === lastSent && now() - lastSentAt < RESEND_SAME_MS
  const sendOwn = (changes: AwarenessChanges, origin: unknown) => {
    const state = JSON.stringify(awareness.getLocalState())
    const onlyOwnUpdated = changes.added.length === 0 && changes.removed.length === 0 && changes.updated.length === 1
    if (onlyOwnUpdated && sentAlready(state)) return
    lastSent = state
    lastSentAt = now()
    stock(changes, origin)
  }
  // This tab's own state as it is once the frame is painted (the stock handler encodes the state
  // then, not as it was at the change).
  const ownLater = afterPaint(() => {
    // The edit that moved the caret goes first, if it still waits.
    beforeOwn?.()
    sendOwn({ added: [], updated: [awareness.clientID], removed: [] }, 'local')
  })
  // The provider's destroy unsubscribes whatever this property holds.
  internals._awarenessUpdateHandler = (changes, origin) => {
    if (origin === provider) return
    const own = awareness.clientID
    const onlyOwnUpdated = changes.added.length === 0 && changes.removed.length === 0 && changes.updated.length === 1 && changes.updated[0] === own
    if (onlyOwnUpdated && origin === 'local') {
      // Unchanged (y-tiptap publishes the caret again after each remote edit): nothing to send,
      // and no frame to ask for.
      if (!ownLater.waiting() && sentAlready(JSON.stringify(awareness.getLocalState()))) return
      ownLater.schedule()
      return
    }
    // Whatever of this tab's waits goes first: the others learn its changes in order (a tab that
    // is leaving has nothing left to say but that).
    if (awareness.getLocalState() === null) ownLater.cancel()
    else ownLater.flush()
    const mentionsOwn = changes.added.includes(own) || changes.updated.includes(own) || changes.removed.includes(own)
    if (mentionsOwn) sendOwn(changes, origin)
    else stock(changes, origin)
  }
  awareness.on('update', internals._awarenessUpdateHandler)
  // After a reconnect the provider sends this tab's state by itself; the next change goes out in full.
  provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected') lastSent = null
  })
}
