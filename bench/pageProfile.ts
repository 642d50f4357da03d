/**
 * Where a page's main thread went, for the `paint` benchmark when it misses: a CDP `Profiler`
 * profile and the long animation frames' script attribution, mapped through the build's source
 * maps to the original file, line and function name.
 */
import fs from 'node:fs'
import { SourceMap } from 'node:module'
import path from 'node:path'
import type { FrameRecord } from './paintProbe'

/** A place in the original sources. */
export interface Origin {
  /** `node_modules/<package>/…` or `src/…` */
  source: string
  line: number
  name: string
}

/** Maps positions in the built scripts (served from `staticDir`) back to the sources. */
export class ScriptMaps {
  private readonly maps = new Map<string, { map: SourceMap; lineStarts: number[]; sources: Map<string, string[]> } | null>()

  constructor(private readonly staticDir: string) {}

  /** Position (0-based line and column) in the script at `url` → original place, or null for other scripts. */
  locate(url: string, line: number, column: number): Origin | null {
    const file = this.load(url)
    if (!file) return null
    const found = file.map.findOrigin(line + 1, column + 1)
    if (!('fileName' in found)) return null
    const source = shortSource(found.fileName)
    const text = file.sources.get(found.fileName)?.[found.lineNumber - 1] ?? ''
    return { source, line: found.lineNumber, name: found.name ?? guessName(text.slice(Math.max(0, found.columnNumber - 1))) ?? '(anonymous)' }
  }

  /** Character offset in the script at `url` (as long animation frames give it) → original place. */
  locateChar(url: string, offset: number): Origin | null {
    const file = this.load(url)
    if (!file || offset < 0) return null
    let line = 0
    while (line + 1 < file.lineStarts.length && (file.lineStarts[line + 1] ?? Infinity) <= offset) line++
    return this.locate(url, line, offset - (file.lineStarts[line] ?? 0))
  }

  private load(url: string) {
    if (this.maps.has(url)) return this.maps.get(url) ?? null
    let entry = null
    try {
      const pathname = new URL(url).pathname
      const file = path.join(this.staticDir, pathname)
      if (pathname.endsWith('.js') && fs.existsSync(`${file}.map`)) {
        const payload = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0] & { sourcesContent?: Array<string | null> }
        const code = fs.readFileSync(file, 'utf8')
        const lineStarts = [0]
        for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1)
        const sources = new Map<string, string[]>()
        payload.sources.forEach((name, index) => sources.set(name, (payload.sourcesContent?.[index] ?? '').split('\n')))
        entry = { map: new SourceMap(payload), lineStarts, sources }
      }
    } catch {
      entry = null
    }
    this.maps.set(url, entry)
    return entry
  }
}

/** `../../node_modules/prosemirror-view/dist/index.js` → `prosemirror-view/dist/index.js`; `src/…` kept. */
function shortSource(fileName: string): string {
  const modules = fileName.lastIndexOf('node_modules/')
  if (modules !== -1) return fileName.slice(modules + 'node_modules/'.length)
  const src = fileName.indexOf('src/')
  return src !== -1 ? fileName.slice(src) : fileName
}

