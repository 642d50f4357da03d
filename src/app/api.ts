/** The browser's side of the JSON API. */
import type { ApiError, StorySummary } from '../shared/api'

/** An API failure with the server's plain message. */
export class ApiFailure extends Error {}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as T | ApiError | null
  if (!res.ok) {
    const message = (body as ApiError | null)?.error?.message ?? `The server answered ${res.status}.`
    throw new ApiFailure(message)
  }
  return body as T
}

/** Every story, most recently updated first. */
export async function listStories(): Promise<StorySummary[]> {
  return (await parse<{ stories: StorySummary[] }>(await fetch('/api/stories'))).stories
}

/** Create an empty story; resolves with its id. */
export async function createStory(body: { headline?: string } = {}): Promise<string> {
  const res = await fetch('/api/stories', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return (await parse<{ id: string }>(res)).id
}

/** Import a plain-text story; resolves with its id and the importer's warnings. */
export async function importStory(text: string): Promise<{ id: string; warnings: string[] }> {
  const res = await fetch('/api/stories/import', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text })
  return parse<{ id: string; warnings: string[] }>(res)
}
