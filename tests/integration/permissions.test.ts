/**
 * The permission table (src/shared/permissions.ts), every cell, against the real server: REST
 * and WebSocket, allowed and refused, forged desk-field updates and read-only connections.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { Close, UnsavedReason } from '../../src/shared/protocol'
import { bodyBlocks, getBody, getMeta, getMetaText, readMeta } from '../../src/shared/storyDoc'
import { connectClient, saveAnswers, synced, type TestClient } from '../helpers/clients'
import { createStoryVia, getJson, sendJson } from '../helpers/server'
import { newsroomForFile } from '../helpers/newsroom'

const newsroom = newsroomForFile({ admin: 'admin', chief: 'chief', editor: 'editor', reporter: 'reporter', outsider: 'reporter' })
const { people, clients } = newsroom

let id = ''
beforeEach(async () => {
  id = await createStoryVia(newsroom.srv.url, people.chief.token, { headline: 'Permissions', section: 'News' })
  const assigned = await patchDesk('chief', { lead: people.reporter.id })
  if (assigned.status !== 200) throw new Error(`setup: assigning the reporter answered ${assigned.status}`)
})

function patchDesk(who: keyof typeof people, body: Record<string, unknown>) {
  return sendJson(`${newsroom.srv.url}/api/stories/${id}/desk`, body, people[who].token, 'PATCH')
}

function move(who: keyof typeof people, to: string) {
  return sendJson(`${newsroom.srv.url}/api/stories/${id}/status`, { to }, people[who].token)
}

/** Put the story in `status` as the administrator, through allowed moves. */
async function reach(status: string): Promise<void> {
  const path: Record<string, string[]> = {
    draft: [],
    in_edit: ['in_edit'],
    copy_edit: ['in_edit', 'copy_edit'],
    ready: ['in_edit', 'copy_edit', 'ready'],
  }
  for (const step of path[status] ?? []) expect((await move('admin', step)).status).toBe(200)
}

