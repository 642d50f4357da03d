/**
 * Locked copy (issue 15): a published or spiked story refuses every edit, from everyone, over the
 * sync socket (dropped like a read-only connection's: never stored, relayed or acknowledged, and
 * answered `notSaved` with UnsavedReason.locked) and through the API routes that change its copy.
 * A desk chief reopens a published story only with a correction note, which the next publication
 * carries; a spiked story is restored to Draft.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { PublicationView } from '../../server/publishing'
import type { ApiError } from '../../src/shared/api'
import { UnsavedReason } from '../../src/shared/protocol'
import { CORRECTION_NOTE_MAX_CHARS } from '../../src/shared/limits'
import { bodyBlocks, CORRECTION_KEY, getBody, getDesk, getMetaText, readMeta } from '../../src/shared/storyDoc'
import { connectClient, saveAnswers, synced, type TestClient } from '../helpers/clients'
import { createStoryVia, getJson, sendJson } from '../helpers/server'
import { newsroomForFile } from '../helpers/newsroom'

type Who = 'chief' | 'editor' | 'reporter' | 'watcher'
const newsroom = newsroomForFile<Who>({ chief: 'chief', editor: 'editor', reporter: 'reporter', watcher: 'reporter' })
const { people, clients } = newsroom

let id = ''
beforeEach(async () => {
  id = await createStoryVia(newsroom.srv.url, people.chief.token, { headline: 'Bridge reopens', section: 'News' })
  const assigned = await sendJson(`${newsroom.srv.url}/api/stories/${id}/desk`, { lead: people.reporter.id }, people.chief.token, 'PATCH')
  if (assigned.status !== 200) throw new Error(`setup: assigning the reporter answered ${assigned.status}`)
})

function move(who: Who, to: string, extra: Record<string, unknown> = {}) {
  return sendJson(`${newsroom.srv.url}/api/stories/${id}/status`, { to, ...extra }, people[who].token)
}

/** Move the story along `steps` as the desk chief. */
async function walk(...steps: Array<string | [string, Record<string, unknown>]>): Promise<void> {
  for (const step of steps) {
    const [to, extra] = typeof step === 'string' ? [step, {}] : step
    const answer = await move('chief', to, extra)
    expect(`${to}: ${answer.status}`).toBe(`${to}: 200`)
  }
}

async function open(who: Who, clientID: number): Promise<TestClient> {
  const client = connectClient(newsroom.srv.url, id, { clientID, token: people[who].token })
  clients.push(client)
  await synced(client)
  return client
}

/** Type at the end of the first paragraph. */
function type(client: TestClient, text: string): void {
  const paragraph = getBody(client.doc).get(0) as Y.XmlElement
  let node = paragraph.get(0) as Y.XmlText | undefined
  if (!node) {
    node = new Y.XmlText()
    paragraph.insert(0, [node])
  }
  node.insert(node.length, text)
}

const storedDoc = async () => (await newsroom.srv.storage.loadDoc(id))!.doc
const storedText = async () => bodyBlocks(await storedDoc()).join('\n')

