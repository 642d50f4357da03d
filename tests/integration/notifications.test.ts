/**
 * Notifications beyond @mentions (issue 15) against the real server: assigning a story or a part,
 * moving a story's status, settling someone's suggestion (with real y-websocket clients, as
 * tests/integration/suggestionDecisions.test.ts does) and a deadline an hour away each tell the
 * right people, live, in a sentence, and never the person who did it. The deadline sweep tells
 * each person once: run twice, and run at once by two nodes sharing PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import type { StoryEvent } from '../../server/storyEvents'
import type { NotificationItem } from '../../src/shared/api'
import { encodeAnchor, getBody, getDesk } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { startPostgres, type TestPostgres } from '../helpers/postgres'
import { addUser, createStoryVia, getJson, importStoryVia, sendJson, startTestServer } from '../helpers/server'

type Person = Awaited<ReturnType<typeof addUser>>
type Who = 'chief' | 'ada' | 'robin' | 'edna'

let srv: RunningServer
const people = {} as Record<Who, Person>
/** Who the server told they have a new notification, in order. */
const told: number[] = []
let unsubscribe = () => {}

beforeAll(async () => {
  srv = await startTestServer()
  people.chief = await addUser(srv, 'chief', 'chief')
  people.ada = await addUser(srv, 'ada', 'reporter')
  people.robin = await addUser(srv, 'robin', 'reporter')
  people.edna = await addUser(srv, 'edna', 'editor')
  unsubscribe = srv.services.events.subscribe((event: StoryEvent) => {
    if (event.type === 'notification') told.push(event.userId)
  })
})
afterAll(async () => {
  unsubscribe()
  await srv.close()
})

let clients: TestClient[] = []
let nextClientId = 500
beforeEach(() => {
  told.length = 0
})
afterEach(() => {
  for (const client of clients) client.destroy()
  clients = []
})

async function open(storyId: string, who: Who): Promise<TestClient> {
  const client = connectClient(srv.url, storyId, { clientID: nextClientId++, token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

async function notifications(who: Who): Promise<NotificationItem[]> {
  const res = await getJson(`${srv.url}/api/notifications`, people[who].token)
  expect(res.status).toBe(200)
  return res.body.notifications as NotificationItem[]
}

/** `who`'s notifications about one story, newest first. */
async function about(storyId: string, who: Who): Promise<NotificationItem[]> {
  return (await notifications(who)).filter((item) => item.storyId === storyId)
}

async function call(who: Who, method: string, path: string, body?: unknown) {
  const res = await sendJson(`${srv.url}${path}`, body, people[who].token, method)
  expect({ path, status: res.status }).toEqual({ path, status: method === 'POST' && path.endsWith('/parts') ? 201 : 200 })
  return res.body
}

describe('assignments', () => {
  it('tell the new lead, editor and contributors, live and in a sentence; not the desk chief; not twice', async () => {
    const id = await createStoryVia(srv.url, people.chief.token, { headline: 'Fire at the docks' })
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { lead: people.ada.id, editor: people.edna.id, contributors: [people.robin.id, people.ada.id] })
    expect([...told].sort()).toEqual([people.ada.id, people.robin.id, people.edna.id].sort())

    expect(await about(id, 'ada')).toMatchObject([
      { kind: 'assigned', role: 'lead', byUserId: people.chief.id, headline: 'Fire at the docks', readAt: null, text: 'Chief assigned you “Fire at the docks”' },
    ])
    expect(await about(id, 'edna')).toMatchObject([{ kind: 'assigned', role: 'editor', text: 'Chief made you the editor of “Fire at the docks”' }])
    expect(await about(id, 'robin')).toMatchObject([{ kind: 'assigned', role: 'contributor', text: 'Chief added you as a contributor to “Fire at the docks”' }])
    expect(await about(id, 'chief')).toEqual([])

    // The same desk again is no news; a new editor is.
    told.length = 0
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { lead: people.ada.id, editor: people.edna.id, contributors: [people.robin.id] })
    expect(told).toEqual([])
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { editor: people.chief.id })
    expect(told).toEqual([])
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { editor: people.edna.id })
    expect(told).toEqual([people.edna.id])
    expect(await about(id, 'ada')).toHaveLength(1)
    expect(await about(id, 'edna')).toHaveLength(2)
  })

  it('a part tells its assignee, with its label; handing it over tells the next one', async () => {
    const id = await importStoryVia(srv.url, people.chief.token, 'Floods\n\nMain bar.\n\nReaction from the town.\n\nMore reaction.')
    const chief = await open(id, 'chief')
    const body = getBody(chief.doc)
    const start = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 1, 0))
    const end = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 3, -1))
    const { part } = (await call('chief', 'POST', `/api/stories/${id}/parts`, { start, end, assignee: people.robin.id, label: 'Reaction' })) as { part: { id: string } }
    expect(told).toEqual([people.robin.id])
    expect(await about(id, 'robin')).toMatchObject([
      { kind: 'part_assigned', partId: part.id, label: 'Reaction', byUserId: people.chief.id, text: 'Chief assigned you the part “Reaction” of “Floods”' },
    ])

    told.length = 0
    await call('chief', 'PATCH', `/api/stories/${id}/parts/${part.id}`, { label: 'Reaction, sidebar' })
    expect(told).toEqual([])
    await call('chief', 'PATCH', `/api/stories/${id}/parts/${part.id}`, { assignee: people.ada.id })
    expect(told).toEqual([people.ada.id])
    expect(await about(id, 'ada')).toMatchObject([{ kind: 'part_assigned', partId: part.id, label: 'Reaction, sidebar' }])
    expect(await about(id, 'robin')).toHaveLength(1)
  })
})

