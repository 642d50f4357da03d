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
import type { Kysely } from 'kysely'
import type { StoreSchema } from './store/schema.js'
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
    private readonly db: Kysely<StoreSchema>,
    private readonly ttlMs: Record<SessionKind, number>,
  ) {}

  /** Start a session; resolves to the token (shown once, never stored). */
  async create(userId: number, kind: SessionKind, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = now + this.ttlMs[kind]
    await this.db.insertInto('sessions').values({ token_hash: digest(token), user_id: userId, kind, created_at: now, expires_at: expiresAt }).execute()
    return { token, expiresAt }
  }

  /** The user id behind a live token, or null (unknown or expired); a browser session slides. */
  async resolve(token: string, now = Date.now()): Promise<number | null> {
    return (await this.use(token, now))?.userId ?? null
  }

  /** The live session behind a token, or null (unknown or expired); a browser session slides. */
  async use(token: string, now = Date.now()): Promise<LiveSession | null> {
    const hash = digest(token)
    const row = await this.db.selectFrom('sessions').select(['user_id', 'kind', 'created_at', 'expires_at']).where('token_hash', '=', hash).executeTakeFirst()
    if (!row) return null
    if (row.expires_at <= now) {
      await this.bestEffort(this.db.deleteFrom('sessions').where('token_hash', '=', hash).execute())
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
    const written = await this.bestEffort(this.db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', hash).execute())
    if (!written) return session
    return { ...session, expiresAt, renewed: true }
  }

  /** Await a housekeeping write; false (and nothing changed) when the store refuses it. */
  private async bestEffort(write: Promise<unknown>): Promise<boolean> {
    try {
      await write
      return true
    } catch (error) {
      if (isStoreFailure(error)) return false
      throw error
    }
  }

  /** End one session. */
  async revoke(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', digest(token)).execute()
  }

  /** End every session of a user (deactivation, password change). */
  async revokeUser(userId: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute()
  }

  /** Drop expired rows. */
  async prune(now = Date.now()): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute()
  }
}
