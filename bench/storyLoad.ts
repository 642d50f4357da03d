/**
 * Open a large stored story from disk: a fresh client connects, the server loads the story
 * from SQLite (snapshot + log tail), and the client receives its first sync.
 */
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { getBody } from '../src/shared/storyDoc'
import { startChildServer, tempDataDir, tokenFor } from '../tests/helpers/server'
import { makeParagraphs, median } from './stats'

export interface LoadResult {
  words: number
  stateBytes: number
  /** Connect to first sync, story not in memory (loaded from disk each time). */
  coldMs: number[]
  /** Reference: decoding the same state into a Y.Doc in this process. */
  applyMs: number[]
}

async function firstSync(url: string, id: string, token: string): Promise<{ ms: number; doc: Y.Doc; provider: WebsocketProvider }> {
  const doc = new Y.Doc()
  const start = performance.now()
  const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/collab', id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  })
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  return { ms: performance.now() - start, doc, provider }
}

/** Create a `words`-word story (imported, then edited 500 times so the log has a tail), then time cold opens. */
export async function benchStoryLoad(words: number, runs = 9): Promise<LoadResult> {
  const server = await startChildServer(tempDataDir())
  try {
    const token = await tokenFor(server.url, 'chief', 'newsroom')
    const text = `1. News\n\nA long story\n\n${makeParagraphs(words).join('\n\n')}`
    const res = await fetch(`${server.url}/api/stories/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: text,
    })
    const { id } = (await res.json()) as { id: string }

    // Some editing history on top of the import, so loading is snapshot + tail.
    const editor = await firstSync(server.url, id, token)
    const first = (getBody(editor.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    for (let i = 0; i < 500; i++) first.insert(i % 50, 'x')
    const stateBytes = Y.encodeStateAsUpdate(editor.doc).length
    await new Promise((resolve) => setTimeout(resolve, 300))
    editor.provider.destroy()
    editor.doc.destroy()
    await new Promise((resolve) => setTimeout(resolve, 300))

    const coldMs: number[] = []
    for (let run = 0; run < runs; run++) {
      const opened = await firstSync(server.url, id, token)
      coldMs.push(opened.ms)
      opened.provider.destroy()
      opened.doc.destroy()
      // Let the server unload the story so the next open reads from disk again.
      await new Promise((resolve) => setTimeout(resolve, 200))
    }

    const state = await (async () => {
      const opened = await firstSync(server.url, id, token)
      const update = Y.encodeStateAsUpdate(opened.doc)
      opened.provider.destroy()
      opened.doc.destroy()
      return update
    })()
    const applyMs: number[] = []
    for (let run = 0; run < runs; run++) {
      const doc = new Y.Doc()
      const start = performance.now()
      Y.applyUpdate(doc, state)
      applyMs.push(performance.now() - start)
      doc.destroy()
    }
    return { words, stateBytes, coldMs, applyMs }
  } finally {
    server.process.kill('SIGTERM')
    await server.exited
  }
}

export { median }
