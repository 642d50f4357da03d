import { useEffect, useState } from 'react'
import { openStorySession, type StorySession } from './storySession'

/** Open story `id` for as long as the component is mounted. */
export function useStorySession(id: string, user: { id: number; name: string; color: string }): StorySession | null {
  const [session, setSession] = useState<StorySession | null>(null)
  useEffect(() => {
    const opened = openStorySession(id, user)
    setSession(opened)
    return () => {
      setSession(null)
      opened.destroy()
    }
    // The user's name and colour change through awareness (see useAwarenessUser), not a reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id])
  return session
}