describe('status moves', () => {
  it('tell the lead and the editor, never the person who moved the story', async () => {
    const id = await createStoryVia(srv.url, people.chief.token, { headline: 'Budget vote' })
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { lead: people.ada.id, editor: people.edna.id })
    told.length = 0

    // The lead sends her draft to edit: her editor hears of it, she does not.
    await call('ada', 'POST', `/api/stories/${id}/status`, { to: 'in_edit' })
    expect(told).toEqual([people.edna.id])
    expect((await about(id, 'edna'))[0]).toMatchObject({
      kind: 'status',
      from: 'draft',
      to: 'in_edit',
      byUserId: people.ada.id,
      text: '“Budget vote” moved to In edit',
    })
    expect((await about(id, 'ada')).filter((item) => item.kind === 'status')).toEqual([])

    // The editor moves it on: the lead hears, the editor does not.
    told.length = 0
    await call('edna', 'POST', `/api/stories/${id}/status`, { to: 'copy_edit' })
    expect(told).toEqual([people.ada.id])
    expect((await about(id, 'ada'))[0]).toMatchObject({ kind: 'status', from: 'in_edit', to: 'copy_edit', text: '“Budget vote” moved to Copy edit' })
    expect((await about(id, 'edna')).filter((item) => item.kind === 'status')).toHaveLength(1)

    // The desk chief, neither lead nor editor, sends it back: both hear; the chief does not.
    told.length = 0
    await call('chief', 'POST', `/api/stories/${id}/status`, { to: 'draft' })
    expect([...told].sort()).toEqual([people.ada.id, people.edna.id].sort())
    expect(await about(id, 'chief')).toEqual([])
  })
})

