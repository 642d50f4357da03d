import { useCallback, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import { bodyWordCount, elementWordCount, getBody } from '../shared/storyDoc'
import { refreshAfterPaint } from '../ui/afterPaint'

/** Recount at most this often: even an incremental count looks at every block of the body. */
const RECOUNT_MS = 300

const counts = new WeakMap<Y.Doc, number>()

/**
 * Counts the body's words block by block, keeping each top-level block's count until a change
 * inside it (issue 12): a recount while someone types reads the blocks that changed, not the
 * whole story. `observe` must see every change of the body (it is its `observeDeep` listener).
 */
function blockCounter(doc: Y.Doc, body: Y.XmlFragment) {
  const perBlock = new WeakMap<Y.XmlElement, number>()
  return {
    observe(events: Array<Y.YEvent<Y.AbstractType<unknown>>>) {
      for (const event of events) {
        // Forget the count of the top-level block the change is in; a change of the body's own
        // children (blocks added or removed) leaves the others' counts right.
        for (let type: Y.AbstractType<unknown> | null = event.target; type !== null && type !== body; type = type.parent) {
          if (type.parent === body) {
            if (type instanceof Y.XmlElement) perBlock.delete(type)
            break
          }
        }
      }
    },
    count(): number {
      let words = 0
      for (const child of body.toArray()) {
        // Loose text or a line break at the top joins its neighbours' words: count the whole body.
        if (!(child instanceof Y.XmlElement) || child.nodeName === 'hardBreak') return bodyWordCount(doc)
        let blockWords = perBlock.get(child)
        if (blockWords === undefined) {
          blockWords = elementWordCount(child)
          perBlock.set(child, blockWords)
        }
        words += blockWords
      }
      return words
    },
  }
}

/**
 * Words in the story body, recounted off the keystroke path, at most every `RECOUNT_MS`
 * (`refreshAfterPaint`: right after the frame that shows an edit, so its own frame is drawn before
 * the next key press).
 */
export function useWordCount(doc: Y.Doc): number {
  // One subscription per document, not per render: each new one would start counting afresh.
  const subscribe = useCallback(
    (notify: () => void) => {
      const body = getBody(doc)
      const counter = blockCounter(doc, body)
      const recount = refreshAfterPaint(() => {
        counts.set(doc, counter.count())
        notify()
      }, RECOUNT_MS)
      const onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
        counter.observe(events)
        recount.changed()
      }
      body.observeDeep(onChange)
      // The body may have changed between the first render and this subscription.
      recount.changed()
      return () => {
        body.unobserveDeep(onChange)
        recount.cancel()
      }
    },
    [doc],
  )
  return useSyncExternalStore(subscribe, () => {
    let words = counts.get(doc)
    if (words === undefined) {
      words = bodyWordCount(doc)
      counts.set(doc, words)
    }
    return words
  })
}
