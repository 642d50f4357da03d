import { useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { getDesk, readDesk, type StoryDesk } from '../shared/storyDoc'

/** The story's desk map (assignees, deadline, parts) as plain values, live. */
export function useDesk(doc: Y.Doc): StoryDesk {
  const json = useSyncExternalStore(
    (notify) => {
      const desk = getDesk(doc)
      desk.observe(notify)
      return () => desk.unobserve(notify)
    },
    () => JSON.stringify(readDesk(doc)),
  )
  return JSON.parse(json) as StoryDesk
}
