/** Signing in and out, and the first account of a new newsroom. */
import type { PublicUser } from '../shared/api'
import { ApiFailure, call } from './client'

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
