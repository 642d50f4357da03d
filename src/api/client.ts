/**
 * The one place the browser calls the JSON API: the session cookie rides along on every call, a
 * JSON body is sent as JSON, and a failure rejects with the server's plain message (`ApiFailure`).
 * The typed functions beside this file (one per route) are what the app calls; nothing else fetches.
 */
import type { ApiError } from '../shared/api'

/** An API failure with the server's plain message and status. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The whole answer, for the few failures that carry more than a message (an import's duplicates). */
    readonly body: unknown = null,
  ) {
    super(message)
  }
}

/** Call `path` and resolve with its JSON answer; rejects with `ApiFailure` on any status but 2xx. */
export async function call<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const res = await fetch(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, credentials: 'same-origin' })
  const body = (await res.json().catch(() => null)) as T | ApiError | null
  if (!res.ok) {
    const message = (body as ApiError | null)?.error?.message ?? `The server answered ${res.status}.`
    throw new ApiFailure(message, res.status, body)
  }
  return body as T
}