/** The package of a short source (`@tiptap/core`, `yjs`), or `app` for our `src/`. */
export function packageOf(source: string): string {
  if (source.startsWith('src/')) return `app ${source.split('/').slice(0, 2).join('/')}`
  const parts = source.split('/')
  return (source.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/')
}

/** A function's name from the source text where it starts (`function foo(`, `foo(a) {`, `foo = (`). */
function guessName(text: string): string | null {
  const match = /^(?:async\s+)?(?:function\s*\*?\s*([\w$]+)|(?:static\s+|get\s+|set\s+)?([\w$]+)\s*\(|([\w$]+)\s*[=:]\s*(?:async\s*)?(?:function|\())/.exec(text.trim())
  return match?.[1] ?? match?.[2] ?? match?.[3] ?? null
}

/** Time of one function (or one app function and what ran under it) in a profile. */
export interface HotFunction {
  name: string
  where: string
  ms: number
  /** Share of the profile's busy (non-idle) time. */
  share: number
}

/** A profile in a few lines. */
export interface ProfileSummary {
  busyMs: number
  totalMs: number
  /** By self time; a browser built-in (`getClientRects`) is named with the function that called it. */
  functions: HotFunction[]
  /** Self time by package (`prosemirror-view`) or app folder (`app src/review`). */
  packages: HotFunction[]
  /** Time under the innermost app function (`src/…`) on the stack: which of our code made the work. */
  appCallers: HotFunction[]
}

/** The fields of a CDP `Profiler.Profile` read here (playwright-core does not export its protocol types). */
export interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

/** Sum a CDP profile's samples by function (mapped to the sources), by package and by calling app function. */
export function summariseProfile(profile: CpuProfile, maps: ScriptMaps, top = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  const origins = new Map<number, Origin | null>()
  const originOf = (node: ProfileNode): Origin | null => {
    if (!origins.has(node.id)) {
      const { url, lineNumber, columnNumber } = node.callFrame
      origins.set(node.id, url ? maps.locate(url, lineNumber, columnNumber) : null)
    }
    return origins.get(node.id) ?? null
  }
  /** The node itself, or for a browser built-in the nearest caller with a script. */
  const scripted = (node: ProfileNode): ProfileNode | null => {
    for (let at: ProfileNode | undefined = node; at; at = nodes.get(parents.get(at.id) ?? -1)) if (at.callFrame.url) return at
    return null
  }
  const label = (node: ProfileNode): { name: string; where: string } => {
    const origin = originOf(node)
    return {
      name: origin?.name ?? (node.callFrame.functionName || '(anonymous)'),
      where: origin ? `${origin.source}:${origin.line}` : node.callFrame.url ? new URL(node.callFrame.url).pathname : 'browser',
    }
  }
  const appCallerOf = (node: ProfileNode): { name: string; where: string } => {
    for (let at: ProfileNode | undefined = node; at; at = nodes.get(parents.get(at.id) ?? -1)) {
      if (originOf(at)?.source.startsWith('src/')) return label(at)
    }
    return { name: '(no app code on the stack)', where: '' }
  }

  const selfUs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  // Each sample's time is the gap to the next one (the last sample gets the mean gap).
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? 0
    const gap = deltas[i + 1] ?? (profile.endTime - profile.startTime) / Math.max(1, samples.length)
    selfUs.set(id, (selfUs.get(id) ?? 0) + gap)
  }
  const byFunction = new Map<string, HotFunction>()
  const byPackage = new Map<string, HotFunction>()
  const byApp = new Map<string, HotFunction>()
  const add = (into: Map<string, HotFunction>, name: string, where: string, us: number) => {
    const key = `${name} ${where}`
    const entry = into.get(key) ?? { name, where, ms: 0, share: 0 }
    entry.ms += us / 1000
    into.set(key, entry)
  }
  let busyUs = 0
  let totalUs = 0
  for (const [id, us] of selfUs) {
    const node = nodes.get(id)
    if (!node) continue
    totalUs += us
    const fn = node.callFrame.functionName
    if (fn === '(idle)') continue
    busyUs += us
    if (fn.startsWith('(')) {
      // (program): the renderer's own work (style, layout, paint, task overhead); (garbage collector).
      add(byFunction, fn, 'browser', us)
      add(byPackage, fn, '', us)
      add(byApp, fn, '', us)
      continue
    }
    const caller = scripted(node)
    const own = label(node)
    if (caller && caller !== node) {
      const from = label(caller)
      add(byFunction, `${fn} (from ${from.name})`, from.where, us)
    } else {
      add(byFunction, own.name, own.where, us)
    }
    const origin = caller ? originOf(caller) : null
    add(byPackage, origin ? packageOf(origin.source) : caller ? 'other scripts' : 'browser built-ins', '', us)
    const app = appCallerOf(node)
    add(byApp, app.name, app.where, us)
  }
  const ranked = (from: Map<string, HotFunction>) =>
    [...from.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((entry) => ({ ...entry, share: busyUs > 0 ? (entry.ms * 1000) / busyUs : 0 }))
  return { busyMs: busyUs / 1000, totalMs: totalUs / 1000, functions: ranked(byFunction), packages: ranked(byPackage), appCallers: ranked(byApp) }
}

/** Long animation frames in a few lines: how many, script vs rendering time, and the scripts that took longest. */
export interface FrameSummary {
  count: number
  totalMs: number
  maxMs: number
  /** Time in scripts, and in style/layout/paint (from `renderStart` to the frame's end). */
  scriptMs: number
  renderMs: number
  scripts: Array<{ invoker: string; where: string; totalMs: number; count: number }>
}

/** Sum long animation frames' scripts by what invoked them and where (mapped to the sources). */
export function summariseFrames(frames: readonly FrameRecord[], maps: ScriptMaps, top = 8): FrameSummary {
  const scripts = new Map<string, { invoker: string; where: string; totalMs: number; count: number }>()
  let scriptMs = 0
  let renderMs = 0
  for (const frame of frames) {
    if (frame.renderStart > 0) renderMs += frame.startTime + frame.duration - frame.renderStart
    for (const script of frame.scripts) {
      scriptMs += script.duration
      const origin = script.sourceURL ? maps.locateChar(script.sourceURL, script.sourceCharPosition) : null
      const where = origin ? `${origin.name} ${origin.source}:${origin.line}` : script.sourceFunctionName || script.sourceURL || '–'
      const key = `${script.invoker} ${where}`
      const entry = scripts.get(key) ?? { invoker: script.invoker, where, totalMs: 0, count: 0 }
      entry.totalMs += script.duration
      entry.count++
      scripts.set(key, entry)
    }
  }
  return {
    count: frames.length,
    totalMs: frames.reduce((sum, frame) => sum + frame.duration, 0),
    maxMs: frames.reduce((max, frame) => Math.max(max, frame.duration), 0),
    scriptMs,
    renderMs,
    scripts: [...scripts.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, top),
  }
}

/** One kind of trace event on the renderer's main thread and its self time. */
export interface TraceSlice {
  name: string
  ms: number
  /** Share of the main thread's busy time (every top-level task). */
  share: number
}

interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  pid: number
  tid: number
  args?: { name?: string }
}

/**
 * The renderer main thread of a Chromium trace (`devtools.timeline`) by event name, self time:
 * `Layout`, `UpdateLayoutTree` (style), `Paint`, `EventDispatch`, `FunctionCall`… — what the JS
 * profile lumps into `(program)`. The page's main thread is the busiest `CrRendererMain`.
 */
export function summariseTrace(trace: Buffer, top = 12): { busyMs: number; slices: TraceSlice[] } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])
  const mains = new Set(events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`))
  const byThread = new Map<string, TraceEvent[]>()
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`
    if (event.ph !== 'X' || event.dur === undefined || !mains.has(key)) continue
    const list = byThread.get(key) ?? []
    list.push(event)
    byThread.set(key, list)
  }
  const busiest = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? []
  busiest.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
  const self = new Map<string, number>()
  const stack: TraceEvent[] = []
  let busyUs = 0
  for (const event of busiest) {
    const end = (at: TraceEvent) => at.ts + (at.dur ?? 0)
    while (stack.length > 0 && end(stack[stack.length - 1] as TraceEvent) <= event.ts) stack.pop()
    const parent = stack[stack.length - 1]
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (event.dur ?? 0))
    else busyUs += event.dur ?? 0
    self.set(event.name, (self.get(event.name) ?? 0) + (event.dur ?? 0))
    stack.push(event)
  }
  return {
    busyMs: busyUs / 1000,
    slices: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 })),
  }
}
