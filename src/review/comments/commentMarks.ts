/**
 * Comments in the editor: each open thread's passage is highlighted (a decoration, never a mark:
 * threads live outside the document, so commenting is not editing); the selection is published
 * as a passage to comment on; Ctrl/⌘+Alt+M opens the composer for it. Clicking a highlight puts
 * its thread in focus, and the thread in focus is scrolled into view.
 */
import { Extension, type Editor } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state'
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view'
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { decodeAnchor } from '../../shared/storyDoc'
import { passageAnchors } from './anchors'
import { useReview, type Highlight } from './reviewStore'

const highlightKey = new PluginKey<DecorationSet>('deskCommentHighlights')
const REFRESH = 'refreshCommentHighlights'
/** Longest quote kept with a new thread (the server takes up to 1000 characters). */
const QUOTE_CHARS = 500

interface Binding {
  type: Y.XmlFragment
  mapping: Map<unknown, unknown>
}

/** The editor's Yjs binding, once it has rendered the document. */
function bindingOf(state: EditorState): Binding | null {
  const ystate = ySyncPluginKey.getState(state) as { binding?: Binding | null } | undefined
  const binding = ystate?.binding
  return binding && binding.mapping.size > 0 ? binding : null
}

/** A ProseMirror position for an anchor, or null when it cannot be placed. */
function positionOf(doc: Y.Doc, binding: Binding, anchor: string, size: number): number | null {
  const decoded = decodeAnchor(anchor)
  const absolute = decoded && Y.createAbsolutePositionFromRelativePosition(decoded, doc)
  if (!absolute) return null
  try {
    // Re-made in the binding's own form: y-tiptap refuses a position in text that resolves to
    // the very start of the document ("misresolved" after block moves) unless it is type-based,
    // which this is at the start of a text node.
    const relative = Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, -1)
    const position = relativePositionToAbsolutePosition(doc, binding.type, relative, binding.mapping as never)
    return position === null ? null : Math.max(0, Math.min(position, size))
  } catch {
    return null
  }
}

function highlightDecorations(state: EditorState, doc: Y.Doc, highlights: Highlight[], active: string | null): DecorationSet {
  const binding = bindingOf(state)
  if (!binding || highlights.length === 0) return DecorationSet.empty
  const size = state.doc.content.size
  const decorations: Decoration[] = []
  for (const thread of highlights) {
    const from = positionOf(doc, binding, thread.start, size)
    const to = positionOf(doc, binding, thread.end, size)
    // A passage that is gone collapses to one spot: its thread is detached, nothing to draw.
    if (from === null || to === null || to <= from) continue
    decorations.push(
      Decoration.inline(
        from,
        to,
        {
          class: thread.id === active ? 'comment-highlight comment-highlight--active' : 'comment-highlight',
          'data-thread-id': thread.id,
          'aria-label': 'Commented passage',
        },
        { inclusiveStart: false, inclusiveEnd: false },
      ),
    )
  }
  return DecorationSet.create(state.doc, decorations)
}

/** The editor's selection as a passage of the body, or null. */
function selectedPassage(editor: Editor, doc: Y.Doc) {
  const { state } = editor
  const { from, to, empty } = state.selection
  if (empty) return null
  const binding = bindingOf(state)
  if (!binding) return null
  const quote = state.doc.textBetween(from, to, '\n', ' ').trim()
  if (!quote) return null
  try {
    const anchors = passageAnchors(
      doc,
      absolutePositionToRelativePosition(from, binding.type, binding.mapping as never),
      absolutePositionToRelativePosition(to, binding.type, binding.mapping as never),
    )
    return anchors ? { ...anchors, quote: quote.length > QUOTE_CHARS ? `${quote.slice(0, QUOTE_CHARS - 1)}…` : quote } : null
  } catch {
    return null
  }
}

function scrollToThread(view: EditorView, id: string | null): void {
  if (!id) return
  const element = view.dom.querySelector(`[data-thread-id="${CSS.escape(id)}"]`)
  element?.scrollIntoView({ block: 'nearest' })
}

export const CommentHighlights = Extension.create<{ doc: Y.Doc | null }>({
  name: 'deskCommentHighlights',
  addOptions() {
    return { doc: null }
  },
  addProseMirrorPlugins() {
    const doc = this.options.doc
    if (!doc) return []
    const build = (state: EditorState) => {
      const { highlights, activeThreadId } = useReview.getState()
      return highlightDecorations(state, doc, highlights, activeThreadId)
    }
    return [
      new Plugin<DecorationSet>({
        key: highlightKey,
        state: {
          init: () => DecorationSet.empty,
          apply(tr, old, _oldState, newState) {
            // Remote changes (and the first render) come through the Yjs binding: place every
            // passage afresh. Local edits move the highlights with the text they cover.
            if (tr.getMeta(REFRESH) || (tr.getMeta(ySyncPluginKey) !== undefined && useReview.getState().highlights.length > 0)) return build(newState)
            return tr.docChanged ? old.map(tr.mapping, tr.doc) : old
          },
        },
        props: {
          decorations: (state) => highlightKey.getState(state),
          handleClick(_view, _pos, event) {
            const target = event.target instanceof Element ? event.target.closest('[data-thread-id]') : null
            const id = target?.getAttribute('data-thread-id')
            if (id) useReview.getState().setActiveThread(id)
            return false
          },
        },
        view(view) {
          let destroyed = false
          const refresh = () => {
            if (!destroyed) view.dispatch(view.state.tr.setMeta(REFRESH, true).setMeta('addToHistory', false))
          }
          const unsubscribe = useReview.subscribe((state, previous) => {
            if (state.highlights === previous.highlights && state.activeThreadId === previous.activeThreadId) return
            refresh()
            if (state.activeThreadId !== previous.activeThreadId) scrollToThread(view, state.activeThreadId)
          })
          // The binding renders the document after this view exists: draw once it has.
          queueMicrotask(refresh)
          return {
            destroy() {
              destroyed = true
              unsubscribe()
            },
          }
        },
      }),
    ]
  },
  addKeyboardShortcuts() {
    return {
      'Mod-Alt-m': () => {
        const doc = this.options.doc
        if (!doc) return false
        const passage = selectedPassage(this.editor, doc)
        useReview.getState().setSelection(passage)
        return useReview.getState().openComposer(passage)
      },
    }
  },
  onSelectionUpdate() {
    if (this.options.doc) useReview.getState().setSelection(selectedPassage(this.editor, this.options.doc))
  },
  onDestroy() {
    useReview.getState().setSelection(null)
  },
})
