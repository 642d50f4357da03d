import { useEffect, useState } from 'react'
import { PresenceEventSchema, StorySummarySchema, type StorySummary } from '../shared/api'
import { listStories } from './api'

export type StoryListState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; stories: StorySummary[] }

function upsert(stories: StorySummary[], story: StorySummary): StorySummary[] {
  const rest = stories.filter((item) => item.id !== story.id)
  return [story, ...rest].sort((a, b) => b.updatedAt - a.updatedAt)
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
    const events = new EventSource('/api/stories/events')
    events.addEventListener('story', (event) => {
      const parsed = StorySummarySchema.safeParse(parse(event))
      if (!parsed.success) return
      setState((current) => (current.kind === 'ready' ? { kind: 'ready', stories: upsert(current.stories, parsed.data) } : current))
    })
    events.addEventListener('presence', (event) => {
      const parsed = PresenceEventSchema.safeParse(parse(event))
      if (!parsed.success) return
      const { storyId, present } = parsed.data
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
