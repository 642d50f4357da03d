/**
 * The newsroom an integration test file runs against: one real server for the file, a signed-in
 * person per entry of `roles` (named by the key, or `[username, role]`), and the sync clients the
 * file opens, destroyed with the server after the file. Read `srv` inside tests and hooks: it is
 * set in the file's `beforeAll`.
 */
import { afterAll, beforeAll } from 'vitest'
import type { RunningServer } from '../../server/app'
import type { TestClient } from './clients'
import { addUser, startTestServer, type TestRole } from './server'

export type Person = Awaited<ReturnType<typeof addUser>>

export interface TestNewsroom<Name extends string> {
  srv: RunningServer
  people: Record<Name, Person>
  clients: TestClient[]
}

export function newsroomForFile<Name extends string>(roles: Record<Name, TestRole | readonly [string, TestRole]>): TestNewsroom<Name> {
  const newsroom = { srv: undefined as unknown as RunningServer, people: {} as Record<Name, Person>, clients: [] as TestClient[] }
  beforeAll(async () => {
    newsroom.srv = await startTestServer()
    for (const [name, spec] of Object.entries(roles) as Array<[Name, TestRole | readonly [string, TestRole]]>) {
      const [username, role] = typeof spec === 'string' ? [name, spec] : spec
      newsroom.people[name] = await addUser(newsroom.srv, username, role)
    }
  })
  afterAll(async () => {
    for (const client of newsroom.clients) client.destroy()
    await newsroom.srv?.close()
  })
  return newsroom
}
