/**
 * What travels between Deskline nodes. On one node (no `REDIS_URL`) the bus is local: nothing
 * leaves the process. With Redis (the choice of Hocuspocus's Redis extension and y-redis):
 *
 * - Story updates: after its commit, every update a node accepted goes to the story's stream
 *   (`deskline:story:<id>`, XADD), tagged with the node that wrote it. Every node with the story
 *   open reads the stream (one blocking XREAD for all its stories) and applies what other nodes
 *   wrote, without storing or republishing it. A node opening a story reads where the stream ends
 *   first, then loads the story from the store, then follows from that point: an update committed
 *   meanwhile is either in what it loaded or after that point (applying one twice changes nothing).
 * - Awareness (carets, who is here): Redis pub/sub, one channel per story, nothing stored.
 * - Events (story list, budget, review, notifications, a user's rights changing): one channel.
 *
 * Redis keeps nothing that is not also in the store. When the connection comes back after a loss
 * (Redis restarted, the network cut), every open story is read again from the store and followed
 * from the stream's end, so what was published meanwhile, or could not be, is not missed.
 */
import { Redis } from 'ioredis'
import { MemoryFailureCounts, type FailureCounts } from './auth.js'
import { ConfigError, redactUrl } from './config.js'
import type { Logger } from './logger.js'
import type { StoryEvent } from './storyEvents.js'

/** A stream entry id, or the start of a stream. */
export type StreamPosition = string

/** What a room does with what other nodes send. */
export interface FollowHandlers {
  /** An update another node stored, with the suggestion ids it introduced and their authors. */
  update(update: Uint8Array, suggestionAuthors: Map<string, number | null>): void
  /** An awareness update from clients connected to another node. */
  awareness(update: Uint8Array): void
  /** The stream may have missed something (reconnected, trimmed): read the story from the store again. */
  resync(): void
}

/** Events that only nodes exchange, beside the story events clients hear. */
export type NodeEvent =
  /** A user's role or standing changed: their open connections follow (deactivated: closed). */
  | { type: 'user'; userId: number }

export type BusEvent = StoryEvent | NodeEvent

export interface BusStatus {
  /** 'none' on a single node. */
  redis: 'ok' | 'failing' | 'none'
  error?: string
}

export interface Bus {
  /** This node's name: updates and events it sent come back tagged with it and are skipped. */
  readonly node: string
  /** Whether other nodes exist to hear (Redis is configured). */
  readonly shared: boolean
  /** Where a story's stream ends now; null when the bus cannot tell (Redis down). */
  position(storyId: string): Promise<StreamPosition | null>
  /** Apply what other nodes write to a story from `from` on; returns the unfollow. */
  follow(storyId: string, from: StreamPosition | null, handlers: FollowHandlers): () => void
  /** Send a stored update to the other nodes (never throws; what fails is made up for). */
  publishUpdate(storyId: string, update: Uint8Array, suggestionAuthors: ReadonlyMap<string, number | null>): void
  /** Have the other nodes read a story again from the store (this node cannot say what they missed). */
  publishResync(storyId: string): void
  publishAwareness(storyId: string, update: Uint8Array): void
  publishEvent(event: BusEvent): void
  /** Hear events other nodes published (with the node that did). */
  onEvent(listener: (event: BusEvent, node: string) => void): void
  status(): Promise<BusStatus>
  /** Where failed sign-ins are counted: shared by every node when there are several. */
  failureCounts(): FailureCounts
  close(): Promise<void>
}

/** One node alone: nothing to send, nothing to hear. */
export class LocalBus implements Bus {
  readonly shared = false
  constructor(readonly node: string) {}
  async position(): Promise<StreamPosition | null> {
    return null
  }
  follow(): () => void {
    return () => undefined
  }
  publishUpdate(): void {}
  publishResync(): void {}
  publishAwareness(): void {}
  publishEvent(): void {}
  onEvent(): void {}
  async status(): Promise<BusStatus> {
    return { redis: 'none' }
  }
  failureCounts(): FailureCounts {
    return new MemoryFailureCounts()
  }
  async close(): Promise<void> {}
}

