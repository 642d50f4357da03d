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

/** Whether `origin` is this server's (its host is the request's `Host`) or one of `allowed`. */
function isOwnOrigin(origin: string, req: IncomingMessage, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    // `null` (a sandboxed or file page) and garbage are nobody's origin.
    return false
  }
}

/**
 * Same-origin check: a browser request from another site carries its `Origin`; refuse it so
 * no other page can act with our cookie. Requests without `Origin` (scripts, same-origin GETs)
 * pass and still need a session.
 */
export function isForeignOrigin(req: IncomingMessage, allowed: readonly string[] = []): boolean {
  const origin = req.headers.origin
  return origin !== undefined && origin !== '' && !isOwnOrigin(origin, req, allowed)
}

/** Whether `req` would be signed in by the browser session cookie (no bearer token beside it). */
export function usesSessionCookie(req: IncomingMessage): boolean {
  return !req.headers.authorization?.startsWith('Bearer ') && readCookie(req, SESSION_COOKIE) !== null
}

/**
 * Whether a request shows that a page of this server sent it: its `Origin`, or without one its
 * `Referer`, is ours (or allowed). Browsers send `Origin` with every POST, PUT, PATCH and DELETE
 * and with every WebSocket, so a request with the cookie and neither header was not sent by our
 * page: a change riding on the cookie must prove where it comes from (issue 11), as SameSite=Lax
 * alone leaves same-site pages and older browsers.
 */
export function comesFromOwnPage(req: IncomingMessage, allowed: readonly string[] = []): boolean {
  if (req.headers.origin) return isOwnOrigin(req.headers.origin, req, allowed)
  const referer = req.headers.referer
  if (!referer) return false
  try {
    return isOwnOrigin(new URL(referer).origin, req, allowed)
  } catch {
    return false
  }
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
  /**
   * Count one more for `key` and answer the new count, atomically. Unlike `add`, a window does not
   * restart: the count is forgotten `windowMs` after it began.
   */
  increment(key: string, windowMs: number): Promise<number>
  /** Count one fewer for `key`, never below zero and never bringing back a forgotten count. */
  decrement(key: string): Promise<void>
  /** Hold `key` for `ms` unless someone holds it: 0 when taken, else how long until it is free. */
  claim(key: string, ms: number): Promise<number>
}

/** Counts in this process. */
export class MemoryFailureCounts implements FailureCounts {
  private readonly failures = new Map<string, { count: number; expires: number }>()
  private readonly claims = new Map<string, number>()

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

  async increment(key: string, windowMs: number): Promise<number> {
    const now = this.now()
    const entry = this.failures.get(key)
    if (entry && now < entry.expires) return ++entry.count
    if (this.failures.size > 10_000) this.failures.clear()
    this.failures.set(key, { count: 1, expires: now + windowMs })
    return 1
  }

  async decrement(key: string): Promise<void> {
    const entry = this.failures.get(key)
    if (!entry || this.now() >= entry.expires) return
    if (entry.count <= 1) this.failures.delete(key)
    else entry.count -= 1
  }

  async claim(key: string, ms: number): Promise<number> {
    const now = this.now()
    const until = this.claims.get(key) ?? 0
    if (now < until) return until - now
    if (this.claims.size > 10_000) {
      for (const [held, ends] of this.claims) if (ends <= now) this.claims.delete(held)
    }
    this.claims.set(key, now + ms)
    return 0
  }
}

/** An address's sign-in attempt under way: report how it went. */
export interface AddressAttempt {
  /** A failure stays counted against the address; a success is taken back. */
  finish(failed: boolean): Promise<void>
}

/**
 * Failed sign-ins, slowing down the next attempts: per account (`delayFor`, the answer is held
 * back), and per client address (`attemptFrom`, refused with a wait). Holding answers back cannot
 * slow a client that asks many things at once (it guessed about 30 passwords a second across
 * accounts, issue 11), so an address counts its attempts as they start and, past its budget, gets
 * one attempt per growing interval; the rest are refused at once, with no password checked.
 */
export class SignInThrottle {
  /** Failures an account may have before its answers are held back. */
  private readonly freeAttempts = 5
  /** An account's count is forgotten after this long without a failure; an address's, this long after it began. */
  private readonly windowMs = 15 * 60_000
  private readonly maxDelayMs = 8_000
  /** Past its budget, an address gets one attempt per interval: 250 ms, doubling, up to this. */
  private readonly addressMaxIntervalMs = 30_000

  constructor(
    private readonly counts: FailureCounts = new MemoryFailureCounts(),
    /** Attempts an address may have under way or failed in 15 minutes before it is slowed down. */
    private readonly addressBudget = 100,
  ) {}

  /**
   * Start a sign-in attempt from the client address `key` (server/clientAddress.ts): counted at
   * once, so that attempts made together count together; refused with how long to wait (ms) when
   * the address is past its budget and another attempt is not due yet.
   */
  async attemptFrom(key: string): Promise<AddressAttempt | { retryAfterMs: number }> {
    const counted = `ip:${key}`
    const count = await this.counts.increment(counted, this.windowMs)
    const over = count - this.addressBudget
    if (over > 0) {
      const interval = Math.min(this.addressMaxIntervalMs, 250 * 2 ** Math.min(over - 1, 20))
      const wait = await this.counts.claim(`ip-turn:${key}`, interval)
      if (wait > 0) {
        await this.counts.decrement(counted)
        return { retryAfterMs: wait }
      }
    }
    return { finish: (failed) => (failed ? Promise.resolve() : this.counts.decrement(counted)) }
  }

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
