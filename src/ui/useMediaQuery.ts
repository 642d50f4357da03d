import { useCallback, useSyncExternalStore } from 'react'

/**
 * Whether the CSS media query `query` matches now, kept live: for the few things a stylesheet
 * cannot decide alone (on a phone the story panel is a modal dialog, with a role and focus to
 * manage). Keep each query in step with the stylesheet's own `@media` rule.
 */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (changed: () => void) => {
      const media = window.matchMedia(query)
      media.addEventListener('change', changed)
      return () => media.removeEventListener('change', changed)
    },
    [query],
  )
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  )
}
