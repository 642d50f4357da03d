/** The browser's side of the JSON API (the session cookie rides along on every call). */
import type { ApiError, DeliveryView, HistoryEntry, PublicationView, PublicUser, StorySummary } from '../shared/api'
import type { Status } from '../shared/newsroom'

/** An API failure with the server's plain message and status. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

async function call<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const res = await fetch(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, credentials: 'same-origin' })
  const body = (await res.json().catch(() => null)) as T | ApiError | null
  if (!res.ok) {
    const message = (body as ApiError | null)?.error?.message ?? `The server answered ${res.status}.`
    throw new ApiFailure(message, res.status)
  }
  return body as T
}

/** Any API call with an optional JSON body; rejects with the server's message (`ApiFailure`). */
export function request<T>(path: string, method = 'GET', json?: unknown): Promise<T> {
  return call<T>(path, json === undefined ? { method } : { method, json })
}

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

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** Import a story file: a Word document (.docx) as it is, anything else as plain text. */
export async function importStoryFile(file: File): Promise<{ id: string; warnings: string[] }> {
  if (file.type === DOCX_TYPE || /\.docx$/i.test(file.name)) {
    return call('/api/stories/import', { method: 'POST', headers: { 'content-type': DOCX_TYPE }, body: await file.arrayBuffer() })
  }
  return importStory(await file.text())
}

/** What an import noted, kept for the story page to show once (it opens right after). */
export const importNotes = {
  keep(id: string, warnings: string[]): void {
    if (warnings.length) sessionStorage.setItem(`deskline:import-notes:${id}`, JSON.stringify(warnings))
  },
  take(id: string): string[] {
    const key = `deskline:import-notes:${id}`
    const value = sessionStorage.getItem(key)
    sessionStorage.removeItem(key)
    try {
      const parsed: unknown = value ? JSON.parse(value) : []
      return Array.isArray(parsed) ? parsed.filter((note): note is string => typeof note === 'string') : []
    } catch {
      return []
    }
  },
}

/** Whether the newsroom still needs its first account. */
export async function needsSetup(): Promise<boolean> {
  return (await call<{ needsSetup: boolean }>('/api/setup')).needsSetup
}

/** Create the first account (administrator and desk chief) and sign in. */
export async function setUp(body: { username: string; password: string; displayName: string }): Promise<PublicUser> {
  return (await call<{ user: PublicUser }>('/api/setup', { method: 'POST', json: body })).user
}

/** The signed-in user, or null. */
export async function currentUser(): Promise<PublicUser | null> {
  try {
    return (await call<{ user: PublicUser }>('/api/session')).user
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) return null
    throw error
  }
}

/** Sign in; rejects with the server's message on a wrong password. */
export async function signIn(username: string, password: string): Promise<PublicUser> {
  return (await call<{ user: PublicUser }>('/api/session', { method: 'POST', json: { username, password } })).user
}

/** Sign out. */
export async function signOut(): Promise<void> {
  await call('/api/session', { method: 'DELETE' })
}

/** Everyone with an account (names for assignments, carets and the budget). */
export async function listUsers(): Promise<PublicUser[]> {
  return (await call<{ users: PublicUser[] }>('/api/users')).users
}

/** The paper's sections. */
export async function listSections(): Promise<string[]> {
  return (await call<{ sections: string[] }>('/api/sections')).sections
}

/** Desk changes: section, planned words, assignees, deadline (desk chiefs). */
export async function updateDesk(
  id: string,
  change: Partial<{ section: string; plannedWords: number | null; lead: number | null; contributors: number[]; editor: number | null; deadline: number | null }>,
): Promise<void> {
  await call(`/api/stories/${id}/desk`, { method: 'PATCH', json: change })
}

export type { HistoryEntry }

/** Move a story along the workflow; resolves with its history. */
export async function moveStory(id: string, to: Status, reason?: string, correction?: string): Promise<HistoryEntry[]> {
  return (await call<{ history: HistoryEntry[] }>(`/api/stories/${id}/status`, { method: 'POST', json: { to, reason, correction } })).history
}

export type { DeliveryView, PublicationView }

/** A story's publications and their deliveries, newest first. */
export async function storyPublications(id: string): Promise<PublicationView[]> {
  return (await call<{ publications: PublicationView[] }>(`/api/stories/${id}/publications`)).publications
}

/** Send a delivery again (the desk); resolves to the story's publications. */
export async function retryDelivery(deliveryId: number): Promise<PublicationView[]> {
  return (await call<{ publications: PublicationView[] }>(`/api/deliveries/${deliveryId}/retry`, { method: 'POST', json: {} })).publications
}

/** A story's status history. */
export async function storyHistory(id: string): Promise<HistoryEntry[]> {
  return (await call<{ history: HistoryEntry[] }>(`/api/stories/${id}/history`)).history
}

/** Assign a run of body blocks (anchors from `encodeAnchor`). */
export async function addPart(id: string, part: { start: string; end: string; assignee: number | null; label: string }): Promise<void> {
  await call(`/api/stories/${id}/parts`, { method: 'POST', json: part })
}

/** Reassign or relabel a part. */
export async function updatePart(id: string, partId: string, change: { assignee?: number | null; label?: string }): Promise<void> {
  await call(`/api/stories/${id}/parts/${partId}`, { method: 'PATCH', json: change })
}

/** Remove a part's assignment. */
export async function removePart(id: string, partId: string): Promise<void> {
  await call(`/api/stories/${id}/parts/${partId}`, { method: 'DELETE' })
}

/** Administrators: add an account. */
export async function createUser(body: {
  username: string
  password: string
  displayName: string
  role: PublicUser['role']
  isAdmin?: boolean
  bylineName?: string
}): Promise<PublicUser> {
  return (await call<{ user: PublicUser }>('/api/users', { method: 'POST', json: body })).user
}

/** Administrators: change an account (role, active, admin right, names). */
export async function updateUser(id: number, change: Partial<Pick<PublicUser, 'role' | 'active' | 'isAdmin' | 'displayName' | 'bylineName'>>): Promise<PublicUser> {
  return (await call<{ user: PublicUser }>(`/api/users/${id}`, { method: 'PATCH', json: change })).user
}

/** Administrators: add a section. */
export async function addSection(name: string): Promise<string[]> {
  return (await call<{ sections: string[] }>('/api/sections', { method: 'POST', json: { name } })).sections
}

/** Administrators: remove a section. */
export async function removeSection(name: string): Promise<string[]> {
  return (await call<{ sections: string[] }>(`/api/sections/${encodeURIComponent(name)}`, { method: 'DELETE' })).sections
}
