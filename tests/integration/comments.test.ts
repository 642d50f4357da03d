/**
 * Review comments against the real server: anyone who can read a story comments (commenting is
 * not editing), only authors change their comments, who may resolve and reopen, @mentions notify
 * the mentioned person only, and bad input is refused with nothing stored. Anchors are made on a
 * real client's copy of the story, synced over the real socket.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import type { StoryEvent } from '../../server/storyEvents'
import { passageAnchors } from '../../src/review/comments/anchors'
import { encodeAnchor, getBody, getMetaText } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from '../helpers/clients'
import { addUser, getJson, importStoryVia, sendJson, startTestServer } from '../helpers/server'

type Person = Awaited<ReturnType<typeof addUser>>
type Json = Record<string, unknown>

interface Thread {
  id: string
  storyId: string
  quote: string
  authorId: number
  resolved: boolean
  resolvedBy: number | null
  comments: Array<{ id: string; authorId: number; body: string; editedAt: number | null; deleted: boolean }>
}

interface Notification {
  id: string
  storyId: string
  threadId: string
  commentId: string
  byUserId: number
  readAt: number | null
  excerpt: string
}

let srv: RunningServer
let repo: RunningServer['services']['comments']
let storyId = ''
let client: TestClient
const people = {} as Record<'chief' | 'editor' | 'lead' | 'robin' | 'rory' | 'gone', Person>
const events: StoryEvent[] = []
let unsubscribe = () => {}

const TEXT = '1. News\n\nCouncil delays budget vote\n\nThe council delayed its vote on Tuesday.\n\nThe budget has grown for years.\n\nResidents reacted with anger.'

beforeAll(async () => {
  srv = await startTestServer()
  repo = srv.services.comments
  people.chief = await addUser(srv, 'chief', 'chief')
  people.editor = await addUser(srv, 'edna', 'editor')
  people.lead = await addUser(srv, 'riley', 'reporter')
  people.robin = await addUser(srv, 'robin', 'reporter')
  people.rory = await addUser(srv, 'rory', 'reporter')
  people.gone = await addUser(srv, 'gone', 'reporter')
  await srv.services.users.update(people.gone.id, { active: false })
  // Riley imports the story, so Riley leads it; Robin and Rory are not assigned (read-only).
  storyId = await importStoryVia(srv.url, people.lead.token, TEXT)
  client = connectClient(srv.url, storyId, { token: people.lead.token })
  await synced(client)
  unsubscribe = srv.services.events.subscribe((event) => {
    if (event.type === 'review' || event.type === 'notification') events.push(event)
  })
})

afterAll(async () => {
  unsubscribe()
  client?.destroy()
  await srv?.close()
})

/** Anchors over characters [from, to) of body block `block`, made as the editor makes them. */
function anchorsOver(block: number, from: number, to: number): { start: string; end: string } {
  const text = (getBody(client.doc).get(block) as Y.XmlElement).get(0) as Y.XmlText
  const anchors = passageAnchors(client.doc, Y.createRelativePositionFromTypeIndex(text, from, -1), Y.createRelativePositionFromTypeIndex(text, to, -1))
  if (!anchors) throw new Error('no passage there')
  return anchors
}

function call(who: keyof typeof people, method: string, path: string, body?: unknown) {
  return sendJson(`${srv.url}${path}`, body, people[who].token, method)
}

async function startThread(who: keyof typeof people, body: string, passage = anchorsOver(0, 4, 11)): Promise<Thread> {
  const res = await call(who, 'POST', `/api/stories/${storyId}/threads`, { ...passage, quote: 'council', body })
  expect(res).toMatchObject({ status: 201 })
  return res.body.thread as Thread
}

async function threads(who: keyof typeof people = 'chief'): Promise<Thread[]> {
  const res = await getJson(`${srv.url}/api/stories/${storyId}/threads`, people[who].token)
  expect(res.status).toBe(200)
  return res.body.threads as Thread[]
}

