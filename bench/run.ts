/**
 * `npm run bench`: every benchmark, printed as tables. Medians and 95th percentiles, each next
 * to its reference measured in the same run. A benchmark, not a test: nothing here fails on a
 * slow machine. Pass section names to run only some: `npm run bench -- keystroke load trace cluster`.
 */
import os from 'node:os'
import { benchRemoteKeystrokeChromium } from './browserKeystroke'
import { benchRemoteKeystroke } from './remoteKeystroke'
import { benchStoryLoad } from './storyLoad'
import { median, ms, printTable, quantile } from './stats'
import { benchCluster } from './cluster'
import { replayBare, replayThroughServer, type FanOut } from './traceReplay'
import { loadTrace } from './traces'

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
