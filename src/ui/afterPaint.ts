/**
 * Work that must happen soon after an edit, but not between the key press and the frame that
 * shows it (issue 12): sending the edit to the server and the browser's other tabs, and keeping it
 * in the local copy. Done in the key press's own task, these cost a few milliseconds before the
 * page could paint the typed character; a task queued from the next frame's `requestAnimationFrame`
 * runs right after that frame is painted.
 *
 * A hidden tab paints no frames, so the work also runs after `AFTER_PAINT_FALLBACK_MS` at the
 * latest. Edits made within one frame share one run.
 */

/** At the latest this long after the first edit of a batch, frame or no frame. */
export const AFTER_PAINT_FALLBACK_MS = 50

/** A run of work waiting for the next paint. */
export interface AfterPaint {
  /**
   * Ask for one run after the next paint (a run already asked for covers it). With `frame` false
   * no frame is asked for: the run goes with the next frame another run asks for, or at the
   * fallback. Work that shows nothing new (storing another person's edit) must not make the page
   * draw a frame of its own: that was a frame's work on the main thread for each edit arriving.
   * With `fallback` false too, the run waits for such a frame however long it takes (the caller
   * keeps a deadline of its own and calls `flush`).
   */
  schedule(frame?: boolean, fallback?: boolean): void
  /** Run now if a run is waiting (before something that must follow it, or the page going away). */
  flush(): void
  /** Forget a waiting run. */
  cancel(): void
  /** Whether a run waits. */
  waiting(): boolean
}

// Every run waiting on the page shares one frame request and one fallback timer: a key press that
// wakes several of them (its edit to send, the local copy's counts, this tab's caret) registers
// them once, and a run that asks for no frame can go with the frame another one asked for.
/** The waiting runs, in the order they were asked for. */
const waiting = new Set<() => void>()
/** Those of them that asked for a frame. */
const wantFrame = new Set<() => void>()
/** Those of them that wait for a frame without the fallback. */
const noFallback = new Set<() => void>()
let frame: number | null = null
let timer: ReturnType<typeof setTimeout> | null = null
let task: ReturnType<typeof setTimeout> | null = null

function disarm(): void {
  if (frame !== null) cancelAnimationFrame(frame)
  if (timer !== null) clearTimeout(timer)
  if (task !== null) clearTimeout(task)
  frame = timer = task = null
}

function arm(): void {
  if (waiting.size === 0) return
  if (noFallback.size < waiting.size) timer ??= setTimeout(runAtFallback, AFTER_PAINT_FALLBACK_MS)
  if (wantFrame.size > 0 && frame === null && task === null && typeof requestAnimationFrame === 'function') {
    frame = requestAnimationFrame(() => {
      frame = null
      // Those waiting now were painted in this frame; any asked for after it wait for the next.
      const due = [...waiting]
      // A task queued from the frame's callbacks runs once that frame is rendered.
      task = setTimeout(() => runAll(due), 0)
    })
  }
}

/** The fallback: run those that have it, unless a frame's task is about to run them all. */
function runAtFallback(): void {
  timer = null
  // Cancelling that task would leave the runs without a fallback waiting for yet another frame.
  if (task !== null) return
  runAll([...waiting].filter((run) => !noFallback.has(run)))
}

function runAll(due: ReadonlyArray<() => void>): void {
  disarm()
  try {
    for (const run of due) run()
  } finally {
    // What was asked for meanwhile, or left waiting by a run that threw, waits for the next frame.
    arm()
  }
}

/** Run `work` after the next paint whenever `schedule` is called. */
export function afterPaint(work: () => void): AfterPaint {
  const cancel = () => {
    if (!waiting.delete(run)) return
    wantFrame.delete(run)
    noFallback.delete(run)
    if (waiting.size === 0) disarm()
  }
  function run() {
    if (!waiting.has(run)) return
    cancel()
    work()
  }
  return {
    schedule(askFrame = true, fallback = true) {
      const fresh = !waiting.has(run)
      waiting.add(run)
      if (askFrame) wantFrame.add(run)
      // Without the fallback only while every ask for this run said so.
      if (fallback) noFallback.delete(run)
      else if (fresh) noFallback.add(run)
      arm()
    },
    flush: run,
    cancel,
    waiting: () => waiting.has(run),
  }
}

/** Work done again after changes, on the calm schedule of `refreshAfterPaint`. */
export interface Refresh {
  /** Something changed: do the work again soon. */
  changed(): void
  /** Forget the work that waits. */
  cancel(): void
}

/**
 * Work done again after changes (a count, a list, places in the text), at most every `everyMs`,
 * right after the frame that shows a change, and `everyMs` after the last change once they stop.
 * A timer of its own showed its result at any moment between two key presses, and the frame it
 * drew made the next key press wait for the display's next frame; shown right after a key
 * press's frame, its own frame is drawn before the next key press comes.
 */
export function refreshAfterPaint(work: () => void, everyMs: number): Refresh {
  let doneAt = -Infinity
  let changedAt = -Infinity
  // Changes are counted, not timed, to know whether the last one was worked on: two can fall in
  // the same millisecond as a run, one before it and one after.
  let changes = 0
  let doneFor = 0
  let trailing: ReturnType<typeof setTimeout> | null = null
  const run = () => {
    doneAt = Date.now()
    doneFor = changes
    work()
  }
  const afterFrame = afterPaint(() => {
    if (doneFor < changes && Date.now() - doneAt >= everyMs) run()
  })
  // Once the changes stop; not set and cleared again on every change.
  const settle = () => {
    trailing = null
    const wait = changedAt + everyMs - Date.now()
    if (wait > 0) trailing = setTimeout(settle, wait)
    else if (doneFor < changes) run()
  }
  return {
    changed() {
      changes++
      changedAt = Date.now()
      afterFrame.schedule()
      trailing ??= setTimeout(settle, everyMs)
    },
    cancel() {
      afterFrame.cancel()
      if (trailing !== null) clearTimeout(trailing)
      trailing = null
    },
  }
}
