/**
 * Publication: what a story sends out when it reaches Published (and when a published story is
 * held or spiked, so outlets can take it down), and its delivery.
 *
 * The publication (its ninjs, exactly the bytes delivered) and one outbox row per webhook URL are
 * written in the same transaction as the status change (server/workflow.ts passes `rowsFor` to
 * `Room.applyServerChange`): a move that is stored has its deliveries, a move that is not has
 * none. A worker (on every node; a row is claimed before it is sent) POSTs each due delivery with
 * `X-Deskline-Signature: sha256=<HMAC-SHA256 of the body>`, retries network errors and non-2xx
 * answers with growing waits, records every attempt, and gives up after the last wait: a desk
 * chief can send it again. At least once: an outlet may see a delivery twice (say, a node dies
 * between sending and recording), and tells them apart by `uri` and `version`.
 */
import { createHmac } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DeliveryView, PublicationKind, PublicationView } from '../src/shared/api.js'
import type { Logger } from './logger.js'
import type { StoreSchema } from './store/schema.js'
import { PeriodicTask } from './periodicTask.js'

export type { DeliveryView, PublicationKind, PublicationView }

/** Waits between attempts; after the last one the delivery is marked failed. */
export const DELIVERY_RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000]
/** How long a node may hold a delivery it is sending before another may take it. */
const CLAIM_MS = 60_000
/** An outlet that does not answer in this long has failed this attempt. */
const DELIVERY_TIMEOUT_MS = 10_000
/** How often the worker looks for due deliveries. */
const POLL_MS = 1_000
/** What is kept of an outlet's error answer. */
const ERROR_CHARS = 300

export interface PublishingOptions {
  /** Where every publication is POSTed. */
  urls: readonly string[]
  /** The HMAC key of the signature header. */
  secret: string
  retryDelaysMs?: readonly number[]
  now?: () => number
}