async function open(who: keyof typeof people, clientID: number): Promise<TestClient> {
  const client = connectClient(newsroom.srv.url, id, { clientID, token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

function type(client: TestClient, text: string): void {
  const paragraph = getBody(client.doc).get(0) as Y.XmlElement
  let node = paragraph.get(0) as Y.XmlText | undefined
  if (!node) {
    node = new Y.XmlText()
    paragraph.insert(0, [node])
  }
  node.insert(node.length, text)
}

const stored = async () => bodyBlocks((await newsroom.srv.storage.loadDoc(id))!.doc)
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

describe('read every story, see the budget: everyone', () => {
  it.each(['admin', 'chief', 'editor', 'reporter', 'outsider'] as const)('%s reads the list, the story and its document', async (who) => {
    expect((await getJson(`${newsroom.srv.url}/api/stories`, people[who].token)).status).toBe(200)
    expect((await getJson(`${newsroom.srv.url}/api/stories/${id}`, people[who].token)).status).toBe(200)
    expect((await getJson(`${newsroom.srv.url}/api/stories/${id}/history`, people[who].token)).status).toBe(200)
    const client = await open(who, 900)
    expect(readMeta(client.doc).headline).toBe('Permissions')
    client.destroy()
  })
})

describe('edit body and headline/slug/byline/dateline', () => {
  it.each(['admin', 'chief', 'editor', 'reporter'] as const)('%s (assigned or senior) may: stored and relayed', async (who) => {
    const writer = await open(who, 101)
    const watcher = await open('outsider', 102)
    type(writer, `by ${who}`)
    getMetaText(writer.doc, 'headline')?.insert(0, 'New: ')
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)).toEqual([`by ${who}`]))
    await vi.waitFor(async () => expect(await stored()).toEqual([`by ${who}`]))
    expect(readMeta(watcher.doc).headline).toBe('New: Permissions')
    // The server remembers whose Yjs client wrote it (authorship for versions).
    expect((await newsroom.srv.storage.authorsOf(id)).get(101)).toBe(people[who].id)
  })

  it('an unassigned reporter is read-only: nothing stored, nothing relayed, still receives and is present', async () => {
    const outsider = await open('outsider', 201)
    const reporter = await open('reporter', 202)
    await vi.waitFor(() => expect(reporter.provider.awareness.getStates().size).toBeGreaterThanOrEqual(1))
    outsider.provider.awareness.setLocalStateField('user', { name: 'Outsider' })
    await vi.waitFor(() => expect([...reporter.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Outsider')).toBe(true))
    const refusedBefore = newsroom.srv.rooms.get(id)!.refused
    type(outsider, 'forged words')
    getMetaText(outsider.doc, 'headline')?.insert(0, 'Hacked ')
    await vi.waitFor(() => expect(newsroom.srv.rooms.get(id)!.refused).toBeGreaterThan(refusedBefore))
    await settle()
    expect(await stored()).toEqual([''])
    expect(bodyBlocks(reporter.doc)).toEqual([''])
    expect(readMeta(reporter.doc).headline).toBe('Permissions')
    // The read-only connection stays open and still receives everyone else's changes.
    type(reporter, 'real words')
    await vi.waitFor(() => expect(bodyBlocks(outsider.doc)[0]).toContain('real words'))
    expect(outsider.provider.wsconnected).toBe(true)
  })

  it('edits dropped while read-only are not acknowledged, and are asked for again when write access comes back', async () => {
    expect((await patchDesk('chief', { lead: null })).status).toBe(200)
    const reporter = await open('reporter', 401)
    const watcher = await open('editor', 402)
    const answers = saveAnswers(reporter)
    const closes: number[] = []
    reporter.provider.on('connection-close', (event) => event && closes.push(event.code))
    type(reporter, 'kept while read-only')
    answers.ask(1)
    await vi.waitFor(() => expect(answers.notSaved).toEqual([{ request: 1, reason: UnsavedReason.readOnly }]))
    expect(answers.saved).toEqual([])
    expect(await stored()).toEqual([''])
    // The desk gives the story back: the server asks the reporter for what it kept, and stores it.
    expect((await patchDesk('chief', { lead: people.reporter.id })).status).toBe(200)
    await vi.waitFor(async () => expect(await stored()).toEqual(['kept while read-only']))
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)).toEqual(['kept while read-only']))
    type(reporter, ', then more')
    await vi.waitFor(async () => expect(await stored()).toEqual(['kept while read-only, then more']))
    answers.ask(2)
    await vi.waitFor(() => expect(answers.saved).toEqual([2]))
    expect(closes).toEqual([])
  })

  it('a reporter removed from the story loses write access on the open connection', async () => {
    const reporter = await open('reporter', 301)
    type(reporter, 'before')
    await vi.waitFor(async () => expect(await stored()).toEqual(['before']))
    expect((await patchDesk('chief', { lead: null })).status).toBe(200)
    await vi.waitFor(() => expect(readMeta(reporter.doc)).toBeDefined())
    type(reporter, ' after')
    await settle()
    expect(await stored()).toEqual(['before'])
  })

  it('a reporter assigned only a part of the story may write it', async () => {
    expect((await patchDesk('chief', { lead: null })).status).toBe(200)
    const chief = await open('chief', 401)
    const body = getBody(chief.doc)
    const encode = (position: Y.RelativePosition) => Buffer.from(Y.encodeRelativePosition(position)).toString('base64')
    const part = await sendJson(
      `${newsroom.srv.url}/api/stories/${id}/parts`,
      { start: encode(Y.createRelativePositionFromTypeIndex(body, 0, 0)), end: encode(Y.createRelativePositionFromTypeIndex(body, 1, -1)), assignee: people.outsider.id, label: 'Reaction' },
      people.chief.token,
    )
    expect(part.status).toBe(201)
    const outsider = await open('outsider', 402)
    type(outsider, 'reaction quote')
    await vi.waitFor(async () => expect(await stored()).toEqual(['reaction quote']))
  })
})

