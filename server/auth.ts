/**
 * Who is asking: the session behind a request (cookie for browsers, `Authorization: Bearer`
 * for scripts, `?token=` for script WebSockets), the same-origin rule, and slowing down
 * repeated failed sign-ins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Sessions, SessionKind } from './sessions.js'
import type { StoredUser, Users } from './users.js'

export const SESSION_COOKIE = 'deskline_session'

/** Read one cookie from a request. */
function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return decodeURIComponent(value.join('='))
  }
  return null
}

/** The token a request carries, if any. */
export function requestToken(req: IncomingMessage, url?: URL): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null
  return readCookie(req, SESSION_COOKIE) ?? url?.searchParams.get('token') ?? null
}

/**
 * The signed-in, active user behind a request, or null. Using a browser session slides its expiry
 * (sessions.ts); given `res`, a session that slid and came in the cookie gets its cookie again,
 * so the cookie's Max-Age follows. (A WebSocket upgrade has no response to carry it: the next API
 * request of that browser does.)
 */
export async function authenticate(req: IncomingMessage, sessions: Sessions, users: Users, url?: URL, res?: ServerResponse): Promise<StoredUser | null> {
  const token = requestToken(req, url)
  if (!token) return null
  const session = await sessions.use(token)
  if (!session) return null
  const user = await users.get(session.userId)
  if (!user?.active) return null
  if (res && session.renewed && readCookie(req, SESSION_COOKIE) === token) setSessionCookie(res, token, session.expiresAt, isSecureRequest(req))
  return user
}

/**
 * Whether the session behind `token` is still live and its user active. (Asking counts as use: a
 * browser session with a socket open slides, up to its longest life.)
 */
export async function stillSignedIn(token: string, sessions: Sessions, users: Users): Promise<boolean> {
  const session = await sessions.use(token)
  if (!session) return false
  return (await users.get(session.userId))?.active === true
}

/**
 * Ask every `everyMs` whether the session behind `token` is still live, and call `ended` once it
 * is not (signed out, password changed, deactivated, expired): sockets and event streams live as
 * long as their session. A store that does not answer ends nothing. Returns the stop.
 */
export function watchSession(token: string, services: { sessions: Sessions; users: Users }, everyMs: number, ended: () => void): () => void {
  const timer = setInterval(() => {
    stillSignedIn(token, services.sessions, services.users).then(
      (live) => {
        if (live) return
        clearInterval(timer)
        ended()
      },
      () => undefined,
    )
  }, everyMs)
  return () => clearInterval(timer)
}

/** Whether the request reached us over HTTPS (through the TLS-terminating proxy): cookies get `Secure`. */
export function isSecureRequest(req: IncomingMessage): boolean {
  return req.headers['x-forwarded-proto'] === 'https'
}

/**
 * Same-origin check: a browser request from another site carries its `Origin`; refuse it so
 * no other page can act with our cookie. Requests without `Origin` (scripts, same-origin GETs)
 * pass and still need a session.
 */
export function isForeignOrigin(req: IncomingMessage, allowed: readonly string[] = []): boolean {
  const origin = req.headers.origin
  if (!origin || origin === 'null') return origin === 'null'
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    return true
  }
  return host !== req.headers.host && !allowed.includes(origin)
}

/** Set the browser session cookie. */
export function setSessionCookie(res: ServerResponse, token: string, expiresAt: number, secure: boolean): void {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))
  const attributes = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`]
  if (secure) attributes.push('Secure')
  res.setHeader('Set-Cookie', attributes.join('; '))
}

/** Clear the browser session cookie. */
export function clearSessionCookie(res: ServerResponse): void {
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`)
}

/**
 * Where failed sign-ins are counted: in this process, or in Redis when there are several nodes
 * (a guesser spreading attempts over the nodes meets the same count). A count is forgotten after
 * `windowMs` without failures.
 */
export interface FailureCounts {
  /** The highest current count among `keys`. */
  highest(keys: string[]): Promise<number>
  add(keys: string[], windowMs: number): Promise<void>
  clear(keys: string[]): Promise<void>
}

/** Counts in this process. */
export class MemoryFailureCounts implements FailureCounts {
  private readonly failures = new Map<string, { count: number; expires: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  async highest(keys: string[]): Promise<number> {
    const now = this.now()
    return Math.max(0, ...keys.map((key) => this.failures.get(key)).map((entry) => (entry && now < entry.expires ? entry.count : 0)))
  }

  async add(keys: string[], windowMs: number): Promise<void> {
    const now = this.now()
    for (const key of keys) {
      const entry = this.failures.get(key)
      this.failures.set(key, { count: entry && now < entry.expires ? entry.count + 1 : 1, expires: now + windowMs })
    }
    if (this.failures.size > 10_000) this.failures.clear()
  }

  async clear(keys: string[]): Promise<void> {
    for (const key of keys) this.failures.delete(key)
  }
}

/** Failed sign-ins per key (username and address), slowing down the next attempts. */
export class SignInThrottle {
  constructor(
    private readonly counts: FailureCounts = new MemoryFailureCounts(),
    private readonly freeAttempts = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly maxDelayMs = 8_000,
  ) {}

  /** How long to hold the next answer for these keys. */
  async delayFor(keys: string[]): Promise<number> {
    const count = await this.counts.highest(keys)
    if (count < this.freeAttempts) return 0
    return Math.min(this.maxDelayMs, 250 * 2 ** (count - this.freeAttempts))
  }

  /** Record a failure for these keys. */
  fail(keys: string[]): Promise<void> {
    return this.counts.add(keys, this.windowMs)
  }

  /** Forget failures after a success. */
  succeed(keys: string[]): Promise<void> {
    return this.counts.clear(keys)
  }
}

export type { SessionKind }
