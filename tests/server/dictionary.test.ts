/**
 * The newsroom dictionary routes (issue 13) on the real server: who may read, add and remove
 * words and turn style rules off, what the server refuses, what it keeps across a restart, and
 * the `dictionary` event every open editor hears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/app'
import { AP_RULES } from '../../src/shared/style/apRules'
import { addUser, getJson, postJson, sendJson, startTestServer, tempDataDir, withCookie } from '../helpers/server'

let srv: RunningServer
const dataDir = tempDataDir()
let reporter = { id: 0, token: '' }
let editor = { id: 0, token: '' }
let chief = { id: 0, token: '' }
let admin = { id: 0, token: '' }

beforeAll(async () => {
  srv = await startTestServer({ dataDir })
  reporter = await addUser(srv, 'reporter', 'reporter')
  editor = await addUser(srv, 'editor', 'editor')
  chief = await addUser(srv, 'chief', 'chief')
  admin = await addUser(srv, 'admin', 'admin')
})

afterAll(async () => {
  await srv?.close()
})

const dictionaryUrl = (rest = '') => `${srv.url}/api/dictionary${rest}`
const remove = (word: string, token: string) => sendJson(dictionaryUrl(`/${encodeURIComponent(word)}`), {}, token, 'DELETE')
const setRule = (id: string, enabled: unknown, token: string) => sendJson(dictionaryUrl(`/rules/${id}`), { enabled }, token, 'PUT')
const words = async (token = reporter.token) => ((await getJson(dictionaryUrl(), token)).body.words as Array<{ word: string }>).map((entry) => entry.word)

/** Read the event stream of `token` until `until` holds for what arrived. */
async function streamUntil(token: string, act: () => Promise<unknown>, until: (received: string) => boolean): Promise<string> {
  const controller = new AbortController()
  const res = await fetch(`${srv.url}/api/stories/events`, { signal: controller.signal, headers: { authorization: `Bearer ${token}` } })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  // The stream is open once its first bytes (the retry line) arrive: act only then.
  let received = decoder.decode((await reader.read()).value)
  await act()
  while (!until(received)) {
    const chunk = await reader.read()
    if (chunk.done) break
    received += decoder.decode(chunk.value)
  }
  controller.abort()
  return received
}

