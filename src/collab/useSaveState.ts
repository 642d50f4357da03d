import { useCallback, useSyncExternalStore } from 'react'
import { afterPaint } from '../ui/afterPaint'
import type { SavedTracker, SaveStatus } from './savedTracker'

/**
 * What `select` reads of whether this client's edits are stored on the server. The status changes
 * with every key press (its count of unconfirmed edits); a component re-renders only when what it
 * selects changes, so select a string or a number, not an object.
 *
 * The component hears of a change after the next paint (issue 12): the key press that turns
 * "Saved" into "Saving…" showed its character one render of React later when the label was
 * rendered inside it. The label is a frame behind at most; any render reads the status as it is.
 */
export function useSaveState<T extends string | number | null>(tracker: SavedTracker, select: (status: SaveStatus) => T): T {
  const subscribe = useCallback(
    (notify: () => void) => {
      const later = afterPaint(notify)
      const stop = tracker.subscribe(later.schedule)
      return () => {
        stop()
        later.cancel()
      }
    },
    [tracker],
  )
  return useSyncExternalStore(subscribe, () => select(tracker.getStatus()))
}