const PREFIX = 'deskline:'
const streamKey = (storyId: string) => `${PREFIX}story:${storyId}`
const awarenessChannel = (storyId: string) => `${PREFIX}aw:${storyId}`
const EVENTS_CHANNEL = `${PREFIX}events`
/**
 * Entries kept per story stream (approximately). Readers follow within milliseconds; one that fell
 * this far behind finds the gap through the document (updates it cannot apply: `resync`).
 */
const STREAM_MAX_ENTRIES = 10_000
/** A story nobody has written to for this long loses its stream (the store has everything). */
const STREAM_TTL_SECONDS = 24 * 3600
/** The blocking read returns at least this often, so the set of followed streams can change. */
const READ_BLOCK_MS = 1_000
/** Entries read per stream and round. */
const READ_COUNT = 512
/** How long start-up waits for Redis before saying it cannot reach it. */
const CONNECT_TIMEOUT_MS = 5_000
/**
 * A command Redis has not answered in this long fails (a Redis that stops answering without
 * closing the connection must not hold requests, sign-ins or story loads).
 */
const COMMAND_TIMEOUT_MS = 2_000
/** Publishes in flight past this count mean Redis is not keeping up: later ones are made up for instead. */
const MAX_IN_FLIGHT = 5_000
/** How often resync markers that could not be written are tried again. */
const MARKER_RETRY_MS = 1_000

interface Follow {
  handlers: FollowHandlers
  /** Where reading goes on from; null until the bus knows (it was down when the story opened). */
  from: StreamPosition | null
}

/** The bus over Redis: three connections (commands, the blocking stream reader, pub/sub). */
export class RedisBus implements Bus {
  readonly shared = true
  private readonly cmd: Redis
  private readonly reader: Redis
  private readonly sub: Redis
  private readonly follows = new Map<string, Follow>()
  private readonly listeners = new Set<(event: BusEvent, node: string) => void>()
  /** Stories whose update could not be published: their followers are told to resync once it can. */
  private readonly unpublished = new Set<string>()
  private readerId: number | null = null
  private closed = false
  private loop: Promise<void> | null = null
  private lastError: string | null = null
  /** Set once the connections have been lost at least once: the next 'ready' resyncs every story. */
  private lost = false
  private inFlight = 0
  private markerTimer: NodeJS.Timeout | null = null

