/**
 * Suggestion decisions against the real server: editors record accepts and rejects (the server
 * stamps who and when), everyone lists them newest first, others are refused and bad bodies fail.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/app'
import type { Decision } from '../../server/suggestionLog'
import { addUser, createStoryVia, getJson, sendJson, startTestServer } from '../helpers/server'

type Person = Awaited<ReturnType<typeof addUser>>
let srv: RunningServer
const people = {} as Record<'chief' | 'writer' | 'editor' | 'outsider', Person>

beforeAll(async () => {
  srv = await startTestServer()
  people.chief = await addUser(srv, 'chief', 'chief')
  people.writer = await addUser(srv, 'writer', 'reporter')
  people.editor = await addUser(srv, 'editor', 'editor')
  people.outsider = await addUser(srv, 'outsider', 'reporter')
})
afterAll(async () => {
  await srv.close()
})

let id = ''
beforeEach(async () => {
  id = await createStoryVia(srv.url, people.chief.token, { headline: 'Harbour' })
  const desk = await sendJson(`${srv.url}/api/stories/${id}/desk`, { lead: people.writer.id }, people.chief.token, 'PATCH')
  if (desk.status !== 200) throw new Error(`setup: desk answered ${desk.status}`)
})

const url = () => `${srv.url}/api/stories/${id}/suggestions/decisions`

async function list(who: keyof typeof people = 'outsider'): Promise<Decision[]> {
  const { status, body } = await getJson(url(), people[who].token)
  expect(status).toBe(200)
  return body.decisions as Decision[]
}

describe('suggestion decisions', () => {
  it('records an editor’s decisions with who and when, newest first', async () => {
    const before = Date.now()
    const first = await sendJson(url(), { decisions: [{ action: 'accept', suggestionId: 's1', authorId: people.writer.id, kind: 'insertion', text: 'at dawn' }] }, people.editor.token)
    expect(first.status).toBe(201)
    const second = await sendJson(
      url(),
      {
        decisions: [
          { action: 'reject', suggestionId: 's2', authorId: people.writer.id, kind: 'deletion', text: 'quietly' },
          { action: 'reject', suggestionId: 's3', authorId: null, kind: 'replacement', text: 'old → new' },
        ],
      },
      people.writer.token,
    )
    expect(second.status).toBe(201)

    const decisions = await list()
    expect(decisions.map((d) => [d.suggestionId, d.action, d.userId])).toEqual([
      ['s3', 'reject', people.writer.id],
      ['s2', 'reject', people.writer.id],
      ['s1', 'accept', people.editor.id],
    ])
    const accepted = decisions[2]!
    expect(accepted).toMatchObject({ storyId: id, authorId: people.writer.id, kind: 'insertion', text: 'at dawn' })
    expect(accepted.at).toBeGreaterThanOrEqual(before)
    expect(accepted.at).toBeLessThanOrEqual(Date.now())
  })

  it('refuses a who or when sent by the client', async () => {
    const forged = await sendJson(
      url(),
      { decisions: [{ action: 'accept', suggestionId: 's1', authorId: null, kind: 'insertion', text: 'x', userId: people.chief.id, at: 1 }] },
      people.editor.token,
    )
    expect(forged.status).toBe(400)
    expect(await list()).toEqual([])
  })

  it('refuses an unassigned reporter and stores nothing', async () => {
    const refused = await sendJson(url(), { decisions: [{ action: 'accept', suggestionId: 's1', authorId: null, kind: 'insertion', text: 'x' }] }, people.outsider.token)
    expect(refused.status).toBe(403)
    expect(await list('chief')).toEqual([])
  })

  it('answers 400 to bad bodies', async () => {
    const good = { action: 'accept', suggestionId: 's1', authorId: 1, kind: 'insertion', text: 'x' }
    const bad: unknown[] = [
      {},
      { decisions: [] },
      { decisions: 'all' },
      { decisions: [{ ...good, action: 'approve' }] },
      { decisions: [{ ...good, kind: 'move' }] },
      { decisions: [{ ...good, suggestionId: '' }] },
      { decisions: [{ ...good, authorId: 'riley' }] },
      { decisions: [{ ...good, text: 'x'.repeat(2001) }] },
      { decisions: Array.from({ length: 201 }, (_, index) => ({ ...good, suggestionId: `s${index}` })) },
    ]
    for (const body of bad) {
      const { status } = await sendJson(url(), body, people.editor.token)
      expect({ body: JSON.stringify(body).slice(0, 80), status }).toEqual({ body: JSON.stringify(body).slice(0, 80), status: 400 })
    }
    expect(await list()).toEqual([])
    // The limits themselves are fine.
    const full = Array.from({ length: 200 }, (_, index) => ({ ...good, suggestionId: `s${index}`, text: 'y'.repeat(2000) }))
    expect((await sendJson(url(), { decisions: full }, people.editor.token)).status).toBe(201)
    expect(await list()).toHaveLength(200)
  })

  it('answers 404 for an unknown story and 401 without a session', async () => {
    expect((await getJson(`${srv.url}/api/stories/nope/suggestions/decisions`, people.editor.token)).status).toBe(404)
    expect((await getJson(url())).status).toBe(401)
  })
})
