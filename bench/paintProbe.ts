/**
 * What the `paint` benchmark installs in the page before the app's scripts run
 * (`context.addInitScript`): for each key press, the time from the keydown's timestamp (when the
 * browser received the key) to the first task after the frame that followed its `input` event
 * (rAF, then a MessageChannel message: the task after rendering, i.e. after the frame was
 * painted); and, from the same moments, Event Timing entries (`event`, threshold 16 ms), long
 * tasks and long animation frames with their script attribution, and how the page's sockets closed.
 *
 * Kept as source text, not a function: tsx (esbuild `keepNames`) would wrap the function's inner
 * functions in a `__name` helper that does not exist in the page.
 */

/** One measured key press (all `performance.now()` milliseconds of the page). */
export interface PressRecord {
  /** The keydown's `timeStamp`: when the browser took the key. */
  start: number
  /** When the keydown listener (capturing, on window: the first to run) ran. */
  keydownAt: number
  /** When the `input` event reached window (capturing: before ProseMirror reads the change). */
  inputAt: number
  /** The rAF callback of the next frame. */
  frameAt: number
  /** The message posted from that rAF: the frame is rendered and painted. */
  paintedAt: number
}

/** A PerformanceEventTiming entry (only those of 16 ms and more are reported). */
export interface EventRecord {
  name: string
  startTime: number
  processingStart: number
  processingEnd: number
  duration: number
  interactionId: number
}

/** One script of a long animation frame. */
export interface FrameScript {
  invoker: string
  invokerType: string
  sourceURL: string
  sourceFunctionName: string
  sourceCharPosition: number
  duration: number
  forcedStyleAndLayoutDuration: number
}

/** A long animation frame (a frame that took more than 50 ms). */
export interface FrameRecord {
  startTime: number
  duration: number
  blockingDuration: number
  renderStart: number
  styleAndLayoutStart: number
  scripts: FrameScript[]
}

/** `window.__deskPaint` as read back after a run. */
export interface ProbeState {
  /** Measuring between `since` and `until` (page time); `active` while it runs. */
  active: boolean
  since: number
  until: number
  presses: PressRecord[]
  /** Key presses that never fired an `input` event (would mean the key did not type). */
  noInput: number
  events: EventRecord[]
  longTasks: Array<{ startTime: number; duration: number }>
  frames: FrameRecord[]
  /** Entry types this Chromium does not observe. */
  unsupported: string[]
  /** Every WebSocket of the page that closed: when, with which code and reason. */
  closes: Array<{ at: number; code: number; reason: string }>
}

/** The init script. `window.__deskPaint.active = true` starts recording, `false` stops it. */
export const PAINT_PROBE = String.raw`(() => {
  const probe = { active: false, since: 0, until: 0, presses: [], noInput: 0, events: [], longTasks: [], frames: [], unsupported: [], closes: [] };
  Object.defineProperty(window, '__deskPaint', { value: probe });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('close', (event) => probe.closes.push({ at: performance.now(), code: event.code, reason: event.reason }));
    }
  };
  let pending = null;
  addEventListener('keydown', (event) => {
    if (!probe.active || event.repeat) return;
    if (pending !== null && pending.inputAt === undefined) probe.noInput++;
    pending = { start: event.timeStamp, keydownAt: performance.now() };
  }, true);
  addEventListener('input', () => {
    const press = pending;
    if (press === null || press.inputAt !== undefined) return;
    press.inputAt = performance.now();
    requestAnimationFrame(() => {
      press.frameAt = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        press.paintedAt = performance.now();
        probe.presses.push(press);
      };
      channel.port2.postMessage(null);
    });
  }, true);
  const observe = (type, options, keep) => {
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) keep(entry);
      }).observe({ type, ...options });
    } catch {
      probe.unsupported.push(type);
    }
  };
  observe('event', { durationThreshold: 16 }, (e) => probe.events.push({
    name: e.name, startTime: e.startTime, processingStart: e.processingStart, processingEnd: e.processingEnd, duration: e.duration, interactionId: e.interactionId,
  }));
  observe('longtask', {}, (e) => probe.longTasks.push({ startTime: e.startTime, duration: e.duration }));
  observe('long-animation-frame', {}, (e) => probe.frames.push({
    startTime: e.startTime, duration: e.duration, blockingDuration: e.blockingDuration, renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
    scripts: e.scripts.map((s) => ({
      invoker: s.invoker, invokerType: s.invokerType, sourceURL: s.sourceURL, sourceFunctionName: s.sourceFunctionName,
      sourceCharPosition: s.sourceCharPosition, duration: s.duration, forcedStyleAndLayoutDuration: s.forcedStyleAndLayoutDuration,
    })),
  }));
})()`
