/**
 * Cold open of a heavily edited story: the server has just started, a reader connects and waits
 * until it holds the whole story. The reference, in the same run: a fresh Node process loads the
 * same stored rows into a bare Y.Doc and encodes it again (what a server that re-encodes does).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import Database from 'better-sqlite3'
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import type * as encoding from 'lib0/encoding'
import { MessageType } from '../src/shared/protocol'
import { getBody } from '../src/shared/storyDoc'
import { seededRandom } from '../tests/helpers/random'
import { startChildServer, tempDataDir, tokenFor, type ChildServer } from '../tests/helpers/server'
import { makeParagraphs } from './stats'
import { connect as connectProvider } from './traceReplay'

export interface ColdOpen {
  words: number
  edits: number
  stateBytes: number
  /** Connect → the reader holds the whole story (applied), each on a server started just before. */
  openMs: number[]
  /** Connect → the whole story has arrived at the reader (its sync step 2, before it is applied). */
  receivedMs: number[]
  /** Reference: read the rows, apply them to a bare Y.Doc and encode it, in a fresh process. */
  bareMs: number[]
  /** The reader's floor: applying the stored bytes to a Y.Doc in this (warm) process. */
  applyMs: number[]
}

interface Reader {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Resolves when the first sync step 2 arrives (before it is applied), with the time. */
  received: Promise<number>
  /** Resolves when it is applied: the reader holds the whole story. */
  synced: Promise<void>
}

/** A stock provider reading story `id`, noting when its first sync step 2 arrives. */
export function connect(server: ChildServer, id: string, token: string): Reader {
  const { doc, provider } = connectProvider(server.url, id, token)
  const synced = new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  const received = new Promise<number>((resolve) => {
    const handle = provider.messageHandlers[MessageType.sync] as MessageHandler
    provider.messageHandlers[MessageType.sync] = (encoder, decoder, ...rest) => {
      if (decoding.peekVarUint(decoder) === STEP2) resolve(performance.now())
      return handle(encoder, decoder, ...rest)
    }
  })
  return { doc, provider, received, synced }
}

const STEP2 = 1
type MessageHandler = (encoder: encoding.Encoder, decoder: decoding.Decoder, ...rest: unknown[]) => void

async function stop(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM')
  await server.exited
}

/**
 * Words deleted and typed again all over the story, `edits` times, a few per transaction: what
 * a day of reporting and copy editing leaves (tombstones everywhere, many short runs).
 */
export function editHeavily(doc: Y.Doc, edits: number): void {
  const random = seededRandom(12)
  const words = 'council minister said report officials agreement court police market budget'.split(' ')
  const paragraphs = getBody(doc).toArray().filter((node): node is Y.XmlElement => node instanceof Y.XmlElement)
  for (let start = 0; start < edits; start += 5) {
    doc.transact(() => {
      for (let done = start; done < Math.min(edits, start + 5); done++) {
        const paragraph = paragraphs[Math.floor(random() * paragraphs.length)] as Y.XmlElement
        const text = paragraph.get(0)
        if (!(text instanceof Y.XmlText) || text.length < 20) continue
        const at = Math.floor(random() * (text.length - 12))
        text.delete(at, 1 + Math.floor(random() * 10))
        text.insert(at, `${words[Math.floor(random() * words.length)] ?? 'news'} `)
      }
    })
  }
}

/** The reference in a fresh process: modules loaded first, then read → apply → encode timed. */
function bareLoad(dataDir: string, id: string): Promise<number> {
  const script = `
    const Database = require('better-sqlite3'); const Y = require('yjs')
    const start = performance.now()
    const db = new Database(process.argv[1], { readonly: true })
    const snapshot = db.prepare('select state from story_snapshots where story_id = ?').get(process.argv[2])
    const tail = db.prepare('select data from story_updates where story_id = ? order by seq').all(process.argv[2])
    const doc = new Y.Doc()
    doc.transact(() => { Y.applyUpdate(doc, snapshot.state); for (const row of tail) Y.applyUpdate(doc, row.data) })
    const encoded = Y.encodeStateAsUpdate(doc)
    process.stdout.write(JSON.stringify({ ms: performance.now() - start, bytes: encoded.length }))`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, path.join(dataDir, 'deskline.db'), id], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { ms: number }).ms) : reject(new Error(`bare load exited with ${code}`))))
  })
}

/** Store a `words`-word story edited `edits` times, then time `runs` cold opens and as many bare loads. */
export async function benchColdOpen(words = 50_000, edits = 20_000, runs = 5): Promise<ColdOpen> {
  const dataDir = tempDataDir()
  let server = await startChildServer(dataDir)
  let id: string
  let stateBytes: number
  try {
    const token = await tokenFor(server.url, 'chief', 'newsroom')
    const res = await fetch(`${server.url}/api/stories/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: `1. News\n\nA long story\n\n${makeParagraphs(words).join('\n\n')}`,
    })
    id = ((await res.json()) as { id: string }).id
    const editor = connect(server, id, token)
    await editor.synced
    editHeavily(editor.doc, edits)
    stateBytes = Y.encodeStateAsUpdate(editor.doc).length
    // Everything stored (a fresh reader has it all), then the story unloads (compacted) with the server.
    await untilStored(server, id, token, editor.doc)
    editor.provider.destroy()
    editor.doc.destroy()
  } finally {
    await stop(server)
  }

  const openMs: number[] = []
  const receivedMs: number[] = []
  const bareMs: number[] = []
  for (let run = 0; run < runs; run++) {
    bareMs.push(await bareLoad(dataDir, id))
    server = await startChildServer(dataDir)
    try {
      const token = await tokenFor(server.url, 'chief', 'newsroom')
      const start = performance.now()
      const reader = connect(server, id, token)
      receivedMs.push((await reader.received) - start)
      await reader.synced
      openMs.push(performance.now() - start)
      reader.provider.destroy()
      reader.doc.destroy()
    } finally {
      await stop(server)
    }
  }
  // The reader's own share, which no server can take from it: applying the stored bytes.
  const db = new Database(path.join(dataDir, 'deskline.db'), { readonly: true })
  const stored = (db.prepare('select state from story_snapshots where story_id = ?').get(id) as { state: Uint8Array }).state
  db.close()
  const applyMs: number[] = []
  for (let run = 0; run < runs; run++) {
    const doc = new Y.Doc()
    const start = performance.now()
    Y.applyUpdate(doc, stored)
    applyMs.push(performance.now() - start)
    doc.destroy()
  }
  return { words, edits, stateBytes, openMs, receivedMs, bareMs, applyMs }
}

/** Until a fresh reader of `id` has the text of `doc`: everything it sent is stored. */
export async function untilStored(server: ChildServer, id: string, token: string, doc: Y.Doc): Promise<void> {
  const expected = getBody(doc).toString()
  for (;;) {
    const check = connect(server, id, token)
    await check.synced
    const same = getBody(check.doc).toString() === expected
    check.provider.destroy()
    check.doc.destroy()
    if (same) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
