/**
 * HTTP hardening (issue 11): the server answers only under its own names (DNS rebinding), a change
 * riding on the browser cookie must come from its own pages, and one client address can neither
 * hold every socket nor guess passwords quickly, while other addresses go on.
 */
import http from 'node:http'
import { WebSocket } from 'ws'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { Close } from '../../src/shared/protocol'
import { closed, connectClient, rawSocket, synced } from '../helpers/clients'
import { addUser, createStoryVia, startTestServer, withCookie } from '../helpers/server'

const running: RunningServer[] = []
const cleanup: Array<() => unknown> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.()
  while (running.length) await running.pop()?.close()
})

async function server(config: NonNullable<Parameters<typeof startTestServer>[0]>['config'] = {}): Promise<RunningServer> {
  const srv = await startTestServer({ config })
  running.push(srv)
  return srv
}

/** An HTTP request with any headers (`Host` included, which fetch will not send); status and JSON body. */
function request(srv: RunningServer, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Open a WebSocket with `headers`: 101 once open (the socket stays open until the test ends), or the HTTP status it was refused with. */
function upgrade(srv: RunningServer, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${srv.port}${path}`, { headers })
    cleanup.push(() => socket.terminate())
    socket.once('open', () => resolve(101))
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      socket.terminate()
    })
    socket.once('error', reject)
  })
}

/** Sign in like a browser (POST /api/session); the cookie to send back. */
async function browserSession(srv: RunningServer, username: string, password: string): Promise<string> {
  const res = await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: srv.url }, body: JSON.stringify({ username, password }) })
  expect(res.status).toBe(200)
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
}

/** `POST /api/session` from `address` (through a trusted proxy); the status and Retry-After. */
async function signInFrom(srv: RunningServer, address: string, username: string, password: string) {
  const res = await request(srv, '/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  })
  return { status: res.status, retryAfter: res.headers['retry-after'], id: (res.body.error as { id?: string } | undefined)?.id }
}

describe('the Host header', () => {
  it('a rebinding name is refused (421) for pages, the API and upgrades; its own names, localhost and addresses are served; /healthz answers any', async () => {
    const srv = await server({ publicOrigins: ['https://desk.example.org'] })
    const chief = await addUser(srv, 'chief', 'admin')
    const id = await createStoryVia(srv.url, chief.token)
    const bearer = { authorization: `Bearer ${chief.token}` }

    const rebound = await request(srv, '/api/stories', { headers: { host: `evil.example:${srv.port}`, ...bearer } })
    expect(rebound.status).toBe(421)
    expect(rebound.body.error).toMatchObject({ id: 'unknown_host' })
    expect((await request(srv, '/', { headers: { host: 'evil.example' } })).status).toBe(421)
    expect((await request(srv, '/api/stories', { method: 'POST', headers: { host: 'evil.example', ...bearer, 'content-type': 'application/json' }, body: '{}' })).status).toBe(421)
    expect(await upgrade(srv, `/collab/${id}?token=${chief.token}`, { host: `evil.example:${srv.port}` })).toBe(421)

    for (const host of ['desk.example.org', `localhost:${srv.port}`, `127.0.0.1:${srv.port}`, `[::1]:${srv.port}`, '192.0.2.10']) {
      expect(`${host} ${(await request(srv, '/api/stories', { headers: { host, ...bearer } })).status}`).toBe(`${host} 200`)
    }
    expect(await upgrade(srv, `/collab/${id}?token=${chief.token}`, { host: 'desk.example.org' })).toBe(101)

    // A balancer probing under its upstream's name still learns whether the node stores.
    const probe = await request(srv, '/healthz', { headers: { host: 'deskline-upstream' } })
    expect(probe.status).toBe(200)
    expect(probe.body).toMatchObject({ ok: true, store: 'ok' })
  })
})

describe('changes riding on the browser cookie', () => {
  it('need this site’s Origin (or Referer): without one or from elsewhere 403, with it served; bearer tokens need none', async () => {
    const srv = await server()
    await addUser(srv, 'chief', 'admin', 'right password')
    const token = (await addUser(srv, 'desk', 'admin')).token
    const cookie = await browserSession(srv, 'chief', 'right password')
    const create = (headers: Record<string, string>) =>
      fetch(`${srv.url}/api/stories`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body: '{}' })

    const bare = await create({})
    expect(bare.status).toBe(403)
    expect(((await bare.json()) as { error: { id: string } }).error.id).toBe('origin_required')
    expect((await create({ origin: 'https://evil.example' })).status).toBe(403)
    expect((await create({ origin: 'null' })).status).toBe(403)
    expect((await create({ referer: 'https://evil.example/page' })).status).toBe(403)
    expect((await create({ origin: srv.url })).status).toBe(201)
    expect((await create({ referer: `${srv.url}/stories` })).status).toBe(201)
    // Reading needs no proof; a script with its token sends no Origin and needs none.
    expect((await fetch(`${srv.url}/api/stories`, { headers: { cookie } })).status).toBe(200)
    expect((await fetch(`${srv.url}/api/stories`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' })).status).toBe(201)
    // Signing out is a change too: the browser helper sends the page's Origin, as browsers do.
    expect((await fetch(`${srv.url}/api/session`, { method: 'DELETE', headers: { cookie } })).status).toBe(403)
    expect((await withCookie(srv, '/api/session', cookie, { method: 'DELETE' })).status).toBe(200)
  })

  it('a WebSocket with the cookie needs this site’s Origin: from another site or without one it is closed with 4403', async () => {
    const srv = await server()
    const chief = await addUser(srv, 'chief', 'admin', 'right password')
    const id = await createStoryVia(srv.url, chief.token)
    const cookie = await browserSession(srv, 'chief', 'right password')
    expect((await closed(rawSocket(srv.url, `/collab/${id}`, undefined, { cookie, origin: 'https://evil.example' }))).code).toBe(Close.forbidden.code)
    expect((await closed(rawSocket(srv.url, `/collab/${id}`, undefined, { cookie }))).code).toBe(Close.forbidden.code)
    const own = rawSocket(srv.url, `/collab/${id}`, undefined, { cookie, origin: srv.url })
    cleanup.push(() => own.terminate())
    await new Promise((resolve) => own.once('message', resolve))
  })
})

describe('connections per client address', () => {
  it('past the cap an address is refused (sockets 429, streams 429) and retried with backoff; other addresses and loopback go on; a closed one frees a place', async () => {
    const srv = await server({ trustProxyHops: 1, maxConnectionsPerAddress: 3 })
    const chief = await addUser(srv, 'chief', 'admin')
    const id = await createStoryVia(srv.url, chief.token)
    const path = `/collab/${id}?token=${chief.token}`
    const from = (address: string) => ({ 'x-forwarded-for': address })

    const held: WebSocket[] = []
    for (let index = 0; index < 3; index++) {
      const socket = rawSocket(srv.url, `/collab/${id}`, chief.token, from('203.0.113.7'))
      cleanup.push(() => socket.terminate())
      held.push(socket)
      await new Promise((resolve) => socket.once('message', resolve))
    }
    expect(srv.services.connections.held('203.0.113.7')).toBe(3)
    expect(await upgrade(srv, path, from('203.0.113.7'))).toBe(429)
    // Addresses the client writes itself, left of the proxy's, change nothing.
    expect(await upgrade(srv, path, from('198.51.100.1, 203.0.113.7'))).toBe(429)
    const stream = await request(srv, '/api/stories/events', { headers: { ...from('203.0.113.7'), authorization: `Bearer ${chief.token}` } })
    expect(stream.status).toBe(429)
    expect(stream.body.error).toMatchObject({ id: 'too_many_connections' })

    // Another address, and this machine, are served meanwhile.
    expect(await upgrade(srv, path, from('203.0.113.8'))).toBe(101)
    const local = connectClient(srv.url, id, { token: chief.token })
    cleanup.push(() => local.destroy())
    await synced(local)

    // The stock provider refused this way backs off (200 ms, 400 ms, 800 ms…), never hot-loops.
    const doc = new Y.Doc()
    const FromAddress = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: from('203.0.113.7') })
      }
    }
    const provider = new WebsocketProvider(`${srv.url.replace(/^http/, 'ws')}/collab`, id, doc, {
      WebSocketPolyfill: FromAddress as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: { token: chief.token },
    })
    cleanup.push(() => provider.destroy())
    const started = performance.now()
    let refusals = 0
    provider.on('connection-close', () => {
      refusals += 1
    })
    await vi.waitFor(() => expect(refusals).toBeGreaterThanOrEqual(4), { timeout: 10_000, interval: 20 })
    expect(performance.now() - started).toBeGreaterThan(1_200)
    expect(provider.shouldConnect).toBe(true)

    // One of the address's sockets closes: the provider gets its place at its next try.
    const gone = closed(held[0]!)
    held[0]!.close()
    await gone
    await vi.waitFor(() => expect(provider.synced).toBe(true), { timeout: 10_000, interval: 20 })
    expect(srv.services.connections.held('203.0.113.7')).toBe(3)
  })
})

describe('sign-ins per client address', () => {
  it('across many accounts from one address: past its budget refused with 429 and Retry-After, attempts made at once included; another address and this machine go on', async () => {
    const srv = await server({ trustProxyHops: 1, signInFailuresPerAddress: 5 })
    await addUser(srv, 'ann', 'reporter', 'right password')
    const guesser = '198.51.100.4'
    // Five accounts, one guess each: the budget.
    for (let index = 0; index < 5; index++) expect((await signInFrom(srv, guesser, `user${index}`, 'guess')).status).toBe(401)
    // The first attempt past it takes its turn; the next, even with the right password, waits.
    expect((await signInFrom(srv, guesser, 'user5', 'guess')).status).toBe(401)
    const refused = await signInFrom(srv, guesser, 'ann', 'right password')
    expect(refused).toMatchObject({ status: 429, id: 'too_many_sign_ins', retryAfter: '1' })

    // Another address, and this machine, sign in as usual.
    expect((await signInFrom(srv, '198.51.100.5', 'ann', 'right password')).status).toBe(200)
    for (let index = 0; index < 8; index++) expect((await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `local${index}`, password: 'x' }) })).status).toBe(401)
    expect((await fetch(`${srv.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ann', password: 'right password' }) })).status).toBe(200)

    // Thirty guesses at once from a fresh address: the budget and one attempt per turn (250 ms)
    // are checked, the rest refused at once. A busy machine may take more than one turn to answer
    // them all: each turn that passed lets one more through, and no more.
    const started = performance.now()
    const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => signInFrom(srv, '198.51.100.6', `user${index}`, 'guess')))
    const turns = 1 + Math.floor((performance.now() - started) / 250)
    const checked = answers.filter((answer) => answer.status === 401).length
    expect(checked).toBeGreaterThanOrEqual(6)
    expect(checked).toBeLessThanOrEqual(5 + turns)
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(30 - checked)

    // Once its turn comes, the first address signs in (a refusal is not counted against it).
    await vi.waitFor(async () => expect((await signInFrom(srv, guesser, 'ann', 'right password')).status).toBe(200), { timeout: 5_000, interval: 200 })
  })
})
