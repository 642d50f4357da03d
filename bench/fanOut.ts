/**
 * Fan-out against the reference server, in the same run: one writer types a character every
 * 20 ms; many readers note when each keystroke reaches them.
 *
 * Readers are light: a socket that speaks the y-websocket protocol and reads, from each update it
 * receives, how far the writer's clock has got (`Y.parseUpdateMeta`), without a Y.Doc. With full
 * providers, 500 readers in this one process would measure this process applying every keystroke
 * 500 times, not the server. A few full providers ride along and must end with the writer's text.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType } from '../src/shared/protocol'
import { getBody } from '../src/shared/storyDoc'
import { createStoryVia, startChildServer, tempDataDir, tokenFor } from '../tests/helpers/server'
import { typePaced, until } from './traceReplay'

/** A server to fan out through: where its sockets are, and how to open a new room on it. */
export interface FanOutTarget {
  /** The provider's `serverUrl` (the room name is appended). */
  socketBase: string
  params: Record<string, string>
  newRoom(): Promise<string>
  stop(): Promise<void>
}

/** Our server as `npm start` runs it (child process, SQLite on), allowing this many sockets from one address. */
export async function startOurs(sockets: number): Promise<FanOutTarget> {
  const server = await startChildServer(tempDataDir(), { NEWSROOM_DEMO: '1', MAX_CONNECTIONS_PER_ADDRESS: String(sockets + 50) })
  const token = await tokenFor(server.url, 'chief', 'newsroom')
  return {
    socketBase: `${server.url.replace(/^http/, 'ws')}/collab`,
    params: { token },
    newRoom: () => createStoryVia(server.url, token),
    stop: () => stopChild(server.process, server.exited),
  }
}

/** The stock y-websocket server (@y/websocket-server), which stores nothing (bench/referenceServer.mjs). */
export async function startReference(): Promise<FanOutTarget> {
  const child = spawn(process.execPath, [new URL('./referenceServer.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<unknown>((resolve) => child.once('exit', resolve))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port))
    void exited.then(() => reject(new Error('the reference server exited')))
  })
  let rooms = 0
  return {
    socketBase: `ws://127.0.0.1:${port}`,
    params: {},
    newRoom: async () => `fan-out-${++rooms}`,
    stop: () => stopChild(child, exited),
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  child.kill('SIGTERM')
  await exited
}

/** Delivery latencies (keystroke → reader has it), how many arrived of how many, and whether the full readers converged. */
export interface FanOutRun {
  readers: number
  latencies: number[]
  expected: number
  delivered: number
  converged: boolean
}

const SYNC = 0
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2

function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

const empty = new Y.Doc()
/** Asks for everything (empty state vector); answers the server's step 1 with nothing. */
const ASK_ALL = syncMessage(STEP1, Y.encodeStateVector(empty))
const HAVE_NOTHING = syncMessage(STEP2, Y.encodeStateAsUpdate(empty))

/** A reader without a document: calls `reached(clock)` with the writer's clock in every update it gets. */
function lightReader(url: string, writer: number, reached: (clock: number) => void): WebSocket {
  const socket = new WebSocket(url)
  socket.binaryType = 'nodebuffer'
  socket.on('open', () => socket.send(ASK_ALL))
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    if (decoding.readVarUint(decoder) !== SYNC) return
    const step = decoding.readVarUint(decoder)
    if (step === STEP1) {
      socket.send(HAVE_NOTHING)
      return
    }
    if (step !== STEP2 && step !== UPDATE) return
    const clock = Y.parseUpdateMeta(decoding.readVarUint8Array(decoder)).to.get(writer)
    if (clock !== undefined) reached(clock)
  })
  return socket
}

function provider(target: FanOutTarget, room: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc()
  const connection = new WebsocketProvider(target.socketBase, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: target.params,
  })
  return { doc, provider: connection }
}


/** The text of a document's first paragraph (made by the writer when the story has none). */
function firstText(doc: Y.Doc, create: boolean): Y.XmlText | undefined {
  const body = getBody(doc)
  if (body.length === 0 && create) body.insert(0, [new Y.XmlElement('paragraph')])
  const paragraph = body.get(0)
  if (!(paragraph instanceof Y.XmlElement)) return undefined
  const existing = paragraph.get(0)
  if (existing instanceof Y.XmlText || !create) return existing instanceof Y.XmlText ? existing : undefined
  const text = new Y.XmlText()
  paragraph.insert(0, [text])
  return text
}

/**
 * One writer types `edits` characters at `rate` per second into a new room of `target`; `readers`
 * light readers (and `fullReaders` providers) are connected.
 */
export async function fanOutRun(target: FanOutTarget, readers: number, options: { edits?: number; rate?: number; fullReaders?: number } = {}): Promise<FanOutRun> {
  const edits = options.edits ?? 500
  const rate = options.rate ?? 50
  const room = await target.newRoom()
  const writer = provider(target, room)
  const full = Array.from({ length: options.fullReaders ?? 3 }, () => provider(target, room))
  const light: WebSocket[] = []
  try {
    await until(() => [writer, ...full].every((client) => client.provider.synced), 20_000, 'first sync')
    const text = firstText(writer.doc, true) as Y.XmlText
    const client = writer.doc.clientID
    const base = Y.getState(writer.doc.store, client)
    const sentAt: number[] = []
    const latencies: number[] = []
    let delivered = 0
    let ready = 0
    const query = new URLSearchParams(target.params).toString()
    const url = `${target.socketBase}/${room}${query ? `?${query}` : ''}`
    for (let index = 0; index < readers; index++) {
      let seen = -1
      light.push(
        lightReader(url, client, (clock) => {
          if (seen < 0) {
            // The first state it gets has the writer's paragraph: from here on, keystrokes.
            if (clock >= base) ready++
            seen = Math.max(0, clock - base)
          }
          const now = performance.now()
          for (; seen < clock - base; seen++) {
            const sent = sentAt[seen]
            if (sent !== undefined) latencies.push(now - sent)
            delivered++
          }
        }),
      )
      // Connections opened in a burst of hundreds would measure the accept queue, not fan-out.
      if (index % 50 === 49) await until(() => ready > index - 10, 20_000, 'readers to connect')
    }
    await until(() => ready === readers, 30_000, 'every reader to have the story')
    await until(() => full.every((reader) => firstText(reader.doc, false) !== undefined), 10_000, 'full readers')

    await typePaced(text, edits, rate, sentAt)
    const expected = edits * readers
    await until(() => delivered >= expected, 30_000, 'every delivery').catch(() => undefined)
    const final = text.toString()
    const converged = await until(() => full.every((reader) => firstText(reader.doc, false)?.toString() === final), 10_000, 'full readers to converge').then(
      () => true,
      () => false,
    )
    return { readers, latencies, expected, delivered, converged }
  } finally {
    for (const socket of light) socket.terminate()
    for (const each of [writer, ...full]) {
      each.provider.destroy()
      each.doc.destroy()
    }
  }
}
