/**
 * One text of a story laid out as runs, for the review of an update (server/suggestionSimulation.ts):
 * the document's items, cut where the update refers into them, the update's new items placed among
 * them the way Yjs integrates them (`Item.integrate`, yjs 13.6: after their origin, concurrent ones
 * ordered by client), and what suggestions cover each run now, at some time before, and after.
 */
import * as Y from 'yjs'
import { formatCover, isSuggestionFormat, type CoverKey } from './suggestionKeys.js'

/** One run of a text: the same before and after the update, or new with it. */
export interface TextRun {
  client: number
  clock: number
  len: number
  /** Its characters (any other countable content as U+FFFC); null for format items and collected content. */
  text: string | null
  format: { key: string; value: unknown } | null
  origin: Y.ID | null
  rightOrigin: Y.ID | null
  /** Brought by the update. */
  fresh: boolean
  /** Deleted in the document already. */
  deleted: boolean
  /** Deleted by the update (itself, or a block it is in). */
  gone: boolean
  left: TextRun | null
  right: TextRun | null
  /** What covers it now, at some time before, and after the update. */
  before: CoverKey[]
  ghost: CoverKey[]
  after: CoverKey[]
  /** Format attributes in effect on it now and after (kept for runs covered now). */
  marksBefore: Map<string, unknown> | null
  marksAfter: Map<string, unknown> | null
}

/** A text's runs as a linked line, with Yjs' placement of new runs. */
export class Line {
  head: TextRun | null = null
  private readonly byClient = new Map<number, TextRun[]>()

  constructor(runs: TextRun[]) {
    let left: TextRun | null = null
    for (const run of runs) {
      run.left = left
      if (left) left.right = run
      else this.head = run
      left = run
      const list = this.byClient.get(run.client)
      if (list) list.push(run)
      else this.byClient.set(run.client, [run])
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.clock - b.clock)
  }

  /**
   * Place new runs, each after the new runs it refers to (depth first, with an explicit stack: a
   * pasted paragraph is a chain as long as its runs). A reference cycle, which updateScope refuses
   * anyway, is broken by placing the run at the end.
   */
  integrate(fresh: TextRun[]): void {
    const byClient = new Map<number, TextRun[]>()
    for (const run of fresh) {
      const list = byClient.get(run.client)
      if (list) list.push(run)
      else byClient.set(run.client, [run])
    }
    for (const list of byClient.values()) list.sort((a, b) => a.clock - b.clock)
    const freshAt = (id: Y.ID | null): TextRun | null => (id === null ? null : runAt(byClient.get(id.client), id.clock))
    const state = new Map<TextRun, 'visiting' | 'placed'>()
    for (const start of fresh) {
      const stack = [start]
      while (stack.length > 0) {
        const run = stack[stack.length - 1] as TextRun
        if (state.get(run) === 'placed') {
          stack.pop()
          continue
        }
        state.set(run, 'visiting')
        const waits = [freshAt(run.origin), freshAt(run.rightOrigin)].filter((other): other is TextRun => other !== null && other !== run && state.get(other) !== 'placed')
        const cycle = waits.some((other) => state.get(other) === 'visiting')
        if (waits.length > 0 && !cycle) {
          stack.push(...waits)
          continue
        }
        this.place(run, cycle)
        state.set(run, 'placed')
        stack.pop()
      }
    }
  }

  private place(run: TextRun, atEnd = false): void {
    let left = atEnd ? this.last() : run.origin ? this.find(run.origin) : null
    const right = !atEnd && run.rightOrigin ? this.find(run.rightOrigin) : null
    let o = atEnd || !left ? (atEnd ? null : this.head) : left.right
    const conflicting = new Set<TextRun>()
    const beforeOrigin = new Set<TextRun>()
    while (o !== null && o !== right) {
      beforeOrigin.add(o)
      conflicting.add(o)
      if (sameId(run.origin, o.origin)) {
        if (o.client < run.client) {
          left = o
          conflicting.clear()
        } else if (sameId(run.rightOrigin, o.rightOrigin)) {
          break
        }
      } else {
        const oOrigin = o.origin ? this.find(o.origin) : null
        if (oOrigin === null || !beforeOrigin.has(oOrigin)) break
        if (!conflicting.has(oOrigin)) {
          left = o
          conflicting.clear()
        }
      }
      o = o.right
    }
    run.left = left
    run.right = left ? left.right : this.head
    if (run.right) run.right.left = run
    if (left) left.right = run
    else this.head = run
    this.index(run)
  }

