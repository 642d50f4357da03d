/**
 * Publication: moving a story to Published freezes a named version and delivers its ninjs,
 * signed, to every webhook, at least once (retried on errors, through a restart, every attempt
 * recorded); outlets may pull instead; a takedown and a corrected republication go out too.
 */
import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../../server/app'
import type { PublicationView } from '../../server/publishing'
import { readConfig } from '../../server/config'
import { readStoryFixture } from '../helpers/fixtures'
import { validateNinjs } from '../helpers/iptc'
import { getJson, importStoryVia, sendJson, signInAs, startTestServer, tempDataDir } from '../helpers/server'

const SECRET = 'a-secret-for-the-tests-only'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.()
})

interface Received {
  path: string
  signature: string
  body: string
}

/** An outlet's webhook: records each POST and answers what `answer` says (200 by default). */
async function outlet(answer: (received: Received, count: number) => number = () => 200) {
  const received: Received[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const entry = { path: req.url ?? '', signature: String(req.headers['x-deskline-signature'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }
      received.push(entry)
      const status = answer(entry, received.length)
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(status === 200 ? 'ok' : 'try later')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise((resolve) => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
}

const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`

async function newsroom(urls: string[], dataDir = tempDataDir()): Promise<{ srv: RunningServer; token: string; dataDir: string }> {
  const srv = await startTestServer({ dataDir, config: { publishWebhookUrls: urls, publishWebhookSecret: SECRET, deliveryRetryDelaysMs: [150, 150, 150] } })
  cleanup.push(() => srv.close())
  return { srv, token: await signInAs(srv, 'chief', 'admin'), dataDir }
}

async function move(srv: RunningServer, token: string, id: string, to: string, extra: Record<string, string> = {}) {
  const answer = await sendJson(`${srv.url}/api/stories/${id}/status`, { to, ...extra }, token)
  expect(`${to}: ${answer.status}`).toBe(`${to}: 200`)
}

async function publications(srv: RunningServer, token: string, id: string): Promise<PublicationView[]> {
  return (await getJson(`${srv.url}/api/stories/${id}/publications`, token)).body.publications as PublicationView[]
}

describe('publication', () => {
  it('delivers the published ninjs, signed, to every webhook; retries an error; records every attempt', { timeout: 30_000 }, async () => {
    const flaky = await outlet((_entry, count) => (count === 1 ? 503 : 200))
    const steady = await outlet()
    const { srv, token } = await newsroom([`${flaky.url}/hook`, `${steady.url}/in`])
    const id = await importStoryVia(srv.url, token, readStoryFixture('syria-ceasefire.txt'))
    for (const to of ['in_edit', 'copy_edit', 'ready']) await move(srv, token, id, to)
    // Nothing goes out before publication.
    expect(flaky.received.length + steady.received.length).toBe(0)
    await move(srv, token, id, 'published')

    await vi.waitFor(
      async () => {
        const [publication] = await publications(srv, token, id)
        expect(publication?.deliveries.map((delivery) => delivery.state)).toEqual(['delivered', 'delivered'])
      },
      { timeout: 10_000, interval: 100 },
    )
    const [publication] = await publications(srv, token, id)
    expect(publication).toMatchObject({ kind: 'publish', version: 1, edNote: '' })
    expect(publication!.deliveries[0]).toMatchObject({ attempts: 2, lastStatus: 200 })
    expect(publication!.deliveries[0]!.history.map((attempt) => attempt.status)).toEqual([503, 200])
    expect(publication!.deliveries[0]!.history[0]!.error).toBe('try later')

    for (const received of [flaky.received.at(-1)!, steady.received[0]!]) {
      expect(received.signature).toBe(sign(received.body))
      const ninjs = JSON.parse(received.body) as Record<string, unknown>
      expect(validateNinjs(ninjs)).toBe(true)
      expect(ninjs).toMatchObject({ uri: `urn:deskline:story:${id}`, version: '1', pubStatus: 'usable', headlines: [{ role: 'main', value: 'U.S., Russia remain apart on resumption of Syrian cease-fire' }] })
    }
    // The same bytes to every outlet, and on every attempt.
    expect(flaky.received[0]!.body).toBe(steady.received[0]!.body)
    expect(flaky.received[1]!.body).toBe(flaky.received[0]!.body)

    // The published text is frozen as a named version.
    const versions = (await getJson(`${srv.url}/api/stories/${id}/versions`, token)).body.versions as Array<{ kind: string; name: string }>
    expect(versions[0]).toMatchObject({ kind: 'named', name: expect.stringMatching(/^Published \d\d:\d\d$/) })

    // Outlets that pull see it too.
    const pulled = (await getJson(`${srv.url}/api/published?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`, token)).body.items as Array<Record<string, unknown>>
    expect(pulled.map((item) => item.uri)).toEqual([`urn:deskline:story:${id}`])
    expect((await getJson(`${srv.url}/api/published?since=yesterday`, token)).status).toBe(400)
  })

  it('a takedown goes out with its pubStatus; a correction republishes as the next version with its note', { timeout: 30_000 }, async () => {
    const hook = await outlet()
    const { srv, token } = await newsroom([hook.url])
    const id = await importStoryVia(srv.url, token, readStoryFixture('syria-ceasefire.txt'))
    for (const to of ['in_edit', 'copy_edit', 'ready', 'published', 'held']) await move(srv, token, id, to)
    await vi.waitFor(() => expect(hook.received).toHaveLength(2), { timeout: 10_000 })
    expect(JSON.parse(hook.received[1]!.body)).toMatchObject({ version: '1', pubStatus: 'withheld' })
    const pulled = (await getJson(`${srv.url}/api/published`, token)).body.items as Array<Record<string, unknown>>
    expect(pulled).toHaveLength(1)
    expect(pulled[0]).toMatchObject({ pubStatus: 'withheld' })

    // Back out after the takedown: outlets have version 1, so this one says what changed.
    await move(srv, token, id, 'ready')
    expect((await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'published' }, token)).status).toBe(422)
    await move(srv, token, id, 'published', { correction: 'Released again after legal review.' })
    // Reopened for a correction (only with its note), and republished: the note goes out with it.
    expect((await sendJson(`${srv.url}/api/stories/${id}/status`, { to: 'in_edit' }, token)).status).toBe(422)
    await move(srv, token, id, 'in_edit', { correction: 'Corrects the day of the meeting.' })
    for (const to of ['copy_edit', 'ready', 'published']) await move(srv, token, id, to)
    await vi.waitFor(() => expect(hook.received).toHaveLength(4), { timeout: 10_000 })
    expect(JSON.parse(hook.received[2]!.body)).toMatchObject({ version: '2', pubStatus: 'usable', edNote: 'Released again after legal review.' })
    expect(JSON.parse(hook.received[3]!.body)).toMatchObject({ version: '3', pubStatus: 'usable', edNote: 'Corrects the day of the meeting.' })
    const newsml = await (await fetch(`${srv.url}/api/stories/${id}/export?format=newsml`, { headers: { authorization: `Bearer ${token}` } })).text()
    expect(newsml).toContain('pubStatus qcode="stat:usable"')
    // Exports carry the version outlets know, and the correction.
    expect(newsml).toContain('version="3"')
    expect(newsml).toContain('<edNote>Corrects the day of the meeting.</edNote>')
  })

  it('survives a restart: a delivery still pending goes out when the server is back', { timeout: 30_000 }, async () => {
    let up = false
    const hook = await outlet(() => (up ? 200 : 500))
    const first = await newsroom([hook.url])
    // The first attempt fails, and the server stops before the next one is due.
    await first.srv.close()
    const slow = await startTestServer({ dataDir: first.dataDir, config: { publishWebhookUrls: [hook.url], publishWebhookSecret: SECRET, deliveryRetryDelaysMs: [1_500, 1_500] } })
    cleanup.push(() => slow.close())
    const id = await importStoryVia(slow.url, first.token, readStoryFixture('syria-ceasefire.txt'))
    for (const to of ['in_edit', 'copy_edit', 'ready', 'published']) await move(slow, first.token, id, to)
    await vi.waitFor(async () => expect((await publications(slow, first.token, id))[0]?.deliveries[0]).toMatchObject({ state: 'pending', attempts: 1 }), {
      timeout: 10_000,
      interval: 100,
    })
    await slow.close()
    const attempts = hook.received.length
    // Back, and the outlet answers: the outbox is still there, and goes out when its turn comes.
    up = true
    const second = await newsroom([hook.url], first.dataDir)
    await vi.waitFor(async () => expect((await publications(second.srv, second.token, id))[0]?.deliveries[0]).toMatchObject({ state: 'delivered', attempts: 2 }), {
      timeout: 10_000,
      interval: 100,
    })
    expect(hook.received).toHaveLength(attempts + 1)
  })

  it('gives up after the last retry; the desk (not a reporter) sends it again', { timeout: 30_000 }, async () => {
    let up = false
    const hook = await outlet(() => (up ? 200 : 500))
    const { srv, token } = await newsroom([hook.url])
    const id = await importStoryVia(srv.url, token, readStoryFixture('syria-ceasefire.txt'))
    for (const to of ['in_edit', 'copy_edit', 'ready', 'published']) await move(srv, token, id, to)
    await vi.waitFor(async () => expect((await publications(srv, token, id))[0]?.deliveries[0]).toMatchObject({ state: 'failed', attempts: 4 }), {
      timeout: 10_000,
      interval: 100,
    })
    const reporter = await signInAs(srv, 'riley', 'reporter')
    const [delivery] = (await publications(srv, token, id))[0]!.deliveries
    expect((await sendJson(`${srv.url}/api/deliveries/${delivery!.id}/retry`, {}, reporter)).status).toBe(403)
    up = true
    expect((await sendJson(`${srv.url}/api/deliveries/${delivery!.id}/retry`, {}, token)).status).toBe(200)
    await vi.waitFor(async () => expect((await publications(srv, token, id))[0]?.deliveries[0]).toMatchObject({ state: 'delivered', attempts: 5 }), {
      timeout: 10_000,
      interval: 100,
    })
    expect(hook.received.at(-1)!.signature).toBe(sign(hook.received.at(-1)!.body))
    expect((await sendJson(`${srv.url}/api/deliveries/999999/retry`, {}, token)).status).toBe(404)
  })

  it('refuses webhook URLs without a secret, or that are not http(s), at start-up', () => {
    expect(() => readConfig({ PUBLISH_WEBHOOK_URLS: 'https://outlet.example/hook' })).toThrow(/PUBLISH_WEBHOOK_SECRET must be set/)
    expect(() => readConfig({ PUBLISH_WEBHOOK_URLS: 'ftp://outlet.example/hook', PUBLISH_WEBHOOK_SECRET: SECRET })).toThrow(/PUBLISH_WEBHOOK_URLS/)
    expect(readConfig({ PUBLISH_WEBHOOK_URLS: 'https://a.example/x, https://b.example/y', PUBLISH_WEBHOOK_SECRET: SECRET }).publishWebhookUrls).toEqual([
      'https://a.example/x',
      'https://b.example/y',
    ])
  })
})
