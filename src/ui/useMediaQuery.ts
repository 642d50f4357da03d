import { useCallback, useSyncExternalStore } from 'react'

/**
 * Whether the CSS media query `query` matches now, kept live: for the few things a stylesheet
 * cannot decide alone (on a phone the story panel is a modal dialog, with a role and focus to
 * manage). Keep each query in step with the stylesheet's own `@media` rule.
 */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (changed: () => void) => {
      const media = mediaList(query)
      media.addEventListener('change', changed)
      return () => media.removeEventListener('change', changed)
    },
    [query],
  )
  return useSyncExternalStore(
    subscribe,
    () => mediaList(query).matches,
    () => false,
  )
}

/** One live `MediaQueryList` per query: `matchMedia` makes a new one on every call, on every render. */
const lists = new Map<string, MediaQueryList>()

function mediaList(query: string): MediaQueryList {
  let list = lists.get(query)
  if (!list) {
    list = window.matchMedia(query)
    lists.set(query, list)
  }
  return list
}
