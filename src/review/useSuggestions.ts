/**
 * The open suggestions of an editor's document, for the review list. Whole-document work, so it
 * is recomputed at most every DEBOUNCE_MS after changes (local or remote), never per keystroke,
 * and the list only changes identity when its content does.
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { Editor } from '@tiptap/core'
import { listSuggestions, type SuggestionSummary } from './suggestChanges'

const DEBOUNCE_MS = 150

function suggestionStore(editor: Editor) {
  let snapshot: readonly SuggestionSummary[] = listSuggestions(editor.state.doc)
  let key = JSON.stringify(snapshot)
  return {
    subscribe(onChange: () => void): () => void {
      let timer: ReturnType<typeof setTimeout> | undefined
      const refresh = () => {
        if (editor.isDestroyed) return
        const next = listSuggestions(editor.state.doc)
        const nextKey = JSON.stringify(next)
        if (nextKey === key) return
        snapshot = next
        key = nextKey
        onChange()
      }
      const schedule = () => {
        clearTimeout(timer)
        timer = setTimeout(refresh, DEBOUNCE_MS)
      }
      editor.on('update', schedule)
      // Changes between the first render and this subscription.
      refresh()
      return () => {
        clearTimeout(timer)
        editor.off('update', schedule)
      }
    },
    getSnapshot: () => snapshot,
  }
}

const NONE: readonly SuggestionSummary[] = []
const noEditor = { subscribe: () => () => undefined, getSnapshot: () => NONE }

/** The editor's open suggestions in reading order, debounced (none before the editor exists). */
export function useSuggestions(editor: Editor | null): readonly SuggestionSummary[] {
  const store = useMemo(() => (editor ? suggestionStore(editor) : noEditor), [editor])
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}
