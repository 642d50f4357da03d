/**
 * Replay a real editing trace through a running server (one writer, ten readers, storage on)
 * and, as the reference in the same run, into a bare Y.Doc in this process.
 */
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MessageType } from '../src/shared/protocol'
import { getBody } from '../src/shared/storyDoc'
import { createStoryVia, startChildServer, tempDataDir, tokenFor } from '../tests/helpers/server'
import type { SequentialTrace } from './traces'

/** Edits applied per event-loop turn by the writer (the socket drains in between). */
const CHUNK = 250
/** Pause the writer while this much is waiting in its socket. */
const MAX_BUFFERED = 1 << 20

function paragraphText(doc: Y.Doc): Y.XmlText {
  if (getBody(doc).length === 0) getBody(doc).insert(0, [new Y.XmlElement('paragraph')])
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  const existing = paragraph.get(0)
  if (existing instanceof Y.XmlText) return existing
  const text = new Y.XmlText()
  paragraph.insert(0, [text])
  return text
}

function applyTxn(text: Y.XmlText, patches: Array<[number, number, string]>): void {
  for (const [pos, del, ins] of patches) {
    if (del > 0) text.delete(pos, del)
    if (ins) text.insert(pos, ins)
  }
}

/** The text node of a reader's first paragraph, once the writer's has reached it. */
const readerText = (doc: Y.Doc) => (getBody(doc).get(0) as Y.XmlElement | undefined)?.get(0)

/** A trace as updates: what a writer's document holds before it, and one update per transaction. */
export interface EncodedTrace {
  base: Uint8Array
  updates: Uint8Array[]
}

/**
 * Encode every transaction of `trace` as the update a writer's client sends, typed into the first
 * paragraph of a copy of `writer` (a new document with a body paragraph when none is given).
 */
export function encodeTrace(trace: SequentialTrace, writer?: Y.Doc): EncodedTrace {
  const source = new Y.Doc()
  if (writer) Y.applyUpdate(source, Y.encodeStateAsUpdate(writer))
  const text = paragraphText(source)
  const base = Y.encodeStateAsUpdate(source)
  const updates: Uint8Array[] = []
  source.on('update', (update: Uint8Array) => updates.push(update))
  for (const txn of trace.txns) source.transact(() => applyTxn(text, txn.patches))
  if (text.toString() !== trace.endContent) throw new Error('encoding the trace diverged from endContent')
  source.destroy()
  return { base, updates }
}

/** Milliseconds for a bare `Y.applyUpdate` loop to apply every update of `encoded` to a new Y.Doc. */
export function replayBare(encoded: EncodedTrace, endContent: string): number {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, encoded.base)
  const start = performance.now()
  for (const update of encoded.updates) Y.applyUpdate(doc, update)
  const elapsed = performance.now() - start
  if (readerText(doc)?.toString() !== endContent) throw new Error('bare replay diverged from endContent')
  doc.destroy()
  return elapsed
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A stock provider on story `id` of the server at `url`, signed in by `token`. */
export function connect(url: string, id: string, token: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/collab', id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  })
  return { doc, provider }
}

/** Poll `check` every 5 ms until it holds; throws after `timeoutMs` naming `what` it waited for. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

export interface ServerReplay {
  /** First edit to: every reader has the final text and the server has acknowledged storage. */
  totalMs: number
  edits: number
  readers: number
  /** CPU time of the server's process while replaying, when it is a child process of this one on Linux. */
  serverCpuMs?: number
  /** CPU time of this process (the writer and the readers) while replaying. */
  benchCpuMs: number
}

/** CPU time (user + system) a process has used so far, ms, read from Linux's /proc; undefined elsewhere. */
function cpuOfProcess(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

/** Replay `trace` through a fresh server child process with one writer and `readers` readers. */
export async function replayThroughServer(trace: SequentialTrace, readers = 10, corked = false): Promise<ServerReplay> {
  const server = await startChildServer(tempDataDir())
  try {
    const token = await tokenFor(server.url, 'chief', 'newsroom')
    let before: number | undefined
    const result = await replayThrough([server.url], token, trace, readers, corked, () => {
      before = cpuOfProcess(server.process.pid)
    })
    const after = cpuOfProcess(server.process.pid)
    return { ...result, serverCpuMs: before === undefined || after === undefined ? undefined : after - before }
  } finally {
    server.process.kill('SIGTERM')
    await server.exited
  }
}

/** A writer on the first node and readers spread over all of them, on a new story. */
interface Gathering {
  writer: ReturnType<typeof connect>
  readers: Array<ReturnType<typeof connect>>
  /** The writer's paragraph text, which every reader has by now. */
  text: Y.XmlText
  close(): void
}


/** Open a new story on the first node with a writer and `readers` readers spread over `urls`, all synced. */
async function gather(urls: string[], token: string, readers: number): Promise<Gathering> {
  const first = urls[0] as string
  const id = await createStoryVia(first, token)
  const writer = connect(first, id, token)
  const others = Array.from({ length: readers }, (_, index) => connect(urls[index % urls.length] as string, id, token))
  const everyone = [writer, ...others]
  const close = () => {
    for (const client of everyone) {
      client.provider.destroy()
      client.doc.destroy()
    }
  }
  try {
    await until(() => everyone.every((client) => client.provider.synced), 20_000, 'first sync')
    const text = paragraphText(writer.doc)
    // Readers only look: the writer's text node must reach them before anything is measured.
    await until(() => others.every((reader) => readerText(reader.doc) instanceof Y.XmlText), 10_000, 'readers')
    return { writer, readers: others, text, close }
  } catch (error) {
    close()
    throw error
  }
}

/** A sync update frame (y-websocket's message 0, step 2) carrying `update`. */
function updateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, 2)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/**
 * Replay `trace` through running nodes of one newsroom: the writer on the first, `readers` readers
 * spread over all of them in turn, signed in by `token`. The writer's client sends the trace as
 * the updates its editor made, one frame per transaction, encoded before the clock starts: what is
 * timed is the server (and the readers applying what it relays), as the bare reference times only
 * `Y.applyUpdate` of the same updates, not typing them.
 */
