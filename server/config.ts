/** Server configuration, read once from the environment and validated. */
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { z } from 'zod'

/**
 * A configuration the server cannot start with (a bad value, a database or Redis it cannot
 * reach): the message names the variable, and `npm start` prints it and exits instead of crashing.
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** A URL fit for a log line or an error message: its password hidden. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unreadable URL)'
  }
}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4173),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STATIC_DIR: z.string().min(1).default('./dist'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  API_TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  ALLOWED_ORIGINS: z.string().default(''),
  PUBLIC_ORIGIN: z
    .string()
    .default('')
    .refine(
      (value) => value.split(',').map((url) => url.trim()).filter(Boolean).every((url) => /^https?:\/\/[^\s/]+\/?$/.test(url)),
      'must be comma-separated origins such as https://desk.example.org',
    ),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().positive().default(200),
  SIGN_IN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(100),
  NEWSROOM_DEMO: z.enum(['0', '1', '']).default(''),
  DATABASE_URL: z
    .string()
    .default('')
    .refine((value) => value === '' || /^postgres(ql)?:\/\/[^/\s]+/.test(value), 'must look like postgres://user:password@host:port/database'),
  REDIS_URL: z
    .string()
    .default('')
    .refine((value) => value === '' || /^rediss?:\/\/[^/\s]+/.test(value), 'must look like redis://host:port'),
  NODE_NAME: z.string().max(64).default(''),
  PUBLISH_WEBHOOK_URLS: z
    .string()
    .default('')
    .refine(
      (value) => value.split(',').map((url) => url.trim()).filter(Boolean).every((url) => /^https?:\/\/[^\s/]+/.test(url)),
      'must be comma-separated http:// or https:// URLs',
    ),
  PUBLISH_WEBHOOK_SECRET: z.string().default(''),
})

export interface Config {
  port: number
  host: string
  /** Folder for the SQLite database; created when missing. */
  dataDir: string
  logLevel: z.infer<typeof Env>['LOG_LEVEL']
  /** The built app (`vite build` output); absent in API-only test servers. */
  staticDir: string | null
  /** How long a browser session and an API token live. */
  sessionTtlMs: { browser: number; api: number }
  /** Other origins allowed to call the API with credentials (e.g. a dev server). */
  allowedOrigins: string[]
  /**
   * The origins people reach this server at (`PUBLIC_ORIGIN`): their host names (and those of
   * `allowedOrigins`, `localhost` and IP addresses) are the `Host`s it answers (server/hostCheck.ts).
   */
  publicOrigins: string[]
  /** How many proxies in front of this server append to X-Forwarded-For (0: none, use the peer's address). */
  trustProxyHops: number
  /** WebSockets and event streams one client address may hold open on this node. */
  maxConnectionsPerAddress: number
  /** Failed sign-ins one client address may make in 15 minutes before it is slowed down with 429s. */
  signInFailuresPerAddress: number
  /** Seed an empty newsroom with demo accounts and stories. */
  demo: boolean
  /** PostgreSQL instead of SQLite in `dataDir`: what several nodes share. */
  databaseUrl: string | null
  /** Redis, for what travels between nodes (updates, presence, events); null on a single node. */
  redisUrl: string | null
  /** This process's name in logs and on the bus (random when not set). */
  nodeName: string
  /** Where every publication is POSTed (ninjs), signed with `publishWebhookSecret`. */
  publishWebhookUrls: string[]
  publishWebhookSecret: string
  /** Waits between delivery attempts (tests shorten them; server/publishing.ts has the default). */
  deliveryRetryDelaysMs?: number[]
  /** How often open sockets and event streams check their session again (sign-out, expiry…). */
  sessionCheckMs: number
}

/** Read the configuration from `env`, failing loudly on bad values. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new ConfigError(`Invalid configuration: ${detail}`)
  }
  const value = parsed.data
  const publishWebhookUrls = value.PUBLISH_WEBHOOK_URLS.split(',').map((url) => url.trim()).filter(Boolean)
  if (publishWebhookUrls.length > 0 && value.PUBLISH_WEBHOOK_SECRET.length < 16) {
    throw new ConfigError('Invalid configuration: PUBLISH_WEBHOOK_SECRET must be set (at least 16 characters) when PUBLISH_WEBHOOK_URLS is: outlets check the signature with it')
  }
  return {
    port: value.PORT,
    host: value.HOST,
    dataDir: path.resolve(value.DATA_DIR),
    logLevel: value.LOG_LEVEL,
    staticDir: path.resolve(value.STATIC_DIR),
    sessionTtlMs: { browser: value.SESSION_TTL_HOURS * 3_600_000, api: value.API_TOKEN_TTL_DAYS * 86_400_000 },
    allowedOrigins: value.ALLOWED_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    publicOrigins: value.PUBLIC_ORIGIN.split(',').map((origin) => origin.trim().replace(/\/$/, '')).filter(Boolean),
    trustProxyHops: value.TRUST_PROXY,
    maxConnectionsPerAddress: value.MAX_CONNECTIONS_PER_ADDRESS,
    signInFailuresPerAddress: value.SIGN_IN_FAILURES_PER_ADDRESS,
    demo: value.NEWSROOM_DEMO === '1',
    databaseUrl: value.DATABASE_URL || null,
    redisUrl: value.REDIS_URL || null,
    nodeName: value.NODE_NAME || `node-${randomBytes(4).toString('hex')}`,
    publishWebhookUrls,
    publishWebhookSecret: value.PUBLISH_WEBHOOK_SECRET,
    sessionCheckMs: 15_000,
  }
}
