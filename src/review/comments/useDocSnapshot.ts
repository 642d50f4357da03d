import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { refreshAfterPaint } from '../../ui/afterPaint'

/** Re-place passages at most this often while the text changes. */
const REPLACE_MS = 250

interface Snapshot {
  doc: Y.Doc
  version: number
}

/** `doc` as a new snapshot object after it changes (at most every `REPLACE_MS`, `refreshAfterPaint`). */
function snapshotStore(doc: Y.Doc) {
  let current: Snapshot = { doc, version: 0 }
  return {
    subscribe(notify: () => void) {
      const replace = refreshAfterPaint(() => {
        current = { doc, version: current.version + 1 }
        notify()
      }, REPLACE_MS)
      const onUpdate = () => replace.changed()
      doc.on('update', onUpdate)
      return () => {
        doc.off('update', onUpdate)
        replace.cancel()
      }
    },
    get: () => current,
  }
}

/** The document, as a new snapshot object after it changes (at most every `REPLACE_MS`). */
export function useDocSnapshot(doc: Y.Doc): Snapshot {
  const store = useMemo(() => snapshotStore(doc), [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}
