/**
 * The newsroom's dictionary and the house-style rules turned off (issue 13): one repository over
 * the two tables (server/store/migrations.ts). Words are kept as added; adding one that is there
 * already changes nothing.
 */
import type { Kysely } from 'kysely'
import type { DictionaryContents, DictionaryEntry } from '../src/shared/dictionary.js'
import type { StoreSchema } from './store/schema.js'

export class NewsroomDictionary {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  /** Every word (alphabetical, case aside) and the rules turned off. */
  async read(): Promise<DictionaryContents> {
    const [rows, settings] = await Promise.all([
      this.db.selectFrom('newsroom_words').select(['word', 'added_by', 'added_at']).execute(),
      this.db.selectFrom('style_rule_settings').select('rule_id').where('enabled', '=', 0).orderBy('rule_id').execute(),
    ])
    const words: DictionaryEntry[] = rows
      .map((row) => ({ word: row.word, addedBy: row.added_by === null ? null : Number(row.added_by), addedAt: Number(row.added_at) }))
      .sort((a, b) => a.word.localeCompare(b.word, 'en', { sensitivity: 'base' }) || a.word.localeCompare(b.word))
    return { words, disabledRules: settings.map((row) => row.rule_id) }
  }

  /** Add a word; resolves to whether it was new. */
  async add(word: string, userId: number): Promise<boolean> {
    const result = await this.db
      .insertInto('newsroom_words')
      .values({ word, added_by: userId, added_at: Date.now() })
      .onConflict((conflict) => conflict.column('word').doNothing())
      .executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
  }

  /** Remove a word; resolves to whether it was there. */
  async remove(word: string): Promise<boolean> {
    const result = await this.db.deleteFrom('newsroom_words').where('word', '=', word).executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  /** Turn a rule off or on for the newsroom; resolves to whether that changed anything. */
  async setRule(ruleId: string, enabled: boolean, userId: number): Promise<boolean> {
    const before = await this.db.selectFrom('style_rule_settings').select('enabled').where('rule_id', '=', ruleId).executeTakeFirst()
    const was = before ? before.enabled === 1 : true
    if (was === enabled) return false
    const row = { enabled: enabled ? 1 : 0, changed_by: userId, changed_at: Date.now() }
    await this.db
      .insertInto('style_rule_settings')
      .values({ rule_id: ruleId, ...row })
      .onConflict((conflict) => conflict.column('rule_id').doUpdateSet(row))
      .execute()
    return true
  }
}
