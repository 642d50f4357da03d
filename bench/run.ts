/**
 * `npm run bench`: every benchmark, printed as tables. Medians and 95th percentiles, each next
 * to its reference measured in the same run. A benchmark, not a test: nothing here fails on a
 * slow machine. Pass section names to run only some: `npm run bench -- keystroke trace fanout load copydesk copydesk-open cluster paint bundle soak`;
 * `-- paint-profile` (never in the default run) profiles typing into the 50,000-word story
 * (`PAINT_WORDS=10000` for the smaller one; `PAINT_PROFILE_OUT=<prefix>` also writes the raw
 * CPU profile and trace).
 */
import os from 'node:os'
import { benchRemoteKeystrokeChromium } from './browserKeystroke'
import { benchRemoteKeystroke } from './remoteKeystroke'
import { benchColdOpen } from './coldOpen'
import { benchStoryMemory } from './storyMemory'
import { benchCopyDesk } from './copyDesk'
import { benchCopyDeskOpen, COPY_DESK_OPEN_GOAL_MS } from './copyDeskOpen'
import { benchBundle, printBundleTable } from './bundle'
import { benchPaint, profilePaint } from './paint'
import { printPaintProfile, printPaintTables } from './paintTables'
import { median, ms, printTable, quantile } from './stats'
import { benchCluster } from './cluster'
import { encodeTrace, replayBare, replayThroughServer, type FanOut, type ServerReplay } from './traceReplay'
import { loadTrace } from './traces'
import { benchSoak, SOAK_CLIENTS, SOAK_STORIES } from './soak'
import { fanOutRun, startOurs, startReference, type FanOutRun, type FanOutTarget } from './fanOut'

// Eleven providers in one process each watch process exit.
process.setMaxListeners(64)

const wanted = new Set(process.argv.slice(2))
const run = (name: string) => wanted.size === 0 || wanted.has(name)

console.log(`Deskline benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`)

if (run('keystroke')) {
  const rows: string[][] = []
  const ratio = (stock: number, ours: number) => `${(stock / ours).toFixed(1)}×`
  for (const focus of [false, true]) {
    for (const result of await benchRemoteKeystrokeChromium([10_000, 50_000], { focus })) {
      rows.push([
        `Chromium, ${focus ? 'caret in the story' : 'not focused'}`,
        result.words.toLocaleString('en-US'),
        `${ms(result.stock.p50)} / ${ms(result.stock.p95)}`,
        `${ms(result.ours.p50)} / ${ms(result.ours.p95)}`,
        ratio(result.stock.p95, result.ours.p95),
      ])
    }
  }
  for (const words of [10_000, 50_000]) {
    const result = await benchRemoteKeystroke(words)
    rows.push([
      'jsdom (no layout)',
      words.toLocaleString('en-US'),
      `${ms(result.stock.p50)} / ${ms(result.stock.p95)}`,
      `${ms(result.ours.p50)} / ${ms(result.ours.p95)}`,
      ratio(result.stock.p95, result.ours.p95),
    ])
  }
  printTable(
    'Remote keystroke into an open story: synchronous JS of Y.applyUpdate + binding + view (200 keystrokes, p50 / p95). Target: ours ≤ 5 ms p95 at 50k words.',
    ['where', 'words', 'stock y-tiptap', 'ours (incrementalSync)', 'p95 stock/ours'],
    rows,
  )
}

if (run('trace')) {
  const trace = loadTrace('automerge-paper')
  const encoded = encodeTrace(trace)
  const bare: number[] = []
  for (let i = 0; i < 3; i++) bare.push(replayBare(encoded, trace.endContent))
  const bareMedian = median(bare)
  const row = (label: string, result: ServerReplay) => [
    label,
    ms(result.totalMs),
    Math.round(result.edits / (result.totalMs / 1000)).toLocaleString('en-US'),
    `${(result.totalMs / bareMedian).toFixed(1)}×`,
    result.serverCpuMs === undefined ? '–' : ms(result.serverCpuMs),
    ms(result.benchCpuMs),
  ]
  const framed = await replayThroughServer(trace, 10)
  const corked = await replayThroughServer(trace, 10, true)
  printTable(
    `automerge-paper trace (${trace.txns.length.toLocaleString('en-US')} edits, one transaction and one update each, encoded before the clock starts): a bare Y.applyUpdate loop vs through the server (child process, SQLite on; 1 writer sending the updates, one frame each, + 10 readers, until every reader has the final text and the server acknowledged storage). CPU: the server process's, and this process's (writer and readers). Goal: ≤ 3× bare.`,
    ['replay', 'time', 'edits/s', 'vs bare', 'server CPU', 'bench CPU'],
    [
      ['bare Y.applyUpdate loop, one process (median of 3)', ms(bareMedian), Math.round(trace.txns.length / (bareMedian / 1000)).toLocaleString('en-US'), '1.0×', '', ''],
      row(`server, ${framed.readers} readers; the writer's socket writes each frame by itself`, framed),
      row(`server, ${corked.readers} readers; the writer's socket corked per 250 edits (one write, same frames)`, corked),
    ],
  )
}

