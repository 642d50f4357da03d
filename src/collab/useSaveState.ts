import { useSyncExternalStore } from 'react'
import type { SavedTracker, SaveState } from './savedTracker'

/** Whether this client's edits are on the server's disk. */
export function useSaveState(tracker: SavedTracker): SaveState {
  return useSyncExternalStore(tracker.subscribe, tracker.getState)
}
