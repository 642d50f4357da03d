import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AFTER_PAINT_FALLBACK_MS } from '../../src/ui/afterPaint'
import { deleteLocalCopies, localStory, notePending, PENDING_WRITE_MS, pendingEverywhere } from '../../src/offline/localCopies'

/** The count as written in localStorage now (what another tab, or the next visit, would read). */
function written(storyId: string): number | undefined {
  const register = JSON.parse(localStorage.getItem('deskline:offline') ?? 'null') as { stories: Record<string, { pending: number }> } | null
  return register?.stories[storyId]?.pending
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(async () => {
  vi.useRealTimers()
  await deleteLocalCopies()
})

describe('the count of unconfirmed edits kept beside the local copy', () => {
  it('is written right after the next paint when it leaves or reaches zero, otherwise at most once a second', () => {
    notePending(7, 'story', 1)
    expect(written('story')).toBeUndefined()
    // No frame in jsdom: the after-paint fallback.
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(written('story')).toBe(1)
    notePending(7, 'story', 2)
    notePending(7, 'story', 3)
    expect(written('story')).toBe(1)
    vi.advanceTimersByTime(PENDING_WRITE_MS)
    expect(written('story')).toBe(3)
    notePending(7, 'story', 4)
    notePending(7, 'story', 0)
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(written('story')).toBe(0)
  })

  it('asks for no frame of its own: writing shows nothing', () => {
    const frame = vi.fn<(callback: FrameRequestCallback) => number>(() => 1)
    vi.stubGlobal('requestAnimationFrame', frame)
    try {
      notePending(7, 'story', 1)
      notePending(7, 'story', 0)
      expect(frame).not.toHaveBeenCalled()
      vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
      expect(written('story')).toBe(0)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('is written before anyone reads the register, and when the page is hidden', () => {
    notePending(7, 'story', 1)
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    notePending(7, 'story', 5)
    expect(written('story')).toBe(1)
    // The sign-out warning asks how many edits would be lost.
    expect(pendingEverywhere(7)).toBe(5)
    expect(localStory(7, 'story')?.pending).toBe(5)

    notePending(7, 'story', 6)
    window.dispatchEvent(new Event('pagehide'))
    expect(written('story')).toBe(6)
  })
})
