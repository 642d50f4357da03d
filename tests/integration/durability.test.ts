/**
 * Nothing typed is lost: stock y-websocket clients typing throughout server restarts (kill -9
 * and SIGTERM), network drops and store failures all converge with the server, none is closed
 * for good, and every word any of them typed ends up stored.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Close, isPermanentClose, UnsavedReason } from '../../src/shared/protocol'
import type { RunningServer } from '../../server/app'
import { connectClient, saveAnswers, synced, type TestClient } from '../helpers/clients'
import { startPostgres } from '../helpers/postgres'
import { startProxy, type TestProxy } from '../helpers/proxy'
import { importStoryVia, lockDatabase, signInAs, startChildServer, startTestServer, tempDataDir, tokenFor, type ChildServer } from '../helpers/server'
import { convergedText, firstParagraphText, missingWords, startTypist } from '../helpers/typists'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.()
})

const STORY = 'Storm test\n\nStart.\n'

/** A demo-mode child server, killed at the end of the test if still running. */
async function child(dataDir: string): Promise<ChildServer> {
  const started = await startChildServer(dataDir)
  cleanup.push(() => started.process.kill('SIGKILL'))
  return started
}

/** Stop a child server with `signal` and wait for it to exit. */
async function stop(server: ChildServer, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  server.process.kill(signal)
  await server.exited
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `converged`, its reader closed at the end of the test. */
const converged = (baseUrl: string, id: string, token: string, clients: TestClient[]) => convergedText(baseUrl, id, token, clients, cleanup)

describe('durability', () => {
  it('three typists through a storm of restarts and network drops lose nothing and are never refused', { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir()
    let server = await child(dataDir)
    const token = await tokenFor(server.url, 'chief', 'newsroom')
    const id = await importStoryVia(server.url, token, STORY)
    const proxy: TestProxy = await startProxy(server.port, 25)
    cleanup.push(() => proxy.close())

    const typists = ['a', 'b', 'c'].map((name, index) => startTypist(proxy.url, id, token, name, 7 + index, 40 + 7 * index))
    cleanup.push(() => typists.forEach((typist) => typist.client.destroy()))
    for (const typist of typists) {
      typist.client.provider.on('connection-close', () => undefined)
      cleanup.push(() => typist.stop())
    }
    await Promise.all(typists.map((typist) => synced(typist.client)))

    for (let round = 0; round < 10; round++) {
      await pause(600)
      if (round % 3 === 1) {
        // A network drop: every connection dies, the server carries on.
        proxy.blip()
        await pause(400)
      }
      await stop(server, round % 2 === 0 ? 'SIGKILL' : 'SIGTERM')
      await pause(150)
      server = await child(dataDir)
      proxy.setTarget(server.port)
    }
    await pause(600)
    for (const typist of typists) typist.stop()

    const clients = typists.map((typist) => typist.client)
    const text = await converged(proxy.url, id, token, clients)
    expect(missingWords(typists, text)).toEqual([])
    for (const typist of typists) expect(typist.closeCodes.filter(isPermanentClose)).toEqual([])

    // Stored, not just held in memory: after one more kill -9 a fresh reader has every word.
    await stop(server, 'SIGKILL')
    for (const typist of typists) typist.client.destroy()
    server = await child(dataDir)
    const stored = await converged(server.url, id, token, [])
    expect(missingWords(typists, stored)).toEqual([])
    const total = typists.reduce((sum, typist) => sum + typist.words.length, 0)
    expect(total).toBeGreaterThan(100)
  })
})

/** `/healthz`: status, body and how long it took to answer. */
async function health(baseUrl: string): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = performance.now()
  const res = await fetch(`${baseUrl}/healthz`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: performance.now() - started }
}

/** A way to make the store fail and recover, around a server's data folder. */
interface Outage {
  /** A folder for the server's data. */
  dataDir: string

  /** Make the store fail (after the server started and some edits are stored). */
  start(): Promise<void>
  /** Let it work again. */
  end(): Promise<void>
}

