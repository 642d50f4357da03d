/**
 * How far the copy desk has checked the story (issue 13): the Review tab says "Checking the
 * story…" until every paragraph of it has its result drawn, and the open-story bench
 * (bench/copyDeskOpen.ts) reads the same counts to time it. Kept outside the editor's state: a
 * transaction per count would redraw a long story on every keystroke's check.
 */

/** One editor's progress. */
export interface CheckProgress {
  /** Text blocks of the story, as last checked, whose current text has its result drawn. */
  checked: number
  /** Text blocks in the story as last checked (0 before the first check). */
  total: number
  /** Whether the whole story has been checked since checks started (the editor opened, or checks were turned on). */
  whole: boolean
}

/** Nothing checked yet. */
export const NOT_CHECKED: CheckProgress = { checked: 0, total: 0, whole: false }

/** A holder of one editor's progress, with a stable `get` and `subscribe` for `useSyncExternalStore`. */
export interface CheckProgressStore {
  get(): CheckProgress
  set(next: CheckProgress): void
  /** Call `listener` when the progress changes; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
}

/** A fresh store, at `NOT_CHECKED`. */
export function checkProgressStore(): CheckProgressStore {
  let current = NOT_CHECKED
  const listeners = new Set<() => void>()
  return {
    get: () => current,
    set: (next) => {
      if (next.checked === current.checked && next.total === current.total && next.whole === current.whole) return
      current = next
      for (const listener of listeners) listener()
    },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
