/** Accounts: people, their role and password hash, on the store's database. */
import { sql, type Kysely, type Selectable } from 'kysely'
import type { PublicUser } from '../src/shared/api.js'
import type { Role } from '../src/shared/permissions.js'
import { hashPassword } from './passwords.js'
import type { StoreSchema, UsersTable } from './store/schema.js'

type UserRow = Selectable<UsersTable>

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
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** How many accounts exist (0 means first run). */
  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /**
   * Create an account; rejects on a taken username (unique whatever its case). With `onlyIfEmpty`
   * the insert happens only on an empty table, checked in the same transaction (first-run setup
   * races).
   */
  async create(input: NewUser, options: { onlyIfEmpty?: boolean } = {}): Promise<StoredUser | null> {
    const hash = await hashPassword(input.password)
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const count = Number(row.n)
      if (options.onlyIfEmpty && count > 0) return null
      const color = input.color ?? CARET_COLORS[count % CARET_COLORS.length] ?? '#1f6fb4'
      const inserted = await trx
        .insertInto('users')
        .values({
          username: input.username,
          display_name: input.displayName,
          byline_name: input.bylineName ?? input.displayName,
          color,
          role: input.role,
          is_admin: input.isAdmin ? 1 : 0,
          password_hash: hash,
          created_at: Date.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return inserted.id
    })
    return id === null ? null : this.get(id)
  }

  /** One user by id. */
  async get(id: number): Promise<StoredUser | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toUser(row) : null
  }

  /** One user by username (case-insensitive). */
  async byUsername(username: string): Promise<StoredUser | null> {
    const row = await this.db.selectFrom('users').selectAll().where(sql<string>`lower(username)`, '=', username.toLowerCase()).executeTakeFirst()
    return row ? toUser(row) : null
  }

  /** Everyone, by display name. */
  async list(): Promise<StoredUser[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy(sql`lower(display_name)`).orderBy('id').execute()
    return rows.map(toUser)
  }

  /** Change fields of an account. */
  async update(
    id: number,
    change: Partial<Pick<PublicUser, 'displayName' | 'bylineName' | 'color' | 'role' | 'isAdmin' | 'active'>> & { password?: string },
  ): Promise<StoredUser | null> {
    const current = await this.get(id)
    if (!current) return null
    const hash = change.password ? await hashPassword(change.password) : current.passwordHash
    await this.db
      .updateTable('users')
      .set({
        display_name: change.displayName ?? current.displayName,
        byline_name: change.bylineName ?? current.bylineName,
        color: change.color ?? current.color,
        role: change.role ?? current.role,
        is_admin: (change.isAdmin ?? current.isAdmin) ? 1 : 0,
        active: (change.active ?? current.active) ? 1 : 0,
        password_hash: hash,
      })
      .where('id', '=', id)
      .execute()
    return this.get(id)
  }
}
