import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../server/app'
import { MAX_BROWSER_SESSION_MS } from '../../server/sessions'
import { Close } from '../../src/shared/protocol'
import { closed, connectClient, rawSocket, synced } from '../helpers/clients'
import { addUser, createStoryVia, getJson, postJson, startTestServer, withCookie } from '../helpers/server'

const running: RunningServer[] = []
afterEach(async () => {
  while (running.length) await running.pop()?.close()
})

async function server(config: Parameters<typeof startTestServer>[0] = {}): Promise<RunningServer> {
  const srv = await startTestServer(config)
  running.push(srv)
  return srv
}

/** Sign in like a browser; the session cookie or null. */
async function signIn(srv: RunningServer, username: string, password: string, origin?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (origin) headers.origin = origin
  const res = await fetch(`${srv.url}/api/session`, { method: 'POST', headers, body: JSON.stringify({ username, password }) })
  const cookie = res.headers.get('set-cookie')
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cookie: cookie?.split(';')[0] ?? null, setCookie: cookie }
}

describe('sessions', () => {
  it('signs in with an HttpOnly, SameSite cookie and answers the user; signs out', async () => {
    const srv = await server()
    await addUser(srv, 'ann', 'reporter', 'right password')
    const signedIn = await signIn(srv, 'ann', 'right password')
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user).toMatchObject({ username: 'ann', role: 'reporter' })
    expect(JSON.stringify(signedIn.body)).not.toMatch(/passwordHash|scrypt/)
    expect(signedIn.setCookie).toMatch(/HttpOnly/)
    expect(signedIn.setCookie).toMatch(/SameSite=Lax/)
    const cookie = signedIn.cookie!
    const me = await withCookie(srv, '/api/session', cookie)
    expect(me.status).toBe(200)
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('ann')

    expect((await withCookie(srv, '/api/session', cookie, { method: 'DELETE' })).status).toBe(200)
    expect((await withCookie(srv, '/api/session', cookie)).status).toBe(401)
    expect((await withCookie(srv, '/api/stories', cookie)).status).toBe(401)
  })

  it('answers a wrong password and an unknown user the same way, and slows down repeated failures', async () => {
    const srv = await server()
    await addUser(srv, 'ann', 'reporter', 'right password')
    const wrong = await signIn(srv, 'ann', 'nope')
    const unknown = await signIn(srv, 'nobody', 'nope')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.cookie).toBeNull()
    for (let i = 0; i < 4; i++) await signIn(srv, 'ann', 'nope')
    // Past five failures, each answer is held back (250 ms, then doubling).
    const started = performance.now()
    expect((await signIn(srv, 'ann', 'nope')).status).toBe(401)
    expect(performance.now() - started).toBeGreaterThanOrEqual(240)
  })

  it('expires sessions', async () => {
    const srv = await server({ config: { sessionTtlMs: { browser: 300, api: 300 } } })
    await addUser(srv, 'ann', 'reporter', 'right password')
    const { cookie } = await signIn(srv, 'ann', 'right password')
    expect((await withCookie(srv, '/api/session', cookie!)).status).toBe(200)
    await vi.waitFor(async () => expect((await withCookie(srv, '/api/session', cookie!)).status).toBe(401), { timeout: 3000, interval: 100 })
  })

  it('refuses every API route and socket without a session: 401 and 4401', async () => {
    const srv = await server()
    const chief = await addUser(srv, 'chief', 'admin')
    const id = await createStoryVia(srv.url, chief.token)
    for (const path of ['/api/stories', `/api/stories/${id}`, '/api/users', '/api/sections', '/api/session', '/api/stories/events']) {
      expect((await fetch(`${srv.url}${path}`)).status).toBe(401)
    }
    expect((await postJson(`${srv.url}/api/stories`, {})).status).toBe(401)
    expect((await getJson(`${srv.url}/api/stories`, 'forged-token')).status).toBe(401)
    const socket = rawSocket(srv.url, `/collab/${id}`)
    expect((await closed(socket)).code).toBe(Close.unauthorized.code)
    const forged = rawSocket(srv.url, `/collab/${id}`, 'forged-token')
    expect((await closed(forged)).code).toBe(Close.unauthorized.code)
    // The stock provider sees 4401 and stops retrying.
    const client = connectClient(srv.url, id)
    await vi.waitFor(() => expect(client.provider.shouldConnect).toBe(false))
    client.destroy()
  })

  it('refuses requests from a foreign Origin: 403 and 4403', async () => {
    const srv = await server()
    const chief = await addUser(srv, 'chief', 'admin', 'right password')
    const id = await createStoryVia(srv.url, chief.token)
    expect((await signIn(srv, 'chief', 'right password', 'https://evil.example')).status).toBe(403)
    const { cookie } = await signIn(srv, 'chief', 'right password')
    const foreign = await withCookie(srv, '/api/stories', cookie!, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' })
    expect(foreign.status).toBe(403)
    const same = await withCookie(srv, '/api/stories', cookie!, { headers: { origin: srv.url } })
    expect(same.status).toBe(200)
    const socket = rawSocket(srv.url, `/collab/${id}`, chief.token, { origin: 'https://evil.example' })
    expect((await closed(socket)).code).toBe(Close.forbidden.code)
    // With the page's own origin and the cookie, the socket syncs.
    const ok = rawSocket(srv.url, `/collab/${id}`, undefined, { origin: srv.url, cookie: cookie! })
    await new Promise((resolve) => ok.once('message', resolve))
    ok.close()
  })

  it('closes the sockets of a deactivated user and refuses their sign-in', async () => {
    const srv = await server()
    const admin = await addUser(srv, 'admin', 'admin')
    const ann = await addUser(srv, 'ann', 'editor', 'right password')
    const id = await createStoryVia(srv.url, admin.token)
    const client = connectClient(srv.url, id, { token: ann.token })
    await synced(client)
    const closing = new Promise<number>((resolve) => client.provider.on('connection-close', (event) => event && resolve(event.code)))
    const res = await fetch(`${srv.url}/api/users/${ann.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body: JSON.stringify({ active: false }) })
    expect(res.status).toBe(200)
    expect(await closing).toBe(Close.unauthorized.code)
    client.destroy()
    expect((await signIn(srv, 'ann', 'right password')).status).toBe(401)
    expect((await getJson(`${srv.url}/api/stories`, ann.token)).status).toBe(401)
  })
})

describe('first run and demo mode', () => {
  it('asks for the first account once; it is an administrator and desk chief', async () => {
    const srv = await server()
    expect((await getJson(`${srv.url}/api/setup`)).body).toEqual({ needsSetup: true })
    const first = await postJson(`${srv.url}/api/setup`, { username: 'boss', password: 'long enough', displayName: 'The Boss' })
    expect(first.status).toBe(201)
    expect(first.body.user).toMatchObject({ role: 'chief', isAdmin: true })
    expect((await getJson(`${srv.url}/api/setup`)).body).toEqual({ needsSetup: false })
    const second = await postJson(`${srv.url}/api/setup`, { username: 'intruder', password: 'long enough', displayName: 'X' })
    expect(second.status).toBe(409)
    expect((await srv.services.users.byUsername('intruder'))).toBeNull()
  })

  it('seeds the demo newsroom only in demo mode', async () => {
    const plain = await server()
    expect((await plain.services.users.count())).toBe(0)
    const demo = await server({ config: { demo: true } })
    for (const username of ['reporter', 'reporter2', 'editor', 'chief']) {
      expect((await signIn(demo, username, 'newsroom')).status).toBe(200)
    }
    const reporter = (await demo.services.users.byUsername('reporter'))!
    const stories = (await demo.storage.listStories())
    expect(stories.length).toBeGreaterThan(0)
    expect(stories[0]?.desk.lead).toBe(reporter.id)
    expect((await demo.services.users.byUsername('chief'))).toMatchObject({ role: 'chief', isAdmin: true })
  })
})

describe('sliding browser sessions', () => {
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE

  it('a used browser session slides at most once per five minutes, never past seven days after sign-in; API tokens do not slide', async () => {
    const srv = await server()
    const ann = await addUser(srv, 'ann', 'reporter')
    const { sessions, config } = srv.services
    const ttl = config.sessionTtlMs.browser
    const t0 = Date.now()
    const browser = (await sessions.create(ann.id, 'browser', t0))
    expect(browser.expiresAt).toBe(t0 + ttl)
    // Within five minutes of the last move: nothing changes (no write per request).
    expect((await sessions.use(browser.token, t0 + 4 * MINUTE))).toEqual({ userId: ann.id, kind: 'browser', expiresAt: t0 + ttl, renewed: false })
    expect((await sessions.use(browser.token, t0 + 6 * MINUTE))).toEqual({ userId: ann.id, kind: 'browser', expiresAt: t0 + 6 * MINUTE + ttl, renewed: true })
    expect((await sessions.use(browser.token, t0 + 7 * MINUTE))?.renewed).toBe(false)
    // Kept busy (every 11 hours) it lives until the cap, seven days after sign-in, and no longer.
    let now = t0 + 6 * MINUTE
    while (now + 11 * HOUR < t0 + MAX_BROWSER_SESSION_MS) {
      now += 11 * HOUR
      expect((await sessions.resolve(browser.token, now))).toBe(ann.id)
      expect((await sessions.use(browser.token, now))?.expiresAt).toBe(Math.min(now + ttl, t0 + MAX_BROWSER_SESSION_MS))
    }
    expect((await sessions.use(browser.token, t0 + MAX_BROWSER_SESSION_MS - 1))).toMatchObject({ expiresAt: t0 + MAX_BROWSER_SESSION_MS, renewed: false })
    expect((await sessions.resolve(browser.token, t0 + MAX_BROWSER_SESSION_MS))).toBeNull()
    // Not used for a whole TTL: gone, as before.
    const idle = (await sessions.create(ann.id, 'browser', t0))
    expect((await sessions.resolve(idle.token, t0 + ttl))).toBeNull()
    // API tokens keep their expiry however much they are used.
    const api = (await sessions.create(ann.id, 'api', t0))
    expect((await sessions.use(api.token, t0 + 3 * HOUR))).toEqual({ userId: ann.id, kind: 'api', expiresAt: api.expiresAt, renewed: false })
    expect((await sessions.resolve(api.token, api.expiresAt))).toBeNull()
  })

  it('re-issues the cookie with the new Max-Age when a request slides the session, and only then', async () => {
    const srv = await server()
    const ann = await addUser(srv, 'ann', 'reporter', 'right password')
    const ttlSeconds = srv.services.config.sessionTtlMs.browser / 1000
    // Signed in ten minutes ago: the next request moves the expiry and the cookie follows.
    const old = (await srv.services.sessions.create(ann.id, 'browser', Date.now() - 10 * 60_000))
    const cookie = `deskline_session=${old.token}`
    const renewed = await withCookie(srv, '/api/stories', cookie)
    expect(renewed.status).toBe(200)
    const setCookie = renewed.headers.get('set-cookie')
    expect(setCookie).toMatch(new RegExp(`^deskline_session=${old.token};`))
    expect(setCookie).toMatch(/HttpOnly/)
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie ?? '')?.[1])
    expect(maxAge).toBeGreaterThan(ttlSeconds - 60)
    expect(maxAge).toBeLessThanOrEqual(ttlSeconds)
    // The next request within five minutes writes nothing and sends no cookie.
    const again = await withCookie(srv, '/api/stories', cookie)
    expect(again.status).toBe(200)
    expect(again.headers.get('set-cookie')).toBeNull()
    // A fresh sign-in has nothing to renew yet.
    const fresh = await signIn(srv, 'ann', 'right password')
    expect((await withCookie(srv, '/api/session', fresh.cookie!)).headers.get('set-cookie')).toBeNull()
    // A browser-kind token sent as a bearer token slides, but there is no cookie to re-issue.
    const bearer = (await srv.services.sessions.create(ann.id, 'browser', Date.now() - 10 * 60_000))
    const viaBearer = await fetch(`${srv.url}/api/stories`, { headers: { authorization: `Bearer ${bearer.token}` } })
    expect(viaBearer.status).toBe(200)
    expect(viaBearer.headers.get('set-cookie')).toBeNull()
    expect((await srv.services.sessions.use(bearer.token))?.expiresAt).toBeGreaterThan(bearer.expiresAt)
    // Signing out still clears the cookie, even when the same request slid the session.
    const leaving = (await srv.services.sessions.create(ann.id, 'browser', Date.now() - 10 * 60_000))
    const out = await withCookie(srv, '/api/session', `deskline_session=${leaving.token}`, { method: 'DELETE' })
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/)
  })
})
