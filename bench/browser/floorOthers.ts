/**
 * The others of the paint benchmark's stack floor (`deskEditorFloor` in `main.ts`), in a worker:
 * they hold their own copy of the story and type as the app's runs' typists do, and each update
 * is posted to the page, which applies it to the editor's document. Their typing and encoding run
 * off the page's main thread, as the app's typists run in Node: the page only receives updates.
 */
import * as Y from 'yjs'
import { BODY } from '../../src/shared/storyDoc'
import { seededRandom } from '../../tests/helpers/random'

/** What the page sends once: the story's state, the typists' paragraphs, their pace. */
export interface FloorOthersStart {
  state: Uint8Array
  paragraphs: number[]
  everyMs: number
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<FloorOthersStart>) => void) | null
  postMessage(message: Uint8Array, transfer: Transferable[]): void
}

scope.onmessage = ({ data }) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, data.state)
  doc.on('update', (update: Uint8Array) => scope.postMessage(update, [update.buffer]))
  const body = doc.getXmlFragment(BODY)
  const random = seededRandom(1)
  for (const paragraph of data.paragraphs) {
    const block = body.get(paragraph)
    const text = block instanceof Y.XmlElement ? block.get(0) : null
    if (!(text instanceof Y.XmlText)) throw new Error(`paragraph ${paragraph} holds no text`)
    let typed = 0
    const tick = () => {
      text.insert(typed, 'abcdefghij'[typed % 10] ?? 'x')
      typed++
      setTimeout(tick, data.everyMs * (0.75 + random() / 2))
    }
    setTimeout(tick, data.everyMs * random())
  }
}
