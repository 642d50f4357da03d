/** How far the copy desk has checked the story, for the Review tab. */
import { useSyncExternalStore } from 'react'
import type { Editor } from '@tiptap/react'
import type { CheckProgress } from './checkProgress'

/** `editor`'s check progress (checkProgress.ts), re-rendering when it changes. */
export function useCopyDeskProgress(editor: Editor): CheckProgress {
  const { progress } = editor.storage.copyDesk
  return useSyncExternalStore(progress.subscribe, progress.get)
}