async function notifications(who: keyof typeof people): Promise<Notification[]> {
  const res = await getJson(`${srv.url}/api/notifications`, people[who].token)
  expect(res.status).toBe(200)
  return res.body.notifications as Notification[]
}

function storedCounts() {
  const db = srv.storage.database
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  return { threads: count('comment_threads'), comments: count('comments'), notifications: count('notifications') }
}

describe('comment threads', () => {
  it('a read-only reporter comments on a passage; everyone reads it; the story document is untouched', async () => {
    const before = Y.encodeStateVector((await srv.storage.loadDoc(storyId))!.doc)
    events.length = 0
    const thread = await startThread('robin', 'Which Tuesday?')
    expect(thread).toMatchObject({ storyId, quote: 'council', authorId: people.robin.id, resolved: false })
    expect(thread.comments).toMatchObject([{ authorId: people.robin.id, body: 'Which Tuesday?', deleted: false }])
    expect(events).toContainEqual({ type: 'review', storyId, kind: 'comments' })

    for (const who of ['chief', 'rory', 'lead'] as const) expect((await threads(who)).map((item) => item.id)).toContain(thread.id)
    expect(await repo.openThreadCount(storyId)).toBeGreaterThanOrEqual(1)
    // Commenting is not editing: nothing was written into the story.
    expect(Y.encodeStateVector((await srv.storage.loadDoc(storyId))!.doc)).toEqual(before)

    // Anyone replies, the unassigned reporter too; bodies are plain text, kept as written.
    const reply = await call('rory', 'POST', `/api/threads/${thread.id}/comments`, { body: '<b>Last</b> Tuesday & "before" noon\r\nsecond line' })
    expect(reply.status).toBe(201)
    const [again] = (await threads()).filter((item) => item.id === thread.id)
    expect(again?.comments.map((comment) => comment.body)).toEqual(['Which Tuesday?', '<b>Last</b> Tuesday & "before" noon\nsecond line'])
  })

  it('only its author edits or deletes a comment; a thread goes with its last comment', async () => {
    const thread = await startThread('robin', 'Check the figure.')
    const first = thread.comments[0]!
    expect((await call('lead', 'PATCH', `/api/comments/${first.id}`, { body: 'Hijacked' })).status).toBe(403)
    expect((await call('chief', 'DELETE', `/api/comments/${first.id}`)).status).toBe(403)
    const edited = await call('robin', 'PATCH', `/api/comments/${first.id}`, { body: 'Check the 2024 figure.' })
    expect(edited.status).toBe(200)
    expect(edited.body.comment).toMatchObject({ body: 'Check the 2024 figure.', deleted: false })
    expect((edited.body.comment as { editedAt: number | null }).editedAt).not.toBeNull()

    const reply = (await call('editor', 'POST', `/api/threads/${thread.id}/comments`, { body: 'Done.' })).body.comment as { id: string }
    // The first comment goes; the thread stays with the reply, and the deleted comment keeps its place.
    expect(await call('robin', 'DELETE', `/api/comments/${first.id}`)).toMatchObject({ status: 200, body: { threadDeleted: false } })
    const after = (await threads()).find((item) => item.id === thread.id)
    expect(after?.comments.map((comment) => [comment.deleted, comment.body])).toEqual([
      [true, ''],
      [false, 'Done.'],
    ])
    expect((await call('robin', 'PATCH', `/api/comments/${first.id}`, { body: 'Back' })).status).toBe(404)
    expect((await call('robin', 'DELETE', `/api/comments/${first.id}`)).status).toBe(404)
    // The last live comment goes: so does the thread.
    expect(await call('editor', 'DELETE', `/api/comments/${reply.id}`)).toMatchObject({ status: 200, body: { threadDeleted: true } })
    expect((await threads()).some((item) => item.id === thread.id)).toBe(false)
  })

  it('its author, editors and the desk resolve and reopen a thread; other reporters may not', async () => {
    const mine = await startThread('robin', 'Robin asks.')
    const open = await repo.openThreadCount(storyId)
    // The story's own lead is a reporter too: not Robin's thread, so no.
    expect((await call('lead', 'POST', `/api/threads/${mine.id}/resolve`)).status).toBe(403)
    const resolved = await call('robin', 'POST', `/api/threads/${mine.id}/resolve`)
    expect(resolved.status).toBe(200)
    expect(resolved.body.thread).toMatchObject({ resolved: true, resolvedBy: people.robin.id })
    expect(await repo.openThreadCount(storyId)).toBe(open - 1)
    // Resolving twice is harmless; the first resolver stays on record.
    expect((await call('chief', 'POST', `/api/threads/${mine.id}/resolve`)).body.thread).toMatchObject({ resolvedBy: people.robin.id })
    expect((await call('rory', 'POST', `/api/threads/${mine.id}/reopen`)).status).toBe(403)
    expect((await call('editor', 'POST', `/api/threads/${mine.id}/reopen`)).body.thread).toMatchObject({ resolved: false, resolvedBy: null })
    expect(await repo.openThreadCount(storyId)).toBe(open)

    const editors = await startThread('editor', 'Tighten this.')
    expect((await call('robin', 'POST', `/api/threads/${editors.id}/resolve`)).status).toBe(403)
    expect((await call('lead', 'POST', `/api/threads/${editors.id}/resolve`)).status).toBe(403)
    expect((await call('chief', 'POST', `/api/threads/${editors.id}/resolve`)).body.thread).toMatchObject({ resolved: true, resolvedBy: people.chief.id })
    expect((await threads('rory')).find((item) => item.id === editors.id)?.resolved).toBe(true)
  })

  it('@mentions notify each mentioned active user once, and nobody else', async () => {
    const counts = { lead: (await notifications('lead')).length, editor: (await notifications('editor')).length }
    events.length = 0
    const thread = await startThread('robin', 'Ask @riley and @Edna. Not @nobody, not me@robin.com, not @gone, not @robin myself.')
    const notified = events.filter((event) => event.type === 'notification').map((event) => (event as { userId: number }).userId)
    expect(notified.sort()).toEqual([people.editor.id, people.lead.id].sort())

    const leads = await notifications('lead')
    expect(leads).toHaveLength(counts.lead + 1)
    expect(leads[0]).toMatchObject({ storyId, threadId: thread.id, commentId: thread.comments[0]!.id, byUserId: people.robin.id, readAt: null })
    expect(leads[0]!.excerpt).toContain('Ask @riley')
    expect(await notifications('editor')).toHaveLength(counts.editor + 1)
    for (const who of ['robin', 'rory', 'chief', 'gone'] as const) {
      expect((await srv.services.notifications.list(people[who].id)).filter((item) => item.kind === 'mention' && item.threadId === thread.id)).toEqual([])
    }

    // An edit that adds Rory notifies Rory only; Riley is not told twice.
    events.length = 0
    await call('robin', 'PATCH', `/api/comments/${thread.comments[0]!.id}`, { body: 'Ask @riley, @edna and @rory.' })
    expect(events.filter((event) => event.type === 'notification')).toEqual([{ type: 'notification', userId: people.rory.id }])
    expect(await notifications('lead')).toHaveLength(counts.lead + 1)
    const [rorys] = await notifications('rory')

    // Newest first; only the recipient marks it read.
    await call('chief', 'POST', `/api/threads/${thread.id}/comments`, { body: '@riley see above' })
    const latest = await notifications('lead')
    expect(latest[0]!.excerpt).toBe('@riley see above')
    expect(latest[1]!.threadId).toBe(thread.id)
    expect((await call('lead', 'POST', `/api/notifications/${rorys!.id}/read`)).status).toBe(404)
    expect((await call('rory', 'POST', `/api/notifications/${rorys!.id}/read`)).status).toBe(200)
    expect((await notifications('rory'))[0]!.readAt).not.toBeNull()
    expect((await getJson(`${srv.url}/api/notifications`, people.lead.token)).body.unread).toBeGreaterThanOrEqual(2)
  })

  it('refuses bad anchors, empty and oversized bodies and unknown threads, and stores nothing', async () => {
    const before = storedCounts()
    const good = anchorsOver(1, 0, 10)
    const headline = getMetaText(client.doc, 'headline')!
    const inHeadline = encodeAnchor(Y.createRelativePositionFromTypeIndex(headline, 2))
    const post = (body: Json, who: keyof typeof people = 'robin') => call(who, 'POST', `/api/stories/${storyId}/threads`, body)
    const base = { ...good, quote: 'The budget', body: 'Fine.' }

    for (const start of ['not an anchor!', 'AAAA', inHeadline, encodeAnchor(new Y.RelativePosition(null, 'meta', null, 0)), '']) {
      const res = await post({ ...base, start })
      expect({ start, status: res.status }).toEqual({ start, status: 400 })
    }
    expect((await post({ ...base, end: inHeadline })).status).toBe(400)
    // A position in text the server never receives: it waits a moment for it, then refuses.
    const unseen = encodeAnchor(new Y.RelativePosition(null, null, Y.createID(424242, 7), 0))
    expect((await post({ ...base, start: unseen })).status).toBe(400)

    for (const body of ['', '   \n ', 'x'.repeat(5001), 'bell\u0007']) expect((await post({ ...base, body })).status).toBe(400)
    expect((await post({ ...base, quote: '' })).status).toBe(400)
    expect((await post({ ...base, extra: true })).status).toBe(400)
    expect((await post({ start: good.start, end: good.end, body: 'No quote' })).status).toBe(400)

    const unknownThread = '00000000-0000-4000-8000-000000000000'
    expect((await call('robin', 'POST', `/api/threads/${unknownThread}/comments`, { body: 'Hello?' })).status).toBe(404)
    expect((await call('robin', 'POST', `/api/threads/not-a-thread/comments`, { body: 'Hello?' })).status).toBe(404)
    expect((await call('chief', 'POST', `/api/threads/${unknownThread}/resolve`)).status).toBe(404)
    expect((await call('robin', 'PATCH', `/api/comments/${unknownThread}`, { body: 'Hello?' })).status).toBe(404)
    expect((await call('robin', 'POST', `/api/notifications/${unknownThread}/read`)).status).toBe(404)
    expect((await call('robin', 'POST', `/api/stories/AAAAAAAAAAAAAAAA/threads`, base)).status).toBe(404)
    expect((await getJson(`${srv.url}/api/stories/zzzzzzzzzzzzzzzz/threads`, people.robin.token)).status).toBe(404)

    const thread = await startThread('robin', 'x'.repeat(5000), good)
    for (const body of ['', 'y'.repeat(5001)]) {
      expect((await call('robin', 'POST', `/api/threads/${thread.id}/comments`, { body })).status).toBe(400)
      expect((await call('robin', 'PATCH', `/api/comments/${thread.comments[0]!.id}`, { body })).status).toBe(400)
    }
    expect(storedCounts()).toEqual({ ...before, threads: before.threads + 1, comments: before.comments + 1 })
    expect((await threads()).find((item) => item.id === thread.id)?.comments[0]?.body).toHaveLength(5000)

    const anonymous = await fetch(`${srv.url}/api/stories/${storyId}/threads`)
    expect(anonymous.status).toBe(401)
  })

  it('takes an anchor in text typed a moment before, once that text reaches the server', async () => {
    const paragraph = getBody(client.doc).get(2) as Y.XmlElement
    const text = paragraph.get(0) as Y.XmlText
    text.insert(text.length, ' Fresh words here.')
    const anchors = anchorsOver(2, text.length - 11, text.length - 1) // "words here"
    const thread = await startThread('editor', 'New claim?', anchors)
    expect(thread.comments[0]?.body).toBe('New claim?')
    await vi.waitFor(() => expect((srv.rooms.get(storyId)?.doc ?? client.doc).getXmlFragment('body').toString()).toContain('Fresh words here.'))
  })
})
