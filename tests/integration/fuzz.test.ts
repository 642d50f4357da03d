/**
 * Protocol fuzzing against the real server (issue 11): for a bounded time, signed-in users of
 * every kind (an editor and a desk chief who may write, a reporter not assigned who may not; now
 * and then no session, or no such story) send random and mutated y-websocket frames: real Yjs
 * updates from random edits of every content type to body, meta, desk and unknown roots, sync
 * step 1 and 2, awareness, query-awareness, our `saved`, and all of them broken in every way
 * (tests/helpers/fuzzFrames.ts). Meanwhile two honest stock providers per story type into it.
 *
 * Checked: the server never falls over or logs an error, and keeps answering /healthz; every
 * fuzzing socket ends open or closed with a documented close code; frames whose fate is known get
 * exactly it (oversized 1009, undecodable 4400, forbidden 4403, a read-only edit not saved and why,
 * a writer's plain edit saved); the honest clients see each other's keystrokes throughout and are
 * never refused; and nothing refused is stored: what the honest clients converge on is what the
 * store holds, no read-only or forbidden word is in it, and what no client may write (desk fields,
 * the item behind every meta key, the set of roots) is as the desk left it.
 *
 * A bug it found is a named test below: a sync step 1 whose state vector does not decode, arriving
 * while a commit was in flight, threw inside the room's flush and took every answer queued behind
 * it with it (now refused with 4400 when it arrives).
 *
 * Replay: `FUZZ_SEED=<seed> FUZZ_MS=<ms> npx vitest run --project node tests/integration/fuzz.test.ts`
 * (the seed is printed; FUZZ_SEED=random picks a fresh one). Frames replay exactly; their timing
 * against the server's event loop does not.
 */
import { performance } from 'node:perf_hooks'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { pino } from 'pino'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import type { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../server/app'
import { readConfig } from '../../server/config'
import { Close, MessageType, UnsavedReason } from '../../src/shared/protocol'
import { getBody, getMeta } from '../../src/shared/storyDoc'
import { connectClient, opened, rawSocket, saveAnswers, synced, type SaveAnswers, type TestClient } from '../helpers/clients'
import { awarenessFrame, hugeFrame, Marker, mutate, rng, savedFrame, Scratch, syncFrame, syncStep1Frame, type Rng } from '../helpers/fuzzFrames'
import { addUser, importStoryVia, sendJson, tempDataDir } from '../helpers/server'

const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 32) : Number(process.env.FUZZ_SEED ?? 20_261_211)
const DURATION_MS = Number(process.env.FUZZ_MS ?? 20_000)
/** Fuzzing sockets at a time. */
const WORKERS = 4
/** Frames of about 8 MiB in a run, at most (each costs the in-process server some 100 ms). */
const HUGE_FRAMES = 4
/** Fuzzing sockets left open at once, at most (the server caps sockets per address at 200). */
const LINGERING = 40
/** Bound for an honest keystroke to reach the other honest client: generous, for a busy 2-core CI. */
const SEEN_WITHIN_MS = 10_000

/** Every close code the README documents for the sync socket. */
const DOCUMENTED: ReadonlySet<number> = new Set(Object.values(Close).map((event) => event.code))

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Poll `check` until it holds or `timeoutMs` passes; whether it held. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) return false
    await pause(20)
  }
  return true
}

interface Fuzzer {
  name: string
  token: string
  writes: boolean
}

interface Honest {
  client: TestClient
  /** The paragraph text this client types into (taken at the start: fuzzers add blocks around it). */
  text: Y.XmlText
  answers: SaveAnswers
  closes: number[]
}

interface SocketRecord {
  label: string
  code: number | null
  closedByUs: boolean
}

/** One fuzzing socket while it plays. */
interface Play {
  r: Rng
  record: SocketRecord
  storyId: string
  /** A writer with a session on a story that exists. */
  writes: boolean
  readOnly: boolean
  scratch: Scratch
  answers: Array<{ request: number; saved: boolean; reason?: number }>
  send(frame: Uint8Array | string): void
}

let srv: RunningServer
const serverLogs: Array<{ level: number; msg: string; err?: { message?: string } }> = []
const fuzzers: Fuzzer[] = []
const storyIds: string[] = []
const honest: Array<[Honest, Honest]> = []
let deskToken = ''

