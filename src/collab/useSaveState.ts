import { useSyncExternalStore } from 'react'
import { afterPaint } from '../ui/afterPaint'
import type { SavedTracker, SaveStatus } from './savedTracker'

/**
 * While someone types, "Saving…" stays up until the server has held everything for this long: the
 * label does not flip to "All changes saved" between two key presses and back at the next.
 */
export const SAVED_SETTLE_MS = 500

/**
 * What `select` reads of whether this client's edits are stored on the server, as the page shows
 * it. The status changes with every key press (its count of unconfirmed edits); a component
 * re-renders only when what it selects changes, so select a string or a number, not an object.
 *
 * Shown calmly (issue 12), and never saved before it is:
 * - "Saved" is shown once the server has held everything for `SAVED_SETTLE_MS`. Typing at a
 *   steady pace, the label flipped to saved and back about every other key press, each flip a
 *   layout of the page and a frame of its own; now it says "Saving…" until the typing pauses, so
 *   only the first key press after a pause changes it.
 * - That change, away from saved, is shown at once (in the frame of the key press that made it).
 *   Other changes (saving to unsaved, a count of changes kept) are shown after the next paint.
 */
export function useSaveState<T extends string | number | null>(tracker: SavedTracker, select: (status: SaveStatus) => T): T {
  const store = shownStore(tracker)
  return useSyncExternalStore(store.subscribe, () => select(store.get()))
}

interface ShownStore {
  subscribe(notify: () => void): () => void
  get(): SaveStatus
}

/** One shown status per tracker, however many components read it: they change together. */
const stores = new WeakMap<SavedTracker, ShownStore>()

function shownStore(tracker: SavedTracker): ShownStore {
  const existing = stores.get(tracker)
  if (existing) return existing
  let shown = tracker.getStatus()
  const listeners = new Set<() => void>()
  let settling: ReturnType<typeof setTimeout> | null = null
  let stop: (() => void) | null = null
  const show = (status: SaveStatus) => {
    shown = status
    for (const listener of [...listeners]) listener()
  }
  const later = afterPaint(() => {
    const status = tracker.getStatus()
    if (status.state !== 'saved' || shown.state === 'saved') {
      if (settling !== null) clearTimeout(settling)
      settling = null
      show(status)
      return
    }
    settling ??= setTimeout(() => {
      settling = null
      if (tracker.getStatus().state === 'saved') show(tracker.getStatus())
    }, SAVED_SETTLE_MS)
  })
  const store: ShownStore = {
    subscribe(notify) {
      listeners.add(notify)
      if (stop === null) {
        stop = tracker.subscribe(() => {
          if (shown.state === 'saved' && tracker.getStatus().state !== 'saved') show(tracker.getStatus())
          // No frame of its own: the server's answer changes nothing on screen until saved has
          // settled, and a frame drawn between two key presses makes the next one wait for the
          // display's next frame. A key press's change goes with that key press's frame.
          else later.schedule(false)
        })
        // Whatever changed while nobody listened.
        later.schedule()
      }
      return () => {
        listeners.delete(notify)
        if (listeners.size > 0 || stop === null) return
        stop()
        stop = null
        later.cancel()
        if (settling !== null) clearTimeout(settling)
        settling = null
      }
    },
    // Read afresh while nobody listens: a label mounted again starts from the tracker as it is.
    get: () => (stop === null ? (shown = tracker.getStatus()) : shown),
  }
  stores.set(tracker, store)
  return store
}
