/** Real servers for tests: in-process on port 0, or a child process that can be killed. */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type RunningServer } from '../../server/app'
import { readConfig } from '../../server/config'
import { createLogger } from '../../server/logger'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A fresh, empty data folder under the OS temp dir. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-test-'))
}

/** Start the real server in this process on a free port. */
export async function startTestServer(options: { dataDir?: string; staticDir?: string | null; port?: number } = {}): Promise<RunningServer> {
  const config = readConfig({ PORT: String(options.port ?? 0), HOST: '127.0.0.1', DATA_DIR: options.dataDir ?? tempDataDir() })
  return startServer({ ...config, staticDir: options.staticDir ?? null }, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'))
}

export interface ChildServer {
  url: string
  port: number
  process: ChildProcess
  /** Resolves when the process has exited. */
  exited: Promise<number | null>
}

/** Start `server/main.ts` as a child process (for kill -9 tests); resolves once it listens. */
export async function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 20_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      for (const line of buffer.split('\n')) {
        if (!line.includes('deskline listening')) continue
        clearTimeout(timer)
        resolve((JSON.parse(line) as { port: number }).port)
      }
    })
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)))
  })
  return { url: `http://127.0.0.1:${port}`, port, process: child, exited }
}

/** POST JSON and return status and parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

/** Create a story through the API and return its id. */
export async function createStoryVia(baseUrl: string, body: Record<string, unknown> = {}): Promise<string> {
  const { status, body: answer } = await postJson(`${baseUrl}/api/stories`, body)
  if (status !== 201) throw new Error(`create story failed: ${status} ${JSON.stringify(answer)}`)
  return (answer as { id: string }).id
}
