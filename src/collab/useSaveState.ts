import { useSyncExternalStore } from 'react'
import type { SavedTracker, SaveStatus } from './savedTracker'

/**
 * What `select` reads of whether this client's edits are stored on the server. The status changes
 * with every key press (its count of unconfirmed edits); a component re-renders only when what it
 * selects changes, so select a string or a number, not an object.
 */
export function useSaveState<T extends string | number | null>(tracker: SavedTracker, select: (status: SaveStatus) => T): T {
  return useSyncExternalStore(tracker.subscribe, () => select(tracker.getStatus()))
}
