/**
 * Several Deskline nodes on one PostgreSQL and one Redis (real servers, started for the tests):
 * one newsroom whichever node a request reaches, live co-editing across nodes, and the faults a
 * cluster meets (a node killed mid-edit, Redis restarting, a wrong URL at start-up).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { Close } from '../../src/shared/protocol'
import { getMeta, MetaKey } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { startPostgres, type TestPostgres } from '../helpers/postgres'
import { startProxy } from '../helpers/proxy'
import { startRedis, type TestRedis } from '../helpers/redis'
import { addUser, getJson, importStoryVia, sendJson, signInAs, startChildServer, startTestServer, tempDataDir, tokenFor, type ChildServer } from '../helpers/server'
import { convergedText, firstParagraphText, missingWords, startTypist, type Typist } from '../helpers/typists'

let postgres: TestPostgres
let redis: TestRedis
beforeAll(async () => {
  ;[postgres, redis] = await Promise.all([startPostgres(), startRedis()])
}, 60_000)
afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop()])
})

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.()
})

const STORY = 'Cluster story\n\nStart.\n'
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `count` in-process nodes on a fresh database and the shared Redis. */
async function nodes(count: number): Promise<RunningServer[]> {
  const databaseUrl = await postgres.createDatabase()
  const started: RunningServer[] = []
  for (let index = 0; index < count; index++) {
    const node = await startTestServer({ config: { databaseUrl, redisUrl: redis.url, nodeName: `test-${index}` } })
    cleanup.push(() => node.close())
    started.push(node)
  }
  return started
}

function client(baseUrl: string, id: string, token: string): TestClient {
  const opened = connectClient(baseUrl, id, { token })
  cleanup.push(() => opened.destroy())
  return opened
}

const paragraph = (c: TestClient) => firstParagraphText(c.doc).toString()