beforeAll(async () => {
  // Started here rather than by startTestServer, to keep what the server logs at warn and above.
  const log = pino({ level: 'warn', base: null }, { write: (line: string) => void serverLogs.push(JSON.parse(line) as (typeof serverLogs)[number]) })
  srv = await startServer({ ...readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir() }), staticDir: null }, log)
  const desk = await addUser(srv, 'fz-desk', 'admin')
  deskToken = desk.token
  fuzzers.push(
    { name: 'editor', token: (await addUser(srv, 'fz-editor', 'editor')).token, writes: true },
    { name: 'chief', token: (await addUser(srv, 'fz-chief', 'chief')).token, writes: true },
    { name: 'reporter', token: (await addUser(srv, 'fz-reporter', 'reporter')).token, writes: false },
  )
  const people = [await addUser(srv, 'fz-honest-a', 'editor'), await addUser(srv, 'fz-honest-b', 'editor')]
  for (const name of ['one', 'two']) {
    const id = await importStoryVia(srv.url, desk.token, `Fuzz story ${name}\n\nFirst paragraph.\n\nSecond paragraph.\n`)
    // Fields only the desk sets, through the API: the fuzzers must leave them exactly so.
    const patched = await sendJson(`${srv.url}/api/stories/${id}/desk`, { section: 'News', plannedWords: 600, editor: people[0]?.id, deadline: 1_900_000_000_000 }, desk.token, 'PATCH')
    if (patched.status !== 200) throw new Error(`desk fields not set: ${JSON.stringify(patched.body)}`)
    storyIds.push(id)
    const clients = people.map((person) => connectClient(srv.url, id, { token: person.token }))
    await Promise.all(clients.map((client) => synced(client)))
    const pair = clients.map((client, index): Honest => {
      const closes: number[] = []
      client.provider.on('connection-close', (event) => event && closes.push(event.code))
      const text = (getBody(client.doc).get(index) as Y.XmlElement).get(0) as Y.XmlText
      return { client, text, answers: saveAnswers(client), closes }
    })
    honest.push(pair as [Honest, Honest])
  }
})
afterAll(async () => {
  for (const pair of honest) for (const one of pair) one.client.destroy()
  await srv?.close()
})

/** What no client may change, as stored: desk fields, the item behind every meta key, the roots. */
function protectedState(doc: Y.Doc): Record<string, unknown> {
  const meta = getMeta(doc)
  return {
    roots: [...doc.share.keys()].sort(),
    section: meta.get('section'),
    status: meta.get('status'),
    plannedWords: meta.get('plannedWords'),
    desk: doc.getMap('desk').toJSON(),
    metaItems: [...meta._map.entries()].map(([key, item]) => `${key}@${item.id.client}:${item.id.clock}${item.deleted ? ' deleted' : ''}`).sort(),
  }
}

/** JSON with object keys sorted: a loaded map lists its keys in another order than a live one. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  )
}

/** Everything readable in a story, to compare copies and to look for words that must not be there. */
function fullText(doc: Y.Doc): string {
  return [getBody(doc).toString(), canonical(getMeta(doc).toJSON()), canonical(doc.getMap('desk').toJSON())].join('\n')
}

/** Tallies of a run, printed at the end. */
function tally(): { add(key: string): void; entries(): Record<string, number>; total(): number } {
  const counts = new Map<string, number>()
  return {
    add: (key) => void counts.set(key, (counts.get(key) ?? 0) + 1),
    entries: () => Object.fromEntries([...counts].sort()),
    total: () => [...counts.values()].reduce((sum, value) => sum + value, 0),
  }
}