/**
 * The store fails while a writer types: nobody is shown or acknowledged what was not stored, the
 * server keeps answering (health, other stories), and once the store recovers the writer's words
 * are asked for again, stored and relayed. Resolves to the paragraph as stored, read after a restart.
 */
async function storeOutage(outage: Outage): Promise<string> {
  let srv: RunningServer = await startTestServer({ dataDir: outage.dataDir })
  cleanup.push(() => srv.close())
  const token = await signInAs(srv, 'chief', 'admin')
  const id = await importStoryVia(srv.url, token, STORY)
  const other = await importStoryVia(srv.url, token, 'Another story\n\nUntouched.\n')
  const open = (url: string, story = id): TestClient => {
    const client = connectClient(url, story, { token })
    cleanup.push(() => client.destroy())
    return client
  }
  const writer = open(srv.url)
  const reader = open(srv.url)
  await Promise.all([synced(writer), synced(reader)])
  const writerCloses: number[] = []
  writer.provider.on('connection-close', (event) => event && writerCloses.push(event.code))
  const answers = saveAnswers(writer)
  const type = (words: string) => firstParagraphText(writer.doc).insert(0, `${words} `)

  type('before')
  await vi.waitFor(() => expect(firstParagraphText(reader.doc).toString()).toContain('before'))

  await outage.start()
  type('during')
  // The room retries, gives up and drops what it had not stored; the writer comes back and is
  // told, at each request, that its edits are not saved and why.
  let request = 0
  await vi.waitFor(
    () => {
      answers.ask(++request)
      expect(answers.notSaved.map((answer) => answer.reason)).toContain(UnsavedReason.storeFailing)
    },
    { timeout: 15_000, interval: 250 },
  )
  expect(writerCloses).toContain(Close.storeFailed.code)
  expect(writerCloses.filter(isPermanentClose)).toEqual([])
  const failing = await health(srv.url)
  expect(failing).toMatchObject({ status: 503, body: { ok: false, store: 'failing' } })
  expect(failing.ms).toBeLessThan(2_500)
  type('still')
  // Nobody else sees what is not stored: not the reader, not a newcomer. The other story opens.
  const newcomer = open(srv.url)
  const elsewhere = open(srv.url, other)
  await Promise.all([synced(newcomer), synced(elsewhere)])
  expect(firstParagraphText(elsewhere.doc).toString()).toBe('Untouched.')
  for (const client of [reader, newcomer]) {
    await vi.waitFor(() => expect(client.provider.synced).toBe(true))
    expect(firstParagraphText(client.doc).toString()).not.toMatch(/during|still/)
  }
  const savedBefore = answers.saved.length
  answers.ask(++request)
  await vi.waitFor(() => expect(answers.notSaved.at(-1)?.request).toBe(request))
  expect(answers.saved.length).toBe(savedBefore)

  await outage.end()
  // The store recovers; the room asks the writer for what it kept, stores it and relays it.
  await vi.waitFor(() => expect(firstParagraphText(reader.doc).toString()).toMatch(/^still during before /), { timeout: 10_000 })
  await vi.waitFor(() => expect(firstParagraphText(newcomer.doc).toString()).toMatch(/^still during before /))
  const recoveredAt = request
  await vi.waitFor(
    () => {
      answers.ask(++request)
      expect(Math.max(-1, ...answers.saved)).toBeGreaterThan(recoveredAt)
    },
    { timeout: 10_000, interval: 250 },
  )
  expect((await health(srv.url)).status).toBe(200)

  for (const client of [writer, reader, newcomer, elsewhere]) client.destroy()
  await srv.close()
  srv = await startTestServer({ dataDir: outage.dataDir })
  const fresh = open(srv.url)
  await synced(fresh)
  return firstParagraphText(fresh.doc).toString()
}

