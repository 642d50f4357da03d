/** Story search: `GET /api/stories/search?q=` (issue 15; the finding lives in server/storySearch.ts). */
import { z } from 'zod'
import { SEARCH_QUERY_MAX_CHARS, searchWords } from '../../src/shared/searchText.js'
import { HttpError } from '../errors.js'
import { sendJson, type Route } from '../router.js'
import type { Services } from '../services.js'

const SearchQuery = z.object({
  q: z
    .string()
    .max(SEARCH_QUERY_MAX_CHARS, `A search is at most ${SEARCH_QUERY_MAX_CHARS} characters.`)
    .refine((q) => searchWords(q).length > 0, 'Type the words to search for.'),
})

/** The search route: every signed-in person may read every story, so may search them all. */
export function searchRoutes(services: Services): Route[] {
  return [
    {
      method: 'GET',
      // Before the story routes: `search` would otherwise be taken for a story id.
      path: /^\/api\/stories\/search$/,
      access: 'user',
      async handle(ctx) {
        const parsed = SearchQuery.safeParse({ q: ctx.url.searchParams.get('q') ?? '' })
        if (!parsed.success) throw new HttpError(400, 'invalid_query', parsed.error.issues[0]?.message ?? 'Type the words to search for.')
        sendJson(ctx.res, 200, await services.search.find(searchWords(parsed.data.q)))
      },
    },
  ]
}
