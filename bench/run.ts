/**
 * `npm run bench`: every benchmark, printed as tables. Medians and 95th percentiles, each next
 * to its reference measured in the same run. A benchmark, not a test: nothing here fails on a
 * slow machine. Pass section names to run only some: `npm run bench -- keystroke load trace cluster paint bundle soak`;
 * `-- paint-profile` (never in the default run) profiles typing into the 50,000-word story.
 */
import os from 'node:os'
import { benchRemoteKeystrokeChromium } from './browserKeystroke'
import { benchRemoteKeystroke } from './remoteKeystroke'
import { benchStoryLoad } from './storyLoad'
import { benchBundle, printBundleTable } from './bundle'
import { benchPaint, profilePaint } from './paint'
import { printPaintProfile, printPaintTables } from './paintTables'
import { median, ms, printTable, quantile } from './stats'
import { benchCluster } from './cluster'
import { replayBare, replayThroughServer, type FanOut } from './traceReplay'
import { loadTrace } from './traces'
import { benchSoak, SOAK_CLIENTS, SOAK_STORIES } from './soak'

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
  const bare: number[] = []
  for (let i = 0; i < 3; i++) bare.push(replayBare(trace))
  const server = await replayThroughServer(trace, 10)
  const bareMedian = median(bare)
  printTable(
    `automerge-paper trace (${trace.txns.length.toLocaleString('en-US')} edits, one transaction each): bare Y.Doc vs through the server (child process, SQLite on, 1 writer + 10 readers, until every reader has the final text and the server acknowledged storage)`,
    ['replay', 'time', 'edits/s', 'vs bare'],
    [
      ['bare Y.Doc, one process (median of 3)', ms(bareMedian), Math.round(trace.txns.length / (bareMedian / 1000)).toLocaleString('en-US'), '1.0×'],
      [
        `server, ${server.readers} readers`,
        ms(server.totalMs),
        Math.round(server.edits / (server.totalMs / 1000)).toLocaleString('en-US'),
        `${(server.totalMs / bareMedian).toFixed(1)}×`,
      ],
    ],
  )
}

if (run('load')) {
  const result = await benchStoryLoad(50_000)
  printTable(
    `Open a stored ${result.words.toLocaleString('en-US')}-word story (imported, then 500 edits in the log tail; ${(result.stateBytes / 1024).toFixed(0)} KiB of state): connect → first sync, story not in memory`,
    ['measure', 'median', 'p95', 'runs'],
    [
      ['cold open through the server (SQLite snapshot + tail → sync step 2 → client)', ms(median(result.coldMs)), ms(quantile(result.coldMs, 0.95)), String(result.coldMs.length)],
      ['reference: Y.applyUpdate of the same state in this process', ms(median(result.applyMs)), ms(quantile(result.applyMs, 0.95)), String(result.applyMs.length)],
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

if (run('paint')) {
  const presses = 200
  const others = 5
  printPaintTables(await benchPaint([10_000, 50_000], { presses, others }), presses, others)
}

// Only when asked for by name (not in the default run): the profiler and the trace slow the page.
if (wanted.has('paint-profile')) {
  printPaintProfile(await profilePaint(50_000, { presses: 60, others: 5 }))
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