describe('a published story is locked', () => {
  it('refuses edits from its reporter, an editor and a desk chief, live; reopened for a correction, it takes them again', { timeout: 30_000 }, async () => {
    const writers = { reporter: await open('reporter', 1001), editor: await open('editor', 1002), chief: await open('chief', 1003) }
    const watcher = await open('watcher', 1004)
    type(writers.reporter, 'Draft.')
    await vi.waitFor(async () => expect(await storedText()).toBe('Draft.'))

    await walk('in_edit', 'copy_edit', 'ready', 'published')
    // Every open connection hears of the lock from the document itself.
    for (const client of [...Object.values(writers), watcher]) await vi.waitFor(() => expect(readMeta(client.doc).status).toBe('published'))
    const refusedBefore = newsroom.srv.rooms.get(id)!.refused
    const tailBefore = await newsroom.srv.storage.tailLength(id)
    const answers = Object.fromEntries(Object.entries(writers).map(([who, client]) => [who, saveAnswers(client)]))
    for (const [who, client] of Object.entries(writers)) {
      type(client, ` By ${who}.`)
      getMetaText(client.doc, 'headline')?.insert(0, `${who}: `)
      answers[who]!.ask(1)
    }
    // Each is told its edits were not stored, and why; none is acknowledged or closed.
    for (const who of Object.keys(writers)) {
      await vi.waitFor(() => expect(answers[who]!.notSaved).toEqual([{ request: 1, reason: UnsavedReason.locked }]))
      expect(answers[who]!.saved).toEqual([])
    }
    expect(newsroom.srv.rooms.get(id)!.refused).toBeGreaterThanOrEqual(refusedBefore + 3)
    for (const client of Object.values(writers)) expect(client.provider.wsconnected).toBe(true)
    // Nothing stored, nothing relayed.
    expect(await newsroom.srv.storage.tailLength(id)).toBe(tailBefore)
    expect(await storedText()).toBe('Draft.')
    expect(readMeta(await storedDoc()).headline).toBe('Bridge reopens')
    expect(bodyBlocks(watcher.doc)).toEqual(['Draft.'])
    expect(readMeta(watcher.doc).headline).toBe('Bridge reopens')

    // Reopened for a correction: the desk chief's note is kept with the story and in the history.
    const note = 'Corrects the date the bridge reopens.'
    expect((await move('chief', 'in_edit', { correction: `  ${note}  ` })).status).toBe(200)
    await vi.waitFor(() => expect(getDesk(watcher.doc).get(CORRECTION_KEY)).toBe(note))
    const history = (await getJson(`${newsroom.srv.url}/api/stories/${id}/history`, people.reporter.token)).body.history as Array<Record<string, unknown>>
    expect(history.at(-1)).toMatchObject({ from: 'published', to: 'in_edit', reason: note, userId: people.chief.id })

    // What each kept while it was locked is asked for and stored now, and new edits are taken.
    await vi.waitFor(async () => {
      const text = await storedText()
      for (const who of Object.keys(writers)) expect(text).toContain(`By ${who}.`)
    })
    for (const [who, client] of Object.entries(writers)) type(client, ` Fixed by ${who}.`)
    await vi.waitFor(async () => {
      const text = await storedText()
      for (const who of Object.keys(writers)) expect(text).toContain(`Fixed by ${who}.`)
    })
    await vi.waitFor(() => expect(bodyBlocks(watcher.doc)[0]).toContain('Fixed by reporter.'))
    for (const who of Object.keys(writers)) {
      answers[who]!.ask(2)
      await vi.waitFor(() => expect(answers[who]!.saved).toEqual([2]))
    }
  })

  it('is reopened only by the desk, and only with a correction note (trimmed, at most 1,000 characters)', async () => {
    await walk('in_edit', 'copy_edit', 'ready', 'published')
    const refusals: Array<[Who, Record<string, unknown>, number, RegExp]> = [
      ['chief', {}, 422, /correction note/],
      ['chief', { correction: '   ' }, 422, /correction note/],
      ['chief', { correction: 'x'.repeat(CORRECTION_NOTE_MAX_CHARS + 1) }, 400, /at most 1,000 characters/],
      ['editor', { correction: 'A fix.' }, 403, /may not move this story/],
      ['reporter', { correction: 'A fix.' }, 403, /may not move this story/],
    ]
    for (const [who, extra, status, message] of refusals) {
      const answer = await move(who, 'in_edit', extra)
      expect({ who, status: answer.status }).toEqual({ who, status })
      expect((answer.body as unknown as ApiError).error.message).toMatch(message)
    }
    const doc = await storedDoc()
    expect(readMeta(doc).status).toBe('published')
    expect(getDesk(doc).has(CORRECTION_KEY)).toBe(false)
    // Exactly 1,000 characters is enough.
    expect((await move('chief', 'in_edit', { correction: 'y'.repeat(CORRECTION_NOTE_MAX_CHARS) })).status).toBe(200)
  })

  it('the republication carries the correction note without being asked for it again, then forgets it', async () => {
    await walk('in_edit', 'copy_edit', 'ready', 'published', ['in_edit', { correction: 'Corrects the name of the engineer.' }], 'copy_edit', 'ready', 'published')
    const publications = (await getJson(`${newsroom.srv.url}/api/stories/${id}/publications`, people.chief.token)).body.publications as PublicationView[]
    expect(publications.map(({ kind, version, edNote }) => ({ kind, version, edNote }))).toEqual([
      { kind: 'publish', version: 2, edNote: 'Corrects the name of the engineer.' },
      { kind: 'publish', version: 1, edNote: '' },
    ])
    const ninjs = await (await fetch(`${newsroom.srv.url}/api/stories/${id}/export?format=ninjs`, { headers: { authorization: `Bearer ${people.chief.token}` } })).json()
    expect(ninjs).toMatchObject({ version: '2', edNote: 'Corrects the name of the engineer.' })
    // Locked again, and the note is spent: a later takedown and return needs a note of its own.
    expect(getDesk(await storedDoc()).has(CORRECTION_KEY)).toBe(false)
    await walk('held', 'ready')
    const bare = await move('chief', 'published')
    expect(bare.status).toBe(422)
    expect((bare.body as unknown as ApiError).error).toMatchObject({ id: 'correction_required', message: expect.stringMatching(/correction note/) })
    await walk(['published', { correction: 'Restored after legal review.' }])
    const latest = (await getJson(`${newsroom.srv.url}/api/stories/${id}/publications`, people.chief.token)).body.publications as PublicationView[]
    expect(latest[0]).toMatchObject({ kind: 'publish', version: 3, edNote: 'Restored after legal review.' })
  })

  it('API routes that change the copy refuse it (409); desk fields stay the desk’s', async () => {
    // A story nobody has signed yet, so that naming a lead would sign it.
    id = await createStoryVia(newsroom.srv.url, people.chief.token, { headline: 'Unsigned' })
    await walk('in_edit', 'copy_edit', 'ready', 'published')
    const versions = (await getJson(`${newsroom.srv.url}/api/stories/${id}/versions`, people.chief.token)).body.versions as Array<{ id: number }>
    const restore = await sendJson(`${newsroom.srv.url}/api/stories/${id}/versions/${versions.at(-1)!.id}/restore`, {}, people.chief.token)
    expect(restore.status).toBe(409)
    expect((restore.body as unknown as ApiError).error.message).toMatch(/published and locked/)
    // The desk still plans around it: deadline and assignment change; the byline (copy) does not.
    const deadline = Date.now() + 3_600_000
    expect((await sendJson(`${newsroom.srv.url}/api/stories/${id}/desk`, { deadline, lead: people.watcher.id }, people.chief.token, 'PATCH')).status).toBe(200)
    const doc = await storedDoc()
    expect(getDesk(doc).get('deadline')).toBe(deadline)
    expect(readMeta(doc).bylines).toEqual([])
  })
})

