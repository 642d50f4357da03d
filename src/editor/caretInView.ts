/**
 * Whether this tab's caret is in view, as y-tiptap asks on every remote change (issue 12).
 *
 * When another person's edit arrives, y-tiptap keeps the caret in view if it was in view: it
 * measures the selection (`getClientRects`) right there, in the task that applies the edit. The
 * previous edits of the frame have changed the page by then, so the browser lays the page out
 * again to answer, once per remote edit, and then again to draw the frame.
 *
 * Here the answer is measured once after each painted frame that followed a change that can move
 * the caret (the layout is the one just drawn, so measuring costs nothing more), and kept until the
 * page scrolls, or the window or the story body changes size: then it is unknown until measured
 * again, and y-tiptap measures for itself as before. The caret's head is measured (y-tiptap's own
 * question covers the whole selection; the head is what this tab's editor scrolls to).
 * What the page showed at its last frame is what the person saw, which is what the question is
 * about; the caret this tab moves itself is scrolled to by the editor anyway.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import type { EditorView } from '@tiptap/pm/view'
import { ProsemirrorBinding } from '@tiptap/y-tiptap'
import { afterPaint } from '../ui/afterPaint'
import { changedOnlyAfterSelection } from './scrollInFrame'

interface Binding {
  prosemirrorView: EditorView
}
type InView = (this: Binding) => boolean
interface PatchablePrototype {
  _isLocalCursorInView: InView
}

const proto = ProsemirrorBinding.prototype as unknown as PatchablePrototype
const stockInView: InView = proto._isLocalCursorInView

/** Per view: the caret was in view at the last frame (true or false), or unknown (null). */
const measured = new WeakMap<EditorView, boolean | null>()

const knownInView: InView = function () {
  const view = this.prosemirrorView
  if (!view.hasFocus()) return false
  return measured.get(view) ?? stockInView.call(this)
}

/** Has y-tiptap read the measurement (idempotent; views without `CaretInView` measure as before). */
export function installCaretInView(): void {
  proto._isLocalCursorInView = knownInView
}

/** Whether the selection's head is inside the window (the question y-tiptap asks). */
function headInWindow(view: EditorView): boolean {
  const rect = view.coordsAtPos(view.state.selection.head)
  return rect.bottom >= 0 && rect.right >= 0 && rect.top <= window.innerHeight && rect.left <= window.innerWidth
}

export const CaretInView = Extension.create({
  name: 'caretInView',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('caretInView'),
        view(view) {
          if (typeof window === 'undefined') return {}
          const measure = afterPaint(() => {
            if (view.isDestroyed) return
            try {
              measured.set(view, headInWindow(view))
            } catch {
              // Not measurable now (a selection in a node being replaced): y-tiptap measures itself.
              measured.set(view, null)
            }
          })
          const moved = () => {
            measured.set(view, null)
            // No frame of its own: a scroll draws frames anyway, and a resize is noticed in one.
            measure.schedule(false)
          }
          // A script's scrollTo is seen at the next frame, with its scroll event: an edit arriving
          // before that frame is still judged by the last measurement (left open: reading the
          // scroll position on each edit would lay the page out, which this patch avoids).
          window.addEventListener('scroll', moved, { capture: true, passive: true })
          window.addEventListener('resize', moved, { passive: true })
          // The story's column changing size (the side panel, fonts arriving) moves the caret too.
          const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(moved) : null
          resized?.observe(view.dom)
          moved()
          return {
            // Another person's edit after the caret cannot move it: nothing to measure, and no
            // frame to ask for (most such edits are in paragraphs far out of view).
            update: (_view, before) => {
              if (!changedOnlyAfterSelection(before, view.state)) measure.schedule()
            },
            destroy() {
              measure.cancel()
              measured.delete(view)
              window.removeEventListener('scroll', moved, { capture: true })
              window.removeEventListener('resize', moved)
              resized?.disconnect()
            },
          }
        },
      }),
    ]
  },
})