export async function replayThrough(urls: string[], token: string, trace: SequentialTrace, readers = 10, corked = false, started?: () => void): Promise<ServerReplay> {
  const { writer, readers: others, close } = await gather(urls, token, readers)
  try {
    const finalLength = trace.endContent.length
    const frames = encodeTrace(trace, writer.doc).updates.map(updateFrame)
    let acked = false
    writer.provider.messageHandlers[MessageType.saved] = (_encoder, decoder: decoding.Decoder) => {
      if (decoding.readVarUint(decoder) === 1) acked = true
    }
    const ws = writer.provider.ws as unknown as (WebSocket & { _socket?: Socket }) | null
    if (!ws) throw new Error('the writer is not connected')

    // Corked, a chunk's frames leave in one write instead of one system call each: that cost is
    // the harness's, not the server's, which still gets one frame (one update) per edit.
    const socket = corked ? ws._socket : undefined
    started?.()
    const cpu = process.cpuUsage()
    const start = performance.now()
    for (let index = 0; index < frames.length; index += CHUNK) {
      const end = Math.min(frames.length, index + CHUNK)
      socket?.cork()
      for (let i = index; i < end; i++) ws.send(frames[i] as Uint8Array)
      socket?.uncork()
      while (ws.bufferedAmount > MAX_BUFFERED) await tick()
      await tick()
    }
    await until(
      () => others.every((reader) => {
        const content = readerText(reader.doc)
        return content instanceof Y.XmlText && content.length === finalLength
      }),
      600_000,
      'readers to converge',
    )
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.saved)
    encoding.writeVarUint(encoder, 1)
    ws.send(encoding.toUint8Array(encoder))
    await until(() => acked, 60_000, 'storage acknowledgement')
    const totalMs = performance.now() - start
    const used = process.cpuUsage(cpu)

    for (const reader of others) {
      if (readerText(reader.doc)?.toString() !== trace.endContent) throw new Error('a reader diverged from endContent')
    }
    return { totalMs, edits: trace.txns.length, readers, benchCpuMs: (used.user + used.system) / 1000 }
  } finally {
    close()
  }
}

/** Delivery latencies of a steady writer to readers, and how many deliveries arrived. */
export interface FanOut {
  latencies: number[]
  expected: number
  delivered: number
}

/**
 * One writer types a character every `1000 / rate` ms for `edits` edits through the first node;
 * `readers` readers spread over the nodes note when each edit reaches them (time from the
 * writer's keystroke to the reader's document having it).
 */
export async function fanOut(urls: string[], token: string, readers: number, edits = 500, rate = 50): Promise<FanOut> {
  const { readers: others, text, close } = await gather(urls, token, readers)
  try {
    const base = text.length
    const sentAt: number[] = []
    const latencies: number[] = []
    let delivered = 0
    for (const reader of others) {
      let seen = 0
      reader.doc.on('afterTransaction', () => {
        const content = readerText(reader.doc)
        if (!(content instanceof Y.XmlText)) return
        const now = performance.now()
        const have = content.length - base
        for (; seen < have; seen++) {
          const sent = sentAt[seen]
          if (sent !== undefined) latencies.push(now - sent)
          delivered++
        }
      })
    }
    await typePaced(text, edits, rate, sentAt)
    const expected = edits * readers
    await until(() => delivered >= expected, 30_000, 'every delivery').catch(() => undefined)
    return { latencies, expected, delivered }
  } finally {
    close()
  }
}

/** Type `edits` characters at the end of `text`, `rate` a second on the clock, noting when each was typed. */
export async function typePaced(text: Y.XmlText, edits: number, rate: number, sentAt: number[]): Promise<void> {
  const every = 1000 / rate
  const start = performance.now()
  for (let index = 0; index < edits; index++) {
    const due = start + index * every
    while (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))
    sentAt.push(performance.now())
    text.insert(text.length, 'x')
  }
}