describe('a spiked story is locked', () => {
  it('refuses edits until the desk restores it to Draft', async () => {
    const reporter = await open('reporter', 2001)
    await walk('in_edit', 'copy_edit', 'ready', 'spiked')
    await vi.waitFor(() => expect(readMeta(reporter.doc).status).toBe('spiked'))
    const answers = saveAnswers(reporter)
    type(reporter, 'Killed words.')
    answers.ask(1)
    await vi.waitFor(() => expect(answers.notSaved).toEqual([{ request: 1, reason: UnsavedReason.locked }]))
    expect(await storedText()).toBe('')
    await walk('draft')
    await vi.waitFor(async () => expect(await storedText()).toBe('Killed words.'))
    type(reporter, ' Alive again.')
    await vi.waitFor(async () => expect(await storedText()).toBe('Killed words. Alive again.'))
  })
})

describe('spiking a draft', () => {
  it('its reporter spikes it while it is empty; with words in it, only the desk may', async () => {
    // Empty: the lead spikes it (the watcher, not on the story, may not).
    expect((await move('watcher', 'spiked')).status).toBe(403)
    expect((await move('reporter', 'spiked')).status).toBe(200)
    expect(readMeta(await storedDoc()).status).toBe('spiked')

    // A draft with words in it: refused to its reporter, saying why; the desk spikes it.
    id = await createStoryVia(newsroom.srv.url, people.chief.token, { headline: 'Tip about the bridge' })
    expect((await sendJson(`${newsroom.srv.url}/api/stories/${id}/desk`, { lead: people.reporter.id }, people.chief.token, 'PATCH')).status).toBe(200)
    const writer = await open('reporter', 4100)
    type(writer, 'The bridge may close for a month.')
    await vi.waitFor(async () => expect(bodyBlocks(await storedDoc())[0]).toBe('The bridge may close for a month.'))
    const refused = await move('reporter', 'spiked')
    expect(refused.status).toBe(409)
    expect((refused.body as unknown as ApiError).error).toMatchObject({ id: 'not_empty', message: expect.stringMatching(/ask the desk/) })
    expect(readMeta(await storedDoc()).status).toBe('draft')
    expect((await move('chief', 'spiked')).status).toBe(200)
    expect(readMeta(await storedDoc()).status).toBe('spiked')
  })
})