/** Read a server-sent event stream until `match` accepts an event; resolves to its data. */
async function nextEvent(baseUrl: string, token: string, match: (type: string, data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const controller = new AbortController()
  cleanup.push(() => controller.abort())
  const res = await fetch(`${baseUrl}/api/stories/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) throw new Error('event stream ended')
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const type = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (!type || !data) continue
      const parsed = JSON.parse(data) as Record<string, unknown>
      if (match(type, parsed)) {
        controller.abort()
        return parsed
      }
    }
  }
}

describe('several nodes, one newsroom', () => {
  it('shares sessions, stories, live edits, carets, the story list and forced disconnects across nodes', { timeout: 60_000 }, async () => {
    const [a, b] = (await nodes(2)) as [RunningServer, RunningServer]
    // A session made on one node is valid on the other.
    const token = await signInAs(a, 'chief', 'admin')
    expect((await getJson(`${b.url}/api/session`, token)).status).toBe(200)
    // A story imported through one is listed on the other.
    const id = await importStoryVia(a.url, token, STORY)
    const listed = (await getJson(`${b.url}/api/stories`, token)).body.stories as Array<{ id: string }>
    expect(listed.map((story) => story.id)).toContain(id)

    // Clients on different nodes co-edit live and converge.
    const onA = client(a.url, id, token)
    const onB = client(b.url, id, token)
    await Promise.all([synced(onA), synced(onB)])
    firstParagraphText(onA.doc).insert(0, 'Alpha ')
    await vi.waitFor(() => expect(paragraph(onB)).toBe('Alpha Start.'), { timeout: 5_000 })
    firstParagraphText(onB.doc).insert(paragraph(onB).length, ' Bravo')
    await vi.waitFor(() => expect(paragraph(onA)).toBe('Alpha Start. Bravo'), { timeout: 5_000 })
    await vi.waitFor(() => expect(Y.encodeStateVector(onA.doc)).toEqual(Y.encodeStateVector(onB.doc)))

    // Carets: each sees the other's awareness state, with the name the server vouches for.
    onA.provider.awareness.setLocalStateField('user', { name: 'On A' })
    onB.provider.awareness.setLocalStateField('user', { name: 'On B' })
    const seen = (c: TestClient, other: TestClient) => c.provider.awareness.getStates().get(other.doc.clientID)?.user as { name?: string } | undefined
    await vi.waitFor(() => expect(seen(onA, onB)?.name).toBe('Chief'), { timeout: 5_000 })
    await vi.waitFor(() => expect(seen(onB, onA)?.name).toBe('Chief'), { timeout: 5_000 })

    // Who is in the story shows on a node the person is not connected to.
    const chief = (await b.services.users.byUsername('chief'))!
    await vi.waitFor(async () => {
      const stories = (await getJson(`${b.url}/api/stories`, token)).body.stories as Array<{ id: string; present: number[] }>
      expect(stories.find((story) => story.id === id)?.present).toContain(chief.id)
    })

    // A headline changed through node A shows in node B's live story list within seconds.
    const heard = nextEvent(b.url, token, (type, data) => type === 'story' && data.id === id && data.headline === 'Cluster story, updated')
    const started = performance.now()
    onA.doc.transact(() => {
      const headline = getMeta(onA.doc).get(MetaKey.headline) as Y.Text
      headline.insert(headline.length, ', updated')
    })
    await heard
    expect(performance.now() - started).toBeLessThan(2_000)

    // Failed sign-ins on one node slow down the next attempt on the other.
    const keys = ['user:rory', 'ip:203.0.113.9']
    for (let attempt = 0; attempt < 6; attempt++) await a.services.throttle.fail(keys)
    expect(await b.services.throttle.delayFor(keys)).toBeGreaterThan(0)
    await b.services.throttle.succeed(keys)
    expect(await a.services.throttle.delayFor(keys)).toBe(0)
    // An address's sign-in attempts count on every node as they start: past its budget (100), one
    // attempt per turn across the nodes, the others refused with a wait.
    for (let attempt = 0; attempt < 100; attempt++) {
      const begun = await (attempt % 2 ? a : b).services.throttle.attemptFrom('203.0.113.9')
      if ('finish' in begun) await begun.finish(true)
    }
    const turn = await a.services.throttle.attemptFrom('203.0.113.9')
    expect(turn).toHaveProperty('finish')
    const waiting = await b.services.throttle.attemptFrom('203.0.113.9')
    expect(waiting).toHaveProperty('retryAfterMs')
    expect((waiting as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(250)
    // The refused attempt was taken back at once, and a success is taken back when it ends.
    const counts = b.services.bus.failureCounts()
    expect(await counts.highest(['ip:203.0.113.9'])).toBe(101)
    await (turn as { finish(failed: boolean): Promise<void> }).finish(false)
    expect(await counts.highest(['ip:203.0.113.9'])).toBe(100)

    // Deactivated through node A: the reporter's connection to node B is closed.
    const reporter = await addUser(a, 'rory', 'reporter')
    const onBReporter = client(b.url, id, reporter.token)
    const closes: number[] = []
    onBReporter.provider.on('connection-close', (event) => event && closes.push(event.code))
    await synced(onBReporter)
    expect((await sendJson(`${a.url}/api/users/${reporter.id}`, { active: false }, token, 'PATCH')).status).toBe(200)
    await vi.waitFor(() => expect(closes).toContain(Close.unauthorized.code), { timeout: 5_000 })
  })

  it('Redis restarting loses nothing: nodes reconnect, read open stories again, and deliver live again', { timeout: 60_000 }, async () => {
    const [a, b] = (await nodes(2)) as [RunningServer, RunningServer]
    const token = await signInAs(a, 'chief', 'admin')
    const id = await importStoryVia(a.url, token, STORY)
    const typists = [startTypist(a.url, id, token, 'a', 3, 40), startTypist(b.url, id, token, 'b', 4, 45)]
    cleanup.push(() => typists.forEach((typist) => typist.client.destroy()))
    cleanup.push(() => typists.forEach((typist) => typist.stop()))
    await Promise.all(typists.map((typist) => synced(typist.client)))
    await pause(800)
    await redis.restart()
    await pause(1_500)
    for (const typist of typists) typist.stop()
    const text = await convergedText(a.url, id, token, typists.map((typist) => typist.client), cleanup)
    expect(missingWords(typists, text)).toEqual([])
    // Live again: a word typed through node A reaches the client on node B.
    const [onA, onB] = typists.map((typist) => typist.client) as [TestClient, TestClient]
    firstParagraphText(onA.doc).insert(0, 'afterwards ')
    await vi.waitFor(() => expect(paragraph(onB).startsWith('afterwards ')).toBe(true), { timeout: 5_000 })
    expect((await getJson(`${b.url}/healthz`)).body).toMatchObject({ ok: true, store: 'ok', redis: 'ok' })
  })
})

describe('suggestions across nodes', () => {
  it('a decision is recorded once, by the node that stored it; forging is refused on the other node too', { timeout: 60_000 }, async () => {
    const [a, b] = (await nodes(2)) as [RunningServer, RunningServer]
    const chiefToken = await signInAs(a, 'chief', 'admin')
    const editor = await addUser(a, 'erin', 'editor')
    const reporter = await addUser(a, 'riley', 'reporter')
    const id = await importStoryVia(a.url, chiefToken, STORY)
    expect((await sendJson(`${a.url}/api/stories/${id}/desk`, { lead: reporter.id }, chiefToken, 'PATCH')).status).toBe(200)
    const onB = client(b.url, id, editor.token)
    const chiefOnA = client(a.url, id, chiefToken)
    await Promise.all([synced(onB), synced(chiefOnA)])
    const value = { id: 'e1', authorId: editor.id, authorName: 'Erin', authorColor: '#c00', time: 1 }
    // Erin suggests through node B; node A learns her id from the update it receives.
    firstParagraphText(onB.doc).insert(0, 'Now ', { insertion: value })
    const plain = (c: TestClient) => (firstParagraphText(c.doc).toDelta() as Array<{ insert: string }>).map((op) => op.insert).join('')
    await vi.waitFor(() => expect(plain(chiefOnA)).toBe('Now Start.'), { timeout: 5_000 })
    // Riley, on node A, puts her id on new text: refused there, never reaches node B.
    const forger = client(a.url, id, reporter.token)
    await synced(forger)
    let code: number | null = null
    forger.provider.on('connection-close', (event) => {
      code ??= event?.code ?? null
    })
    firstParagraphText(forger.doc).insert(10, ' Forged', { insertion: value })
    await vi.waitFor(() => expect(code).toBe(Close.forbidden.code), { timeout: 5_000 })
    // The chief accepts it through node A; a story event reaches a stream on node B.
    const announced = nextEvent(b.url, chiefToken, (type, data) => type === 'review' && data.storyId === id && data.kind === 'decisions')
    await pause(200)
    firstParagraphText(chiefOnA.doc).format(0, 4, { insertion: null })
    await expect(announced).resolves.toMatchObject({ kind: 'decisions' })
    for (const node of [a, b]) {
      const { body } = await getJson(`${node.url}/api/stories/${id}/suggestions/decisions`, chiefToken)
      expect((body.decisions as Array<Record<string, unknown>>).map((d) => [d.suggestionId, d.action, d.kind, d.text, d.authorId])).toEqual([['e1', 'accept', 'insertion', 'Now ', editor.id]])
    }
    await vi.waitFor(() => expect(firstParagraphText(onB.doc).toDelta()).toEqual([{ insert: 'Now Start.' }]), { timeout: 5_000 })
  })
})

describe('faults', () => {
  /** A child node on the shared PostgreSQL database and Redis, killed at the end of the test. */
  async function childNode(databaseUrl: string): Promise<ChildServer> {
    const started = await startChildServer(tempDataDir(), { NEWSROOM_DEMO: '1', DATABASE_URL: databaseUrl, REDIS_URL: redis.url })
    cleanup.push(() => started.process.kill('SIGKILL'))
    return started
  }

  it('a node killed -9 while clients type through it: they fail over to another node and nothing is lost', { timeout: 120_000 }, async () => {
    const databaseUrl = await postgres.createDatabase()
    // Two nodes starting at once on an empty database: migrations and demo seeding happen once.
    const [a, b] = await Promise.all([childNode(databaseUrl), childNode(databaseUrl)])
    const token = await tokenFor(a.url, 'chief', 'newsroom')
    const users = (await getJson(`${b.url}/api/users`, token)).body.users as Array<{ username: string }>
    expect(users.map((user) => user.username).sort()).toEqual(['chief', 'editor', 'reporter', 'reporter2'])
    const stories = (await getJson(`${b.url}/api/stories`, token)).body.stories as unknown[]
    const seeded = stories.length
    expect(seeded).toBeGreaterThan(0)

    const id = await importStoryVia(a.url, token, STORY)
    // The balancer: clients of node A reach it through one address, which fails over to B.
    const balancer = await startProxy(a.port, 10)
    cleanup.push(() => balancer.close())
    const typists: Typist[] = [
      startTypist(balancer.url, id, token, 'x', 11, 35),
      startTypist(balancer.url, id, token, 'y', 12, 45),
      startTypist(b.url, id, token, 'z', 13, 40),
    ]
    cleanup.push(() => typists.forEach((typist) => typist.client.destroy()))
    cleanup.push(() => typists.forEach((typist) => typist.stop()))
    await Promise.all(typists.map((typist) => synced(typist.client)))
    await pause(1_500)
    // What the client on B has seen of A's typists was relayed across nodes, so stored.
    const seenOnB = wordsIn(paragraph(typists[2]!.client))
    expect([...seenOnB].some((word) => word.startsWith('x'))).toBe(true)

    a.process.kill('SIGKILL')
    await a.exited
    balancer.setTarget(b.port)
    await pause(1_500)
    for (const typist of typists) typist.stop()
    const clients = typists.map((typist) => typist.client)
    const text = await convergedText(b.url, id, token, clients, cleanup)
    expect(missingWords(typists, text)).toEqual([])
    for (const word of seenOnB) expect(text).toContain(word)

    // Stored, not only in B's memory: a new node on the same database has every word.
    b.process.kill('SIGKILL')
    await b.exited
    for (const c of clients) c.destroy()
    const c = await childNode(databaseUrl)
    const stored = await convergedText(c.url, id, token, [], cleanup)
    expect(missingWords(typists, stored)).toEqual([])
    expect(((await getJson(`${c.url}/api/stories`, token)).body.stories as unknown[]).length).toBe(seeded + 1)
  })

  it('a wrong DATABASE_URL or REDIS_URL stops start-up at once with a message naming it', { timeout: 60_000 }, async () => {
    const databaseUrl = await postgres.createDatabase()
    const cases: Array<[Record<string, string>, string]> = [
      [{ DATABASE_URL: 'mysql://somewhere/db' }, 'DATABASE_URL'],
      [{ DATABASE_URL: `postgres://postgres@127.0.0.1:${redis.port + 1}/nowhere` }, 'DATABASE_URL'],
      [{ DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${postgres.port}` }, 'REDIS_URL'],
      [{ DATABASE_URL: databaseUrl, REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    ]
    for (const [env, variable] of cases) {
      const started = performance.now()
      const failure = await startChildServer(tempDataDir(), env).then(
        (server) => {
          server.process.kill('SIGKILL')
          return null
        },
        (error: Error) => error.message,
      )
      expect(`${JSON.stringify(env)} → ${failure}`).toMatch(/→ server exited with 1: deskline: /)
      expect(failure).toContain(variable)
      // The message, not a stack trace.
      expect(failure).not.toMatch(/\n\s+at /)
      expect(performance.now() - started).toBeLessThan(15_000)
    }
  })
})

/** The words of a text. */
function wordsIn(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter(Boolean))
}
