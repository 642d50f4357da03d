import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../server/app'
import { bodyBlocks, readMeta } from '../../src/shared/storyDoc'
import { MAX_IMPORT_BYTES } from '../../src/shared/protocol'
import { connectClient, synced } from '../helpers/clients'
import { readStoryFixture } from '../helpers/fixtures'
import { getJson, postJson, signInAs, startTestServer } from '../helpers/server'

let srv: RunningServer
let token = ''
afterEach(async () => {
  await srv?.close()
})

async function importText(text: string | Uint8Array, type = 'text/plain; charset=utf-8') {
  const res = await fetch(`${srv.url}/api/stories/import`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: `Bearer ${token}` },
    body: text as BodyInit,
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('HTTP API', () => {
  it('answers /healthz when ready', async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    const res = await fetch(`${srv.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, store: 'ok', redis: 'none' })
  })

  it('creates and lists stories with server-made ids', async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    const created = await postJson(`${srv.url}/api/stories`, { headline: 'Budget vote', section: 'Politics' }, token)
    expect(created.status).toBe(201)
    const id = (created.body as { id: string }).id
    expect(id).toMatch(/^[0-9a-z]{16}$/)
    const empty = await postJson(`${srv.url}/api/stories`, {}, token)
    expect(empty.status).toBe(201)
    const list = (await getJson(`${srv.url}/api/stories`, token)).body as { stories: Array<Record<string, unknown>> }
    expect(list.stories).toHaveLength(2)
    expect(list.stories.find((story) => story.id === id)).toMatchObject({
      headline: 'Budget vote',
      section: 'Politics',
      status: 'draft',
      bylines: [],
      words: 0,
    })
    const one = await getJson(`${srv.url}/api/stories/${id}`, token)
    expect(one.status).toBe(200)
  })

  it.each([
    [{ section: 'Gardening' }],
    [{ headline: 42 }],
    [{ id: 'chosen-by-client' }],
  ])('refuses a bad story body %j with 400', async (body) => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    const res = await postJson(`${srv.url}/api/stories`, body, token)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { id: 'invalid_story' } })
    expect((await srv.storage.listStories())).toHaveLength(0)
  })

  it('refuses malformed JSON, wrong types and unknown routes clearly', async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    const auth = { authorization: `Bearer ${token}` }
    const bad = await fetch(`${srv.url}/api/stories`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{nope' })
    expect(bad.status).toBe(400)
    const wrongType = await fetch(`${srv.url}/api/stories`, { method: 'POST', headers: { 'content-type': 'text/html', ...auth }, body: '<b>' })
    expect(wrongType.status).toBe(415)
    expect((await getJson(`${srv.url}/api/stories/zzzzzzzzzzzzzzzz`, token)).status).toBe(404)
    expect((await getJson(`${srv.url}/api/nothing`, token)).status).toBe(404)
  })

  it('imports the Syria fixture into a story with metadata and nine paragraphs', async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    const { status, body } = await importText(readStoryFixture('syria-ceasefire.txt'))
    expect(status).toBe(201)
    const id = body.id as string
    const client = connectClient(srv.url, id, { token })
    try {
      await synced(client)
      await vi.waitFor(() => expect(bodyBlocks(client.doc)).toHaveLength(9))
      const meta = readMeta(client.doc)
      expect(meta.section).toBe('News')
      expect(meta.headline).toBe('U.S., Russia remain apart on resumption of Syrian cease-fire')
      expect(meta.dateline).toMatchObject({ city: 'HANGZHOU', country: 'China' })
      expect(bodyBlocks(client.doc)[0]).toMatch(/^Efforts by the United States/)
    } finally {
      client.destroy()
    }
    const story = (await srv.storage.getStory(id))
    expect(story).toMatchObject({ section: 'News', words: 466 })
  })

  it('answers 400 with a reason for empty or unusable text, and stores nothing', async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    for (const text of ['', '\n\n', 'Only a headline']) {
      const { status, body } = await importText(text)
      expect(status).toBe(400)
      expect((body.error as { message: string }).message).toMatch(/empty|body/)
    }
    expect((await importText('Hed\n\nBody', 'application/json')).status).toBe(415)
    expect((await importText(new Uint8Array(MAX_IMPORT_BYTES + 10).fill(65))).status).toBe(413)
    expect((await srv.storage.listStories())).toHaveLength(0)
  })

  it('streams story changes to the list as they happen', async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'chief', 'admin')
    const controller = new AbortController()
    const res = await fetch(`${srv.url}/api/stories/events`, { signal: controller.signal, headers: { authorization: `Bearer ${token}` } })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let received = ''
    const created = await postJson(`${srv.url}/api/stories`, { headline: 'Live list' }, token)
    while (!received.includes('Live list')) {
      const chunk = await reader.read()
      if (chunk.done) break
      received += decoder.decode(chunk.value)
    }
    expect(received).toContain('event: story')
    expect(received).toContain((created.body as { id: string }).id)
    controller.abort()
  })
})
