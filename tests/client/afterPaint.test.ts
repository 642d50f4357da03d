import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AFTER_PAINT_FALLBACK_MS, afterPaint, refreshAfterPaint } from '../../src/ui/afterPaint'

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

  it('runs of several kinds share one frame request and one fallback timer, and run in the order asked', () => {
    const order: string[] = []
    const first = afterPaint(() => order.push('edits'))
    const second = afterPaint(() => order.push('counts'))
    first.schedule()
    second.schedule()
    expect(frames.size).toBe(1)
    expect(vi.getTimerCount()).toBe(1)

    paint()
    vi.advanceTimersByTime(0)
    expect(order).toEqual(['edits', 'counts'])
    expect(vi.getTimerCount()).toBe(0)

    // One forgotten, the other still runs; both forgotten, nothing stays armed.
    first.schedule()
    second.schedule()
    first.cancel()
    paint()
    vi.advanceTimersByTime(0)
    expect(order).toEqual(['edits', 'counts', 'counts'])
    first.schedule()
    first.cancel()
    expect(frames.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a run that throws leaves the others waiting for the next paint, not lost', () => {
    const work = vi.fn<() => void>()
    afterPaint(() => {
      throw new Error('broken run')
    }).schedule()
    afterPaint(work).schedule()
    paint()
    expect(() => vi.advanceTimersByTime(0)).toThrow('broken run')
    expect(work).not.toHaveBeenCalled()
    paint()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)
  })

  it('a run that asks for no frame goes with the next frame another asks for, or at the fallback', () => {
    const stored = vi.fn<() => void>()
    const sent = vi.fn<() => void>()
    const store = afterPaint(stored)
    store.schedule(false)
    expect(frames.size).toBe(0)
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(stored).toHaveBeenCalledTimes(1)

    store.schedule(false)
    afterPaint(sent).schedule()
    expect(frames.size).toBe(1)
    paint()
    vi.advanceTimersByTime(0)
    expect(stored).toHaveBeenCalledTimes(2)
    expect(sent).toHaveBeenCalledTimes(1)

    // Waiting without a frame, then asked again with one: it gets its frame.
    store.schedule(false)
    store.schedule()
    expect(frames.size).toBe(1)
    store.cancel()
  })

  it('a run asked for after a frame but before the task that follows it waits for the next frame', () => {
    const first = vi.fn<() => void>()
    const late = vi.fn<() => void>()
    afterPaint(first).schedule()
    paint()
    // The key press handled between the frame and its task: its character is not painted yet.
    afterPaint(late).schedule()
    vi.advanceTimersByTime(0)
    expect(first).toHaveBeenCalledTimes(1)
    expect(late).not.toHaveBeenCalled()
    paint()
    vi.advanceTimersByTime(0)
    expect(late).toHaveBeenCalledTimes(1)
  })

  it('a run asked for without a frame and without the fallback waits for a frame another run asks for, however long', () => {
    const turn = vi.fn<() => void>()
    const others = afterPaint(turn)
    others.schedule(false, false)
    // A run with the fallback goes at the fallback, without it.
    const stored = vi.fn<() => void>()
    afterPaint(stored).schedule(false)
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS * 10)
    expect(stored).toHaveBeenCalledTimes(1)
    expect(turn).not.toHaveBeenCalled()
    expect(frames.size).toBe(0)

    afterPaint(() => {}).schedule()
    paint()
    vi.advanceTimersByTime(0)
    expect(turn).toHaveBeenCalledTimes(1)

    // Asked for again with the fallback, it keeps it.
    others.schedule(false, false)
    others.schedule(false)
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(turn).toHaveBeenCalledTimes(2)
  })
})

describe('after paint, the fallback and a frame together', () => {
  it('the fallback leaves alone the task a frame has queued: a run without the fallback goes in it', () => {
    const turn = vi.fn<() => void>()
    const own = vi.fn<() => void>()
    // The frame comes just as the fallback is due, before its task has run.
    setTimeout(paint, AFTER_PAINT_FALLBACK_MS)
    const turns = afterPaint(turn)
    turns.schedule(false, false)
    afterPaint(own).schedule()
    // The frame's task is queued from inside a timer here: it runs a millisecond later.
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS + 1)
    turns.cancel()
    expect(own).toHaveBeenCalledTimes(1)
    expect(turn).toHaveBeenCalledTimes(1)
  })
})

describe('refresh after paint', () => {
  const EVERY = 300

  it('works right after the frame that shows a change, then at most every `everyMs` while changes go on', () => {
    const work = vi.fn<() => void>()
    const refresh = refreshAfterPaint(work, EVERY)
    refresh.changed()
    expect(frames.size).toBe(1)
    paint()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)

    // Key presses 70 ms apart, each with its frame 16 ms later: the work goes with the frame of the
    // first change at least EVERY after the last run (at 350 and 700 ms), never from a timer
    // between two key presses (which would have run at 300 and 600 ms).
    const ranAt: number[] = []
    work.mockImplementation(() => ranAt.push(Date.now()))
    const start = Date.now()
    for (let press = 1; press <= 12; press++) {
      vi.advanceTimersByTime(70 - 16)
      refresh.changed()
      vi.advanceTimersByTime(16)
      paint()
      vi.advanceTimersByTime(0)
    }
    expect(ranAt.map((at) => at - start)).toEqual([350, 700])
  })

  it('works `everyMs` after the last change once the changes stop, if it has not since', () => {
    const work = vi.fn<() => void>()
    const refresh = refreshAfterPaint(work, EVERY)
    refresh.changed()
    paint()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)

    // Too soon after that run for the next frame; then nothing more changes.
    vi.advanceTimersByTime(50)
    refresh.changed()
    paint()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(EVERY - 1)
    expect(work).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(work).toHaveBeenCalledTimes(2)

    // Done already after the last change: no run at the end.
    vi.advanceTimersByTime(EVERY)
    refresh.changed()
    paint()
    vi.advanceTimersByTime(EVERY * 3)
    expect(work).toHaveBeenCalledTimes(3)
  })

  it('works once more for a change made in the same millisecond as a run, after it', () => {
    const work = vi.fn<() => void>()
    const refresh = refreshAfterPaint(work, EVERY)
    refresh.changed()
    paint()
    // The run, then a change at once (fake time stands still in between).
    vi.advanceTimersByTime(0)
    refresh.changed()
    expect(work).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(EVERY)
    expect(work).toHaveBeenCalledTimes(2)
  })

  it('works once per change, not again after a frame when the change is done already', () => {
    const work = vi.fn<() => void>()
    const refresh = refreshAfterPaint(work, 0)
    refresh.changed()
    // With no wait, the timer after the last change runs it first...
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)
    // ...and the frame the change asked for has nothing left to do.
    paint()
    vi.advanceTimersByTime(0)
    expect(work).toHaveBeenCalledTimes(1)
  })

  it('does nothing once cancelled', () => {
    const work = vi.fn<() => void>()
    const refresh = refreshAfterPaint(work, EVERY)
    refresh.changed()
    refresh.cancel()
    paint()
    vi.advanceTimersByTime(EVERY * 3)
    expect(work).not.toHaveBeenCalled()
  })
})

