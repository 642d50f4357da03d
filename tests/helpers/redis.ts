/**
 * A throwaway Redis for tests: Debian's `redis-server` on a free port, nothing persisted, stopped
 * afterwards. `restart` stops it and starts it again on the same port (a Redis restart).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './postgres'

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string
  port: number
  /** Stop (killed, as in a crash) and start again on the same port; everything in it is gone. */
  restart(): Promise<void>
  stop(): Promise<void>
}

function findRedis(): string {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (fs.existsSync(candidate)) return candidate
  throw new Error('redis-server is not installed: apt-get install -y redis-server (.ci/run does)')
}

async function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${String(code)}: ${out}`))
    })
  })
  return child
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGKILL')
  return exited
}

/** Start a Redis; resolves once it accepts connections. */
export async function startRedis(): Promise<TestRedis> {
  const bin = findRedis()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-redis-'))
  const port = await freePort()
  let child = await launch(bin, port, dir)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await kill(child)
      child = await launch(bin, port, dir)
    },
    async stop() {
      await kill(child)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
