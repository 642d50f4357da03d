import { useEffect, useState } from 'react'
import type { PresenceEvent, StorySummary } from '../shared/api'
import { isStatus } from '../shared/newsroom'
import { listStories, openStoryEvents } from '../api'

export type StoryListState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; stories: StorySummary[] }

function upsert(stories: StorySummary[], story: StorySummary): StorySummary[] {
  const rest = stories.filter((item) => item.id !== story.id)
  return [story, ...rest].sort((a, b) => b.updatedAt - a.updatedAt)
}

/**
 * The stream comes from our own server, which builds every event from stored rows: the page checks
 * only that an event is the kind it expects (a story row, a presence list), not every field (that
 * would load a schema library into every page for nothing).
 */
function isStorySummary(value: unknown): value is StorySummary {
  const story = value as Partial<StorySummary> | null
  return typeof story?.id === 'string' && typeof story.updatedAt === 'number' && isStatus(story.status) && typeof story.desk === 'object' && Array.isArray(story.present)
}

function isPresenceEvent(value: unknown): value is PresenceEvent {
  const event = value as Partial<PresenceEvent> | null
  return typeof event?.storyId === 'string' && Array.isArray(event.present)
}

function parse(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data)
  } catch {
    return null
  }
}

/**
 * Every story, kept current by the server's event stream (no polling): `story` events carry a
 * changed row, `presence` events who is in a story now.
 */
export function useStoryList(): StoryListState {
  const [state, setState] = useState<StoryListState>({ kind: 'loading' })
  useEffect(() => {
    let cancelled = false
    const load = () =>
      listStories().then(
        (stories) => !cancelled && setState({ kind: 'ready', stories }),
        (error: unknown) => !cancelled && setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
      )
    const events = openStoryEvents()
    events.addEventListener('story', (event) => {
      const story = parse(event)
      if (!isStorySummary(story)) return
      setState((current) => (current.kind === 'ready' ? { kind: 'ready', stories: upsert(current.stories, story) } : current))
    })
    events.addEventListener('presence', (event) => {
      const presence = parse(event)
      if (!isPresenceEvent(presence)) return
      const { storyId, present } = presence
      setState((current) =>
        current.kind === 'ready'
          ? { kind: 'ready', stories: current.stories.map((story) => (story.id === storyId ? { ...story, present } : story)) }
          : current,
      )
    })
    // After a dropped stream, reload once: events sent meanwhile were missed.
    events.addEventListener('open', () => void load())
    void load()
    return () => {
      cancelled = true
      events.close()
    }
  }, [])
  return state
}
