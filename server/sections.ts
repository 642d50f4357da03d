/** The paper's sections, managed by administrators; each story has one. */
import { sql, type Kysely } from 'kysely'
import { SECTIONS } from '../src/shared/newsroom.js'
import type { StoreSchema } from './store/schema.js'

export class Sections {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** Sections in desk order. */
  async list(): Promise<string[]> {
    const rows = await this.db.selectFrom('sections').select('name').orderBy('position').orderBy('name').execute()
    return rows.map((row) => row.name)
  }

  /** Whether a section of this name exists (case-insensitive); resolves to its stored spelling. */
  async find(name: string): Promise<string | null> {
    const row = await this.db.selectFrom('sections').select('name').where(sql<string>`lower(name)`, '=', name.toLowerCase()).executeTakeFirst()
    return row?.name ?? null
  }

  /** Add a section at the end; false when it exists. */
  async add(name: string): Promise<boolean> {
    if (await this.find(name)) return false
    const row = await this.db
      .selectFrom('sections')
      .select(sql<number>`coalesce(max(position), -1) + 1`.as('p'))
      .executeTakeFirstOrThrow()
    await this.db.insertInto('sections').values({ name, position: Number(row.p) }).execute()
    return true
  }

  /** Remove a section; stories keep their label until re-sectioned. */
  async remove(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sections').where(sql<string>`lower(name)`, '=', name.toLowerCase()).executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  /** Seed the default sections when there are none. */
  async ensureDefaults(): Promise<void> {
    const row = await this.db.selectFrom('sections').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    if (Number(row.n) > 0) return
    for (const name of SECTIONS) await this.add(name)
  }
}
