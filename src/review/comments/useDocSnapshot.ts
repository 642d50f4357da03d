import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/** Re-place passages at most this often while the text changes. */
const REPLACE_MS = 250

/** The document, as a new snapshot object (at most every `REPLACE_MS`) after it changes. */
export function useDocSnapshot(doc: Y.Doc): { doc: Y.Doc; version: number } {
  const store = useMemo(() => {
    let current = { doc, version: 0 }
    return {
      subscribe(notify: () => void) {
        let timer: ReturnType<typeof setTimeout> | null = null
        const onUpdate = () => {
          timer ??= setTimeout(() => {
            timer = null
            current = { doc, version: current.version + 1 }
            notify()
          }, REPLACE_MS)
        }
        doc.on('update', onUpdate)
        return () => {
          doc.off('update', onUpdate)
          if (timer) clearTimeout(timer)
        }
      },
      get: () => current,
    }
  }, [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}
