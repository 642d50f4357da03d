/**
 * Who I am in this browser: display name and caret colour. Session/UI state only; the story
 * itself lives in Yjs. Kept in localStorage so carets keep their name across visits.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

const CARET_COLORS = ['#b4451f', '#1f6fb4', '#2e7d32', '#8e24aa', '#c0862b', '#00838f', '#ad1457', '#5d4037'] as const

function randomColor(): string {
  return CARET_COLORS[Math.floor(Math.random() * CARET_COLORS.length)] ?? CARET_COLORS[0]
}

interface ProfileState {
  name: string
  color: string
  setName(name: string): void
}

export const useProfile = create<ProfileState>()(
  persist(
    (set) => ({
      name: `Reporter ${Math.floor(100 + Math.random() * 900)}`,
      color: randomColor(),
      setName: (name) => set({ name: name.slice(0, 60) }),
    }),
    { name: 'deskline.profile' },
  ),
)
