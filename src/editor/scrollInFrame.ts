/**
 * Scrolls the caret into view once per frame, just before the frame is drawn (issue 12).
 *
 * ProseMirror scrolls to the selection inside each transaction that asks for it: every key press,
 * and every remote change while the caret is in view (y-tiptap asks then, so a remote insert above
 * does not push the caret off screen). Measuring the caret makes the browser lay out the whole page
 * there and then, in the middle of the task, and what follows in the same frame (the collaborators'
 * carets redrawn, the copy desk's marks, React's updates, the next remote change) changes the page
 * again, so it is laid out again to be drawn. In a 50,000-word story one layout is a few
 * milliseconds, and the profile counted about one forced layout per transaction.
 *
 * Here the scroll waits for the next animation frame callback: it runs after everything the task
 * changed and before the frame is drawn, so the caret is still in view in the very frame that shows
 * the change, several requests in one frame scroll once, to the selection as it is then, and the
 * layout it needs is the one the frame needed anyway. Without `requestAnimationFrame` (tests in
 * Node), ProseMirror scrolls at once as before.
 *
 * Another person's edit that changed the story only after the caret cannot move the caret: its
 * scroll is skipped. Asking for it made the page draw a frame (and measure the caret) for each such
 * edit, most of them in paragraphs far out of view.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'

/** ProseMirror's own scroll to the selection (internal, stable since 1.0; it consults `handleScrollToSelection`). */
interface Scrollable {
  scrollToSelection(): void
}

/**
 * Whether going from `before` to `after` changed the story only after the selection (which stayed
 * where it was): nothing that moves the caret on the page. Cheap for y-tiptap's transactions,
 * which replace the whole document: the blocks they did not change are the same objects.
 */
export function changedOnlyAfterSelection(before: EditorState, after: Pick<EditorState, 'doc' | 'selection'>): boolean {
  if (!before.selection.eq(after.selection)) return false
  const start = before.doc.content.findDiffStart(after.doc.content)
  return start === null || start > before.selection.to
}

/** Whether `tr` is another person's edit from y-tiptap that changed the story only after the selection. */
function remoteAfterSelection(tr: Transaction, before: EditorState): boolean {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined
  return meta?.isChangeOrigin === true && changedOnlyAfterSelection(before, tr)
}

const scrollKey = new PluginKey<boolean>('scrollInFrame')

export const ScrollInFrame = Extension.create({
  name: 'scrollInFrame',
  addProseMirrorPlugins() {
    let frame: number | null = null
    /** True while ProseMirror scrolls for us: our handler then lets it. */
    let scrolling = false
    let current: EditorView | null = null
    const scrollNow = () => {
      frame = null
      const view = current
      if (!view || view.isDestroyed) return
      scrolling = true
      try {
        ;(view as unknown as Scrollable).scrollToSelection()
      } finally {
        scrolling = false
      }
    }
    return [
      new Plugin({
        key: scrollKey,
        // True after a remote edit whose scroll to the caret is not needed.
        state: {
          init: () => false,
          apply: (tr, _value, before) => tr.scrolledIntoView && remoteAfterSelection(tr, before),
        },
        view(view) {
          current = view
          return {
            destroy() {
              if (frame !== null) cancelAnimationFrame(frame)
              frame = null
              current = null
            },
          }
        },
        props: {
          handleScrollToSelection: (view) => {
            if (scrolling) return false
            if (scrollKey.getState(view.state)) return true
            if (typeof requestAnimationFrame !== 'function') return false
            frame ??= requestAnimationFrame(scrollNow)
            return true
          },
        },
      }),
    ]
  },
})
