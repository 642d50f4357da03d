/**
 * A throwaway PostgreSQL cluster for tests: Debian's `postgresql` binaries, a fresh data folder
 * under the OS temp dir, a free port, stopped and removed afterwards. PostgreSQL refuses to run as
 * root, so as root it runs as the `postgres` user the package creates.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string
  port: number
  /** A fresh, empty database on this cluster; its URL. */
  createDatabase(): Promise<string>
  /** Stop the server at once (as a crash or a lost machine would); `resume` starts it again, data kept. */
  pause(): Promise<void>
  resume(): Promise<void>
  stop(): Promise<void>
}

/** The newest installed server's bin folder. */
function binDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (!newest) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does)')
  return path.join(root, newest, 'bin')
}

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Start a cluster; resolves once it accepts connections. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir()
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-pg-'))
  const data = path.join(root, 'data')
  const asRoot = process.getuid?.() === 0
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : path.join(bin, tool), asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
    fs.chownSync(root, uid, gid)
  }
  run('initdb', ['-A', 'trust', '-U', 'postgres', '-D', data, '--no-sync', '-E', 'UTF8', '--locale=C'])
  const port = await freePort()
  // fsync off: a test cluster dies with its machine; the server under test is what must not lose data.
  const start = () =>
    run('pg_ctl', ['-D', data, '-l', path.join(root, 'log'), '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-w', 'start'])
  start()
  let databases = 0
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async createDatabase() {
      const name = `deskline_${++databases}`
      run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name])
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    async pause() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    },
    async resume() {
      start()
    },
    async stop() {
      try {
        // Not running (paused by the test) is fine: there is nothing to stop.
        if (fs.existsSync(path.join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        fs.rmSync(root, { recursive: true, force: true })
      }
    },
  }
}
