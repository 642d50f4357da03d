/** The `paint` benchmark's tables: the figures against their goals, then where the time went. */
import { meetsPaintGoal, paintGoal, type PaintResult, type PaintRun, type Profiled } from './paint'
import type { HotFunction } from './pageProfile'
import { ms, printTable, quantile } from './stats'

const count = (n: number) => n.toLocaleString('en-US')

/** 'p95 ≤ 16 ms, p99 ≤ 33 ms: met' for a run with others typing; '' otherwise. */
function goalCell(run: PaintRun): string {
  if (run.page !== 'app' || run.others === 0) return ''
  const goal = paintGoal(run.words)
  return `p95 ≤ ${goal.p95} ms${goal.p99 === null ? '' : `, p99 ≤ ${goal.p99} ms`}: ${meetsPaintGoal(run) ? 'met' : 'MISSED'}`
}

function label(run: PaintRun): string {
  if (run.page === 'bare') return 'plain contenteditable (floor)'
  if (run.page === 'editor') return "TipTap + y-tiptap alone (the stack's floor)"
  return `the app, checks ${run.checks ? 'on' : 'off'}`
}

/** Event Timing: how many presses reached 16 ms, and its p95 ('< 16 ms' when under the threshold). */
function eventTimingCell(run: PaintRun): string {
  const over = run.eventTiming.filter((value) => value > 0).length
  const p95 = quantile(run.eventTiming, 0.95)
  return `${over}/${run.eventTiming.length}, p95 ${p95 > 0 ? ms(p95) : '< 16 ms'}`
}

/** Sockets reopened, and how the closed ones closed (`1006 ×3`). */
function reopenedCell(run: PaintRun): string {
  const closes = Object.entries(run.closes).map(([how, times]) => `${how} ×${times}`)
  return closes.length > 0 ? `${run.reopened} (closed: ${closes.join(', ')})` : String(run.reopened)
}

