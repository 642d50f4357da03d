import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, renderHook } from '@testing-library/react'
import type { SavedTracker, SaveStatus } from '../../src/collab/savedTracker'
import { useSaveState } from '../../src/collab/useSaveState'
import { AFTER_PAINT_FALLBACK_MS } from '../../src/ui/afterPaint'

afterEach(() => {
  vi.useRealTimers()
})

/** A tracker whose status the test sets. */
function trackerAt(state: SaveStatus['state']) {
  let status = { state } as SaveStatus
  const listeners = new Set<() => void>()
  const tracker = {
    getStatus: () => status,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } as unknown as SavedTracker
  const set = (next: SaveStatus['state']) => {
    status = { state: next } as SaveStatus
    for (const listener of listeners) listener()
  }
  return { tracker, set, listeners }
}

describe('the save state a component shows', () => {
  it('changes after the next paint, not inside the key press that changed it', () => {
    vi.useFakeTimers()
    const { tracker, set, listeners } = trackerAt('saved')
    const renders = vi.fn<(state: string) => void>()
    const { result, unmount } = renderHook(() => {
      const state = useSaveState(tracker, (status) => status.state)
      renders(state)
      return state
    })
    expect(result.current).toBe('saved')
    renders.mockClear()

    act(() => set('saving'))
    expect(renders).not.toHaveBeenCalled()
    act(() => vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS))
    expect(result.current).toBe('saving')

    // Saving then saved within one frame: one render, of where it ended.
    renders.mockClear()
    act(() => {
      set('unsaved')
      set('saved')
    })
    act(() => vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS))
    expect(renders.mock.calls).toEqual([['saved']])

    unmount()
    expect(listeners.size).toBe(0)
  })
})
