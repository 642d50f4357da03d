/** Stories as a whole: the list and its live event stream, new and imported stories, exports. */
import type { StorySummary } from '../shared/api'
import { call } from './client'

/** Every story, most recently updated first. */
export async function listStories(): Promise<StorySummary[]> {
  return (await call<{ stories: StorySummary[] }>('/api/stories')).stories
}

/** Create an empty story; resolves with its id. */
export async function createStory(body: { headline?: string } = {}): Promise<string> {
  return (await call<{ id: string }>('/api/stories', { method: 'POST', json: body })).id
}

/** Import a plain-text story; resolves with its id and the importer's warnings. */
export async function importStory(text: string): Promise<{ id: string; warnings: string[] }> {
  return call('/api/stories/import', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text })
}

/** The media type of a Word document (.docx). */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** Import a story file: a Word document (.docx) as it is, anything else as plain text. */
export async function importStoryFile(file: File): Promise<{ id: string; warnings: string[] }> {
  if (file.type === DOCX_TYPE || /\.docx$/i.test(file.name)) {
    return call('/api/stories/import', { method: 'POST', headers: { 'content-type': DOCX_TYPE }, body: await file.arrayBuffer() })
  }
  return importStory(await file.text())
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
