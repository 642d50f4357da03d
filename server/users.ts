/** Accounts: people, their role and password hash, in SQLite. */
import type Database from 'better-sqlite3'
import type { PublicUser } from '../src/shared/api.js'
import type { Role } from '../src/shared/permissions.js'
import { hashPassword } from './passwords.js'

interface UserRow {
  id: number
  username: string
  display_name: string
  byline_name: string
  color: string
  role: Role
  is_admin: number
  password_hash: string
  active: number
}

export interface StoredUser extends PublicUser {
  passwordHash: string
}

const CARET_COLORS = ['#b4451f', '#1f6fb4', '#2e7d32', '#8e24aa', '#c0862b', '#00838f', '#ad1457', '#5d4037']

function toUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    bylineName: row.byline_name,
    color: row.color,
    role: row.role,
    isAdmin: row.is_admin === 1,
    active: row.active === 1,
    passwordHash: row.password_hash,
  }
}

/** Strip the hash before a user leaves the server. */
export function publicUser(user: StoredUser): PublicUser {
  const { passwordHash: _hidden, ...rest } = user
  return rest
}

export interface NewUser {
  username: string
  password: string
  displayName: string
  bylineName?: string
  color?: string
  role: Role
  isAdmin?: boolean
}

export class Users {
  constructor(private readonly db: Database.Database) {}

  /** How many accounts exist (0 means first run). */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n
  }

  /**
   * Create an account; throws on a taken username (UNIQUE). With `onlyIfEmpty` the insert
   * happens only on an empty table, checked in the same transaction (first-run setup races).
   */
  async create(input: NewUser, options: { onlyIfEmpty?: boolean } = {}): Promise<StoredUser | null> {
    const hash = await hashPassword(input.password)
    const insert = this.db.transaction(() => {
      const count = this.count()
      if (options.onlyIfEmpty && count > 0) return null
      const color = input.color ?? CARET_COLORS[count % CARET_COLORS.length] ?? '#1f6fb4'
      return this.db
        .prepare(
          `INSERT INTO users (username, display_name, byline_name, color, role, is_admin, password_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.username, input.displayName, input.bylineName ?? input.displayName, color, input.role, input.isAdmin ? 1 : 0, hash, Date.now())
        .lastInsertRowid
    })
    const id = insert()
    return id === null ? null : this.get(Number(id))
  }

  /** One user by id. */
  get(id: number): StoredUser | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
    return row ? toUser(row) : null
  }

  /** One user by username (case-insensitive). */
  byUsername(username: string): StoredUser | null {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined
    return row ? toUser(row) : null
  }

  /** Everyone, by display name. */
  list(): StoredUser[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY display_name COLLATE NOCASE').all() as UserRow[]).map(toUser)
  }

  /** Change fields of an account. */
  async update(
    id: number,
    change: Partial<Pick<PublicUser, 'displayName' | 'bylineName' | 'color' | 'role' | 'isAdmin' | 'active'>> & { password?: string },
  ): Promise<StoredUser | null> {
    const current = this.get(id)
    if (!current) return null
    const hash = change.password ? await hashPassword(change.password) : current.passwordHash
    this.db
      .prepare(
        `UPDATE users SET display_name = ?, byline_name = ?, color = ?, role = ?, is_admin = ?, active = ?, password_hash = ?
         WHERE id = ?`,
      )
      .run(
        change.displayName ?? current.displayName,
        change.bylineName ?? current.bylineName,
        change.color ?? current.color,
        change.role ?? current.role,
        (change.isAdmin ?? current.isAdmin) ? 1 : 0,
        (change.active ?? current.active) ? 1 : 0,
        hash,
        id,
      )
    return this.get(id)
  }
}
