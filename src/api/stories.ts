/** Stories as a whole: the list and its live event stream, new and imported stories, exports. */
import type { DuplicateStory, SearchAnswer, StorySummary } from '../shared/api'
import { ApiFailure, call } from './client'

/** Every story, most recently updated first. */
export async function listStories(): Promise<StorySummary[]> {
  return (await call<{ stories: StorySummary[] }>('/api/stories')).stories
}

/**
 * The stories whose text (headline, slug, bylines and body) has every word of `q`, with the body
 * around the words for those whose body has one; `signal` drops a search a newer one replaced.
 */
export async function searchStories(q: string, signal?: AbortSignal): Promise<SearchAnswer> {
  return call<SearchAnswer>(`/api/stories/search?q=${encodeURIComponent(q)}`, { signal })
}

/** Create an empty story; resolves with its id. */
export async function createStory(body: { headline?: string } = {}): Promise<string> {
  return (await call<{ id: string }>('/api/stories', { method: 'POST', json: body })).id
}

/** What an import came to: the new story and what it noted, or the stories it seems to repeat (nothing created). */
export type ImportOutcome = { kind: 'imported'; id: string; warnings: string[] } | { kind: 'duplicate'; duplicates: DuplicateStory[] }

/** Import a plain-text story; resolves with its id and the importer's warnings. */
export async function importStory(text: string): Promise<{ id: string; warnings: string[] }> {
  return call('/api/stories/import', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text })
}

/** The media type of a Word document (.docx). */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/**
 * Import a story file: a Word document (.docx) as it is, anything else as plain text. Unless told
 * to import anyway, the server first looks for stories already here under the same headline.
 */
export async function importStoryFile(file: File, options: { anyway?: boolean } = {}): Promise<ImportOutcome> {
  const word = file.type === DOCX_TYPE || /\.docx$/i.test(file.name)
  const init = word
    ? { method: 'POST', headers: { 'content-type': DOCX_TYPE }, body: await file.arrayBuffer() }
    : { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: await file.text() }
  try {
    const created = await call<{ id: string; warnings: string[] }>(`/api/stories/import${options.anyway ? '' : '?duplicates=check'}`, init)
    return { kind: 'imported', id: created.id, warnings: created.warnings }
  } catch (error) {
    const duplicates = error instanceof ApiFailure && error.status === 409 ? (error.body as { duplicates?: DuplicateStory[] } | null)?.duplicates : undefined
    if (duplicates?.length) return { kind: 'duplicate', duplicates }
    throw error
  }
}

/** Where the story downloads in `format` (a link, not a call: the browser saves the file). */
export function exportUrl(storyId: string, format: string): string {
  return `/api/stories/${encodeURIComponent(storyId)}/export?format=${format}`
}

/**
 * The server's event stream for this person: `story` rows, `presence`, `review` changes and
 * `notification`s. Each reader opens its own and closes it when done.
 */
export function openStoryEvents(): EventSource {
  return new EventSource('/api/stories/events')
}
