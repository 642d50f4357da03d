import { useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { bodyWordCount, getBody } from '../shared/storyDoc'

/** Recount at most this often: counting a long story walks the whole body. */
const RECOUNT_DELAY_MS = 300

const counts = new WeakMap<Y.Doc, number>()

/** Words in the story body, recounted shortly after edits stop (off the keystroke path). */
export function useWordCount(doc: Y.Doc): number {
  return useSyncExternalStore(
    (notify) => {
      let timer: ReturnType<typeof setTimeout> | null = null
      const body = getBody(doc)
      const schedule = () => {
        timer ??= setTimeout(() => {
          timer = null
          counts.set(doc, bodyWordCount(doc))
          notify()
        }, RECOUNT_DELAY_MS)
      }
      body.observeDeep(schedule)
      // The body may have changed between the first render and this subscription.
      schedule()
      return () => {
        body.unobserveDeep(schedule)
        if (timer !== null) clearTimeout(timer)
      }
    },
    () => {
      let words = counts.get(doc)
      if (words === undefined) {
        words = bodyWordCount(doc)
        counts.set(doc, words)
      }
      return words
    },
  )
}
