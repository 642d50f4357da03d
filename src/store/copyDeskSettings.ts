/**
 * The copy desk's setting in this browser (issue 13): whether spelling and house style are checked
 * as one types. A person's choice for their own screen, so it is kept in this browser
 * (localStorage), not on the server, and on by default. Other tabs of the same browser follow a
 * change at once (the `storage` event). Loaded with the Review tab's code: the story editor reads
 * the setting through checkAsYouType.ts, which this store tells of every change.
 */
import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'
import { COPY_DESK_SETTINGS_KEY, settingsChanged, settingsLoaded } from './checkAsYouType'

export { COPY_DESK_SETTINGS_KEY }

interface CopyDeskSettings {
  /** Check spelling and style as I type: off, no marks and no checker at all. */
  checkAsYouType: boolean
  setCheckAsYouType(on: boolean): void
}

/** localStorage, or nothing, never throwing. */
const forgivingStorage = {
  getItem(key: string): string | null {
    try {
      return globalThis.localStorage?.getItem(key) ?? null
    } catch {
      return null
    }
  },
  setItem(key: string, value: string): void {
    try {
      globalThis.localStorage?.setItem(key, value)
    } catch {
      // Full or refused: the choice holds for this page.
    }
  },
  removeItem(key: string): void {
    try {
      globalThis.localStorage?.removeItem(key)
    } catch {
      // As above.
    }
  },
}

/** The copy desk's settings in this browser, kept in localStorage. */
export const useCopyDeskSettings = create<CopyDeskSettings>()(
  persist(
    (set) => ({
      checkAsYouType: true,
      setCheckAsYouType: (on) => set({ checkAsYouType: on }),
    }),
    {
      name: COPY_DESK_SETTINGS_KEY,
      // Storage may be missing, full or refused (private windows, Node): the setting then holds
      // for this page, and nothing throws out of the switch.
      storage: createJSONStorage(() => forgivingStorage),
      partialize: ({ checkAsYouType }) => ({ checkAsYouType }),
      // Whatever else was kept under the key (an older format, an edit by hand) reads as the default.
      merge: (kept, current) => {
        const value = (kept as { checkAsYouType?: unknown } | undefined)?.checkAsYouType
        return typeof value === 'boolean' ? { ...current, checkAsYouType: value } : current
      },
    },
  ),
)

// The story editor's switch reads the store from now on, and hears of its changes.
settingsLoaded(useCopyDeskSettings)
useCopyDeskSettings.subscribe((state, previous) => {
  if (state.checkAsYouType !== previous.checkAsYouType) settingsChanged()
})

// Another tab of this browser changed it: follow.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === COPY_DESK_SETTINGS_KEY) void useCopyDeskSettings.persist.rehydrate()
  })
}
