/**
 * Benchmark: the synchronous JavaScript cost of applying one remote keystroke to an open story,
 * with `@tiptap/y-tiptap`'s stock `_typeChanged` (full mapping rebuild) against ours
 * (`src/editor/incrementalSync.ts`). Runs under `tsx`, so jsdom provides the DOM.
 */
import { createRequire } from 'node:module'
import * as Y from 'yjs'

/** Percentiles of one variant, in milliseconds. */
export interface KeystrokeStats {
  p50: number
  p95: number
  mean: number
}

/** Knobs of the benchmark; the defaults are what `bench/run.ts` reports. */
export interface RemoteKeystrokeOptions {
  /** Measured keystrokes per variant. */
  keystrokes?: number
  /** Keystrokes applied first and not measured (JIT warm-up). */
  warmup?: number
  /** Seed of the story text and keystroke positions, so both variants get the same updates. */
  seed?: number
}

// ProseMirror's view reads `navigator` and `document` when its module is first evaluated, so
// the DOM globals must exist before TipTap is imported: every TipTap import below is dynamic.
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

/** mulberry32: small, seedable, good enough for positions and words. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const VOCABULARY = (
  'the council said on tuesday that it would review the budget after residents raised ' +
  'concerns about road repairs school funding and the new library which opened last year ' +
  'officials expect a decision before the summer recess according to a spokesperson'
).split(' ')

interface JSONNode {
  type: string
  attrs?: Record<string, unknown>
  marks?: Array<{ type: string }>
  content?: JSONNode[]
  text?: string
}

/** A story of about `words` words: paragraphs of ~60 words and a heading every ten paragraphs. */
function storyJSON(words: number, random: () => number): JSONNode {
  const content: JSONNode[] = []
  let written = 0
  let paragraphs = 0
  while (written < words) {
    if (paragraphs % 10 === 9) {
      content.push({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: `Section ${paragraphs}` }] })
    }
    const count = Math.min(words - written, 45 + Math.floor(random() * 30))
    const parts: string[] = []
    for (let i = 0; i < count; i++) parts.push(VOCABULARY[Math.floor(random() * VOCABULARY.length)] ?? 'word')
    // One bold phrase in every third paragraph, so some texts hold several formatted runs.
    const cut = paragraphs % 3 === 0 ? Math.floor(count / 2) : count
    const runs: JSONNode[] = [{ type: 'text', text: parts.slice(0, cut).join(' ') + ' ' }]
    if (cut < count) {
      runs.push({ type: 'text', text: parts.slice(cut, cut + 3).join(' '), marks: [{ type: 'bold' }] })
      runs.push({ type: 'text', text: ' ' + parts.slice(cut + 3).join(' ') })
    }
    content.push({ type: 'paragraph', content: runs })
    written += count
    paragraphs++
  }
  return { type: 'doc', content }
}

/** Every XmlText of the body, to aim keystrokes at. */
function textsOf(fragment: Y.XmlFragment): Y.XmlText[] {
  const texts: Y.XmlText[] = []
  const walk = (type: Y.XmlFragment | Y.XmlElement): void => {
    for (const child of type.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  walk(fragment)
  return texts
}

function stats(samples: number[]): KeystrokeStats {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  const mean = sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length)
  const round = (x: number): number => Math.round(x * 100) / 100
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(mean) }
}

/** Measures remote single-character insertions into a `words`-word story, stock vs ours. */
export async function benchRemoteKeystroke(
  words: number,
  opts: RemoteKeystrokeOptions = {},
): Promise<{ stock: KeystrokeStats; ours: KeystrokeStats }> {
  const keystrokes = opts.keystrokes ?? 200
  const warmup = opts.warmup ?? 20
  const random = makeRandom(opts.seed ?? 20240601)
  ensureDomGlobals()

  const { Editor, getSchema } = await import('@tiptap/core')
  const { Collaboration } = await import('@tiptap/extension-collaboration')
  const { CollaborationCaret } = await import('@tiptap/extension-collaboration-caret')
  const { prosemirrorJSONToYDoc } = await import('@tiptap/y-tiptap')
  const { Awareness } = await import('y-protocols/awareness')
  const { storyExtensions } = await import('../src/shared/schema')
  const { BODY } = await import('../src/shared/storyDoc')
  const { installIncrementalSync, uninstallIncrementalSync } = await import('../src/editor/incrementalSync')

  // The story and the keystrokes are made once, on the remote doc B, so both variants apply
  // byte-identical updates.
  const schema = getSchema(storyExtensions())
  const remote = prosemirrorJSONToYDoc(schema, storyJSON(words, random), BODY)
  remote.clientID = 2
  const initial = Y.encodeStateAsUpdate(remote)
  const texts = textsOf(remote.getXmlFragment(BODY))
  const updates: Uint8Array[] = []
  for (let i = 0; i < warmup + keystrokes; i++) {
    const text = texts[Math.floor(random() * texts.length)]
    if (text === undefined) throw new Error('story has no text')
    const before = Y.encodeStateVector(remote)
    text.insert(Math.floor(random() * (text.length + 1)), 'x')
    updates.push(Y.encodeStateAsUpdate(remote, before))
  }

  const open = (): { local: Y.Doc; close: () => void } => {
    const local = new Y.Doc()
    local.clientID = 1
    Y.applyUpdate(local, initial)
    const awareness = new Awareness(local)
    const element = document.createElement('div')
    document.body.appendChild(element)
    const editor = new Editor({
      element,
      extensions: [
        ...storyExtensions(),
        Collaboration.configure({ document: local, field: BODY }),
        CollaborationCaret.configure({ provider: { awareness }, user: { name: 'Bench', color: '#305500' } }),
      ],
    })
    const close = (): void => {
      editor.destroy()
      element.remove()
      awareness.destroy()
      local.destroy()
    }
    return { local, close }
  }

  const measure = (): KeystrokeStats => {
    const editor = open()
    const samples: number[] = []
    updates.forEach((update, index) => {
      const start = performance.now()
      Y.applyUpdate(editor.local, update)
      const elapsed = performance.now() - start
      if (index >= warmup) samples.push(elapsed)
    })
    editor.close()
    return stats(samples)
  }

  // One variant at a time, ours first: stock allocates a whole story's nodes per keystroke, and
  // collecting that garbage must not land in our samples. Stock, second, runs on a warmer JIT,
  // which can only flatter it. A binding keeps the `_typeChanged` it was constructed with, so
  // switching before opening each editor is enough; incremental sync stays installed, as in the app.
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  installIncrementalSync()
  const ours = measure()
  collect?.()
  uninstallIncrementalSync()
  const stock = measure()
  installIncrementalSync()
  return { stock, ours }
}
