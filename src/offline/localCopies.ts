/**
 * What this browser keeps for working offline, and forgets at sign-out (shared computers).
 *
 * - Each story a person opens is kept in IndexedDB by y-indexeddb, one database per person and
 *   story (`deskline:<userId>:<storyId>`), so a reload, a closed tab or a browser restart without a
 *   network still opens it, and edits made meanwhile merge when the server is back.
 * - A small register in localStorage says which stories have a complete copy here (one that once
 *   caught up with the server: a copy that never did is not offered offline), their headlines for
 *   the offline story list, and how many edits of each the server has not confirmed yet.
 * - The signed-in person and the newsroom directory are kept too, so the app opens offline as them.
 *
 * None of it is trusted for anything but showing the person their own work: the server checks
 * every edit when it arrives, as it does live.
 */
import type { PublicUser } from '../shared/api'
import { afterPaint } from '../ui/afterPaint'

const REGISTER_KEY = 'deskline:offline'
const PERSON_KEY = 'deskline:me'
/** Every database this app makes starts with this (sign-out deletes them by it). */
const DB_PREFIX = 'deskline:'

export interface LocalStory {
  headline: string
  /** When this browser last caught up with the server on it (ms). */
  syncedAt: number
  /** Local edits the server has not confirmed storing yet. */
  pending: number
}

interface Register {
  userId: number
  stories: Record<string, LocalStory>
}

/** The person and directory the app opens with when the server cannot be reached. */
export interface KeptPerson {
  user: PublicUser
  users: PublicUser[]
  sections: string[]
}

function readJson(key: string): unknown {
  try {
    const value = localStorage.getItem(key)
    return value === null ? null : (JSON.parse(value) as unknown)
  } catch {
    return null
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // Storage full or disabled: offline copies are a convenience; the server still has the story.
  }
}

function isRegister(value: unknown): value is Register {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Register>
  return typeof candidate.userId === 'number' && typeof candidate.stories === 'object' && candidate.stories !== null
}

function readRegister(userId: number): Register {
  // Counts waiting to be written first, so that every reader sees the latest.
  writeWaitingCounts()
  const value = readJson(REGISTER_KEY)
  return isRegister(value) && value.userId === userId ? value : { userId, stories: {} }
}

/** The IndexedDB database holding `userId`'s copy of story `storyId`. */
export function localCopyName(userId: number, storyId: string): string {
  return `${DB_PREFIX}${userId}:${storyId}`
}

/** The stories `userId` has complete copies of here, most recently synced first. */
export function localStories(userId: number): Array<{ id: string } & LocalStory> {
  return Object.entries(readRegister(userId).stories)
    .map(([id, story]) => ({ id, ...story }))
    .sort((a, b) => b.syncedAt - a.syncedAt)
}

/** `userId`'s record of story `storyId` here, if it has a complete copy. */
export function localStory(userId: number, storyId: string): LocalStory | null {
  return readRegister(userId).stories[storyId] ?? null
}

/** Change (or start) the record of a story, keeping the other fields. */
export function updateLocalStory(userId: number, storyId: string, change: Partial<LocalStory>): void {
  const register = readRegister(userId)
  const current = register.stories[storyId] ?? { headline: '', syncedAt: 0, pending: 0 }
  register.stories[storyId] = { ...current, ...change }
  writeJson(REGISTER_KEY, register)
}

/** How long a changed count of unconfirmed edits may wait before it is written down. */
export const PENDING_WRITE_MS = 1_000
/** Counts not written yet, by `userId:storyId`. */
const waitingCounts = new Map<string, { userId: number; storyId: string; pending: number }>()
/** The counts last written, by `userId:storyId`. */
const writtenCounts = new Map<string, number>()
let countsTimer: ReturnType<typeof setTimeout> | null = null
/** A count leaving or reaching zero is written right after the next paint (or the fallback). */
const soon = afterPaint(() => writeWaitingCounts())
let listening = false

