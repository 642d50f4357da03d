/**
 * Story parts in the editor: each assigned run of blocks gets a label above it ("Background ·
 * Robin Reporter") and a rule beside it; and the selection's block range is published for the
 * desk chief's "Assign part" form. Parts live in the document's `desk` map (server-written).
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, TextSelection, type EditorState } from '@tiptap/pm/state'
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view'
import type * as Y from 'yjs'
import { getDesk, readDesk, resolvePart } from '../shared/storyDoc'
import { useSession } from '../store/session'
import { useEditorUi } from '../store/ui'

const partsKey = new PluginKey<DecorationSet>('deskStoryParts')
const REFRESH = 'refreshParts'

function nameOf(id: number | null): string {
  if (id === null) return 'Unassigned'
  return useSession.getState().users.find((user) => user.id === id)?.displayName ?? `User ${id}`
}

function colorOf(id: number | null): string {
  return useSession.getState().users.find((user) => user.id === id)?.color ?? '#8a8b90'
}

/** Decorations for every part that still has text. Top-level body blocks map 1:1 to the doc's children. */
function partDecorations(state: EditorState, doc: Y.Doc): DecorationSet {
  const parts = readDesk(doc).parts
  if (parts.length === 0) return DecorationSet.empty
  const starts: number[] = []
  let pos = 0
  state.doc.forEach((node) => {
    starts.push(pos)
    pos += node.nodeSize
  })
  starts.push(pos)
  const decorations: Decoration[] = []
  for (const part of parts) {
    const range = resolvePart(doc, part)
    if (!range) continue
    const from = Math.min(range.from, starts.length - 1)
    const to = Math.min(range.to, starts.length - 1)
    if (to <= from) continue
    const color = colorOf(part.assignee)
    const text = `${part.label || 'Part'} · ${nameOf(part.assignee)}`
    decorations.push(
      Decoration.widget(
        starts[from] ?? 0,
        () => {
          const label = document.createElement('div')
          label.className = 'part-label'
          label.contentEditable = 'false'
          label.style.borderColor = color
          label.textContent = text
          label.setAttribute('aria-label', `Story part: ${text}`)
          return label
        },
        { side: -1, key: `${part.id}:${text}:${color}` },
      ),
    )
    for (let index = from; index < to; index++) {
      decorations.push(Decoration.node(starts[index] ?? 0, starts[index + 1] ?? 0, { class: 'story-part', style: `border-left-color: ${color}` }))
    }
  }
  return DecorationSet.create(state.doc, decorations)
}

/**
 * Bring the part a notification asked for (src/store/ui.ts `showPart`) into view, the cursor at
 * its start, once this story's text has it (it may arrive after the editor opens). Part ids are
 * unique across stories, so another story's request is left for that story.
 */
function showAskedPart(view: EditorView, doc: Y.Doc): void {
  const id = useEditorUi.getState().partToShow
  if (id === null || view.isDestroyed) return
  const part = readDesk(doc).parts.find((candidate) => candidate.id === id)
  const range = part ? resolvePart(doc, part) : null
  if (!range || range.from >= view.state.doc.childCount) return
  useEditorUi.getState().takePartToShow()
  let pos = 0
  for (let index = 0; index < range.from; index++) pos += view.state.doc.child(index).nodeSize
  const selection = TextSelection.near(view.state.doc.resolve(Math.min(pos + 1, view.state.doc.content.size)))
  view.dispatch(view.state.tr.setSelection(selection).scrollIntoView().setMeta('addToHistory', false))
  view.focus()
}

export const StoryParts = Extension.create<{ doc: Y.Doc | null }>({
  name: 'deskStoryParts',
  addOptions() {
    return { doc: null }
  },
  addProseMirrorPlugins() {
    const doc = this.options.doc
    if (!doc) return []
    return [
      new Plugin<DecorationSet>({
        key: partsKey,
        state: {
          init: (_config, state) => partDecorations(state, doc),
          apply(tr, old, _oldState, newState) {
            // Cheap when there are no parts; otherwise recomputed only when the text or the desk changes.
            if (tr.getMeta(REFRESH) || (tr.docChanged && readDesk(doc).parts.length > 0)) return partDecorations(newState, doc)
            return tr.docChanged ? old.map(tr.mapping, tr.doc) : old
          },
        },
        props: {
          decorations: (state) => partsKey.getState(state),
        },
        view(view) {
          const desk = getDesk(doc)
          const refresh = () => view.dispatch(view.state.tr.setMeta(REFRESH, true).setMeta('addToHistory', false))
          desk.observe(refresh)
          const unsubscribe = useSession.subscribe((state, previous) => {
            if (state.users !== previous.users) refresh()
          })
          // A part asked for is looked for after each change (not inside one: it dispatches).
          let looking: ReturnType<typeof setTimeout> | null = null
          const lookForAskedPart = () => {
            if (looking !== null || useEditorUi.getState().partToShow === null) return
            looking = setTimeout(() => {
              looking = null
              showAskedPart(view, doc)
            }, 0)
          }
          lookForAskedPart()
          const unsubscribeUi = useEditorUi.subscribe((state, previous) => {
            if (state.partToShow !== previous.partToShow) lookForAskedPart()
          })
          return {
            update: lookForAskedPart,
            destroy() {
              desk.unobserve(refresh)
              unsubscribe()
              unsubscribeUi()
              if (looking !== null) clearTimeout(looking)
            },
          }
        },
      }),
    ]
  },
  onSelectionUpdate() {
    const { $from, $to } = this.editor.state.selection
    useEditorUi.getState().setBlockRange({ from: $from.index(0), to: $to.index(0) + 1 })
  },
  onDestroy() {
    useEditorUi.getState().setBlockRange(null)
  },
})
