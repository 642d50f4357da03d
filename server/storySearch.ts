/**
 * Story search (issue 15): the story list finds headline, slug and bylines in the rows it has; the
 * body lives only on the server, so the server keeps each story's text beside its index row
 * (`story_search`, written with the row by Storage.updateIndex) and finds words in it here.
 *
 * What is searched is what the story says now: the body as the editor shows it, desk notes left out
 * (they never print), open suggestions in (a suggested deletion is still in the copy until someone
 * accepts it, and a suggested insertion is what its author wrote), like the word count.
 *
 * Every word must be in the folded text, anywhere (inside a word too, as the browser's filter
 * matches): `instr` on SQLite, `strpos` on PostgreSQL, over every row. Neither database's word
 * index answers that (FTS5 and tsvector find whole words or prefixes only); a scan of 500 stories
 * of 1,000 words takes a few milliseconds (bench/searchScan.ts prints it).
 *
 * Stories stored before the table existed have no text: `start` fills it in the background, one
 * story at a time, yielding between them, so a newsroom of thousands of stories starts at once.
 */
import { sql, type Kysely, type SqlBool } from 'kysely'
import type { SearchAnswer } from '../src/shared/api.js'
import { foldForSearch, SEARCH_MAX_RESULTS, searchSnippet } from '../src/shared/searchText.js'
import { bodyBlocks, readMeta } from '../src/shared/storyDoc.js'
import type * as Y from 'yjs'
import type { Logger } from './logger.js'
import type { SearchText, Storage } from './storage.js'
import type { StoreSchema } from './store/schema.js'

/** A story's search text from its metadata and its body's blocks (src/shared/storyDoc.ts bodyBlocks). */
export function searchTextOf(meta: { headline: string; slug: string; bylines: readonly string[] }, blocks: readonly string[]): SearchText {
  const body = blocks.join('\n')
  return { body, folded: foldForSearch([meta.headline, meta.slug, ...meta.bylines, body].join('\n')) }
}

/** A story document's search text. */
export function searchTextOfDoc(doc: Y.Doc): SearchText {
  return searchTextOf(readMeta(doc), bodyBlocks(doc))
}

/** Stories the backfill reads per query of the store. */
const BACKFILL_BATCH = 50

/** Finding stories by the words of their text, and filling in the text of older stories. */
export class StorySearch {
  private stopped = false
  private backfill: Promise<void> | null = null

  constructor(
    private readonly db: Kysely<StoreSchema>,
    private readonly kind: 'sqlite' | 'postgres',
    private readonly storage: Storage,
    private readonly log: Logger,
  ) {}

  /**
   * The stories whose text holds every one of `words` (folded, src/shared/searchText.ts
   * searchWords), most recently updated first, at most SEARCH_MAX_RESULTS; for those whose body
   * holds one of them, the body around it.
   */
  async find(words: readonly string[]): Promise<SearchAnswer> {
    if (words.length === 0) return { ids: [], snippets: {} }
    let query = this.db
      .selectFrom('story_search')
      .innerJoin('stories', 'stories.id', 'story_search.story_id')
      .select(['story_search.story_id as id', 'story_search.body as body'])
    for (const word of words) {
      // A bound parameter, never LIKE: a query's % and _ are words like any other.
      query = query.where(this.kind === 'postgres' ? sql<SqlBool>`strpos(story_search.folded, ${word}) > 0` : sql<SqlBool>`instr(story_search.folded, ${word}) > 0`)
    }
    const rows = await query.orderBy('stories.updated_at', 'desc').orderBy('stories.id').limit(SEARCH_MAX_RESULTS).execute()
    const snippets: Record<string, string> = {}
    for (const row of rows) {
      const snippet = searchSnippet(row.body, words)
      if (snippet !== null) snippets[row.id] = snippet
    }
    return { ids: rows.map((row) => row.id), snippets }
  }

  /** Fill in, in the background, the text of every story that has none (stored before search). */
  start(): void {
    this.backfill ??= this.fill().catch((error: unknown) => this.log.warn({ err: error }, 'could not finish indexing the stories for search'))
  }

  /** Stop the backfill; resolves once it has let go of the store. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.backfill
  }

  private async fill(): Promise<void> {
    const started = Date.now()
    let filled = 0
    let after = ''
    for (;;) {
      const ids = await this.storage.storiesWithoutSearchText(after, BACKFILL_BATCH)
      if (ids.length === 0 || this.stopped) break
      for (const id of ids) {
        if (this.stopped) break
        after = id
        try {
          const loaded = await this.storage.loadDoc(id)
          if (!loaded) continue
          const text = searchTextOfDoc(loaded.doc)
          loaded.doc.destroy()
          await this.storage.fillSearchText(id, text)
          filled++
        } catch (error) {
          // One story that cannot be read stays unsearchable by its body; the rest go on.
          this.log.warn({ err: error, story: id }, 'could not index a story for search')
        }
        // One story per turn of the event loop: requests and sync go on meanwhile.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    if (filled > 0) this.log.info({ stories: filled, ms: Date.now() - started }, 'indexed stories for search')
  }
}