if (run('fanout')) {
  const rows: string[][] = []
  for (const readers of [50, 500]) {
    const runs = new Map<string, FanOutRun>()
    // The reference first, then ours, each on a fresh server process.
    for (const [label, start] of [['reference y-websocket server (stores nothing)', () => startReference()], ['Deskline (SQLite, stored before relay)', () => startOurs(readers + 10)]] as const) {
      const target: FanOutTarget = await start()
      try {
        runs.set(label, await fanOutRun(target, readers))
      } finally {
        await target.stop()
      }
    }
    const reference = [...runs.values()][0] as FanOutRun
    for (const [label, result] of runs) {
      rows.push([
        String(readers),
        label,
        ms(median(result.latencies)),
        ms(quantile(result.latencies, 0.95)),
        ms(quantile(result.latencies, 0.99)),
        `${result.delivered.toLocaleString('en-US')} / ${result.expected.toLocaleString('en-US')}`,
        result.converged ? 'yes' : 'NO',
        `${(quantile(result.latencies, 0.99) / quantile(reference.latencies, 0.99)).toFixed(2)}×`,
      ])
    }
  }
  printTable(
    'Fan-out: 1 writer types 500 characters at 50/s into one story; light readers (a socket each, no Y.Doc) note when each keystroke reaches them, and 3 full providers must converge. Goals: p99 ≤ 0.8× the reference at 50 readers; p99 ≤ 50 ms at 500, every delivery.',
    ['readers', 'server', 'p50', 'p95', 'p99', 'delivered', 'converged', 'p99 vs reference'],
    rows,
  )
}

if (run('load')) {
  const result = await benchColdOpen()
  const open = median(result.openMs)
  const bare = median(result.bareMs)
  printTable(
    `Cold open of a heavily edited ${result.words.toLocaleString('en-US')}-word story (imported, then ${result.edits.toLocaleString('en-US')} word edits; ${(result.stateBytes / 1024).toFixed(0)} KiB of state), server started just before each open. Goal: ≤ 0.5× the reference.`,
    ['measure', 'median', 'p95', 'runs', 'vs reference'],
    [
      ['Deskline: connect → the whole story has arrived at the reader', ms(median(result.receivedMs)), ms(quantile(result.receivedMs, 0.95)), String(result.receivedMs.length), `${(median(result.receivedMs) / bare).toFixed(2)}×`],
      ['Deskline: connect → the reader has applied it (holds the whole story)', ms(open), ms(quantile(result.openMs, 0.95)), String(result.openMs.length), `${(open / bare).toFixed(2)}×`],
      ['reference: a fresh process reads the rows, applies them to a bare Y.Doc and encodes it', ms(bare), ms(quantile(result.bareMs, 0.95)), String(result.bareMs.length), '1.00×'],
      ["the reader's floor: Y.applyUpdate of the stored bytes in the bench process", ms(median(result.applyMs)), ms(quantile(result.applyMs, 0.95)), String(result.applyMs.length), `${(median(result.applyMs) / bare).toFixed(2)}×`],
    ],
  )
}