  private last(): TextRun | null {
    let run = this.head
    while (run?.right) run = run.right
    return run
  }

  private index(run: TextRun): void {
    let list = this.byClient.get(run.client)
    if (!list) this.byClient.set(run.client, (list = []))
    let low = 0
    let high = list.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((list[mid] as TextRun).clock < run.clock) low = mid + 1
      else high = mid
    }
    list.splice(low, 0, run)
  }

  /** The run holding `id`, in this text. */
  private find(id: Y.ID): TextRun | null {
    return runAt(this.byClient.get(id.client), id.clock)
  }
}

/** The run of `runs` (one client's, sorted by clock) holding `clock`. */
function runAt(runs: TextRun[] | undefined, clock: number): TextRun | null {
  if (!runs) return null
  let low = 0
  let high = runs.length
  while (low < high) {
    const mid = (low + high) >>> 1
    const run = runs[mid] as TextRun
    if (run.clock + run.len <= clock) low = mid + 1
    else high = mid
  }
  const run = runs[low]
  return run && run.clock <= clock ? run : null
}

function sameId(a: Y.ID | null, b: Y.ID | null): boolean {
  return a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock)
}

/** The run of `item` over clocks [from, to). */
export function runOf(item: Y.Item, from: number, to: number, origin: Y.ID | null, fresh: boolean): TextRun {
  const { content } = item
  const offset = from - item.id.clock
  const len = to - from
  let text: string | null = null
  let format: TextRun['format'] = null
  if (content instanceof Y.ContentFormat) format = { key: content.key, value: content.value }
  else if (content instanceof Y.ContentString) text = content.str.slice(offset, offset + len)
  else if (content.isCountable()) text = '\ufffc'.repeat(len)
  const deleted = fresh ? content instanceof Y.ContentDeleted : item.deleted
  return {
    client: item.id.client,
    clock: from,
    len,
    text,
    format,
    origin,
    rightOrigin: item.rightOrigin,
    fresh,
    deleted,
    gone: false,
    left: null,
    right: null,
    before: [],
    ghost: [],
    after: [],
    marksBefore: null,
    marksAfter: null,
  }
}

/** Fill each run's cover keys: now (live values), at some time (kept values too), after the update. */
export function walkText(head: TextRun | null): void {
  const walk = (applies: (run: TextRun) => boolean, counts: (run: TextRun) => boolean, visit: (run: TextRun, keys: CoverKey[], marks: Map<string, unknown>) => void) => {
    const marks = new Map<string, unknown>()
    let keys: CoverKey[] = []
    for (let run = head; run !== null; run = run.right) {
      if (run.format) {
        if (!applies(run)) continue
        if (run.format.value === null) marks.delete(run.format.key)
        else marks.set(run.format.key, run.format.value)
        if (isSuggestionFormat(run.format.key)) keys = [...marks].flatMap(([key, value]) => formatCover(key, value))
      } else if (run.text !== null && counts(run)) {
        visit(run, keys, marks)
      }
    }
  }
  const now = (run: TextRun) => !run.fresh && !run.deleted
  walk(now, now, (run, keys, marks) => {
    run.before = keys
    if (keys.length > 0) run.marksBefore = new Map(marks)
  })
  walk(
    (run) => !run.fresh,
    (run) => !run.fresh,
    (run, keys) => {
      run.ghost = keys
    },
  )
  const after = (run: TextRun) => !run.deleted && !run.gone
  walk(after, after, (run, keys, marks) => {
    run.after = keys
    if (run.before.length > 0) run.marksAfter = new Map(marks)
  })
}