/**
 * Keep the count of a story's edits the server has not confirmed. It changes with every key press,
 * and localStorage is written synchronously, on the page's main thread (issue 12): a count that
 * leaves or reaches zero is written right after the frame that shows the key press, other changes
 * at most once a `PENDING_WRITE_MS`, and whatever waits when the page is hidden or any reader of
 * this register asks.
 */
export function notePending(userId: number, storyId: string, pending: number): void {
  const key = `${userId}:${storyId}`
  waitingCounts.set(key, { userId, storyId, pending })
  if (!listening && typeof window !== 'undefined') {
    listening = true
    window.addEventListener('pagehide', writeWaitingCounts)
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') writeWaitingCounts()
    })
  }
  // Writing shows nothing: no frame of its own (the server's "saved" comes between key presses,
  // and a frame drawn then makes the next key press wait for the display's next frame).
  if (pending === 0 || (writtenCounts.get(key) ?? 0) === 0) soon.schedule(false)
  else countsTimer ??= setTimeout(writeWaitingCounts, PENDING_WRITE_MS)
}

/** Write the counts `notePending` holds back, now. */
export function writeWaitingCounts(): void {
  if (countsTimer !== null) clearTimeout(countsTimer)
  countsTimer = null
  soon.cancel()
  if (waitingCounts.size === 0) return
  const waiting = [...waitingCounts]
  waitingCounts.clear()
  for (const [key, { userId, storyId, pending }] of waiting) {
    updateLocalStory(userId, storyId, { pending })
    writtenCounts.set(key, pending)
  }
}

/** Forget one story's copy (it was deleted, or this person lost it). */
export async function forgetLocalStory(userId: number, storyId: string): Promise<void> {
  const register = readRegister(userId)
  delete register.stories[storyId]
  writeJson(REGISTER_KEY, register)
  await deleteDatabase(localCopyName(userId, storyId))
}

/** Edits of every kept story that the server has not confirmed. */
export function pendingEverywhere(userId: number): number {
  return localStories(userId).reduce((sum, story) => sum + story.pending, 0)
}

/** Remember who is signed in, for opening offline. A different person's copies go first. */
export async function keepPerson(person: KeptPerson): Promise<void> {
  const before = readJson(PERSON_KEY) as Partial<KeptPerson> | null
  if (before?.user && before.user.id !== person.user.id) await deleteLocalCopies()
  writeJson(PERSON_KEY, person)
}

/** The person kept by `keepPerson`, if any. */
export function keptPerson(): KeptPerson | null {
  const value = readJson(PERSON_KEY) as Partial<KeptPerson> | null
  if (!value?.user || typeof value.user.id !== 'number') return null
  return { user: value.user, users: Array.isArray(value.users) ? value.users : [], sections: Array.isArray(value.sections) ? value.sections : [] }
}

function deleteDatabase(name: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return Promise.resolve()
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => resolve()
    // Another tab still has it open: it is deleted once that tab lets go; do not wait for it.
    request.onblocked = () => resolve()
  })
}

/**
 * Delete everything this app keeps in the browser: every story copy (found by name, so copies a
 * lost register no longer lists go too), the register and the kept person.
 */
export async function deleteLocalCopies(): Promise<void> {
  waitingCounts.clear()
  writtenCounts.clear()
  soon.cancel()
  const names = new Set<string>()
  const register = readJson(REGISTER_KEY)
  if (isRegister(register)) for (const id of Object.keys(register.stories)) names.add(localCopyName(register.userId, id))
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    for (const database of await indexedDB.databases().catch(() => [])) {
      if (database.name?.startsWith(DB_PREFIX)) names.add(database.name)
    }
  }
  try {
    localStorage.removeItem(REGISTER_KEY)
    localStorage.removeItem(PERSON_KEY)
  } catch {
    // Storage disabled: there was nothing kept in it.
  }
  await Promise.all([...names].map(deleteDatabase))
}
