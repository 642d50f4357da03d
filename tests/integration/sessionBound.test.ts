/**
 * Every socket and event stream belongs to a session: signing out, a password change or a
 * deactivation ends them, not only new ones (they are checked again every `sessionCheckMs`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../server/app'
import { Close } from '../../src/shared/protocol'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { addUser, createStoryVia, sendJson, signInAs, startTestServer } from '../helpers/server'

let srv: RunningServer
const cleanup: Array<() => unknown> = []
beforeAll(async () => {
  srv = await startTestServer({ config: { sessionCheckMs: 100 } })
})
afterAll(async () => {
  while (cleanup.length) await cleanup.pop()?.()
  await srv.close()
})

function watch(client: TestClient): number[] {
  const closes: number[] = []
  client.provider.on('connection-close', (event) => event && closes.push(event.code))
  return closes
}

describe('sockets and streams end with their session', () => {
  it('signing out closes the sockets and streams opened with that session, not others', { timeout: 20_000 }, async () => {
    const desk = await signInAs(srv, 'desk', 'admin')
    const id = await createStoryVia(srv.url, desk)
    const person = await addUser(srv, 'sam', 'editor')
    const other = (await srv.services.sessions.create(person.id, 'api')).token
    const mine = connectClient(srv.url, id, { token: person.token })
    const theirs = connectClient(srv.url, id, { token: other })
    cleanup.push(() => mine.destroy(), () => theirs.destroy())
    const mineCloses = watch(mine)
    const theirCloses = watch(theirs)
    await Promise.all([synced(mine), synced(theirs)])
    const stream = await fetch(`${srv.url}/api/stories/events`, { headers: { authorization: `Bearer ${person.token}` } })
    const ended = stream.text()

    expect((await fetch(`${srv.url}/api/session`, { method: 'DELETE', headers: { authorization: `Bearer ${person.token}` } })).status).toBeLessThan(300)
    await vi.waitFor(() => expect(mineCloses).toContain(Close.unauthorized.code), { timeout: 5_000 })
    await ended
    // The same person's other session goes on.
    expect(theirCloses).toEqual([])
    expect(theirs.provider.wsconnected).toBe(true)
  })

  it('a password change or a deactivation closes every socket of that person', { timeout: 20_000 }, async () => {
    const desk = await signInAs(srv, 'desk', 'admin')
    const id = await createStoryVia(srv.url, desk)
    const person = await addUser(srv, 'tess', 'editor')
    const client = connectClient(srv.url, id, { token: person.token })
    cleanup.push(() => client.destroy())
    const closes = watch(client)
    await synced(client)
    expect((await sendJson(`${srv.url}/api/users/${person.id}`, { password: 'a whole new password' }, desk, 'PATCH')).status).toBe(200)
    await vi.waitFor(() => expect(closes).toContain(Close.unauthorized.code), { timeout: 5_000 })
  })
})