describe('the newsroom dictionary', () => {
  it('needs a session', async () => {
    expect((await getJson(dictionaryUrl())).status).toBe(401)
    expect((await postJson(dictionaryUrl(), { word: 'Lavrov' })).status).toBe(401)
  })

  it('starts empty with every rule on, and lists the rules', async () => {
    const { body } = await getJson(dictionaryUrl(), reporter.token)
    expect(body).toMatchObject({ words: [], disabledRules: [] })
    expect((body.rules as Array<{ id: string; title: string }>).map((rule) => rule.id)).toEqual(AP_RULES.map((rule) => rule.id))
    expect(body.rules).toContainEqual({ id: 'ap-months', kind: 'style', title: 'Months before a date', flagged: 'The council meets on September 14.', fixed: 'The council meets on Sept. 14.' })
  })

  it('takes a word from any signed-in person, for everyone, once', async () => {
    const added = await postJson(dictionaryUrl(), { word: ' Lavrov ' }, reporter.token)
    expect(added).toEqual({ status: 201, body: { word: 'Lavrov', added: true } })
    expect(await postJson(dictionaryUrl(), { word: 'Lavrov' }, editor.token)).toEqual({ status: 200, body: { word: 'Lavrov', added: false } })
    // Curly apostrophes are stored straight.
    expect((await postJson(dictionaryUrl(), { word: 'O’Rourke' }, editor.token)).body).toEqual({ word: "O'Rourke", added: true })
    const answer = (await getJson(dictionaryUrl(), chief.token)).body as { words: Array<{ word: string; addedBy: number; addedAt: number }> }
    expect(answer.words.map((entry) => [entry.word, entry.addedBy])).toEqual([
      ['Lavrov', reporter.id],
      ["O'Rourke", editor.id],
    ])
    expect(answer.words[0]!.addedAt).toBeGreaterThan(Date.now() - 60_000)
  })

  it('refuses what is not one word, and unknown fields', async () => {
    const answers = await Promise.all(['', 'two words', 'G20', 'al-Qaida', 'x'.repeat(65), '<script>'].map((word) => postJson(dictionaryUrl(), { word }, reporter.token)))
    expect(answers.map(({ status, body }) => [status, (body.error as { id: string }).id])).toEqual(Array.from({ length: 6 }, () => [400, 'invalid_word']))
    expect((await postJson(dictionaryUrl(), { word: 'Ryabkov', by: 'me' }, reporter.token)).status).toBe(400)
    expect((await postJson(dictionaryUrl(), { words: ['Ryabkov'] }, reporter.token)).status).toBe(400)
  })

  it('lets only desk chiefs and admins remove a word', async () => {
    await postJson(dictionaryUrl(), { word: 'Nusra' }, reporter.token)
    for (const person of [reporter, editor]) {
      const { status, body } = await remove('Nusra', person.token)
      expect(status).toBe(403)
      expect((body.error as { message: string }).message).toMatch(/desk chiefs and administrators/)
    }
    expect(await words()).toContain('Nusra')
    expect((await remove('Nusra', chief.token)).status).toBe(200)
    expect(await words()).not.toContain('Nusra')
    expect((await remove('Nusra', admin.token)).status).toBe(404)
    await postJson(dictionaryUrl(), { word: 'Nusra' }, reporter.token)
    expect((await remove('Nusra', admin.token)).status).toBe(200)
  })

  it('lets only admins turn a style rule off and on, for known rules', async () => {
    expect((await setRule('ap-months', false, chief.token)).status).toBe(403)
    expect((await setRule('no-such-rule', false, admin.token)).status).toBe(404)
    expect((await setRule('ap-months', 'no', admin.token)).status).toBe(400)
    expect(await setRule('ap-months', false, admin.token)).toEqual({ status: 200, body: { disabledRules: ['ap-months'] } })
    expect((await getJson(dictionaryUrl(), reporter.token)).body.disabledRules).toEqual(['ap-months'])
    expect(await setRule('ap-ok', false, admin.token)).toEqual({ status: 200, body: { disabledRules: ['ap-months', 'ap-ok'] } })
    expect(await setRule('ap-months', true, admin.token)).toEqual({ status: 200, body: { disabledRules: ['ap-ok'] } })
  })

  it('tells every open event stream when the dictionary changes', async () => {
    const received = await streamUntil(
      editor.token,
      () => postJson(dictionaryUrl(), { word: 'Ryabkov' }, reporter.token),
      (text) => text.includes('event: dictionary'),
    )
    expect(received).toContain('event: dictionary')
    const ruled = await streamUntil(
      reporter.token,
      () => setRule('ap-email', false, admin.token),
      (text) => text.includes('event: dictionary'),
    )
    expect(ruled).toContain('event: dictionary')
  })

  it('refuses a browser change from another site', async () => {
    const signIn = await fetch(`${srv.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reporter', password: 'correct horse' }),
    })
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!
    const foreign = await withCookie(srv, '/api/dictionary', cookie, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
      body: JSON.stringify({ word: 'Foreign' }),
    })
    expect(foreign.status).toBe(403)
    const own = await withCookie(srv, '/api/dictionary', cookie, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ word: 'Hangzhou' }) })
    expect(own.status).toBe(201)
  })

  it('keeps words and rules across a restart', async () => {
    await srv.close()
    srv = await startTestServer({ dataDir })
    const answer = (await getJson(dictionaryUrl(), reporter.token)).body as { words: Array<{ word: string }>; disabledRules: string[] }
    expect(answer.words.map((entry) => entry.word)).toEqual(['Hangzhou', 'Lavrov', "O'Rourke", 'Ryabkov'])
    expect(answer.disabledRules).toEqual(['ap-email', 'ap-ok'])
  })
})
