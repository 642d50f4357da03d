/** Who is signed in (session state only), and the newsroom's people and sections for names. */
import { create } from 'zustand'
import type { PublicUser } from '../shared/api'
import { currentUser, listSections, listUsers, needsSetup, signIn, signOut } from '../app/api'

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'setup' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; user: PublicUser }
  | { kind: 'error'; message: string }

interface SessionStore {
  session: SessionState
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
  users: [],
  sections: [],
  async load() {
    try {
      if (await needsSetup()) {
        set({ session: { kind: 'setup' } })
        return
      }
      const user = await currentUser()
      if (!user) {
        set({ session: { kind: 'signed-out' } })
        return
      }
      await get().signedIn(user)
    } catch (error) {
      set({ session: { kind: 'error', message: error instanceof Error ? error.message : String(error) } })
    }
  },
  async signIn(username, password) {
    await get().signedIn(await signIn(username, password))
  },
  async signOut() {
    await signOut().catch(() => undefined)
    set({ session: { kind: 'signed-out' }, users: [], sections: [] })
  },
  async signedIn(user) {
    set({ session: { kind: 'signed-in', user } })
    await get().refreshDirectory()
  },
  async refreshDirectory() {
    const [users, sections] = await Promise.all([listUsers(), listSections()])
    set({ users, sections })
  },
}))

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
