/**
 * One open story in the browser: its Y.Doc, the local copy (IndexedDB), the y-websocket provider
 * and the saved tracker. Created in an effect and destroyed in its cleanup, so React StrictMode's
 * double mount opens and closes a socket rather than leaking a second one.
 *
 * The local copy loads first and the socket connects after it: whatever edits the copy holds that
 * the server lacks then go out in the first sync, before the page asks whether all is saved.
 *
 * Off the key press's path (issue 12): edits are sent and kept after the frame that shows them
 * (`editsAfterPaint.ts`), the others' edits and presence are taken in turns (`othersInTurns.ts`), and the
 * count of unconfirmed edits is written down sparingly (`notePending`).
 */
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import { COLLAB_PATH } from '../shared/protocol'
import { getMetaText } from '../shared/storyDoc'
import { localCopyName, localStory, notePending, updateLocalStory, writeWaitingCounts } from '../offline/localCopies'
import { createSavedTracker, reopenSocket, type SavedTracker } from './savedTracker'
import { sendPresenceSparingly } from './presenceSending'
import { sendAndStoreAfterPaint } from './editsAfterPaint'
import { receiveOthersInTurns } from './othersInTurns'

/** How long the socket waits for the local copy to load before connecting anyway. */
const LOCAL_LOAD_TIMEOUT_MS = 3_000

export interface StorySession {
  id: string
  doc: Y.Doc
  provider: WebsocketProvider
  saved: SavedTracker
  /**
   * Whether this browser had a complete copy of the story when it was opened (it once caught up
   * with the server here): such a story opens at once, offline too. Otherwise the page waits for
   * the server.
   */
  keptHere: boolean
  /** Resolves once the local copy is in the document (at once when there is none). */
  localLoaded: Promise<void>
  destroy(): void
}

/** The sync endpoint on the page's own origin (`ws(s)://host/collab`). */
export function collabUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${COLLAB_PATH.replace(/\/$/, '')}`
}

/**
 * Open story `id` for `user` (whose id names the local copy); `user`'s name and colour are
 * published in awareness for carets and presence.
 */
export function openStorySession(id: string, user: { id: number; name: string; color: string }, url = collabUrl()): StorySession {
  const doc = new Y.Doc()
  const kept = localStory(user.id, id)
  const persistence = typeof indexedDB === 'undefined' ? null : new IndexeddbPersistence(localCopyName(user.id, id), doc)
  const provider = new WebsocketProvider(url, id, doc, { maxBackoffTime: 2500, connect: false })
  const edits = sendAndStoreAfterPaint(doc, provider, persistence)
  sendPresenceSparingly(provider, { beforeOwn: edits.flush })
  const stopOthers = receiveOthersInTurns(provider)
  provider.awareness.setLocalStateField('user', { name: user.name, color: user.color })
  const saved = createSavedTracker(doc, provider, {
    localOrigin: persistence ?? undefined,
    pending: kept?.pending ?? 0,
    onPending: (pending) => notePending(user.id, id, pending),
    beforeAsking: edits.flush,
  })

  let destroyed = false
  const localLoaded = persistence
    ? Promise.race([persistence.whenSynced.then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, LOCAL_LOAD_TIMEOUT_MS))])
    : Promise.resolve()
  void localLoaded.then(() => {
    if (!destroyed) provider.connect()
  })

  // Caught up with the server: this browser now has a complete copy to open offline.
  const onSync = (synced: boolean) => {
    if (synced && persistence) updateLocalStory(user.id, id, { syncedAt: Date.now(), headline: getMetaText(doc, 'headline')?.toString() ?? '' })
  }
  provider.on('sync', onSync)
  // The browser says the network is gone: do not wait for a socket that may look open for 30 s.
  const onOffline = () => reopenSocket(provider)
  window.addEventListener('offline', onOffline)

  return {
    id,
    doc,
    provider,
    saved,
    keptHere: persistence !== null && (kept?.syncedAt ?? 0) > 0,
    localLoaded,
    destroy() {
      destroyed = true
      window.removeEventListener('offline', onOffline)
      provider.off('sync', onSync)
      // The others' edits that waited go in first, so the local copy keeps them too.
      stopOthers()
      edits.destroy()
      writeWaitingCounts()
      saved.destroy()
      provider.awareness.setLocalState(null)
      provider.destroy()
      // Also closes the local copy (y-indexeddb listens for the document's destroy).
      doc.destroy()
    },
  }
}
