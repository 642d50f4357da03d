import { useEffect, useState } from 'react'
import { StorySummarySchema, type StorySummary } from '../shared/api'
import { listStories } from './api'

export type StoryListState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; stories: StorySummary[] }

function upsert(stories: StorySummary[], story: StorySummary): StorySummary[] {
  const rest = stories.filter((item) => item.id !== story.id)
  return [story, ...rest].sort((a, b) => b.updatedAt - a.updatedAt)
}

/** The story list, kept current by the server's event stream (no polling). */
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
      const parsed = StorySummarySchema.safeParse(JSON.parse((event as MessageEvent<string>).data))
      if (!parsed.success) return
      setState((current) => (current.kind === 'ready' ? { kind: 'ready', stories: upsert(current.stories, parsed.data) } : current))
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