/** The signature header's value for a body. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

export class Publishing {
  private readonly task: PeriodicTask
  private readonly retryDelays: readonly number[]
  private readonly now: () => number

  constructor(
    private readonly db: Kysely<StoreSchema>,
    private readonly options: PublishingOptions,
    private readonly log: Logger,
  ) {
    this.retryDelays = options.retryDelaysMs ?? DELIVERY_RETRY_DELAYS_MS
    this.now = options.now ?? Date.now
    this.task = new PeriodicTask(() => this.deliverDue(), POLL_MS, (error) => this.log.warn({ err: error }, 'delivery round failed'))
  }

  /** The story's last publication (not a takedown) with its correction note, or null if it never went out. */
  async lastPublished(storyId: string): Promise<{ version: number; edNote: string } | null> {
    const row = await this.db
      .selectFrom('publications')
      .select(['version', 'ed_note'])
      .where('story_id', '=', storyId)
      .where('kind', '=', 'publish')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row ? { version: row.version, edNote: row.ed_note } : null
  }

  /**
   * The rows of a publication, to be written inside the status change's transaction: the
   * publication and a pending delivery per webhook URL. `body` is called then, so it reads the
   * story as stored.
   */
  rowsFor(input: { storyId: string; kind: PublicationKind; version: number; userId: number; edNote: string; body: () => string }) {
    return async (db: Kysely<StoreSchema>): Promise<void> => {
      const at = this.now()
      const row = await db
        .insertInto('publications')
        .values({ story_id: input.storyId, kind: input.kind, version: input.version, at, user_id: input.userId, ed_note: input.edNote, body: input.body() })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (this.options.urls.length === 0) return
      await db
        .insertInto('deliveries')
        .values(this.options.urls.map((url) => ({ publication_id: Number(row.id), url, state: 'pending' as const, attempts: 0, next_attempt_at: at, last_error: '' })))
        .execute()
    }
  }

  /** A story's publications, newest first, with their deliveries and every attempt. */
  async list(storyId: string): Promise<PublicationView[]> {
    const publications = await this.db
      .selectFrom('publications')
      .select(['id', 'story_id', 'kind', 'version', 'at', 'user_id', 'ed_note'])
      .where('story_id', '=', storyId)
      .orderBy('id', 'desc')
      .execute()
    if (publications.length === 0) return []
    const deliveries = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where(
        'publication_id',
        'in',
        publications.map((row) => row.id),
      )
      .orderBy('id')
      .execute()
    const attempts =
      deliveries.length === 0
        ? []
        : await this.db
            .selectFrom('delivery_attempts')
            .selectAll()
            .where(
              'delivery_id',
              'in',
              deliveries.map((row) => row.id),
            )
            .orderBy('id')
            .execute()
    return publications.map((publication) => ({
      id: publication.id,
      storyId: publication.story_id,
      kind: publication.kind,
      version: publication.version,
      at: publication.at,
      userId: publication.user_id,
      edNote: publication.ed_note,
      deliveries: deliveries
        .filter((delivery) => delivery.publication_id === publication.id)
        .map((delivery) => ({
          id: delivery.id,
          url: delivery.url,
          state: delivery.state,
          attempts: delivery.attempts,
          nextAttemptAt: delivery.state === 'pending' ? delivery.next_attempt_at : null,
          lastStatus: delivery.last_status,
          lastError: delivery.last_error,
          deliveredAt: delivery.delivered_at,
          history: attempts.filter((attempt) => attempt.delivery_id === delivery.id).map(({ at, status, error }) => ({ at, status, error })),
        })),
    }))
  }

  /** What went out since `since`: each story's latest publication or takedown, newest first (ninjs JSON). */
  async published(since: number, limit = 200): Promise<string[]> {
    const rows = await this.db
      .selectFrom('publications as p')
      .select(['p.body'])
      .where('p.at', '>=', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('publications as later')
              .select('later.id')
              .whereRef('later.story_id', '=', 'p.story_id')
              .whereRef('later.id', '>', 'p.id'),
          ),
        ),
      )
      .orderBy('p.at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit)
      .execute()
    return rows.map((row) => row.body)
  }

  /** Send a delivery again now (a desk chief's retry); false when there is none. */
  async retry(deliveryId: number): Promise<boolean> {
    const result = await this.db
      .updateTable('deliveries')
      .set({ state: 'pending', next_attempt_at: this.now(), claimed_until: null })
      .where('id', '=', deliveryId)
      .where('state', '!=', 'delivered')
      .executeTakeFirst()
    const changed = Number(result.numUpdatedRows) > 0
    if (changed) this.kick()
    return changed
  }

  /** The story a delivery belongs to, or null. */
  async storyOfDelivery(deliveryId: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('deliveries as d')
      .innerJoin('publications as p', 'p.id', 'd.publication_id')
      .select('p.story_id')
      .where('d.id', '=', deliveryId)
      .executeTakeFirst()
    return row?.story_id ?? null
  }

  /** Start the worker (at start-up: deliveries left from before a restart go out too). */
  start(): void {
    this.task.start()
  }

  /** Look for due deliveries now (after a publication). */
  kick(): void {
    this.task.kick()
  }

  stop(): Promise<void> {
    return this.task.stop()
  }

  /** Send every due delivery this node can claim. */
  async deliverDue(): Promise<void> {
    const now = this.now()
    const due = await this.db
      .selectFrom('deliveries as d')
      .innerJoin('publications as p', 'p.id', 'd.publication_id')
      .select(['d.id', 'd.url', 'd.attempts', 'p.body'])
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', now)]))
      .orderBy('d.next_attempt_at')
      .limit(20)
      .execute()
    for (const delivery of due) {
      if (!this.task.active) return
      const claimed = await this.db
        .updateTable('deliveries')
        .set({ claimed_until: now + CLAIM_MS })
        .where('id', '=', delivery.id)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .executeTakeFirst()
      if (Number(claimed.numUpdatedRows) === 0) continue
      await this.send(delivery)
    }
  }

  private async send(delivery: { id: number; url: string; attempts: number; body: string }): Promise<void> {
    let status: number | null = null
    let error = ''
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-deskline-signature': signBody(delivery.body, this.options.secret), 'user-agent': 'Deskline' },
        body: delivery.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        redirect: 'manual',
      })
      status = res.status
      if (!res.ok) error = (await res.text().catch(() => '')).slice(0, ERROR_CHARS) || `HTTP ${res.status}`
      else await res.body?.cancel()
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}`.slice(0, ERROR_CHARS) : String(caught)
    }
    const at = this.now()
    const attempts = delivery.attempts + 1
    const delivered = status !== null && status >= 200 && status < 300
    const wait = this.retryDelays[attempts - 1]
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('delivery_attempts').values({ delivery_id: delivery.id, at, status, error }).execute()
      await trx
        .updateTable('deliveries')
        .set({
          attempts,
          state: delivered ? 'delivered' : wait === undefined ? 'failed' : 'pending',
          next_attempt_at: at + (wait ?? 0),
          claimed_until: null,
          last_status: status,
          last_error: error,
          delivered_at: delivered ? at : null,
        })
        .where('id', '=', delivery.id)
        .execute()
    })
    if (!delivered) this.log.warn({ delivery: delivery.id, url: delivery.url, status, error, attempts }, wait === undefined ? 'delivery failed for good' : 'delivery failed, will retry')
  }
}