if (run('memory')) {
  const results = await benchStoryMemory()
  const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`
  printTable(
    'Server memory per open 50,000-word story (live heap + ArrayBuffers after a full GC, one reader in the story) vs a bare Y.Doc loaded from the same stored bytes in a fresh process. ' +
      'The server keeps the story encoded for new readers while they keep coming, and lets it go 5 s after the last: "open" is measured after that, "serving" just after a new reader. Goal: ≤ 1.2× open.',
    ['story', 'server, open', 'server, serving', 'bare Y.Doc', 'open vs bare', 'serving vs bare'],
    results.map((result) => [
      result.story,
      mib(result.serverKb),
      mib(result.servingKb),
      mib(result.bareKb),
      `${(result.serverKb / result.bareKb).toFixed(2)}×`,
      `${(result.servingKb / result.bareKb).toFixed(2)}×`,
    ]),
  )
}

if (run('copydesk')) {
  const result = benchCopyDesk()
  printTable(
    `Copy desk checker (nspell + dictionary-en + the house style rules, in this process as its Web Worker runs it): a ${result.words.toLocaleString('en-US')}-word story in ${result.paragraphs} paragraphs, ${result.issues} issues found. Goal: a whole story checked in under a second.`,
    ['measure', 'median', 'p95', 'runs'],
    [
      ['start-up: the dictionary read into the speller', ms(result.startupMs), '', '1'],
      ['the whole story checked (opening it)', ms(median(result.fullCheckMs)), ms(quantile(result.fullCheckMs, 0.95)), String(result.fullCheckMs.length)],
      ['one keystroke: its paragraph checked again (the others are kept)', ms(median(result.keystrokeMs)), ms(quantile(result.keystrokeMs, 0.95)), String(result.keystrokeMs.length)],
    ],
  )
}

if (run('copydesk-open')) {
  const result = await benchCopyDeskOpen()
  const gaps = result.checkedMs.map((checked, index) => checked - (result.shownMs[index] ?? Number.NaN))
  const costs = result.shownMs.map((shown, index) => shown - (result.offShownMs[index] ?? Number.NaN))
  const row = (label: string, values: number[], goal = '', met = '') => [label, ms(median(values)), ms(quantile(values, 0.95)), String(values.length), goal, met]
  // Opened: the story is on screen. What comes before it (the page and its scripts loading, the
  // story arriving) is the same with checks off, the reference below.
  const checked = quantile(gaps, 0.95)
  printTable(
    `Opening a ${result.words.toLocaleString('en-US')}-word story (${result.paragraphs} paragraphs of news copy, ${result.planted} misspellings planted, all marked in every run) in the built app, Chromium, a fresh page load each (cache and IndexedDB empty); checks on and off alternate. Goal (issue 13): the whole story checked ≤ ${ms(COPY_DESK_OPEN_GOAL_MS)} after it opens (its body is shown), at p95.`,
    ['measure', 'median', 'p95', 'runs', 'goal', 'met'],
    [
      row('checks on: navigation start → story body shown (painted)', result.shownMs),
      row("checks on: navigation start → whole story checked (every paragraph's result drawn, painted)", result.checkedMs),
      row('checks on: story opened (body shown) → whole story checked (same load)', gaps, `≤ ${ms(COPY_DESK_OPEN_GOAL_MS)}`, checked <= COPY_DESK_OPEN_GOAL_MS ? 'met' : 'MISSED'),
      row('reference, checks off: navigation start → story body shown (painted)', result.offShownMs),
      row('body shown, checks on − checks off (pairs of loads)', costs),
    ],
  )
}

if (run('cluster')) {
  const trace = loadTrace('automerge-paper')
  const result = await benchCluster(trace)
  const { single, cluster } = result.replay
  const p99 = (fan: FanOut) => quantile(fan.latencies, 0.99)
  const fanRow = (label: string, fan: FanOut, reference: FanOut) => [
    label,
    ms(median(fan.latencies)),
    ms(quantile(fan.latencies, 0.95)),
    ms(p99(fan)),
    `${fan.delivered.toLocaleString('en-US')} / ${fan.expected.toLocaleString('en-US')}`,
    `${(p99(fan) / p99(reference)).toFixed(1)}×`,
  ]
  printTable(
    `Cluster: ${result.nodes} nodes on PostgreSQL + Redis vs one node on SQLite, same run. Trace replay (automerge-paper, 1 writer on the first node, ${single.readers} readers spread over the nodes). Goal: cluster ≤ 2× single.`,
    ['replay', 'time', 'edits/s', 'vs single'],
    [
      ['one node, SQLite', ms(single.totalMs), Math.round(single.edits / (single.totalMs / 1000)).toLocaleString('en-US'), '1.0×'],
      [`${result.nodes} nodes, PostgreSQL + Redis`, ms(cluster.totalMs), Math.round(cluster.edits / (cluster.totalMs / 1000)).toLocaleString('en-US'), `${(cluster.totalMs / single.totalMs).toFixed(1)}×`],
    ],
  )
  printTable(
    `Fan-out: 1 writer at 50 edits/s for 500 edits, ${result.fanOut.single.expected / 500} readers (spread over the nodes in the cluster); keystroke → reader's document. Goal: cluster p99 ≤ 2× single.`,
    ['fan-out', 'p50', 'p95', 'p99', 'delivered', 'p99 vs single'],
    [fanRow('one node, SQLite', result.fanOut.single, result.fanOut.single), fanRow(`${result.nodes} nodes, PostgreSQL + Redis`, result.fanOut.cluster, result.fanOut.single)],
  )
}