describe('suggestion decisions', () => {
  /** A suggestion value as `who`'s editor writes it. */
  const by = (who: Who, suggestionId: string) => ({ id: suggestionId, authorId: people[who].id, authorName: who, authorColor: '#c00', time: 1 })
  const textOf = (doc: Y.Doc) => (getBody(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText

  it('tell the author when someone else accepts or rejects, once per batch; not the author taking back their own', async () => {
    const id = await importStoryVia(srv.url, people.ada.token, 'Harbour\n\nFerries stop at noon.')
    const ada = await open(id, 'ada')
    const edna = await open(id, 'edna')
    // Edna suggests " today" (e1), strikes out " at noon" (e2), suggests " All" (e3) and " Now" (e4).
    textOf(edna.doc).insert(12, ' today', { insertion: by('edna', 'e1') })
    textOf(edna.doc).format(18, 8, { deletion: by('edna', 'e2') })
    textOf(edna.doc).insert(27, ' All', { insertion: by('edna', 'e3') })
    textOf(edna.doc).insert(31, ' Now', { insertion: by('edna', 'e4') })
    await vi.waitFor(() => expect(textOf(ada.doc).toString()).toContain('e4'))
    expect(told).toEqual([])

    // Ada accepts " today": Edna hears, live.
    textOf(ada.doc).format(12, 6, { insertion: null })
    await vi.waitFor(() => expect(told).toEqual([people.edna.id]))
    expect((await about(id, 'edna'))[0]).toMatchObject({
      kind: 'suggestion_accepted',
      count: 1,
      excerpt: ' today',
      byUserId: people.ada.id,
      headline: 'Harbour',
      text: 'Your suggestion was accepted in “Harbour”',
    })

    // Ada rejects the strike-out and the two insertions at once: one message for the three.
    told.length = 0
    ada.doc.transact(() => {
      textOf(ada.doc).format(18, 8, { deletion: null })
      textOf(ada.doc).delete(27, 8)
    })
    await vi.waitFor(() => expect(told).toEqual([people.edna.id]))
    expect((await about(id, 'edna'))[0]).toMatchObject({ kind: 'suggestion_rejected', count: 3, text: '3 of your suggestions were rejected in “Harbour”' })
    expect(await about(id, 'edna')).toHaveLength(2)

    // Edna takes back a suggestion of her own: a decision nobody needs telling of.
    textOf(edna.doc).insert(0, 'Oh ', { insertion: by('edna', 'e5') })
    await vi.waitFor(() => expect(textOf(ada.doc).toString()).toContain('e5'))
    told.length = 0
    textOf(edna.doc).delete(0, 3)
    await vi.waitFor(async () => expect((await srv.storage.loadDoc(id))!.doc.getXmlFragment('body').toString()).not.toContain('e5'))
    expect(told).toEqual([])
    expect(await about(id, 'ada')).toEqual([])
  })
})

describe('deadlines', () => {
  const HOUR = 60 * 60 * 1000

  it('an hour away tells the writers once, even when the sweep runs twice; not for a story that is ready or not yet due', async () => {
    const id = await createStoryVia(srv.url, people.chief.token, { headline: 'Council meets' })
    const later = await createStoryVia(srv.url, people.chief.token, { headline: 'Later story' })
    const ready = await createStoryVia(srv.url, people.chief.token, { headline: 'Done story' })
    const now = Date.now()
    const deadline = now + 45 * 60 * 1000
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { lead: people.ada.id, contributors: [people.robin.id], editor: people.edna.id, deadline })
    await call('chief', 'PATCH', `/api/stories/${later}/desk`, { lead: people.ada.id, deadline: now + 3 * HOUR })
    // Ready before its deadline is set (setting one looks at once).
    await call('chief', 'PATCH', `/api/stories/${ready}/desk`, { lead: people.ada.id })
    for (const to of ['in_edit', 'copy_edit', 'ready']) await call('chief', 'POST', `/api/stories/${ready}/status`, { to })
    await call('chief', 'PATCH', `/api/stories/${ready}/desk`, { deadline })

    await srv.services.deadlines.sweep(now)
    await srv.services.deadlines.sweep(now + 60_000)
    // Setting a deadline also looks at once: whichever sweep came first, each writer is told once.
    await vi.waitFor(async () => expect((await about(id, 'ada')).filter((item) => item.kind === 'deadline')).toHaveLength(1))
    expect((await about(id, 'ada')).find((item) => item.kind === 'deadline')).toMatchObject({
      kind: 'deadline',
      deadline,
      byUserId: null,
      headline: 'Council meets',
      text: 'Deadline in 45 minutes: “Council meets”',
    })
    expect((await about(id, 'robin')).filter((item) => item.kind === 'deadline')).toHaveLength(1)
    expect((await about(id, 'edna')).filter((item) => item.kind === 'deadline')).toEqual([])
    expect(told.filter((userId) => userId === people.robin.id)).toHaveLength(2) // assigned, then the deadline
    expect((await about(later, 'ada')).filter((item) => item.kind === 'deadline')).toEqual([])
    expect((await about(ready, 'ada')).filter((item) => item.kind === 'deadline')).toEqual([])

    // The desk moves the deadline: the new one is news.
    await call('chief', 'PATCH', `/api/stories/${id}/desk`, { deadline: deadline + 10 * 60 * 1000 })
    await srv.services.deadlines.sweep(now)
    await vi.waitFor(async () => expect((await about(id, 'ada')).filter((item) => item.kind === 'deadline')).toHaveLength(2))
    expect(await srv.services.deadlines.sweep(now)).toBe(0)
  })
})

describe('deadlines on several nodes sharing PostgreSQL', () => {
  let postgres: TestPostgres | null = null
  const nodes: RunningServer[] = []
  afterAll(async () => {
    for (const node of nodes) await node.close()
    await postgres?.stop()
  })

  it('two nodes sweeping at once tell each writer once', { timeout: 60_000 }, async () => {
    postgres = await startPostgres()
    const databaseUrl = await postgres.createDatabase()
    // One after the other: the first makes the tables and the accounts.
    nodes.push(await startTestServer({ config: { databaseUrl, nodeName: 'node-a' } }))
    nodes.push(await startTestServer({ config: { databaseUrl, nodeName: 'node-b' } }))
    const [a, b] = nodes as [RunningServer, RunningServer]
    const chief = await addUser(a, 'chief', 'chief')
    const lead = await addUser(a, 'ada', 'reporter')
    const heard: number[] = []
    for (const node of nodes) node.services.events.subscribe((event) => event.type === 'notification' && heard.push(event.userId))

    // The nodes' own minute-by-minute sweeps stay out of the race measured here.
    await Promise.all(nodes.map((node) => node.services.deadlines.stop()))
    const id = await createStoryVia(a.url, chief.token, { headline: 'Port strike' })
    const now = Date.now()
    // Set through node A straight into its story (no early look, so both sweeps race for it).
    await a.rooms.change(id, (room) =>
      room.applyServerChange((doc) => {
        getDesk(doc).set('lead', lead.id)
        getDesk(doc).set('deadline', now + 30 * 60 * 1000)
      }, chief.id),
    )
    await vi.waitFor(async () => expect((await b.storage.getStory(id))?.desk).toMatchObject({ lead: lead.id }))

    const counts = await Promise.all([a.services.deadlines.sweep(now), b.services.deadlines.sweep(now), a.services.deadlines.sweep(now), b.services.deadlines.sweep(now)])
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1)
    expect(heard).toEqual([lead.id])
    const listed = await getJson(`${b.url}/api/notifications`, lead.token)
    expect((listed.body.notifications as NotificationItem[]).filter((item) => item.kind === 'deadline')).toHaveLength(1)
  })
})
