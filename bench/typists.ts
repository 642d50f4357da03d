/**
 * Other people typing in a story, for the `paint` benchmark: real y-websocket providers in this
 * process, each signed in with its own API token, each typing one character at a time into its
 * own paragraph with its caret published in awareness (as the app's editors do), so the page
 * under test receives their edits and their carets move.
 */
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { getBody } from '../src/shared/storyDoc'
import { seededRandom } from '../tests/helpers/random'

/** One typist: who, where (index of a block in `body`), its API token. */
export interface TypistSpec {
  name: string
  color: string
  token: string
  paragraph: number
}

/** Typists at work: stop them to learn what each typed. */
export interface Typists {
  /** Stop typing (the providers stay connected); what each typed, in `specs` order. */
  stop(): string[]
  /** Disconnect every provider. */
  destroy(): void
}

const SENTENCE = 'the minister said the vote would go ahead on friday as planned '

/**
 * Connect one provider per spec to story `id`, wait for each first sync, then have each insert a
 * character every `everyMs` (± a quarter, seeded) at its caret in its paragraph.
 */
export async function startTypists(baseUrl: string, id: string, specs: readonly TypistSpec[], everyMs = 200, seed = 12): Promise<Typists> {
  const random = seededRandom(seed)
  const workers = await Promise.all(
    specs.map(async (spec) => {
      const doc = new Y.Doc()
      const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/collab', id, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        params: { token: spec.token },
      })
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
      const block = getBody(doc).get(spec.paragraph)
      const text = block instanceof Y.XmlElement ? block.get(0) : null
      if (!(text instanceof Y.XmlText)) throw new Error(`block ${spec.paragraph} of story ${id} holds no text`)
      provider.awareness.setLocalStateField('user', { name: spec.name, color: spec.color })
      return { spec, doc, provider, text, typed: '', timer: undefined as ReturnType<typeof setTimeout> | undefined }
    }),
  )
  let running = true
  const tick = (worker: (typeof workers)[number]) => {
    if (!running) return
    const { text, provider } = worker
    const char = SENTENCE[worker.typed.length % SENTENCE.length] ?? 'x'
    text.insert(worker.typed.length, char)
    worker.typed += char
    // The caret after the new character, as y-tiptap publishes it: relative positions in JSON.
    const caret = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, worker.typed.length))
    provider.awareness.setLocalStateField('cursor', { anchor: caret, head: caret })
    worker.timer = setTimeout(() => tick(worker), everyMs * (0.75 + random() / 2))
  }
  // Start them spread over one interval, not in step.
  for (const worker of workers) worker.timer = setTimeout(() => tick(worker), everyMs * random())
  const halt = () => {
    running = false
    for (const worker of workers) clearTimeout(worker.timer)
  }
  return {
    stop() {
      halt()
      return workers.map((worker) => worker.typed)
    },
    destroy() {
      halt()
      for (const { provider, doc } of workers) {
        provider.destroy()
        doc.destroy()
      }
    },
  }
}