describe('first byline', () => {
  it('a reporter who starts a story signs it; a desk chief does not; the lead of an unsigned story signs it', async () => {
    const bylinesOf = async (storyId: string) => ((await getJson(`${newsroom.srv.url}/api/stories/${storyId}`, people.admin.token)).body.story as { bylines: string[] }).bylines
    const own = await createStoryVia(newsroom.srv.url, people.outsider.token, { headline: 'Own idea' })
    expect(await bylinesOf(own)).toEqual(['Outsider'])
    const desks = await createStoryVia(newsroom.srv.url, people.chief.token, { headline: 'Desk idea' })
    expect(await bylinesOf(desks)).toEqual([])
    const led = await sendJson(`${newsroom.srv.url}/api/stories/${desks}/desk`, { lead: people.reporter.id }, people.chief.token, 'PATCH')
    expect(led.status).toBe(200)
    expect(await bylinesOf(desks)).toEqual(['Reporter'])
    // A story already signed keeps its byline when the lead changes.
    expect((await sendJson(`${newsroom.srv.url}/api/stories/${desks}/desk`, { lead: people.outsider.id }, people.chief.token, 'PATCH')).status).toBe(200)
    expect(await bylinesOf(desks)).toEqual(['Reporter'])
  })
})

describe('desk fields: section, assignees, deadline, planned length', () => {
  it.each(['reporter', 'outsider', 'editor'] as const)('%s is refused over REST (403) and nothing changes', async (who) => {
    for (const body of [{ section: 'World' }, { lead: people[who].id }, { deadline: Date.now() }, { plannedWords: 900 }, { contributors: [people[who].id] }]) {
      expect((await patchDesk(who, body)).status).toBe(403)
    }
    const story = (await getJson(`${newsroom.srv.url}/api/stories/${id}`, people.admin.token)).body.story as { section: string; desk: { lead: number } }
    expect(story.section).toBe('News')
    expect(story.desk.lead).toBe(people.reporter.id)
  })

  it.each(['chief', 'admin'] as const)('%s sets them over REST and every client sees it live', async (who) => {
    const watcher = await open('outsider', 501)
    const deadline = Date.now() + 3_600_000
    const res = await patchDesk(who, { section: 'World', plannedWords: 800, editor: people.editor.id, contributors: [people.outsider.id], deadline })
    expect(res.status).toBe(200)
    await vi.waitFor(() => expect(readMeta(watcher.doc)).toMatchObject({ section: 'World', plannedWords: 800 }))
    const story = (await getJson(`${newsroom.srv.url}/api/stories/${id}`, people.reporter.token)).body.story as { desk: Record<string, unknown> }
    expect(story.desk).toMatchObject({ editor: people.editor.id, contributors: [people.outsider.id], deadline, plannedWords: 800 })
  })

  it.each([
    ['reporter', 'section', 'Sports'],
    ['editor', 'status', 'published'],
    ['chief', 'plannedWords', 5],
    ['admin', 'section', 'Opinion'],
  ] as const)('a forged %s update of meta.%s is refused: socket closed 4403, nothing stored or relayed', async (who, key, value) => {
    const forger = await open(who, 601)
    const watcher = await open('outsider', 602)
    const closing = new Promise<number>((resolve) => forger.provider.on('connection-close', (event) => event && resolve(event.code)))
    const before = (await newsroom.srv.storage.tailLength(id))
    getMeta(forger.doc).set(key, value)
    expect(await closing).toBe(Close.forbidden.code)
    await settle()
    expect((await newsroom.srv.storage.tailLength(id))).toBe(before)
    expect(readMeta(watcher.doc)).toMatchObject({ section: 'News', status: 'draft', plannedWords: null })
    expect(readMeta((await newsroom.srv.storage.loadDoc(id))!.doc)).toMatchObject({ section: 'News', status: 'draft', plannedWords: null })
  })

  it('a forged write to the desk map, an unknown root or a replaced shared field is refused the same way', async () => {
    const forgeries = [
      (doc: Y.Doc) => doc.getMap('desk').set('lead', 999),
      (doc: Y.Doc) => doc.getMap('evil').set('x', 1),
      (doc: Y.Doc) => getMeta(doc).set('headline', new Y.Text('Replaced')),
    ]
    for (const forge of forgeries) {
      const forger = await open('chief', 701)
      const closing = new Promise<number>((resolve) => forger.provider.on('connection-close', (event) => event && resolve(event.code)))
      forge(forger.doc)
      expect(await closing).toBe(Close.forbidden.code)
      forger.destroy()
    }
    const doc = (await newsroom.srv.storage.loadDoc(id))!.doc
    expect(doc.getMap('desk').get('lead')).toBe(people.reporter.id)
    expect(doc.share.has('evil')).toBe(false)
    expect(readMeta(doc).headline).toBe('Permissions')
  })
})

