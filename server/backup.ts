/**
 * `npm run backup -- FILE`: a consistent copy of the newsroom's SQLite database, taken while people
 * write (SQLite's online backup API, through better-sqlite3: pages are copied in steps and a
 * write meanwhile restarts the copy of what it touched, so the file is one moment's database).
 * Restore by stopping the server and putting the file in DATA_DIR as `deskline.db` (README).
 * With DATABASE_URL set the newsroom is on PostgreSQL: use pg_dump there.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { ConfigError, readConfig } from './config.js'

/** Copy the database in `dataDir` to `target`; resolves to the copy's size in bytes. */
export async function backupSqlite(dataDir: string, target: string): Promise<number> {
  const source = path.join(dataDir, 'deskline.db')
  if (!fs.existsSync(source)) throw new ConfigError(`DATA_DIR: there is no database at ${source}`)
  if (fs.existsSync(target)) throw new ConfigError(`${target} exists already: back up to a new file`)
  const db = new Database(source, { fileMustExist: true })
  try {
    await db.backup(target)
  } finally {
    db.close()
  }
  return fs.statSync(target).size
}

async function main(): Promise<void> {
  const target = process.argv[2]
  if (!target) throw new ConfigError('usage: npm run backup -- FILE (a new file to write the copy to)')
  const config = readConfig()
  if (config.databaseUrl) throw new ConfigError('DATABASE_URL is set: the newsroom is on PostgreSQL, back it up with pg_dump')
  const bytes = await backupSqlite(config.dataDir, path.resolve(target))
  process.stdout.write(`deskline: backed up ${path.join(config.dataDir, 'deskline.db')} to ${path.resolve(target)} (${bytes} bytes)\n`)
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('server', 'backup.ts'))) {
  main().catch((error: unknown) => {
    process.stderr.write(`deskline: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
