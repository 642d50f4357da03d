/**
 * Opening the store's database: SQLite in `DATA_DIR` (the default) or PostgreSQL at a URL. Each
 * runs its migration list first, then answers through Kysely, so the repositories are written
 * once for both.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely'
import { Pool, types } from 'pg'
import { ConfigError, redactUrl } from '../config.js'
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations.js'
import type { StoreSchema } from './schema.js'

/** An open store database. */
export interface Backend {
  kind: 'sqlite' | 'postgres'
  db: Kysely<StoreSchema>
  /** The raw SQLite handle (tests lock it to play a stuck database); null on PostgreSQL. */
  sqlite: Database.Database | null
  /**
   * Run `fn` while no other node runs one under the same key (start-up work such as seeding an
   * empty newsroom). On SQLite one process has the database, so it simply runs.
   */
  exclusively<T>(key: number, fn: () => Promise<T>): Promise<T>
}

/** Open the store `config` names: PostgreSQL at `DATABASE_URL`, or SQLite in `DATA_DIR`. */
export async function openBackend(config: { dataDir: string; databaseUrl: string | null }): Promise<Backend> {
  if (!config.databaseUrl) return openSqlite(config.dataDir)
  try {
    return await openPostgres(config.databaseUrl)
  } catch (error) {
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error)
    throw new ConfigError(`DATABASE_URL: cannot use the PostgreSQL database at ${redactUrl(config.databaseUrl)}: ${reason}`)
  }
}

/** Open (and migrate) `dataDir/deskline.db`. */
export function openSqlite(dataDir: string): Backend {
  fs.mkdirSync(dataDir, { recursive: true })
  const sqlite = new Database(path.join(dataDir, 'deskline.db'))
  sqlite.pragma('journal_mode = WAL')
  // NORMAL in WAL mode: a commit is in the WAL file (the OS has it) when the call returns, so a
  // killed process loses nothing; only a power cut can lose the last transactions.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  // Never wait on a lock: better-sqlite3 waits synchronously, which would stall every story and
  // request while another process holds the database. A locked write fails at once instead;
  // rooms retry it without blocking (server/room.ts) and report the store as failing.
  sqlite.pragma('busy_timeout = 0')
  const version = sqlite.pragma('user_version', { simple: true }) as number
  for (let index = version; index < SQLITE_MIGRATIONS.length; index++) {
    sqlite.transaction(() => {
      sqlite.exec(SQLITE_MIGRATIONS[index] ?? '')
      sqlite.pragma(`user_version = ${index + 1}`)
    })()
  }
  return {
    kind: 'sqlite',
    db: new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: sqlite }) }),
    sqlite,
    exclusively: (_key, fn) => fn(),
  }
}

/** Key of the advisory lock that makes migrations run once when several nodes start together. */
const MIGRATION_LOCK = 4_173_001

// BIGINT (int8) columns hold ms times and Yjs client ids, all well inside Number's exact range;
// pg hands them over as strings unless told otherwise.
types.setTypeParser(types.builtins.INT8, (value: string) => Number(value))

/** Connect to (and migrate) the PostgreSQL database at `url`. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Backend> {
  // A server that does not answer fails a connection attempt in seconds, not never.
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    // A server that stops answering without closing the connection: the query fails (and the
    // store is marked failing) instead of holding the story's commits forever.
    query_timeout: 15_000,
    keepAlive: true,
  })
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills
  // the process. Queries that were running reject on their own.
  pool.on('error', () => undefined)
  // The same for a client checked out between two statements (a transaction awaiting its next
  // step): its next query rejects, which is where the failure is handled.
  pool.on('connect', (client) => client.on('error', () => undefined))
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) })
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx)
      await sql`CREATE TABLE IF NOT EXISTS deskline_schema (version INTEGER NOT NULL)`.execute(trx)
      const row = await sql<{ version: number }>`SELECT version FROM deskline_schema`.execute(trx)
      const version = row.rows[0]?.version ?? 0
      if (row.rows.length === 0) await sql`INSERT INTO deskline_schema (version) VALUES (0)`.execute(trx)
      for (let index = version; index < POSTGRES_MIGRATIONS.length; index++) {
        await sql.raw(POSTGRES_MIGRATIONS[index] ?? '').execute(trx)
      }
      if (version < POSTGRES_MIGRATIONS.length) await sql`UPDATE deskline_schema SET version = ${POSTGRES_MIGRATIONS.length}`.execute(trx)
    })
  } catch (error) {
    await db.destroy()
    throw error
  }
  return {
    kind: 'postgres',
    db,
    sqlite: null,
    // A session lock, held on one connection for as long as `fn` runs; released even if it throws
    // (and by PostgreSQL itself should this process die).
    exclusively: (key, fn) =>
      db.connection().execute(async (conn) => {
        await sql`SELECT pg_advisory_lock(${key})`.execute(conn)
        try {
          return await fn()
        } finally {
          await sql`SELECT pg_advisory_unlock(${key})`.execute(conn)
        }
      }),
  }
}
