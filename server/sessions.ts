/**
 * Sessions: random tokens, stored only as SHA-256 hashes, that expire. The browser carries its
 * token in an HttpOnly cookie; scripts send an API token as `Authorization: Bearer …`.
 *
 * A browser session slides: using it moves its expiry to a full TTL from now, so someone working
 * all day is not signed out mid-story. To spare a database write per request it moves only once
 * the TTL has run down by `SESSION_RENEW_INTERVAL_MS`, and never past `MAX_BROWSER_SESSION_MS`
 * after sign-in, so a stolen cookie kept busy still dies. API tokens keep their fixed expiry.
 */
import { createHash, randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { isStoreFailure } from './storeHealth.js'

export type SessionKind = 'browser' | 'api'

/** A browser session's expiry moves at most this often (TTLs this short or shorter never slide). */
export const SESSION_RENEW_INTERVAL_MS = 5 * 60_000
/** A browser session ends this long after sign-in however busy it is (or after one TTL, if longer). */
export const MAX_BROWSER_SESSION_MS = 7 * 86_400_000

/** A live session, as a request uses it. */
export interface LiveSession {
  userId: number
  kind: SessionKind
  expiresAt: number
  /** Whether this use moved the expiry (the browser's cookie should follow). */
  renewed: boolean
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export class Sessions {
  constructor(
    private readonly db: Database.Database,
    private readonly ttlMs: Record<SessionKind, number>,
  ) {}

  /** Start a session; returns the token (shown once, never stored). */
  create(userId: number, kind: SessionKind, now = Date.now()): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = now + this.ttlMs[kind]
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(digest(token), userId, kind, now, expiresAt)
    return { token, expiresAt }
  }

  /** The user id behind a live token, or null (unknown or expired); a browser session slides. */
  resolve(token: string, now = Date.now()): number | null {
    return this.use(token, now)?.userId ?? null
  }

  /** The live session behind a token, or null (unknown or expired); a browser session slides. */
  use(token: string, now = Date.now()): LiveSession | null {
    const hash = digest(token)
    const row = this.db.prepare('SELECT user_id, kind, created_at, expires_at FROM sessions WHERE token_hash = ?').get(hash) as
      | { user_id: number; kind: SessionKind; created_at: number; expires_at: number }
      | undefined
    if (!row) return null
    if (row.expires_at <= now) {
      this.bestEffort(() => this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash))
      return null
    }
    const session: LiveSession = { userId: row.user_id, kind: row.kind, expiresAt: row.expires_at, renewed: false }
    const ttl = this.ttlMs.browser
    if (row.kind !== 'browser' || row.expires_at - now > ttl - SESSION_RENEW_INTERVAL_MS) return session
    const expiresAt = Math.min(now + ttl, row.created_at + Math.max(MAX_BROWSER_SESSION_MS, ttl))
    // At the cap the expiry stays put, and nothing is written.
    if (expiresAt <= row.expires_at) return session
    // Reading a story must not fail because the store cannot take writes: the session then
    // slides at its next use instead.
    if (!this.bestEffort(() => this.db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(expiresAt, hash))) return session
    return { ...session, expiresAt, renewed: true }
  }

  /** Run a housekeeping write; false (and nothing changed) when the store refuses it. */
  private bestEffort(write: () => unknown): boolean {
    try {
      write()
      return true
    } catch (error) {
      if (isStoreFailure(error)) return false
      throw error
    }
  }

  /** End one session. */
  revoke(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(digest(token))
  }

  /** End every session of a user (deactivation, password change). */
  revokeUser(userId: number): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId)
  }

  /** Drop expired rows. */
  prune(now = Date.now()): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now)
  }
}