// `PAINT_CHECKS=on` measures the app with the copy desk's checks on only (a build without the
// switch); `PAINT_OTHERS=0` profiles typing alone.
const paintChecks = process.env.PAINT_CHECKS === 'on' ? [true] : process.env.PAINT_CHECKS === 'off' ? [false] : [true, false]

// `PAINT_WORDS=10000` measures (or profiles) one story size.
const paintWords = process.env.PAINT_WORDS ? [Number(process.env.PAINT_WORDS)] : null

if (run('paint')) {
  const presses = 200
  const others = 5
  printPaintTables(await benchPaint(paintWords ?? [10_000, 50_000], { presses, others, checks: paintChecks }), presses, others)
}

// Only when asked for by name (not in the default run): the profiler and the trace slow the page.
if (wanted.has('paint-profile')) {
  printPaintProfile(await profilePaint(paintWords?.[0] ?? 50_000, { presses: 60, others: Number(process.env.PAINT_OTHERS ?? 5), checks: paintChecks }))
}

if (run('bundle')) {
  printBundleTable(await benchBundle())
}

if (run('soak')) {
  const result = await benchSoak()
  const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`
  const count = (value: number) => value.toLocaleString('en-US')
  printTable(
    `Soak: ${SOAK_CLIENTS} stock providers over ${SOAK_STORIES} stories typing 2–5 keystrokes/s (30 s, a kill -9 and restart of the server, 30 s more), random disconnects and closed tabs; server RSS (child process). Goal: every story converges, 0 acknowledged words lost, memory back near its baseline after everyone leaves.`,
    ['measure', 'value'],
    [
      ['keystrokes sent', count(result.keystrokes)],
      ['words typed', count(result.words)],
      ['saved requests / acknowledged', `${count(result.savedRequests)} / ${count(result.acks)} (not saved: ${count(result.notSaved)})`],
      ['reconnects / tabs closed', `${count(result.reconnects)} / ${count(result.tabsClosed)}`],
      ['kill -9 → restarted server behind the relay', ms(result.downtimeMs)],
      ['stories converged (tabs, fresh reader, stored copy)', `${result.storiesConverged} / ${SOAK_STORIES}`],
      ['acknowledged words lost (must be 0)', count(result.lostAcked.length)],
      ['words of open tabs lost (must be 0)', count(result.lostTyped.length)],
      ['unacknowledged words of closed tabs not stored', count(result.unackedGone)],
      ['permanent closes (must be 0)', count(result.permanentCloses.length)],
      ['RSS: first process, idle (warmed)', mib(result.memory.firstBaselineKb)],
      ['RSS: restarted process, idle (warmed): baseline', mib(result.memory.baselineKb)],
      ['RSS: peak', mib(result.memory.peakKb)],
      [`RSS: ${(result.memory.settledMs / 1000).toFixed(1)} s after everyone left`, `${mib(result.memory.afterLeaveKb)} (${(result.memory.afterLeaveKb / result.memory.baselineKb).toFixed(2)}× baseline)`],
      ['live heap after a full GC: idle (restarted, warmed) → after everyone left', `${mib(result.memory.heapBaselineKb ?? Number.NaN)} → ${mib(result.memory.heapAfterLeaveKb ?? Number.NaN)}`],
    ],
  )
}
