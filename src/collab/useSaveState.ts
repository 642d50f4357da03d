import { useSyncExternalStore } from 'react'
import type { SavedTracker, SaveStatus } from './savedTracker'

/** Whether this client's edits are stored on the server, and why not when it refused them. */
export function useSaveState(tracker: SavedTracker): SaveStatus {
  return useSyncExternalStore(tracker.subscribe, tracker.getStatus)
}
