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
 * Everything else (this tab's presence changing, joining, leaving, others timing out) is sent as before.
 */
import type { WebsocketProvider } from 'y-websocket'

/** An unchanged presence is sent again after this long (others drop one unheard of for 30 s). */
export const RESEND_SAME_MS = 10_000

interface AwarenessChanges {
  added: number[]
  updated: number[]
  removed: number[]
}

type Handler = (changes: AwarenessChanges, origin: unknown) => void

/** Replace `provider`'s presence sending with the sparing one (before it connects). */
export function sendPresenceSparingly(provider: WebsocketProvider, now: () => number = Date.now): void {
  const internals = provider as unknown as { _awarenessUpdateHandler: Handler }
  const stock = internals._awarenessUpdateHandler
  const awareness = provider.awareness
  /** This tab's state as last sent, and when. */
  let lastSent: string | null = null
  let lastSentAt = 0
  awareness.off('update', stock)
  // The provider's destroy unsubscribes whatever this property holds.
  internals._awarenessUpdateHandler = (changes, origin) => {
    if (origin === provider) return
    const own = awareness.clientID
    const mentionsOwn = changes.added.includes(own) || changes.updated.includes(own) || changes.removed.includes(own)
    if (mentionsOwn) {
      const state = JSON.stringify(awareness.getLocalState())
      const onlyOwnUpdated = changes.added.length === 0 && changes.removed.length === 0 && changes.updated.length === 1
      if (onlyOwnUpdated && state === lastSent && now() - lastSentAt < RESEND_SAME_MS) return
      lastSent = state
      lastSentAt = now()
    }
    stock(changes, origin)
  }
  awareness.on('update', internals._awarenessUpdateHandler)
  // After a reconnect the provider sends this tab's state by itself; the next change goes out in full.
  provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected') lastSent = null
  })
}
