import { useRef, useSyncExternalStore } from 'react'
import type { Awareness } from 'y-protocols/awareness'

export interface Present {
  clientId: number
  name: string
  color: string
  self: boolean
}

function readPeople(awareness: Awareness): Present[] {
  const people: Present[] = []
  awareness.getStates().forEach((state, clientId) => {
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user
    if (!user || typeof user.name !== 'string') return
    people.push({
      clientId,
      name: user.name,
      color: typeof user.color === 'string' ? user.color : '#777',
      self: clientId === awareness.clientID,
    })
  })
  return people.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name))
}

/** Who is in the story now, from awareness (yourself first). */
export function usePresence(awareness: Awareness): Present[] {
  const last = useRef<{ key: string; value: Present[] }>({ key: '', value: [] })
  return useSyncExternalStore(
    (notify) => {
      awareness.on('change', notify)
      return () => awareness.off('change', notify)
    },
    () => {
      const value = readPeople(awareness)
      const key = JSON.stringify(value)
      if (key !== last.current.key) last.current = { key, value }
      return last.current.value
    },
  )
}
