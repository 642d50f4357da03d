/**
 * Browser entry of the remote-keystroke benchmark (built and driven by
 * `bench/browserKeystroke.ts`): exposes `window.deskBench(words, variant, opts)`, which opens the
 * story in an editor attached to the page and times each remote keystroke's `Y.applyUpdate`.
 * Run one variant per page, so each gets a fresh heap.
 */
import { Editor, getSchema } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { installIncrementalSync } from '../../src/editor/incrementalSync'
import { storyExtensions } from '../../src/shared/schema'
import { BODY } from '../../src/shared/storyDoc'
import type { FloorOthersStart } from './floorOthers'
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
    deskEditorFloor: (paragraphs: string[], others: EditorFloorOthers) => void
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

/** Others typing into the editor floor page: how many, each one character every `everyMs` (± a quarter). */
export interface EditorFloorOthers {
  count: number
  everyMs: number
}

/** The app's rule for a story's paragraphs (`src/app/app.css`): those out of view are neither laid out nor painted. */
const SKIPPED_PARAGRAPHS = '.story-body > p { content-visibility: auto; contain-intrinsic-block-size: auto 5em; overflow-clip-margin: 12em; }'

/**
 * The paint benchmark's second floor (`bench/paint.ts`): TipTap with the story's schema and
 * y-tiptap's Collaboration (with our incremental sync, as in the app) over a Y.Doc holding
 * `paragraphs`, its paragraphs out of view skipped as in the app, and nothing else of the app.
 * Others type as in the app's runs (one 3 paragraphs below the caret, the rest spread through the
 * story), in a worker (`floorOthers.ts`) whose updates the page applies to the editor's document:
 * the stack's own cost of remote edits, without a network.
 */
window.deskEditorFloor = (paragraphs, others) => {
  const host = document.getElementById('story')
  if (host === null) throw new Error('page has no #story')
  const style = document.createElement('style')
  style.textContent = SKIPPED_PARAGRAPHS
  document.head.append(style)
  const doc = new Y.Doc()
  const content = paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] }))
  prosemirrorJSONToYXmlFragment(getSchema(storyExtensions()), { type: 'doc', content }, doc.getXmlFragment(BODY))
  installIncrementalSync()
  const editor = new Editor({
    element: host,
    extensions: [...storyExtensions(), Collaboration.configure({ document: doc, field: BODY })],
    editorProps: { attributes: { 'aria-label': 'Story body', class: 'story-body' } },
  })
  const worker = new Worker(new URL('./floorOthers.ts', import.meta.url), { type: 'module' })
  worker.onmessage = (event: MessageEvent<Uint8Array>) => Y.applyUpdate(doc, event.data, 'others')
  const start: FloorOthersStart = {
    state: Y.encodeStateAsUpdate(doc),
    paragraphs: Array.from({ length: others.count }, (_, index) => (index === 0 ? 5 : Math.floor((paragraphs.length * index) / others.count))),
    everyMs: others.everyMs,
  }
  worker.postMessage(start)
  Object.assign(window, { deskFloorEditor: editor })
}
