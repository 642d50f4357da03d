/**
 * Whether the store is taking writes. A failed write (disk full, database locked by another
 * process, an I/O error, PostgreSQL unreachable) marks it failing: rooms stop applying client edits (nothing is shown that
 * is not stored), `/healthz` answers 503, and a probe write runs every `PROBE_INTERVAL_MS` until one
 * succeeds. Then every room asks its clients for what they kept (server/room.ts `pullUnsaved`).
 */
import type { Logger } from './logger.js'

/** How often a failing store is probed. */
export const PROBE_INTERVAL_MS = 500
/** `/healthz` probes a store that looks healthy at most this often (a lock can come with no writes). */
const CHECK_INTERVAL_MS = 1_000

/** SQLite result codes that mean the store cannot take writes now, not that the request was wrong. */
const STORE_FAILURE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|NOMEM)/

/** A change that could not be stored (the room that tried was dropped with it). */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE'
  override name = 'StoreUnavailableError'
}

/**
 * PostgreSQL's side: the server unreachable or gone (socket errors), and SQLSTATE classes 08
 * (connection), 53 (insufficient resources: disk full, too many connections), 57P (shut down,
 * starting up), 58 (system error), 25006 (read-only), 40001/40P01 (serialization, deadlock),
 * 55P03 (lock not available).
 */
const POSTGRES_FAILURE_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|08...|53...|57P0.|58...|25006|40001|40P01|55P03)$/
/** pg's own errors for a lost or unobtainable connection carry no code. */
const POSTGRES_FAILURE_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/

/** Whether `error` is the store failing (as opposed to a bug or a refused request). */
export function isStoreFailure(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') return STORE_FAILURE_CODES.test(code) || POSTGRES_FAILURE_CODES.test(code)
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' && POSTGRES_FAILURE_MESSAGES.test(message)
}

/** What `/healthz` reports about the store. */
export interface StoreStatus {
  ok: boolean
  /** The last failure, while failing. */
  error?: string
  /** When the store started failing (ms since the epoch). */
  since?: number
}

export class StoreHealth {
  private failure: { error: string; since: number } | null = null
  private timer: NodeJS.Timeout | null = null
  private lastCheck = 0
  private probing: Promise<void> | null = null
  private readonly listeners = new Set<() => void>()

  /** `probe` makes one small write and rejects if the store cannot take it. */
  constructor(
    private readonly probe: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Whether the store is failing now. */
  get failing(): boolean {
    return this.failure !== null
  }

  /** Record a failed write; starts probing until the store takes writes again. */
  failed(error: unknown): void {
    if (this.failure) return
    const message = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error)
    this.failure = { error: message, since: Date.now() }
    this.log.error({ err: error }, 'store failing: edits are refused until it recovers')
    this.timer = setInterval(() => void this.tryProbe(), PROBE_INTERVAL_MS)
    this.timer.unref()
  }

  /** Record a successful write: a failing store has recovered. */
  succeeded(): void {
    if (!this.failure) return
    this.log.info({ since: this.failure.since }, 'store recovered')
    this.failure = null
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const listener of this.listeners) listener()
  }

  /** Call `listener` each time a failing store recovers. */
  onRecovered(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The store's state for `/healthz`, probing it first if it has not been checked for a while. */
  async status(now = Date.now()): Promise<StoreStatus> {
    if (!this.failure && now - this.lastCheck >= CHECK_INTERVAL_MS) await this.tryProbe(now)
    return this.failure ? { ok: false, error: this.failure.error, since: this.failure.since } : { ok: true }
  }

  /** Stop probing (shutdown). */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.listeners.clear()
  }

  /** One probe at a time: a slow store is not asked again while it has not answered. */
  private tryProbe(now = Date.now()): Promise<void> {
    this.probing ??= (async () => {
      this.lastCheck = now
      try {
        await this.probe()
      } catch (error) {
        if (isStoreFailure(error)) this.failed(error)
        else this.log.error({ err: error }, 'store probe failed')
        return
      }
      this.succeeded()
    })().finally(() => {
      this.probing = null
    })
    return this.probing
  }
}