describe('workflow', () => {
  const cases: Array<[string, string, Record<keyof typeof people, number>]> = [
    ['draft', 'in_edit', { reporter: 200, outsider: 403, editor: 200, chief: 200, admin: 200 }],
    ['in_edit', 'copy_edit', { reporter: 403, outsider: 403, editor: 200, chief: 200, admin: 200 }],
    ['copy_edit', 'ready', { reporter: 403, outsider: 403, editor: 200, chief: 200, admin: 200 }],
    ['in_edit', 'draft', { reporter: 403, outsider: 403, editor: 200, chief: 200, admin: 200 }],
    ['ready', 'draft', { reporter: 403, outsider: 403, editor: 200, chief: 200, admin: 200 }],
    ['ready', 'published', { reporter: 403, outsider: 403, editor: 403, chief: 200, admin: 200 }],
    ['ready', 'held', { reporter: 403, outsider: 403, editor: 403, chief: 200, admin: 200 }],
    ['ready', 'spiked', { reporter: 403, outsider: 403, editor: 403, chief: 200, admin: 200 }],
    ['draft', 'published', { reporter: 403, outsider: 403, editor: 403, chief: 403, admin: 403 }],
  ]
  for (const [from, to, expected] of cases) {
    for (const who of Object.keys(expected) as Array<keyof typeof people>) {
      it(`${from} → ${to} by ${who}: ${expected[who]}`, async () => {
        await reach(from)
        const res = await move(who, to)
        expect(res.status).toBe(expected[who])
        const story = (await newsroom.srv.storage.loadDoc(id))!.doc
        expect(readMeta(story).status).toBe(expected[who] === 200 ? to : from)
        // Allowed moves are recorded with who, from and to; refused ones leave no trace.
        const history = (await getJson(`${newsroom.srv.url}/api/stories/${id}/history`, people.reporter.token)).body.history as Array<Record<string, unknown>>
        const recorded = history.some((entry) => entry.userId === people[who].id && entry.from === from && entry.to === to)
        expect(recorded).toBe(expected[who] === 200)
      })
    }
  }
})

describe('manage users and sections: administrators only', () => {
  it.each(['reporter', 'editor', 'chief'] as const)('%s is refused (403)', async (who) => {
    const token = people[who].token
    expect((await sendJson(`${newsroom.srv.url}/api/users`, { username: `x${who}`, password: 'long enough', displayName: 'X', role: 'reporter' }, token)).status).toBe(403)
    expect((await sendJson(`${newsroom.srv.url}/api/users/${people.outsider.id}`, { role: 'chief' }, token, 'PATCH')).status).toBe(403)
    expect((await sendJson(`${newsroom.srv.url}/api/sections`, { name: 'Science' }, token)).status).toBe(403)
    expect((await sendJson(`${newsroom.srv.url}/api/sections/News`, {}, token, 'DELETE')).status).toBe(403)
    expect((await newsroom.srv.services.sections.list())).not.toContain('Science')
  })

  it('the administrator adds and changes users and sections', async () => {
    const token = people.admin.token
    const created = await sendJson(`${newsroom.srv.url}/api/users`, { username: 'newbie', password: 'long enough', displayName: 'New Bie', role: 'reporter' }, token)
    expect(created.status).toBe(201)
    const newId = (created.body.user as { id: number }).id
    expect((await sendJson(`${newsroom.srv.url}/api/users/${newId}`, { role: 'editor' }, token, 'PATCH')).status).toBe(200)
    expect((await newsroom.srv.services.users.get(newId))?.role).toBe('editor')
    expect((await sendJson(`${newsroom.srv.url}/api/sections`, { name: 'Science' }, token)).status).toBe(201)
    expect((await sendJson(`${newsroom.srv.url}/api/sections/Science`, {}, token, 'DELETE')).status).toBe(200)
  })
})
