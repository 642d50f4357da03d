/**
 * Who is signed in (session state only), and the newsroom's people and sections for names.
 *
 * When the server cannot be reached, the app opens as the person last signed in on this browser
 * (`offline`), with the stories kept here (src/offline/localCopies.ts), and checks again as soon
 * as the browser is back online and every few seconds meanwhile.
 */
import { create } from 'zustand'
import type { PublicUser } from '../shared/api'
import { ApiFailure, currentUser, listSections, listUsers, needsSetup, signIn, signOut } from '../api'
import { deleteLocalCopies, keepPerson, keptPerson } from '../offline/localCopies'

/** Set while a sign-out could not reach the server: it is sent first thing next time. */
const SIGN_OUT_OWED = 'deskline:sign-out-owed'
/** How often an app opened offline tries the server again. */
const RETRY_OFFLINE_MS = 5_000

/** Whether a failed call means "no server here" (no network, or a proxy without its backend). */
function unreachable(error: unknown): boolean {
  if (error instanceof ApiFailure) return error.status === 502 || error.status === 503 || error.status === 504
  return error instanceof TypeError
}

let retryTimer: ReturnType<typeof setTimeout> | null = null

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'setup' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; user: PublicUser }
  | { kind: 'error'; message: string }

interface SessionStore {
  session: SessionState
  /** True while the app runs on what this browser keeps, without its server. */
  offline: boolean
  users: PublicUser[]
  sections: string[]
  /** Find out who is signed in (or whether the newsroom needs its first account). */
  load(): Promise<void>
  signIn(username: string, password: string): Promise<void>
  signOut(): Promise<void>
  signedIn(user: PublicUser): Promise<void>
  /** Re-read people and sections (after an administrator changed them). */
  refreshDirectory(): Promise<void>
}

export const useSession = create<SessionStore>()((set, get) => ({
  session: { kind: 'loading' },
  offline: false,
  users: [],
  sections: [],
  async load() {
    if (retryTimer !== null) clearTimeout(retryTimer)
    retryTimer = null
    try {
      if (localStorage.getItem(SIGN_OUT_OWED)) {
        await signOut()
        localStorage.removeItem(SIGN_OUT_OWED)
      }
      if (await needsSetup()) {
        set({ session: { kind: 'setup' }, offline: false })
        return
      }
      const user = await currentUser()
      if (!user) {
        set({ session: { kind: 'signed-out' }, offline: false })
        return
      }
      await get().signedIn(user)
    } catch (error) {
      const kept = keptPerson()
      if (unreachable(error) && kept && !localStorage.getItem(SIGN_OUT_OWED)) {
        // Keep the page as it is if it is already open as this person (a story stays mounted).
        const current = get().session
        if (current.kind !== 'signed-in' || current.user.id !== kept.user.id) set({ session: { kind: 'signed-in', user: kept.user } })
        set({ offline: true, users: kept.users, sections: kept.sections })
        retryTimer = setTimeout(() => void get().load(), RETRY_OFFLINE_MS)
        return
      }
      if (unreachable(error)) retryTimer = setTimeout(() => void get().load(), RETRY_OFFLINE_MS)
      set({ session: { kind: 'error', message: error instanceof Error ? error.message : String(error) } })
    }
  },
  async signIn(username, password) {
    await get().signedIn(await signIn(username, password))
  },
  async signOut() {
    // Close the open story (and its local copy) first, then delete every copy kept here.
    set({ session: { kind: 'signed-out' }, offline: false, users: [], sections: [] })
    await deleteLocalCopies()
    await signOut().catch((error: unknown) => {
      // Without the server the session cookie lives on: end it the next time the app opens.
      if (unreachable(error)) localStorage.setItem(SIGN_OUT_OWED, '1')
    })
  },
  async signedIn(user) {
    set({ session: { kind: 'signed-in', user }, offline: false })
    await get().refreshDirectory()
    const { users, sections } = get()
    await keepPerson({ user, users, sections })
  },
  async refreshDirectory() {
    const [users, sections] = await Promise.all([listUsers(), listSections()])
    set({ users, sections })
  },
}))

// Back online: find out at once whether the server is there too.
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    if (useSession.getState().offline) void useSession.getState().load()
  })
}

/** The signed-in user (components under the signed-in frame only). */
export function useMe(): PublicUser {
  const session = useSession((state) => state.session)
  if (session.kind !== 'signed-in') throw new Error('useMe outside a signed-in page')
  return session.user
}

/** A user's display name by id, for people no longer in the directory too. */
export function useUserName(): (id: number | null) => string {
  const users = useSession((state) => state.users)
  return (id) => (id === null ? '' : (users.find((user) => user.id === id)?.displayName ?? `User ${id}`))
}
