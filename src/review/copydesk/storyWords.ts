/**
 * The story's own names, which count as spelled right: its bylines and its dateline's city
 * (issue 13), read from the story document's metadata and followed as anyone changes them.
 */
import type * as Y from 'yjs'
import { getBylines, getDatelineMap, getMeta } from '../../shared/storyDoc'
import type { StoryWordsSource } from './CopyDesk'
import { metadataWords } from './knownWords'

/** The words of `doc`'s bylines and dateline city, kept current. */
export function storyWordsOf(doc: Y.Doc): StoryWordsSource {
  const read = () => metadataWords([...(getBylines(doc)?.toArray() ?? []), getDatelineMap(doc)?.get('city') ?? ''])
  let words = read()
  return {
    words: () => words,
    subscribe(listener) {
      const meta = getMeta(doc)
      const changed = () => {
        const next = read()
        if (next.size === words.size && [...next].every((word) => words.has(word))) return
        words = next
        listener()
      }
      meta.observeDeep(changed)
      return () => meta.unobserveDeep(changed)
    },
  }
}
