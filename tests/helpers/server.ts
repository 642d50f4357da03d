/** Real servers for tests: in-process on port 0, or a child process that can be killed. */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type RunningServer } from '../../server/app'
import { readConfig, type Config } from '../../server/config'
import { createLogger } from '../../server/logger'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A fresh, empty data folder under the OS temp dir. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-test-'))
}

/** Start the real server in this process on a free port. */
export async function startTestServer(
  options: { dataDir?: string; staticDir?: string | null; port?: number; config?: Partial<Config> } = {},
): Promise<RunningServer> {
  const config = readConfig({ PORT: String(options.port ?? 0), HOST: '127.0.0.1', DATA_DIR: options.dataDir ?? tempDataDir() })
  return startServer({ ...config, staticDir: options.staticDir ?? null, ...options.config }, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'))
}

export interface ChildServer {
  url: string
  port: number
  process: ChildProcess
  /** Resolves when the process has exited. */
  exited: Promise<number | null>
}

/** Start `server/main.ts` as a child process (for kill -9 tests); resolves once it listens. */
export async function startChildServer(dataDir: string, env: Record<string, string> = { NEWSROOM_DEMO: '1' }): Promise<ChildServer> {
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

/** Send JSON (POST unless told) with an optional bearer token; status and parsed body. */
export async function sendJson(
  url: string,
  body: unknown,
  token?: string,
  method = 'POST',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(url, { method, headers, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** POST JSON; see `sendJson`. */
export function postJson(url: string, body: unknown, token?: string) {
  return sendJson(url, body, token)
}

/** GET with a bearer token; status and parsed body. */
export async function getJson(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/**
 * Fetch `pathname` as a browser page of the server does, with the session `cookie`: a method that
 * changes something carries the page's `Origin`, as browsers send it (the server refuses a cookie
 * change without one). Headers in `init` win.
 */
export function withCookie(server: { url: string }, pathname: string, cookie: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase()
  const origin: Record<string, string> = method === 'GET' || method === 'HEAD' ? {} : { origin: server.url }
  return fetch(`${server.url}${pathname}`, { ...init, headers: { ...origin, ...(init.headers as Record<string, string> | undefined), cookie } })
}

/** Create a story through the API and return its id. */
export async function createStoryVia(baseUrl: string, token: string, body: Record<string, unknown> = {}): Promise<string> {
  const { status, body: answer } = await postJson(`${baseUrl}/api/stories`, body, token)
  if (status !== 201) throw new Error(`create story failed: ${status} ${JSON.stringify(answer)}`)
  return (answer as { id: string }).id
}

/** Import a plain-text story through the API and return its id. */
export async function importStoryVia(baseUrl: string, token: string, text: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/stories/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8', authorization: `Bearer ${token}` },
    body: text,
  })
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}

export type TestRole = 'reporter' | 'editor' | 'chief' | 'admin'

/** An account on an in-process server with an API token, straight through its services. */
export async function addUser(
  server: RunningServer,
  username: string,
  role: TestRole,
  password = 'correct horse',
): Promise<{ id: number; token: string; username: string; password: string }> {
  const user = await server.services.users.create({
    username,
    password,
    displayName: username.replace(/^./, (c) => c.toUpperCase()),
    role: role === 'admin' ? 'chief' : role,
    isAdmin: role === 'admin',
  })
  if (!user) throw new Error('user not created')
  const { token } = (await server.services.sessions.create(user.id, 'api'))
  return { id: user.id, token, username, password }
}

/** A token for `username` on an in-process server, creating the account when it is missing. */
export async function signInAs(server: RunningServer, username: string, role: TestRole): Promise<string> {
  const existing = (await server.services.users.byUsername(username))
  if (existing) return (await server.services.sessions.create(existing.id, 'api')).token
  return (await addUser(server, username, role)).token
}

/** Trade a username and password for an API token on any server (e.g. a child process). */
export async function tokenFor(baseUrl: string, username: string, password: string): Promise<string> {
  const { status, body } = await postJson(`${baseUrl}/api/tokens`, { username, password })
  if (status !== 201) throw new Error(`sign-in failed: ${status} ${JSON.stringify(body)}`)
  return body.token as string
}

/**
 * Take the database's write lock from another process, as a backup tool or a stray shell might,
 * and keep it until `release`. Reads go on (WAL); every write of the server fails meanwhile.
 */
export async function lockDatabase(dataDir: string): Promise<{ release(): Promise<void> }> {
  const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n'); process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); process.exit(0) })`
  const locker = spawn(process.execPath, ['-e', script, path.join(dataDir, 'deskline.db')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => locker.once('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    locker.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve())
    void exited.then((code) => reject(new Error(`locker exited with ${String(code)}`)))
  })
  return {
    async release() {
      if (locker.exitCode === null) locker.stdin?.write('go\n')
      await exited
    },
  }
}
