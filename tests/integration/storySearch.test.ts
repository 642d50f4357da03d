/**
 * Story search (issue 15): `GET /api/stories/search?q=` finds stories by the words of their text,
 * the body included, on the real server over SQLite and over PostgreSQL: every word must be there,
 * case and accents do not matter, desk notes are not the story's words, an edit made over the sync
 * socket is found once stored, and stories stored before search existed are indexed at start-up.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../server/app'
import type { Config } from '../../server/config'
import type { SearchAnswer } from '../../src/shared/api'
import { SEARCH_QUERY_MAX_CHARS } from '../../src/shared/searchText'
import { NOTE } from '../../src/shared/storyDoc'
import { connectClient, firstText, synced } from '../helpers/clients'
import { startPostgres, type TestPostgres } from '../helpers/postgres'
import { addUser, getJson, importStoryVia, startTestServer, tempDataDir } from '../helpers/server'

let cluster: TestPostgres
beforeAll(async () => {
  cluster = await startPostgres()
}, 60_000)
afterAll(async () => {
  await cluster.stop()
})

/** A plain-text story file: headline, then paragraphs. */
const storyFile = (headline: string, ...paragraphs: string[]) => `${headline}\n\n${paragraphs.join('\n\n')}\n`

const backends: Array<{ name: string; config: () => Promise<Partial<Config>> }> = [
  { name: 'SQLite', config: async () => ({}) },
  { name: 'PostgreSQL', config: async () => ({ databaseUrl: await cluster.createDatabase() }) },
]

describe.each(backends)('story search: $name', ({ config }) => {
  let srv: RunningServer
  let token = ''
  let dataDir = ''
  let storyConfig: Partial<Config> = {}
  const ids = { harbour: '', tram: '', zurich: '', noted: '' }

  const search = async (q: string) => {
    const { status, body } = await getJson(`${srv.url}/api/stories/search?q=${encodeURIComponent(q)}`, token)
    expect(status).toBe(200)
    return body as unknown as SearchAnswer
  }

  beforeAll(async () => {
    dataDir = tempDataDir()
    storyConfig = await config()
    srv = await startTestServer({ dataDir, config: storyConfig })
    token = (await addUser(srv, 'reporter', 'reporter')).token
    ids.harbour = await importStoryVia(srv.url, token, storyFile('Council meets', 'The harbour authority approved a zeppelin mooring mast on Tuesday.', 'Fishermen objected.'))
    ids.tram = await importStoryVia(srv.url, token, storyFile('Transport plans', 'A new tram line will pass the harbour by 2030.'))
    ids.zurich = await importStoryVia(srv.url, token, storyFile('Bank results', 'Profits in ZÜRICH rose, the Café Crème chain said.'))
    ids.noted = await importStoryVia(srv.url, token, storyFile('Weather', 'Rain is expected.'))
  })
  afterAll(async () => {
    await srv.close()
  })

  it('finds a word that is only in the body, with the body around it as a snippet', async () => {
    const found = await search('zeppelin')
    expect(found.ids).toEqual([ids.harbour])
    expect(found.snippets[ids.harbour]).toBe('The harbour authority approved a zeppelin mooring mast on Tuesday. Fishermen objected.')
    // Headline words are found too, with no snippet: the body does not have them.
    const byHeadline = await search('council')
    expect(byHeadline.ids).toEqual([ids.harbour])
    expect(byHeadline.snippets).toEqual({})
  })

  it('needs every word, in any order, anywhere in the text', async () => {
    expect((await search('harbour')).ids.toSorted()).toEqual([ids.harbour, ids.tram].toSorted())
    expect((await search('zeppelin harbour')).ids).toEqual([ids.harbour])
    // One word in the headline, one in the body: still the story.
    expect((await search('tram transport')).ids).toEqual([ids.tram])
    expect((await search('zeppelin tram')).ids).toEqual([])
  })

  it('folds case and accents on both sides', async () => {
    expect((await search('zurich CAFE creme')).ids).toEqual([ids.zurich])
    expect((await search('Zürich')).ids).toEqual([ids.zurich])
    expect((await search('HARBOUR Zeppelin')).ids).toEqual([ids.harbour])
    expect((await search('zurich')).snippets[ids.zurich]).toBe('Profits in ZÜRICH rose, the Café Crème chain said.')
  })

  it('finds a story by words typed over the sync socket once stored, but never by its desk notes', async () => {
    const client = connectClient(srv.url, ids.noted, { token })
    try {
      await synced(client)
      const text = firstText(client.doc)
      client.doc.transact(() => {
        text.insert(text.length, ' Thunderstorms later.')
        text.insert(text.length, ' checkwithmetdesk', { [NOTE]: {} })
      })
      await vi.waitFor(async () => expect((await search('thunderstorms')).ids).toEqual([ids.noted]), { timeout: 10_000, interval: 100 })
      // The same update carried the note: the stored text has it left out.
      expect((await search('checkwithmetdesk')).ids).toEqual([])
      expect((await search('rain thunderstorms')).snippets[ids.noted]).toBe('Rain is expected. Thunderstorms later.')
    } finally {
      client.destroy()
    }
  })

  it('answers 400 to a query with no words or one past the limit, and 401 to nobody', async () => {
    for (const q of ['', '   ', 'a'.repeat(SEARCH_QUERY_MAX_CHARS + 1)]) {
      const { status, body } = await getJson(`${srv.url}/api/stories/search?q=${encodeURIComponent(q)}`, token)
      expect({ q: q.slice(0, 10), status, error: (body.error as { id: string }).id }).toEqual({ q: q.slice(0, 10), status: 400, error: 'invalid_query' })
    }
    expect((await getJson(`${srv.url}/api/stories/search`, token)).status).toBe(400)
    expect((await getJson(`${srv.url}/api/stories/search?q=${'a'.repeat(SEARCH_QUERY_MAX_CHARS)}`, token)).status).toBe(200)
    expect((await getJson(`${srv.url}/api/stories/search?q=harbour`)).status).toBe(401)
  })

  it('treats % and _ as characters, not patterns', async () => {
    expect((await search('%')).ids).toEqual([])
    expect((await search('_')).ids).toEqual([])
  })

  it('indexes at start-up the stories stored before search existed', async () => {
    await srv.services.storage['db'].deleteFrom('story_search').execute()
    expect((await search('zeppelin')).ids).toEqual([])
    await srv.close()
    srv = await startTestServer({ dataDir, config: storyConfig })
    // The backfill fills one story per turn of the event loop: wait for both.
    await vi.waitFor(
      async () => {
        expect((await search('zeppelin')).ids).toEqual([ids.harbour])
        expect((await search('zurich cafe')).ids).toEqual([ids.zurich])
      },
      { timeout: 10_000, interval: 100 },
    )
  })
})
