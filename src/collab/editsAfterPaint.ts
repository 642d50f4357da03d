/**
 * Edits leave after the frame that shows them (issue 12). The stock y-websocket provider and
 * y-indexeddb act on every document update inside the transaction that made it: for each key
 * press, an encoded message on the socket, a second on the broadcast channel to this browser's
 * other tabs, and an IndexedDB transaction, all before the browser may paint the character.
 *
 * Here both take their updates after the next paint (`afterPaint`), the updates of one frame
 * merged into one: one message and one IndexedDB write per frame, however fast the typing or the
 * others' edits arrive. The provider's and the local copy's own handlers still do the sending and
 * the storing, unchanged; they only run later, with the merged update.
 *
 * Nothing waits long: at most one frame, or `AFTER_PAINT_FALLBACK_MS` in a tab that paints
 * nothing; others' edits, which only need keeping on this device (the server has them), go with
 * the next frame this tab draws for its own or at that fallback, and ask for no frame. `flush`
 * runs what waits at once: before the saved tracker asks the server whether all is stored (the
 * question must follow the edits on the socket), when the page is hidden or goes away, and before
 * the story closes.
 */
import * as Y from 'yjs'
import type { IndexeddbPersistence } from 'y-indexeddb'
import type { WebsocketProvider } from 'y-websocket'
import { afterPaint } from '../ui/afterPaint'

type UpdateHandler = (update: Uint8Array, origin: unknown) => void

/** The story's edits, sent and stored after the next paint. */
export interface EditsAfterPaint {
  /** Send and store whatever waits, now. */
  flush(): void
  /** Flush, and stop listening to the document and the page. */
  destroy(): void
}

/** One update for many: the same edits, merged. */
function merged(updates: Uint8Array[]): Uint8Array {
  const [only] = updates
  return updates.length === 1 && only ? only : Y.mergeUpdates(updates)
}

/**
 * Take over `provider`'s sending and `persistence`'s storing of `doc`'s updates (before the
 * provider connects): both then happen after the next paint.
 */
export function sendAndStoreAfterPaint(doc: Y.Doc, provider: WebsocketProvider, persistence: IndexeddbPersistence | null): EditsAfterPaint {
  let toSend: Uint8Array[] = []
  let toStore: Uint8Array[] = []
  const stockSend: UpdateHandler = provider._updateHandler
  const stockStore: UpdateHandler | null = persistence?._storeUpdate ?? null

  const batch = afterPaint(() => {
    const sending = toSend
    const storing = toStore
    toSend = []
    toStore = []
    const sent = sending.length > 0 ? merged(sending) : null
    // Origin null: neither handler skips it (each skips only what came from itself).
    if (sent) stockSend(sent, null)
    if (storing.length === 0 || !stockStore) return
    // Typing alone, both hold the same updates: merge them once.
    const same = sent !== null && storing.length === sending.length && storing.every((update, index) => update === sending[index])
    stockStore(same ? sent : merged(storing), null)
  })

  // Each keeps its own rule of what not to pass on: the server's edits are not sent back to it,
  // and the local copy does not store again what it loaded.
  const send: UpdateHandler = (update, origin) => {
    if (origin === provider) return
    toSend.push(update)
    batch.schedule()
  }
  const store: UpdateHandler = (update, origin) => {
    if (origin === persistence) return
    toStore.push(update)
    // Another person's edit (from the server, which has stored it) asks for no frame of its own.
    batch.schedule(origin !== provider)
  }
  // Both libraries unsubscribe whatever these properties hold when they are destroyed.
  doc.off('update', stockSend)
  provider._updateHandler = send
  doc.on('update', send)
  if (persistence && stockStore) {
    doc.off('update', stockStore)
    persistence._storeUpdate = store
    doc.on('update', store)
  }

  // A hidden page paints nothing and may be frozen or closed next: send and store now.
  const onHidden = () => {
    if (document.visibilityState === 'hidden') batch.flush()
  }
  const onPageHide = () => batch.flush()
  document.addEventListener('visibilitychange', onHidden)
  window.addEventListener('pagehide', onPageHide)

  return {
    flush: batch.flush,
    destroy() {
      batch.flush()
      // Nothing after this: the local copy's database closes with the document.
      doc.off('update', send)
      doc.off('update', store)
      document.removeEventListener('visibilitychange', onHidden)
      window.removeEventListener('pagehide', onPageHide)
    },
  }
}