  private constructor(
    readonly node: string,
    private readonly url: string,
    private readonly log: Logger,
  ) {
    const options = {
      lazyConnect: true,
      // Commands wait for a reconnect instead of failing at the first hiccup, but never longer
      // than COMMAND_TIMEOUT_MS; publishing is fire-and-forget and made up for, reads loop.
      maxRetriesPerRequest: null,
      commandTimeout: COMMAND_TIMEOUT_MS,
      keepAlive: 5_000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** times, 2_000),
      connectionName: `deskline-${node}`,
    }
    this.cmd = new Redis(url, options)
    // The blocking read waits READ_BLOCK_MS on the server: its timeout is on top of that.
    this.reader = new Redis(url, { ...options, commandTimeout: READ_BLOCK_MS + COMMAND_TIMEOUT_MS })
    this.sub = new Redis(url, options)
    for (const connection of [this.cmd, this.reader, this.sub]) {
      connection.on('error', (error: Error) => {
        this.lastError = error.message || (error as { code?: string }).code || 'error'
      })
      connection.on('close', () => {
        if (!this.closed) this.lost = true
      })
    }
    this.reader.on('close', () => {
      this.readerId = null
    })
    this.cmd.on('ready', () => {
      if (this.lost && !this.closed) void this.recover()
    })
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message))
  }

  /** Connect to `url`; a Redis that does not answer stops start-up with a message naming `REDIS_URL`. */
  static async connect(url: string, node: string, log: Logger): Promise<RedisBus> {
    const bus = new RedisBus(node, url, log)
    try {
      const connecting = Promise.all([bus.cmd.connect(), bus.reader.connect(), bus.sub.connect()])
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(bus.lastError ?? `no answer in ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS)
      })
      try {
        await Promise.race([connecting, timeout])
      } finally {
        clearTimeout(timer)
      }
      await bus.cmd.ping()
      await bus.sub.subscribe(EVENTS_CHANNEL)
    } catch (error) {
      bus.closed = true
      bus.cmd.disconnect()
      bus.reader.disconnect()
      bus.sub.disconnect()
      // The socket's own error (ECONNREFUSED…) says more than ioredis' "Connection is closed".
      const reason = bus.lastError ?? (error instanceof Error ? error.message : String(error))
      throw new ConfigError(`REDIS_URL: cannot reach Redis at ${redactUrl(url)}: ${reason}`)
    }
    bus.loop = bus.readLoop()
    return bus
  }

  async position(storyId: string): Promise<StreamPosition | null> {
    if (this.cmd.status !== 'ready') return null
    try {
      const last = await this.cmd.xrevrange(streamKey(storyId), '+', '-', 'COUNT', 1)
      return last[0]?.[0] ?? '0-0'
    } catch (error) {
      this.log.warn({ err: error, story: storyId }, 'could not read where the story stream ends')
      return null
    }
  }

  follow(storyId: string, from: StreamPosition | null, handlers: FollowHandlers): () => void {
    const follow: Follow = { handlers, from }
    this.follows.set(storyId, follow)
    void this.sub.subscribe(awarenessChannel(storyId)).catch(() => undefined)
    // Opened while the bus could not tell where the stream ended: as soon as it can, read the
    // story again from the store after noting the stream's end.
    if (from === null) void this.catchUp(storyId, follow)
    this.wakeReader()
    return () => {
      if (this.follows.get(storyId) !== follow) return
      this.follows.delete(storyId)
      void this.sub.unsubscribe(awarenessChannel(storyId)).catch(() => undefined)
      this.wakeReader()
    }
  }

  publishUpdate(storyId: string, update: Uint8Array, suggestionAuthors: ReadonlyMap<string, number | null>): void {
    const fields: Array<string | Buffer> = ['o', this.node, 'u', Buffer.from(update.buffer, update.byteOffset, update.byteLength)]
    if (suggestionAuthors.size > 0) fields.push('a', JSON.stringify([...suggestionAuthors]))
    const key = streamKey(storyId)
    // Not queued while Redis is away or not keeping up (the queue would grow with every
    // keystroke): the other nodes read the story again from the store instead.
    if (this.cmd.status !== 'ready' || this.inFlight >= MAX_IN_FLIGHT) {
      this.missed(storyId)
      return
    }
    this.inFlight++
    this.cmd
      .multi()
      .xadd(key, 'MAXLEN', '~', STREAM_MAX_ENTRIES, '*', ...fields)
      .expire(key, STREAM_TTL_SECONDS)
      .exec()
      .then((results) => {
        const failed = results?.find(([error]) => error)
        if (failed) throw failed[0]
      })
      .catch((error: unknown) => {
        // Stored, but the other nodes did not hear of it: they resync once Redis answers again.
        this.missed(storyId)
        this.log.warn({ err: error, story: storyId }, 'could not publish an update to the other nodes')
      })
      .finally(() => {
        this.inFlight--
      })
  }

  publishResync(storyId: string): void {
    this.missed(storyId)
  }

  /** The other nodes may lack something of this story: a resync marker goes on its stream as soon as it can. */
  private missed(storyId: string): void {
    this.unpublished.add(storyId)
    this.markerTimer ??= setTimeout(() => {
      this.markerTimer = null
      void this.writeMarkers()
    }, this.cmd.status === 'ready' ? 0 : MARKER_RETRY_MS)
  }

  /** Write a resync marker for every story that needs one; those that fail are tried again. */
  private async writeMarkers(): Promise<void> {
    if (this.closed) return
    for (const storyId of [...this.unpublished]) {
      if (this.cmd.status !== 'ready') break
      try {
        await this.cmd.xadd(streamKey(storyId), 'MAXLEN', '~', STREAM_MAX_ENTRIES, '*', 'o', this.node, 'r', '1')
        this.unpublished.delete(storyId)
      } catch (error) {
        this.log.warn({ err: error, story: storyId }, 'could not ask the other nodes to read a story again')
        break
      }
    }
    if (this.unpublished.size > 0 && !this.closed) {
      this.markerTimer ??= setTimeout(() => {
        this.markerTimer = null
        void this.writeMarkers()
      }, MARKER_RETRY_MS)
    }
  }

  publishAwareness(storyId: string, update: Uint8Array): void {
    // Carets are renewed every few seconds: one lost while Redis is away is not missed.
    if (this.cmd.status !== 'ready') return
    const message = JSON.stringify({ n: this.node, d: Buffer.from(update).toString('base64') })
    this.cmd.publish(awarenessChannel(storyId), message).catch(() => undefined)
  }

  publishEvent(event: BusEvent): void {
    if (this.cmd.status !== 'ready') {
      this.log.warn({ type: event.type }, 'redis is away: an event did not reach the other nodes')
      return
    }
    this.cmd.publish(EVENTS_CHANNEL, JSON.stringify({ n: this.node, e: event })).catch((error: unknown) => {
      this.log.warn({ err: error, type: event.type }, 'could not publish an event to the other nodes')
    })
  }

  onEvent(listener: (event: BusEvent, node: string) => void): void {
    this.listeners.add(listener)
  }

  async status(): Promise<BusStatus> {
    try {
      if (this.cmd.status !== 'ready') throw new Error(this.lastError ?? this.cmd.status)
      await this.cmd.ping()
      return { redis: 'ok' }
    } catch (error) {
      return { redis: 'failing', error: error instanceof Error ? error.message : String(error) }
    }
  }

  failureCounts(): FailureCounts {
    return new RedisFailureCounts(this.cmd)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.markerTimer) clearTimeout(this.markerTimer)
    this.follows.clear()
    this.wakeReader()
    for (const connection of [this.cmd, this.reader, this.sub]) connection.disconnect()
    await this.loop?.catch(() => undefined)
  }

  private onMessage(channel: string, message: Buffer): void {
    let parsed: { n?: unknown; e?: unknown; d?: unknown }
    try {
      parsed = JSON.parse(message.toString()) as typeof parsed
    } catch {
      return
    }
    if (parsed.n === this.node) return
    if (channel === EVENTS_CHANNEL) {
      const event = parsed.e as BusEvent
      for (const listener of this.listeners) {
        try {
          listener(event, String(parsed.n))
        } catch (error) {
          this.log.warn({ err: error }, 'an event from another node failed')
        }
      }
      return
    }
    const storyId = channel.slice(awarenessChannel('').length)
    const follow = this.follows.get(storyId)
    if (!follow || typeof parsed.d !== 'string') return
    try {
      follow.handlers.awareness(new Uint8Array(Buffer.from(parsed.d, 'base64')))
    } catch (error) {
      this.log.warn({ err: error, story: storyId }, 'awareness from another node failed')
    }
  }

  /** Interrupt the blocking read so it picks up the new set of streams. */
  private wakeReader(): void {
    if (this.readerId === null) return
    this.cmd.client('UNBLOCK', this.readerId).catch(() => undefined)
  }

  /** Note where the stream ends, then have the room read the story from the store again. */
  private async catchUp(storyId: string, follow: Follow): Promise<void> {
    for (let attempt = 0; !this.closed && this.follows.get(storyId) === follow; attempt++) {
      const position = await this.position(storyId)
      if (position !== null) {
        follow.from = position
        this.wakeReader()
        follow.handlers.resync()
        return
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)))
    }
  }

  /** Back after a loss: every story is read again from the store, and followed from the stream's end. */
  private async recover(): Promise<void> {
    this.lost = false
    this.log.info({ stories: this.follows.size }, 'redis is back: reading open stories again from the store')
    // Nodes that never lost Redis missed what this node could not publish: tell them to resync.
    void this.writeMarkers()
    for (const [storyId, follow] of this.follows) {
      follow.from = null
      void this.catchUp(storyId, follow)
    }
    // The awareness subscriptions are restored by ioredis itself (autoResubscribe).
  }

  /** Read every followed stream, blocking, until closed. */
  private async readLoop(): Promise<void> {
    while (!this.closed) {
      const ready = [...this.follows].filter(([, follow]) => follow.from !== null)
      if (ready.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      try {
        if (this.readerId === null) this.readerId = Number(await this.reader.client('ID'))
        const keys = ready.map(([storyId]) => streamKey(storyId))
        const ids = ready.map(([, follow]) => follow.from as string)
        const result = await this.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...keys, ...ids)
        if (!result) continue
        for (const [key, entries] of result) this.deliver(key.toString().slice(streamKey('').length), entries)
      } catch (error) {
        if (this.closed) return
        this.lastError = error instanceof Error ? error.message : String(error)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  private deliver(storyId: string, entries: Array<[Buffer, Buffer[]]>): void {
    const follow = this.follows.get(storyId)
    if (!follow || follow.from === null) return
    for (const [id, raw] of entries) {
      follow.from = id.toString()
      const fields = new Map<string, Buffer>()
      for (let index = 0; index + 1 < raw.length; index += 2) fields.set((raw[index] as Buffer).toString(), raw[index + 1] as Buffer)
      if (fields.get('o')?.toString() === this.node) continue
      if (fields.has('r')) {
        follow.handlers.resync()
        continue
      }
      const update = fields.get('u')
      if (!update) continue
      let authors = new Map<string, number | null>()
      const rawAuthors = fields.get('a')
      if (rawAuthors) {
        try {
          authors = new Map(JSON.parse(rawAuthors.toString()) as Array<[string, number | null]>)
        } catch {
          authors = new Map()
        }
      }
      try {
        follow.handlers.update(new Uint8Array(update), authors)
      } catch (error) {
        this.log.warn({ err: error, story: storyId }, 'an update from another node failed to apply')
        follow.handlers.resync()
      }
    }
  }
}

/** Failed sign-ins counted in Redis, shared by every node (see server/auth.ts). */
export class RedisFailureCounts implements FailureCounts {
  /** While Redis does not answer, sign-in still works, throttled by this node alone. */
  private readonly fallback = new MemoryFailureCounts()

  constructor(private readonly redis: Redis) {}

  private get down(): boolean {
    return this.redis.status !== 'ready'
  }

  private key(key: string): string {
    return `${PREFIX}signin:${key}`
  }

  async highest(keys: string[]): Promise<number> {
    const local = await this.fallback.highest(keys)
    if (this.down) return local
    try {
      const values = await this.redis.mget(...keys.map((key) => this.key(key)))
      return Math.max(local, ...values.map((value) => Number(value ?? 0)))
    } catch {
      return local
    }
  }

  async add(keys: string[], windowMs: number): Promise<void> {
    if (this.down) return this.fallback.add(keys, windowMs)
    const multi = this.redis.multi()
    // Each failure restarts the window, as in memory: forgotten after a quiet spell.
    for (const key of keys) multi.incr(this.key(key)).pexpire(this.key(key), windowMs)
    try {
      await multi.exec()
    } catch {
      await this.fallback.add(keys, windowMs)
    }
  }

  async clear(keys: string[]): Promise<void> {
    await this.fallback.clear(keys)
    if (!this.down) await this.redis.del(...keys.map((key) => this.key(key))).catch(() => undefined)
  }

  async increment(key: string, windowMs: number): Promise<number> {
    if (this.down) return this.fallback.increment(key, windowMs)
    // The window starts with the first count (SET NX) and INCR keeps it.
    try {
      const results = await this.redis.multi().set(this.key(key), 0, 'PX', windowMs, 'NX').incr(this.key(key)).exec()
      const count = Number(results?.[1]?.[1])
      if (Number.isFinite(count)) return count
    } catch {
      // Counted here instead.
    }
    return this.fallback.increment(key, windowMs)
  }

  async decrement(key: string): Promise<void> {
    await this.fallback.decrement(key)
    if (this.down) return
    // DECR keeps the key's expiry, but would make a forgotten count -1 with none.
    await this.redis.eval(DECREMENT_EXISTING, 1, this.key(key)).catch(() => undefined)
  }

  async claim(key: string, ms: number): Promise<number> {
    if (this.down) return this.fallback.claim(key, ms)
    try {
      if ((await this.redis.set(this.key(key), 1, 'PX', ms, 'NX')) === 'OK') return 0
      return Math.max(1, await this.redis.pttl(this.key(key)))
    } catch {
      return this.fallback.claim(key, ms)
    }
  }
}

/** Lua: DECR a count that exists and is above zero. */
const DECREMENT_EXISTING = "if tonumber(redis.call('get', KEYS[1]) or '0') > 0 then return redis.call('decr', KEYS[1]) end return 0"

/** The bus `config` asks for: Redis when `REDIS_URL` is set, local otherwise. */
export async function openBus(config: { redisUrl: string | null; nodeName: string }, log: Logger): Promise<Bus> {
  return config.redisUrl ? RedisBus.connect(config.redisUrl, config.nodeName, log) : new LocalBus(config.nodeName)
}
