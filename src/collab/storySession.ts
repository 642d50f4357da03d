/**
 * One open story in the browser: its Y.Doc, the y-websocket provider and the saved tracker.
 * Created in an effect and destroyed in its cleanup, so React StrictMode's double mount
 * opens and closes a socket rather than leaking a second one.
 */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { COLLAB_PATH } from '../shared/protocol'
import { createSavedTracker, type SavedTracker } from './savedTracker'

export interface StorySession {
  id: string
  doc: Y.Doc
  provider: WebsocketProvider
  saved: SavedTracker
  destroy(): void
}

/** The sync endpoint on the page's own origin (`ws(s)://host/collab`). */
export function collabUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${COLLAB_PATH.replace(/\/$/, '')}`
}

/** Open story `id`; `user` is published in awareness for carets and presence. */
export function openStorySession(id: string, user: { name: string; color: string }, url = collabUrl()): StorySession {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, id, doc, { maxBackoffTime: 2500 })
  provider.awareness.setLocalStateField('user', user)
  const saved = createSavedTracker(doc, provider)
  return {
    id,
    doc,
    provider,
    saved,
    destroy() {
      saved.destroy()
      provider.awareness.setLocalState(null)
      provider.destroy()
      doc.destroy()
    },
  }
}
