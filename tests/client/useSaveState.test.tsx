import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, renderHook } from '@testing-library/react'
import type { SavedTracker, SaveStatus } from '../../src/collab/savedTracker'
import { SAVED_SETTLE_MS, useSaveState } from '../../src/collab/useSaveState'
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

/** The hook, and every state it rendered. */
function rendered(tracker: SavedTracker) {
  const renders: string[] = []
  const hook = renderHook(() => {
    const state = useSaveState(tracker, (status) => status.state)
    renders.push(state)
    return state
  })
  return { ...hook, renders }
}

const painted = () => act(() => vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS))

describe('the save state the page shows', () => {
  it('shows a change away from saved at once, and other changes after the next paint', () => {
    vi.useFakeTimers()
    const { tracker, set } = trackerAt('saved')
    const { result, renders } = rendered(tracker)
    expect(result.current).toBe('saved')

    // Never saved for a moment longer than it is.
    act(() => set('saving'))
    expect(result.current).toBe('saving')
    act(() => set('unsaved'))
    expect(result.current).toBe('saving')
    painted()
    expect(result.current).toBe('unsaved')
    expect(renders).toEqual(['saved', 'saving', 'unsaved'])
  })

  it('asks for no frame when the server answers: nothing shows until saved has settled', () => {
    vi.useFakeTimers()
    const frame = vi.fn<(callback: FrameRequestCallback) => number>(() => 1)
    vi.stubGlobal('requestAnimationFrame', frame)
    try {
      const { tracker, set } = trackerAt('saved')
      const { result } = rendered(tracker)
      act(() => set('saving'))
      painted()
      frame.mockClear()
      act(() => set('saved'))
      expect(frame).not.toHaveBeenCalled()
      painted()
      expect(result.current).toBe('saving')
      act(() => vi.advanceTimersByTime(SAVED_SETTLE_MS))
      expect(result.current).toBe('saved')
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('a label mounted again starts from the tracker as it is now', () => {
    vi.useFakeTimers()
    const { tracker, set } = trackerAt('saved')
    rendered(tracker).unmount()
    set('unsaved')
    expect(rendered(tracker).result.current).toBe('unsaved')
  })

  it('says saved once the server has held everything for a moment, not between two key presses', () => {
    vi.useFakeTimers()
    const { tracker, set, listeners } = trackerAt('saved')
    const { result, renders, unmount } = rendered(tracker)
    act(() => set('saving'))
    painted()

    // Typing at a steady pace: each edit confirmed before the next key press.
    for (let press = 0; press < 10; press++) {
      act(() => set('saved'))
      painted()
      act(() => vi.advanceTimersByTime(100))
      act(() => set('saving'))
      painted()
    }
    expect(renders).toEqual(['saved', 'saving'])

    // The typing stops: saved, once it has held.
    act(() => set('saved'))
    painted()
    act(() => vi.advanceTimersByTime(SAVED_SETTLE_MS - AFTER_PAINT_FALLBACK_MS - 1))
    expect(result.current).toBe('saving')
    act(() => vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS + 1))
    expect(result.current).toBe('saved')
    expect(renders).toEqual(['saved', 'saving', 'saved'])

    unmount()
    expect(listeners.size).toBe(0)
  })

  it('every reader of one tracker shares one subscription and one moment of change', () => {
    vi.useFakeTimers()
    const { tracker, set, listeners } = trackerAt('saving')
    const seen: string[] = []
    const { unmount } = renderHook(() => {
      const state = useSaveState(tracker, (status) => status.state)
      const text = useSaveState(tracker, (status) => (status.state === 'saved' ? 'All changes saved' : 'Saving…'))
      seen.push(`${state}: ${text}`)
    })
    expect(listeners.size).toBe(1)
    act(() => set('saved'))
    painted()
    act(() => vi.advanceTimersByTime(SAVED_SETTLE_MS))
    expect(seen).toEqual(['saving: Saving…', 'saved: All changes saved'])
    unmount()
    expect(listeners.size).toBe(0)
  })
})
