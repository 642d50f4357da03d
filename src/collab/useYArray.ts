import { useRef, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/** A Y.Array as a React array (a new array only when the content changed). */
export function useYArray<T>(array: Y.Array<T> | null): T[] {
  const last = useRef<T[]>([])
  return useSyncExternalStore(
    (notify) => {
      array?.observe(notify)
      return () => array?.unobserve(notify)
    },
    () => {
      const next = array?.toArray() ?? []
      const prev = last.current
      if (next.length !== prev.length || next.some((item, index) => item !== prev[index])) last.current = next
      return last.current
    },
  )
}
