/**
 * Work that must happen soon after an edit, but not between the key press and the frame that
 * shows it (issue 12): sending the edit to the server and the browser's other tabs, and keeping it
 * in the local copy. Done in the key press's own task, these cost a few milliseconds before the
 * page could paint the typed character; a task queued from the next frame's `requestAnimationFrame`
 * runs right after that frame is painted.
 *
 * A hidden tab paints no frames, so the work also runs after `fallbackMs` at the latest. Edits
 * made within one frame share one run.
 */

/** At the latest this long after the first edit of a batch, frame or no frame. */
export const AFTER_PAINT_FALLBACK_MS = 50

/** A run of work waiting for the next paint. */
export interface AfterPaint {
  /** Ask for one run after the next paint (a run already asked for covers it). */
  schedule(): void
  /** Run now if a run is waiting (before something that must follow it, or the page going away). */
  flush(): void
  /** Forget a waiting run. */
  cancel(): void
}

/** Run `work` after the next paint whenever `schedule` is called. */
export function afterPaint(work: () => void, fallbackMs = AFTER_PAINT_FALLBACK_MS): AfterPaint {
  let waiting = false
  let frame: number | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let task: ReturnType<typeof setTimeout> | null = null

  const cancel = () => {
    waiting = false
    if (frame !== null) cancelAnimationFrame(frame)
    if (timer !== null) clearTimeout(timer)
    if (task !== null) clearTimeout(task)
    frame = timer = task = null
  }
  const run = () => {
    if (!waiting) return
    cancel()
    work()
  }

  return {
    schedule() {
      if (waiting) return
      waiting = true
      timer = setTimeout(run, fallbackMs)
      if (typeof requestAnimationFrame === 'function') {
        frame = requestAnimationFrame(() => {
          frame = null
          // A task queued from the frame's callbacks runs once that frame is rendered.
          task = setTimeout(run, 0)
        })
      }
    },
    flush: run,
    cancel,
  }
}
