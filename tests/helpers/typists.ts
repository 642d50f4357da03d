/** Stock y-websocket clients that type words into one paragraph, for durability tests. */
import { expect, vi } from 'vitest'
import * as Y from 'yjs'
import { getBody } from '../../src/shared/storyDoc'
import { connectClient, synced, type TestClient } from './clients'
import { seededRandom } from './random'

export interface Typist {
  client: TestClient
  /** Every word this client typed, in order. */
  words: string[]
  /** Close codes the server sent this client. */
  closeCodes: number[]
  stop(): void
}

/** The text of the story's first paragraph (which the story must already hold). */
export function firstParagraphText(doc: Y.Doc): Y.XmlText {
  const paragraph = getBody(doc).get(0) as Y.XmlElement
  return paragraph.get(0) as Y.XmlText
}

/**
 * Open story `id` as a stock provider and type a fresh word (`<name><n> `) every `everyMs`
 * at a random word boundary of the first paragraph, whether connected or not (the provider
 * sends what it can, and resyncs the rest on reconnect). Typists share edits over BroadcastChannel,
 * as the stock provider does by default (browser tabs of one person): so a typist may hold, and
 * build on, another's words that the server has not stored yet.
 */
export function startTypist(baseUrl: string, id: string, token: string, name: string, seed: number, everyMs: number): Typist {
  const client = connectClient(baseUrl, id, { token, broadcast: true })
  const random = seededRandom(seed)
  const words: string[] = []
  const closeCodes: number[] = []
  client.provider.on('connection-close', (event) => {
    if (event) closeCodes.push(event.code)
  })
  const timer = setInterval(() => {
    // Wait for the first sync: before it the local document has no paragraph to type into.
    if (getBody(client.doc).length === 0) return
    const text = firstParagraphText(client.doc)
    const current = text.toString()
    const boundaries = [0]
    for (let index = 0; index < current.length; index++) if (current[index] === ' ') boundaries.push(index + 1)
    const at = boundaries[Math.floor(random() * boundaries.length)] ?? 0
    const word = `${name}${words.length}`
    text.insert(at, `${word} `)
    words.push(word)
  }, everyMs)
  return {
    client,
    words,
    closeCodes,
    stop() {
      clearInterval(timer)
    },
  }
}

/** The words of a paragraph's text. */
export function wordsOf(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter(Boolean))
}

/** Every word the typists typed that `text` lacks. */
export function missingWords(typists: Typist[], text: string): string[] {
  const present = wordsOf(text)
  return typists.flatMap((typist) => typist.words.filter((word) => !present.has(word)))
}

/**
 * Wait until every client holds the same document as a fresh reader of the server at `baseUrl`,
 * and return the first paragraph's text; the reader is closed by `cleanup`.
 */
export async function convergedText(baseUrl: string, id: string, token: string, clients: TestClient[], cleanup: Array<() => unknown>): Promise<string> {
  const reader = connectClient(baseUrl, id, { token })
  cleanup.push(() => reader.destroy())
  await synced(reader)
  await vi.waitFor(
    () => {
      const expected = Y.encodeStateVector(reader.doc)
      for (const client of clients) {
        expect(client.provider.synced).toBe(true)
        expect(Y.encodeStateVector(client.doc)).toEqual(expected)
      }
    },
    { timeout: 20_000, interval: 50 },
  )
  const text = firstParagraphText(reader.doc).toString()
  for (const client of clients) expect(firstParagraphText(client.doc).toString()).toBe(text)
  return text
}