/** A difference in milliseconds with its sign: '+5.80 ms'. */
function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${ms(value)}`
}

function profileRows(rows: readonly HotFunction[]): string[][] {
  return rows.map((row) => [row.name, row.where, ms(row.ms), `${(row.share * 100).toFixed(1)} %`])
}

/** Print the paint tables of `result`: the figures, then the long animation frames of each run. */
export function printPaintTables(result: PaintResult, presses: number, others: number): void {
  const alone = (of: PaintRun) => result.runs.find((run) => run.words === of.words && run.others === 0 && run.checks === of.checks)
  // The same story and company with the copy desk's checks off: what checking as one types costs.
  const checksOff = (of: PaintRun) => result.runs.find((run) => run.words === of.words && run.others === of.others && !run.checks)
  const sizes = [...new Set(result.runs.map((run) => run.words))]
  const ordered = sizes.flatMap((words) => [
    ...result.floors.filter((run) => run.words === words),
    ...result.runs.filter((run) => run.words === words).sort((a, b) => a.others - b.others || Number(b.checks) - Number(a.checks)),
  ])
  const rows = ordered.map((run) => {
    const reference = run.page === 'app' && run.others > 0 ? alone(run) : undefined
    const off = run.page === 'app' && run.checks ? checksOff(run) : undefined
    const p95 = quantile(run.latencies, 0.95)
    return [
      label(run),
      count(run.words),
      run.page === 'bare' ? '–' : run.others === 0 ? 'nobody (reference)' : `${run.others} others${run.page === 'editor' ? ' (in a worker)' : ''}`,
      String(run.latencies.length) + (run.noInput > 0 ? ` (${run.noInput} untyped)` : ''),
      ms(quantile(run.latencies, 0.5)),
      ms(p95),
      ms(quantile(run.latencies, 0.99)),
      goalCell(run),
      reference ? signed(p95 - quantile(reference.latencies, 0.95)) : '',
      off ? `${signed(quantile(run.latencies, 0.5) - quantile(off.latencies, 0.5))} / ${signed(p95 - quantile(off.latencies, 0.95))}` : '',
      ms(quantile(run.inputDelays, 0.95)),
      eventTimingCell(run),
      run.longTasks.count === 0 ? '0' : `${run.longTasks.count} (max ${ms(run.longTasks.maxMs)})`,
      run.page === 'app' && run.others > 0 ? count(run.othersTyped) : '',
      run.page === 'app' ? reopenedCell(run) : '',
    ]
  })
  printTable(
    `Key press → next paint in Chromium: the built app from the real server, a reporter typing ${presses} characters 70–130 ms apart in paragraph 3 of a story they lead, ` +
      `${others} others (y-websocket clients in Node, signed in) each typing a character every ~200 ms (one 3 paragraphs below, the rest spread through the story). ` +
      'Per key press: keydown timestamp → first task after the frame that followed its input event (rAF + MessageChannel). ' +
      'References: the same story with nobody else in it, the same with the copy desk\'s "Check spelling and style as I type" turned off (the Review tab\'s switch; no checker worker, no marks), ' +
      'a plain contenteditable page holding the same words (no app) in the same browser, ' +
      "and the stack's floor: TipTap with the story's schema and y-tiptap's Collaboration alone on the same words, its paragraphs out of view skipped as in the app, the same others typing in a worker and their edits applied in the page (no network, no carets, nothing else of the app). " +
      'Goals: 10,000 words p95 ≤ 16 ms, p99 ≤ 33 ms; 50,000 words p95 ≤ 33 ms.',
    ['page', 'words', 'others typing', 'presses', 'p50', 'p95', 'p99', 'goal', 'p95 vs nobody', 'p50 / p95 vs checks off', 'input delay p95', 'Event Timing ≥ 16 ms', 'long tasks', 'remote chars seen', 'socket reopened'],
    rows,
  )

  printTable(
    'Long animation frames (over 50 ms) while measuring, by the Long Animation Frames API; the script that took longest in them (mapped through the source maps)',
    ['page', 'words', 'others typing', 'frames', 'total', 'max', 'in scripts', 'in rendering', 'longest script: invoker → function (total, times)'],
    result.runs.map((run) => {
      const top = run.frames.scripts[0]
      return [
        label(run),
        count(run.words),
        run.others === 0 ? 'nobody' : `${run.others} others`,
        String(run.frames.count),
        ms(run.frames.totalMs),
        ms(run.frames.maxMs),
        ms(run.frames.scriptMs),
        ms(run.frames.renderMs),
        top ? `${top.invoker} → ${top.where} (${ms(top.totalMs)}, ${top.count}×)` : '–',
      ]
    }),
  )
}

/** Print the tables of a profiled run (`npm run bench -- paint-profile`). */
export function printPaintProfile(profile: Profiled): void {
  const { summary } = profile
  const what = `${profile.presses} key presses, ${count(profile.words)} words, ${profile.others} others typing, copy desk checks ${profile.checks ? 'on' : 'off'} (CDP Profiler, 0.5 ms sampling; busy ${ms(summary.busyMs)} of ${ms(summary.totalMs)})`
  printTable(`Where the main thread went, ${what}: self time by function; a browser built-in is named with its caller`, ['function', 'where', 'self', 'share of busy'], profileRows(summary.functions))
  printTable(
    'The same profile by our code: all time under the innermost src/ function on the stack (a wrapper of ours, such as the editor\'s dispatchTransaction, holds everything it calls)',     ['our function', 'where', 'time', 'share of busy'],
    profileRows(summary.appCallers),
  )
  printTable(`The same profile by package (self time)`, ['package', '', 'self', 'share of busy'], profileRows(summary.packages))
  printTable(
    `The same run's renderer main thread in a Chromium trace (devtools.timeline), self time by event: what the JS profile calls (program) (busy ${ms(profile.trace.busyMs)})`,
    ['trace event', 'self', 'share of busy'],
    profile.trace.slices.map((slice) => [slice.name, ms(slice.ms), `${(slice.share * 100).toFixed(1)} %`]),
  )
  printTable(
    `The same run's long animation frames (${profile.frames.count}, ${ms(profile.frames.totalMs)}; ${ms(profile.frames.scriptMs)} in scripts, ${ms(profile.frames.renderMs)} in rendering): their scripts by invoker and function`,
    ['invoker', 'function', 'total', 'times'],
    profile.frames.scripts.map((script) => [script.invoker, script.where, ms(script.totalMs), String(script.count)]),
  )
}
