/**
 * Sessions: random tokens, stored only as SHA-256 hashes, that expire. The browser carries its
 * token in an HttpOnly cookie; scripts send an API token as `Authorization: Bearer …`.
 */
import { createHash, randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'

export type SessionKind = 'browser' | 'api'

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

  /** The user id behind a live token, or null (unknown or expired). */
  resolve(token: string, now = Date.now()): number | null {
    const row = this.db.prepare('SELECT user_id, expires_at FROM sessions WHERE token_hash = ?').get(digest(token)) as
      | { user_id: number; expires_at: number }
      | undefined
    if (!row) return null
    if (row.expires_at <= now) {
      this.revoke(token)
      return null
    }
    return row.user_id
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
