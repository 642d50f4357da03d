/** The newsroom's people and sections: everyone reads them, administrators change them. */
import type { PublicUser } from '../shared/api'
import { call } from './client'

/** Everyone with an account (names for assignments, carets and the budget). */
export async function listUsers(): Promise<PublicUser[]> {
  return (await call<{ users: PublicUser[] }>('/api/users')).users
}

/** The paper's sections. */
export async function listSections(): Promise<string[]> {
  return (await call<{ sections: string[] }>('/api/sections')).sections
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
