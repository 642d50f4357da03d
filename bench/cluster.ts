/**
 * The cluster section of `npm run bench`: three nodes on PostgreSQL + Redis against one node on
 * SQLite, in the same run. Each node is a child process (`npm start`'s server), PostgreSQL and
 * Redis the test helpers' throwaway servers.
 */
import { startPostgres } from '../tests/helpers/postgres'
import { startRedis } from '../tests/helpers/redis'
import { startChildServer, tempDataDir, tokenFor, type ChildServer } from '../tests/helpers/server'
import { fanOut, replayThrough, type FanOut, type ServerReplay } from './traceReplay'
import type { SequentialTrace } from './traces'

export interface ClusterResult {
  replay: { single: ServerReplay; cluster: ServerReplay }
  fanOut: { single: FanOut; cluster: FanOut }
  nodes: number
}

async function stopAll(servers: ChildServer[]): Promise<void> {
  for (const server of servers) server.process.kill('SIGTERM')
  await Promise.all(servers.map((server) => server.exited))
}

/** Replay and fan-out through one SQLite node, then through `nodes` nodes on PostgreSQL + Redis. */
export async function benchCluster(trace: SequentialTrace, options: { nodes?: number; readers?: number; fanOutReaders?: number } = {}): Promise<ClusterResult> {
  const nodes = options.nodes ?? 3
  const readers = options.readers ?? 9
  const fanOutReaders = options.fanOutReaders ?? 30

  const single = await startChildServer(tempDataDir())
  let singleReplay: ServerReplay
  let singleFanOut: FanOut
  try {
    const token = await tokenFor(single.url, 'chief', 'newsroom')
    singleReplay = await replayThrough([single.url], token, trace, readers)
    singleFanOut = await fanOut([single.url], token, fanOutReaders)
  } finally {
    await stopAll([single])
  }

  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()])
  const servers: ChildServer[] = []
  try {
    const env = { NEWSROOM_DEMO: '1', DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url }
    for (let index = 0; index < nodes; index++) servers.push(await startChildServer(tempDataDir(), { ...env, NODE_NAME: `bench-${index}` }))
    const urls = servers.map((server) => server.url)
    const token = await tokenFor(urls[0] as string, 'chief', 'newsroom')
    const clusterReplay = await replayThrough(urls, token, trace, readers)
    const clusterFanOut = await fanOut(urls, token, fanOutReaders)
    return { replay: { single: singleReplay, cluster: clusterReplay }, fanOut: { single: singleFanOut, cluster: clusterFanOut }, nodes }
  } finally {
    await stopAll(servers)
    await Promise.all([postgres.stop(), redis.stop()])
  }
}
