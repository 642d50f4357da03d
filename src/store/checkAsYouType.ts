/**
 * The copy desk's "Check spelling and style as I type" as the story editor reads it when it opens
 * (issue 12): from the browser's copy until the settings' store (copyDeskSettings.ts, loaded with
 * the Review tab's code) is here, then from the store. Read at once, this switch decides whether
 * the copy desk's checking is loaded at all; the store and its persistence stay off the story
 * page's first load.
 */

/** Where this browser keeps the setting (zustand's persist format: `{ state, version }`). */
export const COPY_DESK_SETTINGS_KEY = 'deskline.copyDesk'

interface SettingsStore {
  getState(): { checkAsYouType: boolean }
}

let store: SettingsStore | null = null
const listeners = new Set<() => void>()

/** The setting as this browser keeps it; on when there is none (or it cannot be read), as the store has it. */
function kept(): boolean {
  try {
    const text = globalThis.localStorage?.getItem(COPY_DESK_SETTINGS_KEY)
    const value = text ? (JSON.parse(text) as { state?: { checkAsYouType?: unknown } } | null)?.state?.checkAsYouType : undefined
    return typeof value === 'boolean' ? value : true
  } catch {
    return true
  }
}

/** Whether checks run, and a way to hear when that may have changed (the copy desk's `CopyDeskSwitch`). */
export const checkAsYouType = {
  on: (): boolean => (store ? store.getState().checkAsYouType : kept()),
  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}

/** The settings' store is loaded: the switch reads it from now on. */
export function settingsLoaded(loaded: SettingsStore): void {
  store = loaded
}

/** The setting may have changed. */
export function settingsChanged(): void {
  for (const listener of [...listeners]) listener()
}

// Another tab of this browser changed it before the store was loaded (after, the store follows it).
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === COPY_DESK_SETTINGS_KEY && !store) settingsChanged()
  })
}
