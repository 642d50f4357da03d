import { useEffect, useState } from 'react'
import { searchStories } from '../api'
import { SEARCH_QUERY_MAX_CHARS, searchWords } from '../shared/searchText'

/**
 * What the server's search says for the story list's query: nothing asked (no words), asked and
 * waiting (with the last answer, kept so the list does not flicker while someone types), answered,
 * or not available (offline, failed): then the list searches headline, slug and byline only.
 */
export type BodySearch =
  | { state: 'idle' }
  | { state: 'searching'; ids: ReadonlySet<string> | null; snippets: Readonly<Record<string, string>> }
  | { state: 'ready'; ids: ReadonlySet<string>; snippets: Readonly<Record<string, string>> }
  | { state: 'unavailable'; reason: 'offline' | 'failed' }

/** How long typing must pause before the server is asked. */
export const BODY_SEARCH_DEBOUNCE_MS = 250

/** The server's last answer, for the words it answers (null ids: the search failed). */
interface Answer {
  words: string
  ids: ReadonlySet<string> | null
  snippets: Readonly<Record<string, string>>
}

/** The ids a body search found so far (null: none to add to the list's own matches). */
export function bodyMatches(search: BodySearch): ReadonlySet<string> | null {
  return search.state === 'ready' || search.state === 'searching' ? search.ids : null
}

/** The snippet the server sent for a story, if any. */
export function snippetOf(search: BodySearch, id: string): string | undefined {
  return search.state === 'ready' || search.state === 'searching' ? search.snippets[id] : undefined
}

/**
 * Search story text on the server for `query` (issue 15): debounced, and only the newest query's
 * answer is kept (an older request is aborted, and its answer ignored if it comes anyway).
 */
export function useBodySearch(query: string, offline: boolean): BodySearch {
  const [answer, setAnswer] = useState<Answer | null>(null)
  const words = searchWords(query).join(' ')
  useEffect(() => {
    if (words === '' || offline) return
    const controller = new AbortController()
    let current = true
    const timer = setTimeout(() => {
      // The server refuses longer queries; the words are what it compares anyway.
      searchStories(words.slice(0, SEARCH_QUERY_MAX_CHARS), controller.signal).then(
        (found) => current && setAnswer({ words, ids: new Set(found.ids), snippets: found.snippets }),
        () => current && setAnswer({ words, ids: null, snippets: {} }),
      )
    }, BODY_SEARCH_DEBOUNCE_MS)
    return () => {
      current = false
      clearTimeout(timer)
      controller.abort()
    }
  }, [words, offline])
  if (words === '') return { state: 'idle' }
  if (offline) return { state: 'unavailable', reason: 'offline' }
  if (answer?.words === words) return answer.ids ? { state: 'ready', ids: answer.ids, snippets: answer.snippets } : { state: 'unavailable', reason: 'failed' }
  return { state: 'searching', ids: answer?.ids ?? null, snippets: answer?.snippets ?? {} }
}
