import { useCallback, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/**
 * Replace `ytext`'s content with `next` by its smallest edit (common prefix and suffix kept),
 * so that a collaborator typing elsewhere in the same field keeps their characters.
 */
export function applyTextDiff(ytext: Y.Text, next: string): void {
  const current = ytext.toString()
  if (current === next) return
  let start = 0
  const max = Math.min(current.length, next.length)
  while (start < max && current.charCodeAt(start) === next.charCodeAt(start)) start++
  let endCurrent = current.length
  let endNext = next.length
  while (endCurrent > start && endNext > start && current.charCodeAt(endCurrent - 1) === next.charCodeAt(endNext - 1)) {
    endCurrent--
    endNext--
  }
  ytext.doc?.transact(() => {
    if (endCurrent > start) ytext.delete(start, endCurrent - start)
    if (endNext > start) ytext.insert(start, next.slice(start, endNext))
  })
}

/** A Y.Text as a React value plus a setter that edits it minimally. */
export function useYText(ytext: Y.Text | null): [string, (next: string) => void] {
  const value = useSyncExternalStore(
    (notify) => {
      ytext?.observe(notify)
      return () => ytext?.unobserve(notify)
    },
    () => ytext?.toString() ?? '',
  )
  const set = useCallback((next: string) => ytext && applyTextDiff(ytext, next), [ytext])
  return [value, set]
}
