/**
 * The open suggestions of an editor's document, for the review list and the Review tab's count.
 * Whole-document work, so it is recomputed at most once every REFRESH_MS while changes (local or
 * remote) come in, never per keystroke, once for all its readers, and the list only changes
 * identity when its content does.
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { Editor } from '@tiptap/core'
import { refreshAfterPaint } from '../../ui/afterPaint'
import { listSuggestions, type SuggestionSummary } from './listSuggestions'

const REFRESH_MS = 150

interface SuggestionStore {
  subscribe(onChange: () => void): () => void
  getSnapshot(): readonly SuggestionSummary[]
}

/** One store per editor, however many components read it: the list is worked out once per change. */
const stores = new WeakMap<Editor, SuggestionStore>()

function suggestionStore(editor: Editor): SuggestionStore {
  const existing = stores.get(editor)
  if (existing) return existing
  let snapshot: readonly SuggestionSummary[] = listSuggestions(editor.state.doc)
  let key = JSON.stringify(snapshot)
  const listeners = new Set<() => void>()
  const refresh = () => {
    if (editor.isDestroyed) return
    const next = listSuggestions(editor.state.doc)
    const nextKey = JSON.stringify(next)
    if (nextKey === key) return
    snapshot = next
    key = nextKey
    for (const listener of listeners) listener()
  }
  // At most one refresh per REFRESH_MS, not one after the changes pause (others typing without a
  // pause held the list back), right after the frame that shows a change (`refreshAfterPaint`).
  const later = refreshAfterPaint(refresh, REFRESH_MS)
  const schedule = () => later.changed()
  const store: SuggestionStore = {
    subscribe(onChange) {
      listeners.add(onChange)
      if (listeners.size === 1) editor.on('update', schedule)
      // Changes between the first render and this subscription.
      refresh()
      return () => {
        listeners.delete(onChange)
        if (listeners.size > 0) return
        later.cancel()
        editor.off('update', schedule)
      }
    },
    getSnapshot: () => snapshot,
  }
  stores.set(editor, store)
  return store
}

const NONE: readonly SuggestionSummary[] = []
const noEditor: SuggestionStore = { subscribe: () => () => undefined, getSnapshot: () => NONE }

/** The editor's open suggestions in reading order, at most REFRESH_MS old (none before the editor exists). */
export function useSuggestions(editor: Editor | null): readonly SuggestionSummary[] {
  const store = useMemo(() => (editor ? suggestionStore(editor) : noEditor), [editor])
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}
