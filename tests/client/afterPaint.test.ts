import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AFTER_PAINT_FALLBACK_MS, afterPaint } from '../../src/ui/afterPaint'

/** The page's frames, run by hand: `paint()` runs the callbacks of one frame. */
let frames: Map<number, FrameRequestCallback>
let nextFrame = 1
const paint = () => {
  const callbacks = [...frames.values()]
  frames.clear()
  for (const callback of callbacks) callback(performance.now())
}

beforeEach(() => {
  vi.useFakeTimers()
  frames = new Map()
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    frames.set(nextFrame, callback)
    return nextFrame++
  })
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id))
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('after paint', () => {
  it('runs once for everything asked within a frame, in the task after that frame', () => {
    const work = vi.fn<() => void>()
    const batch = afterPaint(work)
    batch.schedule()
    batch.schedule()
    batch.schedule()
    vi.advanceTimersByTime(0)
    expect(work).not.toHaveBeenCalled()

    paint()
    // Not in the frame's own callbacks: after it is rendered.
    expect(work).not.toHaveBeenCalled()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)

    // The fallback of that run is gone; the next edit asks again.
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS * 2)
    expect(work).toHaveBeenCalledTimes(1)
    batch.schedule()
    paint()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(2)
  })

  it('runs after the fallback when no frame comes (a hidden tab paints nothing)', () => {
    const work = vi.fn<() => void>()
    afterPaint(work).schedule()
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS - 1)
    expect(work).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(work).toHaveBeenCalledTimes(1)
    // The frame that finally comes finds nothing to do.
    paint()
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(work).toHaveBeenCalledTimes(1)
  })

  it('flush runs what waits at once, and only when something waits', () => {
    const work = vi.fn<() => void>()
    const batch = afterPaint(work)
    batch.flush()
    expect(work).not.toHaveBeenCalled()
    batch.schedule()
    batch.flush()
    expect(work).toHaveBeenCalledTimes(1)
    paint()
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(work).toHaveBeenCalledTimes(1)
  })
})
