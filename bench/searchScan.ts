/**
 * Story search without a word index (server/storySearch.ts): how long `GET /api/stories/search`'s
 * query takes over 500 stories of 1,000 words, on SQLite and (with `--postgres`, Debian's
 * PostgreSQL) on PostgreSQL. Prints a table: per query, how many stories match and the median and
 * worst time of 20 runs, snippets included.
 *
 *   npx tsx bench/searchScan.ts [--postgres] [--stories 500] [--words 1000]
 */
import fs from 'node:fs'
import { createLogger } from '../server/logger'
import { Storage } from '../server/storage'
import { openPostgres, openSqlite, type Backend } from '../server/store/backends'
import { createStory } from '../server/stories'
import { StoryEvents } from '../server/storyEvents'
import { StorySearch } from '../server/storySearch'
import { searchWords } from '../src/shared/searchText'
import { startPostgres, type TestPostgres } from '../tests/helpers/postgres'
import { seededRandom } from '../tests/helpers/random'
import { tempDataDir } from '../tests/helpers/server'

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name)
  return at === -1 ? fallback : Number(process.argv[at + 1])
}
const STORIES = argument('--stories', 500)
const WORDS = argument('--words', 1000)
const RUNS = 20

/** A vocabulary of made-up words, 4,000 of them, so a word is in some stories, not all. */
function vocabulary(random: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 've', 'da', 'gu', 'bé', 'zo', 'fa', 'chi', 'wer']
  const words = new Set<string>()
  while (words.size < 4000) {
    let word = ''
    const length = 2 + Math.floor(random() * 3)
    for (let i = 0; i < length; i++) word += syllables[Math.floor(random() * syllables.length)]
    words.add(word)
  }
  return [...words]
}

async function fill(backend: Backend): Promise<StorySearch> {
  const storage = new Storage(backend)
  const random = seededRandom(15)
  const vocab = vocabulary(random)
  const events = new StoryEvents()
  for (let story = 0; story < STORIES; story++) {
    const paragraphs: string[] = []
    for (let left = WORDS; left > 0; left -= 50) {
      const words = Array.from({ length: Math.min(50, left) }, () => vocab[Math.floor(random() * vocab.length)] ?? 'news')
      // "the" in every story: a word every story has, the widest answer.
      paragraphs.push(`The ${words.join(' ')}.`)
    }
    await createStory(storage, events, { headline: `Story ${story}`, paragraphs })
  }
  return new StorySearch(backend.db, backend.kind, storage, createLogger('silent'))
}

async function measure(name: string, search: StorySearch): Promise<void> {
  const queries = ['the', 'kalo', 'kalomine', 'kalo mine', 'bé', 'zzzz nothing']
  const rows: string[] = []
  for (const query of queries) {
    const words = searchWords(query)
    const times: number[] = []
    let found = 0
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now()
      found = (await search.find(words)).ids.length
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    rows.push(`| ${name} | \`${query}\` | ${found} | ${times[Math.floor(RUNS / 2)]?.toFixed(1)} | ${times.at(-1)?.toFixed(1)} |`)
  }
  console.log(rows.join('\n'))
}

async function main(): Promise<void> {
  console.log(`${STORIES} stories of ${WORDS} words, ${RUNS} runs per query (found: capped at 200)\n`)
  console.log('| store | query | found | median ms | worst ms |\n|---|---|---|---|---|')
  const dataDir = tempDataDir()
  const sqlite = openSqlite(dataDir)
  try {
    await measure('SQLite', await fill(sqlite))
  } finally {
    await sqlite.db.destroy()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  if (!process.argv.includes('--postgres')) return
  let cluster: TestPostgres | null = null
  try {
    cluster = await startPostgres()
    const postgres = await openPostgres(await cluster.createDatabase())
    try {
      await measure('PostgreSQL', await fill(postgres))
    } finally {
      await postgres.db.destroy()
    }
  } finally {
    await cluster?.stop()
  }
}

await main()
