import { useEffect, useState } from 'react'
import type * as Y from 'yjs'
import { bodyWordCount, getBody } from '../shared/storyDoc'

/** Recount at most this often: counting a long story walks the whole body. */
const RECOUNT_DELAY_MS = 300

/** Words in the story body, recounted shortly after edits stop (off the keystroke path). */
export function useWordCount(doc: Y.Doc): number {
  const [words, setWords] = useState(() => bodyWordCount(doc))
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const body = getBody(doc)
    const recount = () => {
      timer = null
      setWords(bodyWordCount(doc))
    }
    const onChange = () => {
      if (timer === null) timer = setTimeout(recount, RECOUNT_DELAY_MS)
    }
    body.observeDeep(onChange)
    setWords(bodyWordCount(doc))
    return () => {
      body.unobserveDeep(onChange)
      if (timer !== null) clearTimeout(timer)
    }
  }, [doc])
  return words
}