describe('store failures', () => {
  it('a database locked by another process: nothing unstored is shown or acknowledged, and nothing is lost', { timeout: 60_000 }, async () => {
    const dataDir = tempDataDir()
    let lock: Awaited<ReturnType<typeof lockDatabase>> | null = null
    const stored = await storeOutage({
      dataDir,
      async start() {
        lock = await lockDatabase(dataDir)
        const held = lock
        cleanup.push(() => held.release())
      },
      async end() {
        await lock?.release()
      },
    })
    expect(stored).toBe('still during before Start.')
  })

  it('a full disk: nothing unstored is shown or acknowledged, and nothing is lost', { timeout: 60_000 }, async (context) => {
    // A small tmpfs is a real full disk; mounting one needs root, which CI has.
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-full-'))
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint])
    if (mounted.status !== 0) context.skip(`cannot mount a tmpfs here: ${mounted.stderr.toString().trim()}`)
    cleanup.push(() => spawnSync('umount', ['-l', mountPoint]))
    const filler = path.join(mountPoint, 'filler')
    const stored = await storeOutage({
      dataDir: path.join(mountPoint, 'data'),
      async start() {
        // Fill every free block, so the next write to the database's log fails with SQLITE_FULL.
        const fd = fs.openSync(filler, 'w')
        const block = Buffer.alloc(64 * 1024, 1)
        try {
          for (;;) fs.writeSync(fd, block)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
        } finally {
          fs.closeSync(fd)
        }
      },
      async end() {
        fs.rmSync(filler)
      },
    })
    expect(stored).toBe('still during before Start.')
  })
})

describe('store failures on PostgreSQL', () => {
  it('PostgreSQL unreachable: edits are never relayed or acknowledged unstored, and arrive once it is back', { timeout: 90_000 }, async () => {
    const postgres = await startPostgres()
    cleanup.push(() => postgres.stop())
    const config = { databaseUrl: await postgres.createDatabase() }
    let srv = await startTestServer({ config })
    cleanup.push(() => srv.close())
    const token = await signInAs(srv, 'chief', 'admin')
    const id = await importStoryVia(srv.url, token, STORY)
    const open = (): TestClient => {
      const client = connectClient(srv.url, id, { token })
      cleanup.push(() => client.destroy())
      return client
    }
    const writer = open()
    const reader = open()
    const writerCloses: number[] = []
    writer.provider.on('connection-close', (event) => event && writerCloses.push(event.code))
    await Promise.all([synced(writer), synced(reader)])
    const answers = saveAnswers(writer)
    const type = (words: string) => firstParagraphText(writer.doc).insert(0, `${words} `)
    type('before')
    await vi.waitFor(() => expect(firstParagraphText(reader.doc).toString()).toContain('before'))

    await postgres.pause()
    type('during')
    let request = 0
    // The commit fails; the room drops what it had not stored and closes with 1013 (try again
    // later). The writer cannot come back until the store can load the story: it keeps its
    // edits, which the app shows as not saved.
    await vi.waitFor(() => expect(writerCloses).toContain(Close.storeFailed.code), { timeout: 15_000 })
    const failing = await health(srv.url)
    expect(failing).toMatchObject({ status: 503, body: { ok: false, store: 'failing' } })
    type('still')
    const savedBefore = answers.saved.length
    for (let round = 0; round < 8; round++) {
      answers.ask(++request)
      await pause(250)
    }
    expect(answers.saved.length).toBe(savedBefore)
    expect(firstParagraphText(reader.doc).toString()).not.toMatch(/during|still/)
    expect(writerCloses.filter(isPermanentClose)).toEqual([])

    await postgres.resume()
    // Back: the writer reconnects, resyncs what it kept, and it is stored, relayed and acknowledged.
    await vi.waitFor(() => expect(firstParagraphText(reader.doc).toString()).toBe('still during before Start.'), { timeout: 20_000 })
    const recoveredAt = request
    await vi.waitFor(
      () => {
        answers.ask(++request)
        expect(Math.max(-1, ...answers.saved)).toBeGreaterThan(recoveredAt)
      },
      { timeout: 10_000, interval: 250 },
    )
    expect((await health(srv.url)).status).toBe(200)

    writer.destroy()
    reader.destroy()
    await srv.close()
    srv = await startTestServer({ config })
    const fresh = open()
    await synced(fresh)
    expect(firstParagraphText(fresh.doc).toString()).toBe('still during before Start.')
  })
})
