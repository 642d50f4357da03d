/**
 * Replay a real editing trace through a running server (one writer, ten readers, storage on)
 * and, as the reference in the same run, into a bare Y.Doc in this process.
 */
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

/** Milliseconds to apply every transaction of `trace` to a bare Y.Doc, one transaction each. */
export function replayBare(trace: SequentialTrace): number {
  const doc = new Y.Doc()
  const paragraph = new Y.XmlElement('paragraph')
  getBody(doc).insert(0, [paragraph])
  const text = new Y.XmlText()
  paragraph.insert(0, [text])
  const start = performance.now()
  for (const txn of trace.txns) doc.transact(() => applyTxn(text, txn.patches))
  const elapsed = performance.now() - start
  if (text.toString() !== trace.endContent) throw new Error('bare replay diverged from endContent')
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
}

/** Replay `trace` through a fresh server child process with one writer and `readers` readers. */
export async function replayThroughServer(trace: SequentialTrace, readers = 10, corked = false): Promise<ServerReplay> {
  const server = await startChildServer(tempDataDir())
  try {
    return await replayThrough([server.url], await tokenFor(server.url, 'chief', 'newsroom'), trace, readers, corked)
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

/** The text node of a reader's first paragraph, once the writer's has reached it. */
const readerText = (doc: Y.Doc) => (getBody(doc).get(0) as Y.XmlElement | undefined)?.get(0)

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

/**
 * Replay `trace` through running nodes of one newsroom: the writer on the first, `readers` readers
 * spread over all of them in turn, signed in by `token`.
 */
export async function replayThrough(urls: string[], token: string, trace: SequentialTrace, readers = 10, corked = false): Promise<ServerReplay> {
  const { writer, readers: others, text, close } = await gather(urls, token, readers)
  try {
    const finalLength = trace.endContent.length
    let acked = false
    writer.provider.messageHandlers[MessageType.saved] = (_encoder, decoder: decoding.Decoder) => {
      if (decoding.readVarUint(decoder) === 1) acked = true
    }

    // Corked, a chunk's frames leave in one write instead of one system call each: that cost is
    // the harness's, not the server's, which still gets one frame (one update) per edit.
    const socket = corked ? (writer.provider.ws as unknown as { _socket?: Socket } | null)?._socket : undefined
    const start = performance.now()
    for (let index = 0; index < trace.txns.length; index += CHUNK) {
      const end = Math.min(trace.txns.length, index + CHUNK)
      socket?.cork()
      for (let i = index; i < end; i++) writer.doc.transact(() => applyTxn(text, trace.txns[i]?.patches ?? []))
      socket?.uncork()
      while ((writer.provider.ws?.bufferedAmount ?? 0) > MAX_BUFFERED) await tick()
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
    writer.provider.ws?.send(encoding.toUint8Array(encoder))
    await until(() => acked, 60_000, 'storage acknowledgement')
    const totalMs = performance.now() - start

    for (const reader of others) {
      const content = (getBody(reader.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
      if (content.toString() !== trace.endContent) throw new Error('a reader diverged from endContent')
    }
    return { totalMs, edits: trace.txns.length, readers }
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
