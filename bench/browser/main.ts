/**
 * Browser entry of the remote-keystroke benchmark (built and driven by
 * `bench/browserKeystroke.ts`): exposes `window.deskBench(words, variant, opts)`, which opens the
 * story in an editor attached to the page and times each remote keystroke's `Y.applyUpdate`.
 * Run one variant per page, so each gets a fresh heap.
 */
import {
  buildKeystrokeWorkload,
  measureKeystrokes,
  type KeystrokeStats,
  type RemoteKeystrokeOptions,
  type SyncVariant,
} from '../keystrokeCore'

/** What `deskBench` resolves to: the stats and the smallest `performance.now()` step seen. */
export interface BrowserKeystrokeResult extends KeystrokeStats {
  timerResolutionMs: number
  crossOriginIsolated: boolean
}

/** The jsdom run's knobs plus how keystrokes are paced and whether the editor has focus. */
export interface BrowserKeystrokeOptions extends RemoteKeystrokeOptions {
  /** 'frame' (default): let a frame render (style, layout, paint, idle GC) after each keystroke; 'none': a tight loop. */
  pace?: 'frame' | 'none'
  /** Focus the editor before measuring (see `MeasureOptions.focus`). Default false. */
  focus?: boolean
}

declare global {
  interface Window {
    deskBench: (words: number, variant: SyncVariant, opts?: BrowserKeystrokeOptions) => Promise<BrowserKeystrokeResult>
  }
}

/** Resolves after the next frame has rendered, as between two real keystrokes. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
}

/** Smallest non-zero step of `performance.now()` over a few hundred samples. */
function timerResolution(): number {
  let smallest = Number.POSITIVE_INFINITY
  let last = performance.now()
  for (let steps = 0; steps < 200; ) {
    const now = performance.now()
    if (now !== last) {
      smallest = Math.min(smallest, now - last)
      last = now
      steps++
    }
  }
  return Math.round(smallest * 1e6) / 1e6
}

window.deskBench = async (words, variant, opts = {}) => {
  const host = document.getElementById('story')
  if (host === null) throw new Error('page has no #story')
  const element = document.createElement('div')
  host.appendChild(element)
  try {
    const { pace = 'frame', focus = false, ...workloadOpts } = opts
    const workload = buildKeystrokeWorkload(words, workloadOpts)
    const stats = await measureKeystrokes(workload, variant, element, {
      between: pace === 'frame' ? nextFrame : undefined,
      focus,
    })
    return { ...stats, timerResolutionMs: timerResolution(), crossOriginIsolated: globalThis.crossOriginIsolated }
  } finally {
    element.remove()
  }
}
