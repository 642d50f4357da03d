/**
 * The measuring core of the remote-keystroke benchmark, shared by the jsdom run
 * (`bench/remoteKeystroke.ts`) and the Chromium run (`bench/browser/main.ts`).
 *
 * It needs a DOM but does not care whose: ProseMirror's view reads `navigator` and `document`
 * when its module is first evaluated, so under jsdom this module must be imported dynamically,
 * after the DOM globals exist.
 */
import { Editor, getSchema } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { installIncrementalSync, uninstallIncrementalSync } from '../src/editor/incrementalSync'
import { storyExtensions } from '../src/shared/schema'
import { BODY } from '../src/shared/storyDoc'
import { seededRandom } from '../tests/helpers/random'

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

/** Which `_typeChanged` the editor's binding gets: y-tiptap's own, or `incrementalSync`'s. */
export type SyncVariant = 'stock' | 'ours'

/** The story and the keystrokes, as Yjs updates made on the remote doc B. */
export interface KeystrokeWorkload {
  /** The whole story, for the local doc A before its editor opens. */
  initial: Uint8Array
  /** One update per keystroke, the first `warmup` of them not measured. */
  updates: Uint8Array[]
  warmup: number
}

/** How to run the measured loop. */
export interface MeasureOptions {
  /**
   * Awaited once after the editor opens and after every keystroke, outside the timed window
   * (the browser entry lets a frame render here, as between real keystrokes). None: a tight loop.
   */
  between?: () => Promise<void>
  /**
   * Focus the editor (caret at the start, in view) before measuring, as for a user reading the
   * story while a collaborator types: y-tiptap then checks whether the local caret is in view on
   * each remote change, which reads layout. Default false (the jsdom run has no layout).
   */
  focus?: boolean
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

/** p50 / p95 by rank and the mean, rounded to 0.01 ms. */
export function keystrokeStats(samples: readonly number[]): KeystrokeStats {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  const mean = sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length)
  const round = (x: number): number => Math.round(x * 100) / 100
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(mean) }
}

/**
 * Builds a `words`-word story on a remote doc B and `warmup + keystrokes` single-character
 * insertions at random positions in it. Deterministic for a seed (B writes everything as client
 * 2), so separate runs, in separate pages too, apply byte-identical updates.
 */
export function buildKeystrokeWorkload(words: number, opts: RemoteKeystrokeOptions = {}): KeystrokeWorkload {
  const keystrokes = opts.keystrokes ?? 200
  const warmup = opts.warmup ?? 20
  const random = seededRandom(opts.seed ?? 20240601)
  const schema = getSchema(storyExtensions())
  const remote = new Y.Doc()
  remote.clientID = 2
  prosemirrorJSONToYXmlFragment(schema, storyJSON(words, random), remote.getXmlFragment(BODY))
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
  remote.destroy()
  return { initial, updates, warmup }
}

/**
 * Opens a TipTap editor (Collaboration + CollaborationCaret) on `element` over a local doc A
 * holding the story, with the `variant` binding, then times each synchronous
 * `Y.applyUpdate(docA, keystroke)` with `performance.now()`. Closes the editor before returning.
 *
 * Incremental sync is installed again once the editor exists, as in the app: a binding keeps
 * the `_typeChanged` it was constructed with, so that does not change what is measured.
 */
export async function measureKeystrokes(
  workload: KeystrokeWorkload,
  variant: SyncVariant,
  element: HTMLElement,
  opts: MeasureOptions = {},
): Promise<KeystrokeStats> {
  const local = new Y.Doc()
  local.clientID = 1
  Y.applyUpdate(local, workload.initial)
  const awareness = new Awareness(local)
  if (variant === 'stock') uninstallIncrementalSync()
  else installIncrementalSync()
  let editor: Editor
  try {
    editor = new Editor({
      element,
      extensions: [
        ...storyExtensions(),
        Collaboration.configure({ document: local, field: BODY }),
        CollaborationCaret.configure({ provider: { awareness }, user: { name: 'Bench', color: '#305500' } }),
      ],
    })
  } finally {
    installIncrementalSync()
  }
  const samples: number[] = []
  try {
    if (opts.focus) editor.commands.focus('start')
    const between = opts.between
    if (between) await between()
    for (let index = 0; index < workload.updates.length; index++) {
      const update = workload.updates[index] as Uint8Array
      const start = performance.now()
      Y.applyUpdate(local, update)
      const elapsed = performance.now() - start
      if (index >= workload.warmup) samples.push(elapsed)
      if (between) await between()
    }
  } finally {
    editor.destroy()
    awareness.destroy()
    local.destroy()
  }
  return keystrokeStats(samples)
}
