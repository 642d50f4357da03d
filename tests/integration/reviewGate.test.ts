/** The review gate: no Ready with unresolved comments, unless a desk chief overrides with a reason. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { encodeAnchor, getBody } from '../../src/shared/storyDoc'
import { countOpenSuggestions, FORMAT_CHANGE, TYPE_ATTRIBUTE } from '../../src/shared/suggestions'
import { connectClient, synced } from '../helpers/clients'
import { addUser, getJson, importStoryVia, sendJson, startTestServer } from '../helpers/server'

let srv: RunningServer
let chief: Awaited<ReturnType<typeof addUser>>
let editor: Awaited<ReturnType<typeof addUser>>

beforeAll(async () => {
  srv = await startTestServer()
  chief = await addUser(srv, 'chief', 'chief')
  editor = await addUser(srv, 'editor', 'editor')
})
afterAll(() => srv.close())

async function storyInCopyEdit(): Promise<string> {
  const id = await importStoryVia(srv.url, chief.token, 'Gate\n\nFirst paragraph here.\n\nSecond one.')
  for (const to of ['in_edit', 'copy_edit']) expect((await sendJson(`${srv.url}/api/stories/${id}/status`, { to }, editor.token)).status).toBe(200)
  return id
}

async function comment(id: string): Promise<string> {
  const client = connectClient(srv.url, id, { token: editor.token })
  await synced(client)
  const body = getBody(client.doc)
  const text = (body.get(0) as Y.XmlElement).get(0) as Y.XmlText
  const start = encodeAnchor(Y.createRelativePositionFromTypeIndex(text, 0))
  const end = encodeAnchor(Y.createRelativePositionFromTypeIndex(text, 5))
  client.destroy()
  const res = await sendJson(`${srv.url}/api/stories/${id}/threads`, { start, end, quote: 'First', body: 'Source for this?' }, editor.token)
  expect(res.status).toBe(201)
  return (res.body.thread as { id: string }).id
}

describe('review gate', () => {
  it('refuses Ready while a comment is open, for editors and for chiefs without a reason', async () => {
    const id = await storyInCopyEdit()
    const thread = await comment(id)
    const byEditor = await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready' }, editor.token)
    expect(byEditor.status).toBe(409)
    expect((byEditor.body.error as { message: string }).message).toMatch(/1 unresolved comment/)
    expect((await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready' }, chief.token)).status).toBe(409)
    // An editor's reason is not an override.
    expect((await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready', reason: 'trust me' }, editor.token)).status).toBe(409)
    // The budget shows the open comment.
    const story = (await getJson(`${srv.url}/api/stories/${id}`, editor.token)).body.story as { openComments: number; status: string }
    expect(story).toMatchObject({ openComments: 1, status: 'copy_edit' })

    // Resolved, the story may go to Ready.
    expect((await sendJson(`${srv.url}/api/threads/${thread}/resolve`, {}, editor.token)).status).toBe(200)
    expect((await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready' }, editor.token)).status).toBe(200)
  })

  it('counts open suggestions too', async () => {
    const id = await storyInCopyEdit()
    const client = connectClient(srv.url, id, { token: editor.token })
    await synced(client)
    const text = (getBody(client.doc).get(1) as Y.XmlElement).get(0) as Y.XmlText
    text.insert(0, 'Suggested ', { insertion: { id: 's1', authorId: editor.id, authorName: 'Editor', authorColor: null, time: Date.now() } })
    await vi.waitFor(async () => expect(countOpenSuggestions((await srv.storage.loadDoc(id))!.doc)).toBe(1))
    client.destroy()
    const res = await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready' }, editor.token)
    expect(res.status).toBe(409)
    expect((res.body.error as { message: string }).message).toMatch(/1 open suggestion/)
  })

  it('counts open format and block type suggestions too, until they are settled', async () => {
    const id = await storyInCopyEdit()
    const client = connectClient(srv.url, id, { token: editor.token })
    await synced(client)
    const by = (suggestionId: string) => ({ id: suggestionId, authorId: editor.id, authorName: 'Editor', authorColor: null, time: Date.now() })
    const ready = () => sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready' }, editor.token)
    const openCount = async () => countOpenSuggestions((await srv.storage.loadDoc(id))!.doc)
    const paragraph = getBody(client.doc).get(1) as Y.XmlElement
    const text = paragraph.get(0) as Y.XmlText

    // Bold suggested on "First": a format suggestion.
    text.format(0, 5, { bold: true, [FORMAT_CHANGE]: { ...by('f1'), added: [{ type: 'bold' }], removed: [] } })
    await vi.waitFor(async () => expect(await openCount()).toBe(1))
    const whileFormat = await ready()
    expect(whileFormat.status).toBe(409)
    expect((whileFormat.body.error as { message: string }).message).toMatch(/1 open suggestion/)

    // Accepted (the mark ends); then the paragraph suggested as a heading: a block type suggestion.
    text.format(0, 5, { [FORMAT_CHANGE]: null })
    paragraph.setAttribute(TYPE_ATTRIBUTE, JSON.stringify({ ...by('t1'), from: { type: 'paragraph', attrs: {} } }))
    await vi.waitFor(async () => expect(await openCount()).toBe(1))
    const whileType = await ready()
    expect(whileType.status).toBe(409)
    expect((whileType.body.error as { message: string }).message).toMatch(/1 open suggestion/)

    // Both open at once count as two; once both are settled, Ready goes through.
    text.format(6, 4, { italic: true, [`${FORMAT_CHANGE}--AbCd1234`]: { ...by('f2'), added: [{ type: 'italic' }], removed: [] } })
    await vi.waitFor(async () => expect(await openCount()).toBe(2))
    expect(((await ready()).body.error as { message: string }).message).toMatch(/2 open suggestions/)
    text.format(6, 4, { [`${FORMAT_CHANGE}--AbCd1234`]: null })
    paragraph.removeAttribute(TYPE_ATTRIBUTE)
    await vi.waitFor(async () => expect(await openCount()).toBe(0))
    client.destroy()
    expect((await ready()).status).toBe(200)
  })

  it('lets a desk chief override with a reason, which the history keeps', async () => {
    const id = await storyInCopyEdit()
    await comment(id)
    const res = await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'ready', reason: 'Legal cleared it by phone' }, chief.token)
    expect(res.status).toBe(200)
    const history = res.body.history as Array<{ to: string; reason: string; userId: number }>
    expect(history.at(-1)).toMatchObject({ to: 'ready', reason: 'Legal cleared it by phone', userId: chief.id })
  })
})