describe('protocol fuzzing', () => {
  it(`random and mutated frames for ${DURATION_MS} ms: no crash, documented closes, honest clients converge, nothing refused is stored`, { timeout: DURATION_MS + 120_000 }, async () => {
    console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_MS=${DURATION_MS} npx vitest run --project node tests/integration/fuzz.test.ts)`)
    const before = await Promise.all(storyIds.map(async (id) => protectedState((await srv.storage.loadDoc(id))!.doc)))
    const stopAt = performance.now() + DURATION_MS
    const records: SocketRecord[] = []
    const lingering: Array<{ socket: WebSocket; record: SocketRecord }> = []
    const frames = tally()
    /** What the server sent that a client cannot read. */
    const unreadable: string[] = []
    /** Frames whose fate was known and came out otherwise. */
    const oracle: string[] = []
    const budget = { huge: HUGE_FRAMES }
    const honestIds = honest.flat().map((one) => one.client.doc.clientID)

    /** A probe: one frame on a quiet socket, whose fate is known. */
    async function probe(play: Play, index: number): Promise<void> {
      const { r, record, scratch, answers, send, writes } = play
      const expectClose = async (kind: string, code: number) => {
        frames.add(`probe: ${kind}`)
        await until(() => record.code !== null, 10_000)
        if (record.code !== code) oracle.push(`${record.label} probe ${kind}: closed with ${String(record.code)}, expected ${code}`)
      }
      switch (r.int(6)) {
        case 0:
          send(new Uint8Array(0))
          return expectClose('empty frame', Close.badFrame.code)
        case 1:
          send('hello')
          return expectClose('text frame', Close.badFrame.code)
        case 2:
          send(new Uint8Array([4 + r.int(90), 1, 2, 3]))
          return expectClose('unknown message type', Close.badFrame.code)
        case 3:
          if (budget.huge > 0) {
            budget.huge--
            send(hugeFrame(r, true))
            return expectClose('frame over MAX_FRAME_BYTES', Close.tooLarge.code)
          }
          break
        case 4:
          if (writes) {
            const update = scratch.edit(Marker.forbidden, true)
            if (update) send(syncFrame(syncProtocol.messageYjsUpdate, update))
            return expectClose('forbidden update', Close.forbidden.code)
          }
          break
        default:
      }
      // A plain edit: a writer's is stored and acknowledged, a read-only user's is not, and says why.
      frames.add(`probe: plain edit by a ${writes ? 'writer' : 'read-only user'}`)
      const word = `${writes ? Marker.writer : Marker.readOnly}probe${index}`
      const probeDoc = new Y.Doc()
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText(`${word} `)])
      getBody(probeDoc).insert(0, [paragraph])
      send(syncFrame(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(probeDoc)))
      send(savedFrame(1))
      await until(() => answers.length > 0 || record.code !== null, 10_000)
      const stored = getBody(srv.rooms.get(play.storyId)?.doc ?? new Y.Doc()).toString().includes(word)
      const expected = writes ? { request: 1, saved: true } : { request: 1, saved: false, reason: UnsavedReason.readOnly }
      if (JSON.stringify(answers[0]) !== JSON.stringify(expected) || stored !== writes || record.code !== null) {
        oracle.push(`${record.label} plain edit: answered ${JSON.stringify(answers)}, stored ${stored}, closed ${String(record.code)}`)
      }
    }

    /** A stream of 1 to 40 frames of every kind, valid and broken. */
    async function stream(play: Play): Promise<void> {
      const { r, record, scratch, answers, send, readOnly } = play
      let request = 0
      /** `[saved, n]` requests sent after a read-only edit: none may be answered saved. */
      const afterReadOnlyEdit = new Set<number>()
      let readOnlyEditSent = false
      const count = 1 + r.int(40)
      for (let sent = 0; sent < count && record.code === null; sent++) {
        const dice = r.next()
        if (dice < 0.35) {
          const mutated = r.chance(0.35)
          const forbidden = r.chance(0.2)
          const marker = readOnly ? Marker.readOnly : mutated ? Marker.mutated : forbidden ? Marker.forbidden : Marker.writer
          const update = scratch.edit(marker, forbidden)
          if (!update) continue
          const step = r.chance(0.8) ? syncProtocol.messageYjsUpdate : syncProtocol.messageYjsSyncStep2
          const frame = syncFrame(step, update)
          const mutation = mutated ? mutate(frame, r) : null
          frames.add(mutation ? `update, ${mutation.kind}` : forbidden ? 'update, forbidden' : 'update')
          send(mutation?.frame ?? frame)
          // Dropped unstored (a sync step 2 that brings nothing new loses nothing, and is let be).
          if (!mutation && readOnly && (step === syncProtocol.messageYjsUpdate || Y.parseUpdateMeta(update).to.size > 0)) readOnlyEditSent = true
        } else if (dice < 0.42) {
          frames.add('sync step 2, whole scratch document')
          send(syncFrame(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(scratch.doc)))
        } else if (dice < 0.5) {
          frames.add('sync step 1')
          send(syncFrame(syncProtocol.messageYjsSyncStep1, r.pick([Y.encodeStateVector(scratch.doc), new Uint8Array([0]), r.bytes(1 + r.int(12))])))
        } else if (dice < 0.62) {
          const frame = awarenessFrame(r, [scratch.doc.clientID, 1 + r.int(2 ** 30)], honestIds)
          const mutation = r.chance(0.3) ? mutate(frame, r) : null
          frames.add(mutation ? `awareness, ${mutation.kind}` : 'awareness')
          send(mutation?.frame ?? frame)
        } else if (dice < 0.66) {
          frames.add('query awareness')
          send(new Uint8Array([MessageType.queryAwareness]))
        } else if (dice < 0.78) {
          frames.add('saved')
          const n = r.chance(0.9) ? ++request : r.pick([0, 2 ** 31, 2 ** 53 - 1])
          if (readOnlyEditSent) afterReadOnlyEdit.add(n)
          send(savedFrame(n))
        } else if (dice < 0.98) {
          const base = r.pick([syncStep1Frame(scratch.doc), savedFrame(r.int(100)), new Uint8Array([MessageType.queryAwareness]), syncFrame(2, new Uint8Array([0, 0]))])
          const mutation = mutate(base, r)
          frames.add(`garbage, ${mutation.kind}`)
          send(mutation.frame)
        } else if (budget.huge > 0) {
          budget.huge--
          const over = r.chance(0.5)
          frames.add(over ? 'frame over MAX_FRAME_BYTES' : 'frame just under MAX_FRAME_BYTES, garbage inside')
          send(hugeFrame(r, over))
        }
        if (r.chance(0.7)) await pause(r.int(25))
      }
      await pause(r.int(200))
      const toldSaved = answers.filter((answer) => answer.saved && afterReadOnlyEdit.has(answer.request))
      if (toldSaved.length > 0) oracle.push(`${record.label}: a read-only connection's edits were acknowledged as saved: ${JSON.stringify(toldSaved)}`)
    }

    /** One fuzzing socket: open it, maybe follow the story in a scratch document, play, then close or leave it open. */
    async function session(r: Rng, index: number): Promise<void> {
      const who = r.pick(fuzzers)
      const roll = r.next()
      const known = roll >= 0.06
      const storyId = roll < 0.03 ? '0000000000000000' : r.pick(storyIds)
      const token = roll < 0.03 || known ? who.token : r.pick([undefined, 'not-a-token'])
      const record: SocketRecord = { label: `#${index} ${who.name}${known ? '' : ' (no session, or no such story)'}`, code: null, closedByUs: false }
      records.push(record)
      const socket = rawSocket(srv.url, `/collab/${storyId}`, token)
      const closing = new Promise<void>((resolve) =>
        socket.once('close', (code) => {
          record.code = code
          resolve()
        }),
      )
      socket.on('error', () => undefined)
      if (!(await Promise.race([opened(socket).then(() => true, () => false), closing.then(() => false)]))) return
      const play: Play = {
        r,
        record,
        storyId,
        writes: who.writes && known,
        readOnly: !who.writes,
        scratch: new Scratch(r),
        answers: [],
        send(frame) {
          if (socket.readyState !== socket.OPEN) return
          socket.send(frame)
        },
      }
      // Following: the scratch document takes the story as the server sends it, so edits build on it.
      const follow = r.chance(0.7)
      const answerPulls = r.chance(0.7)
      let gotState = false
      socket.on('message', (data: Buffer) => {
        try {
          const decoder = decoding.createDecoder(new Uint8Array(data))
          const type = decoding.readVarUint(decoder)
          if (type === MessageType.saved) play.answers.push({ request: decoding.readVarUint(decoder), saved: true })
          else if (type === MessageType.notSaved) play.answers.push({ request: decoding.readVarUint(decoder), saved: false, reason: decoding.readVarUint(decoder) })
          else if (type === MessageType.sync && follow) {
            const reply = encoding.createEncoder()
            encoding.writeVarUint(reply, MessageType.sync)
            if (syncProtocol.readSyncMessage(decoder, reply, play.scratch.doc, 'server') === syncProtocol.messageYjsSyncStep2) gotState = true
            if (answerPulls && encoding.length(reply) > 1) play.send(encoding.toUint8Array(reply))
          }
        } catch (error) {
          unreadable.push(`${record.label}: ${String(error)}`)
        }
      })
      if (follow) {
        play.send(syncStep1Frame(play.scratch.doc))
        await until(() => gotState || record.code !== null, 3_000)
      }
      await (known && r.chance(0.15) ? probe(play, index) : stream(play))

      if (record.code !== null) return
      if (r.chance(0.6)) {
        record.closedByUs = true
        socket.close(1000)
        await closing
        return
      }
      lingering.push({ socket, record })
      while (lingering.length > LINGERING) {
        const oldest = lingering.shift()
        if (oldest && oldest.record.code === null) {
          oldest.record.closedByUs = true
          oldest.socket.close(1000)
        }
      }
    }

    async function worker(index: number): Promise<void> {
      const r = rng(SEED + index * 7919)
      for (let n = 0; performance.now() < stopAt; n++) await session(r, index * 100_000 + n)
    }

    /** Honest typing, each of a pair in turn, every keystroke checked to reach the other in time. */
    const honestLatencies: number[] = []
    const honestMisses: string[] = []
    async function honestTyping(pair: [Honest, Honest]): Promise<void> {
      for (let n = 0; performance.now() < stopAt; n++) {
        const [from, to] = n % 2 === 0 ? pair : [pair[1], pair[0]]
        from.text.insert(0, `honest${n} `)
        from.answers.ask(n + 1)
        const clock = Y.getState(from.client.doc.store, from.client.doc.clientID)
        const started = performance.now()
        if (await until(() => Y.getState(to.client.doc.store, from.client.doc.clientID) >= clock, SEEN_WITHIN_MS)) honestLatencies.push(performance.now() - started)
        else honestMisses.push(`honest keystroke ${n} not seen within ${SEEN_WITHIN_MS} ms`)
        await pause(150)
      }
    }

    const healthFailures: string[] = []
    async function health(): Promise<void> {
      while (performance.now() < stopAt) {
        const res = await fetch(`${srv.url}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => ({ status: String(error) }))
        if (res.status !== 200) healthFailures.push(`healthz answered ${res.status}`)
        await pause(500)
      }
    }

    await Promise.all([...Array.from({ length: WORKERS }, (_, index) => worker(index)), ...honest.map(honestTyping), health()])
    const openAtEnd = lingering.filter(({ record }) => record.code === null).length
    for (const { socket } of lingering) socket.terminate()

    // Every socket ended open (terminated by the fuzzer just now) or with a documented code.
    const undocumented = records
      .filter((record) => record.code !== null && !DOCUMENTED.has(record.code) && !(record.closedByUs && (record.code === 1000 || record.code === 1005)))
      .map((record) => `${record.label}: ${String(record.code)}`)
    const codes = tally()
    for (const record of records) codes.add(record.code === null ? 'open at the end' : record.closedByUs ? `${record.code} (closed by the fuzzer)` : String(record.code))
    const logged = tally()
    for (const entry of serverLogs) logged.add(`${entry.level} ${entry.msg}`)
    console.log(
      [
        `fuzz seed ${SEED}: ${records.length} sockets, ${frames.total()} frames, ${openAtEnd} sockets open at the end`,
        `frames: ${JSON.stringify(frames.entries())}`,
        `close codes: ${JSON.stringify(codes.entries())}`,
        `honest keystrokes: ${honestLatencies.length} seen by the other client, slowest ${Math.round(Math.max(0, ...honestLatencies))} ms`,
        `server log (level message: count): ${JSON.stringify(logged.entries())}`,
      ].join('\n'),
    )

    // The honest clients converge with each other and with the store; nothing refused is in it.
    for (const [index, id] of storyIds.entries()) {
      const [a, b] = honest[index] as [Honest, Honest]
      const roomDoc = () => srv.rooms.get(id)?.doc ?? new Y.Doc()
      const same = (x: Y.Doc, y: Y.Doc) => Y.equalSnapshots(Y.snapshot(x), Y.snapshot(y))
      expect(await until(() => same(a.client.doc, b.client.doc) && same(a.client.doc, roomDoc()), 20_000)).toBe(true)
      expect(fullText(b.client.doc)).toBe(fullText(a.client.doc))
      for (const one of [a, b]) one.client.provider.disconnect()
      // Every connection gone, the story is unloaded (stored and compacted); read it from the store.
      expect(await until(() => srv.rooms.get(id) === undefined, 10_000)).toBe(true)
      const stored = (await srv.storage.loadDoc(id))!.doc
      expect(same(stored, a.client.doc)).toBe(true)
      expect(fullText(stored)).toBe(fullText(a.client.doc))
      expect(protectedState(stored)).toEqual(before[index])
      expect(fullText(stored)).not.toMatch(new RegExp(`${Marker.readOnly}|${Marker.forbidden}`))
      // What was stored is still a story: it lists, and exports in every format.
      const reads: string[] = []
      for (const path of [`/api/stories/${id}`, ...['ninjs', 'newsml', 'nitf', 'html', 'markdown', 'text', 'docx'].map((format) => `/api/stories/${id}/export?format=${format}`)]) {
        const res = await fetch(`${srv.url}${path}`, { headers: { authorization: `Bearer ${deskToken}` } })
        reads.push(`${path} ${res.status}${res.status === 200 ? '' : ` ${await res.text()}`}`)
      }
      expect(reads.filter((line) => !line.endsWith(' 200'))).toEqual([])
      for (const one of [a, b]) {
        expect(one.closes).toEqual([])
        expect(one.answers.notSaved).toEqual([])
        expect(one.answers.saved.length).toBeGreaterThan(0)
      }
    }
    expect(undocumented).toEqual([])
    expect(unreadable).toEqual([])
    expect(oracle).toEqual([])
    expect(honestMisses).toEqual([])
    expect(honestLatencies.length).toBeGreaterThan(10)
    expect(healthFailures).toEqual([])
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200)
    expect(serverLogs.filter((entry) => entry.level >= 50).map((entry) => `${entry.msg}: ${entry.err?.message ?? ''}`)).toEqual([])
    expect(records.length).toBeGreaterThan(50)
  })

  it('a state vector that does not decode, sent while a commit is in flight, is refused alone: answers queued with it still go out', async () => {
    const id = storyIds[0]!
    const [a, b, c] = [0, 1, 2].map(() => rawSocket(srv.url, `/collab/${id}`, deskToken))
    await Promise.all([a, b, c].map((socket) => opened(socket!)))
    const toC: Uint8Array[] = []
    c!.on('message', (data: Buffer) => toC.push(new Uint8Array(data)))
    const aClosed = new Promise<number>((resolve) => a!.once('close', (code) => resolve(code)))
    // One tick: b's edit starts a commit; a's bad vector and c's requests queue behind it.
    const edit = new Y.Doc()
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('Queued behind a commit.')])
    getBody(edit).insert(0, [paragraph])
    b!.send(syncFrame(2, Y.encodeStateAsUpdate(edit)))
    a!.send(new Uint8Array([MessageType.sync, 0, 1, 5]))
    c!.send(savedFrame(1))
    c!.send(new Uint8Array([MessageType.sync, 0, 1, 0]))
    expect(await aClosed).toBe(Close.badFrame.code)
    const answered = () => {
      const kinds = toC.map((frame) => {
        const decoder = decoding.createDecoder(frame)
        return `${decoding.readVarUint(decoder)}:${decoding.readVarUint(decoder)}`
      })
      return kinds.includes(`${MessageType.saved}:1`) && kinds.includes(`${MessageType.sync}:${syncProtocol.messageYjsSyncStep2}`)
    }
    expect(await until(answered, 10_000)).toBe(true)
    for (const socket of [b, c]) socket!.close()
  })
})
