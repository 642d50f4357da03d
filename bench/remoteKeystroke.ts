/**
 * Benchmark: the synchronous JavaScript cost of applying one remote keystroke to an open story,
 * with `@tiptap/y-tiptap`'s stock `_typeChanged` (full mapping rebuild) against ours
 * (`src/editor/incrementalSync.ts`). Runs under `tsx`, so jsdom provides the DOM; the measuring
 * itself is `bench/keystrokeCore.ts`, shared with the Chromium run (`bench/browserKeystroke.ts`).
 */
import { createRequire } from 'node:module'
import type { KeystrokeStats, RemoteKeystrokeOptions } from './keystrokeCore'

export type { KeystrokeStats, RemoteKeystrokeOptions } from './keystrokeCore'

// ProseMirror's view reads `navigator` and `document` when its module is first evaluated, so
// the DOM globals must exist before TipTap is imported: the core (which imports it) is imported
// dynamically.
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'Node',
  'Element',
  'HTMLElement',
  'Text',
  'DocumentFragment',
  'Range',
  'Selection',
  'MutationObserver',
  'DOMParser',
  'Event',
  'CustomEvent',
  'KeyboardEvent',
  'MouseEvent',
  'FocusEvent',
  'InputEvent',
  'ClipboardEvent',
  'DragEvent',
] as const

/** The part of jsdom's API we use (the project has no @types/jsdom). */
interface JsdomModule {
  JSDOM: new (html: string, options: { pretendToBeVisual: boolean }) => { window: Window & typeof globalThis }
}

function ensureDomGlobals(): void {
  if (typeof globalThis.document !== 'undefined') return
  const { JSDOM } = createRequire(import.meta.url)('jsdom') as JsdomModule
  const { window } = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true })
  const source = window as unknown as Record<string, unknown>
  for (const key of DOM_GLOBALS) {
    if (key === 'window') {
      Object.defineProperty(globalThis, key, { value: window, configurable: true, writable: true })
    } else if (source[key] !== undefined) {
      Object.defineProperty(globalThis, key, { value: source[key], configurable: true, writable: true })
    }
  }
  const bound = {
    getComputedStyle: window.getComputedStyle.bind(window),
    requestAnimationFrame: window.requestAnimationFrame.bind(window),
    cancelAnimationFrame: window.cancelAnimationFrame.bind(window),
    getSelection: window.getSelection.bind(window),
  }
  for (const [key, value] of Object.entries(bound)) {
    Object.defineProperty(globalThis, key, { value, configurable: true, writable: true })
  }
}

/** Measures remote single-character insertions into a `words`-word story, stock vs ours. */
export async function benchRemoteKeystroke(
  words: number,
  opts: RemoteKeystrokeOptions = {},
): Promise<{ stock: KeystrokeStats; ours: KeystrokeStats }> {
  ensureDomGlobals()
  const { buildKeystrokeWorkload, measureKeystrokes } = await import('./keystrokeCore')

  // The story and the keystrokes are made once, on the remote doc B, so both variants apply
  // byte-identical updates.
  const workload = buildKeystrokeWorkload(words, opts)
  const measure = async (variant: 'stock' | 'ours'): Promise<KeystrokeStats> => {
    const element = document.createElement('div')
    document.body.appendChild(element)
    try {
      return await measureKeystrokes(workload, variant, element)
    } finally {
      element.remove()
    }
  }

  // One variant at a time, ours first: stock allocates a whole story's nodes per keystroke, and
  // collecting that garbage must not land in our samples. Stock, second, runs on a warmer JIT,
  // which can only flatter it. Incremental sync stays installed afterwards, as in the app.
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  const ours = await measure('ours')
  collect?.()
  const stock = await measure('stock')
  return { stock, ours }
}
