import { useCallback, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/** One key of a Y.Map as a React value, re-rendering only when that key changes. */
export function useYMapValue<T>(map: Y.Map<unknown> | null, key: string): [T | undefined, (value: T) => void] {
  const value = useSyncExternalStore(
    (notify) => {
      const observer = (event: Y.YMapEvent<unknown>) => {
        if (event.keysChanged.has(key)) notify()
      }
      map?.observe(observer)
      return () => map?.unobserve(observer)
    },
    () => map?.get(key) as T | undefined,
  )
  const set = useCallback((next: T) => map?.set(key, next), [map, key])
  return [value, set]
}
