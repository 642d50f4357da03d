import { useEffect } from 'react'
import { openStoryEvents } from '../api'

/**
 * Refetch with `reload` now, whenever the server says this story's `kind` (comments, versions,
 * suggestion decisions) changed, and after the event stream reconnects (events sent meanwhile were missed).
 */
export function useReviewEvents(storyId: string, kind: 'comments' | 'versions' | 'decisions', reload: () => void): void {
  useEffect(() => {
    reload()
    if (typeof EventSource === 'undefined') return
    const events = openStoryEvents()
    events.addEventListener('review', (event) => {
      try {
        const data = JSON.parse((event as MessageEvent<string>).data) as { storyId?: unknown; kind?: unknown }
        if (data.storyId === storyId && data.kind === kind) reload()
      } catch {
        // A malformed event: the next one, or the reconnect, refetches.
      }
    })
    events.addEventListener('open', reload)
    return () => events.close()
  }, [storyId, kind, reload])
}
