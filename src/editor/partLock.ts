/**
 * A reporter assigned only parts of a story edits only those parts (issue 15): the rest of the body
 * is shown read-only (shaded, and a note says which part is theirs) and the editor refuses any
 * change that reaches outside. The server enforces the same rule (server/partScope.ts) and closes
 * the connection of an update that breaks it, so this must never let one through: a change is
 * allowed only when every top-level block outside the writer's parts stays the very same node.
 *
 * New blocks at a part's edge (Enter at the end of its last paragraph, a paste there) join the part:
 * the server grows the part's anchors when it applies them. Until that change of the desk comes
 * back, the blocks this editor added at the edge count as the part's here too (`addedHere`).
 *
 * The ranges (ProseMirror positions of each editable run of blocks) are read from the Y.Doc only
 * when ProseMirror and Yjs agree: on changes that come from Yjs, and when the desk or the signed-in
 * person changes. The editor's own changes reach Yjs after the state is applied (the binding writes
 * in its view update), so on those the ranges are mapped instead, taking in what is typed at their
 * edges, as the server does.
 */
import { Extension } from '@tiptap/core'
import type { Node } from '@tiptap/pm/model'
import { Plugin, PluginKey, type Transaction } from '@tiptap/pm/state'
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { limitedParts } from '../shared/partAccess'
import { getBody, getDesk, readDesk, resolvePart } from '../shared/storyDoc'
import { useSession } from '../store/session'
import './partLock.css'

const lockKey = new PluginKey<LockState>('deskPartLock')
const REFRESH = 'refreshPartLock'
/** The note saying what is editable; the story body points at it with aria-describedby. */
export const PART_LOCK_HINT_ID = 'part-lock-hint'

interface LockState {
  /** Labels of the parts the signed-in person is limited to; null when they are not limited. */
  labels: string[] | null
  /** The editable runs of top-level blocks, as positions before the first and after the last block. */
  ranges: Array<{ from: number; to: number }>
  decorations: DecorationSet
}

const UNLIMITED: LockState = { labels: null, ranges: [], decorations: DecorationSet.empty }

/** The sentence the note shows (and screen readers read with the story body). */
export function partLockHint(labels: readonly string[]): string {
  const names = labels.map((label) => label || 'Part')
  return names.length === 1 ? `You can edit only your part: ${names[0]}` : `You can edit only your parts: ${names.join(', ')}`
}

/** Top-level block boundaries of `doc`: starts[i] is the position before block i, starts[childCount] the end. */
function blockStarts(doc: Node): number[] {
  const starts: number[] = []
  let pos = 0
  doc.forEach((node) => {
    starts.push(pos)
    pos += node.nodeSize
  })
  starts.push(pos)
  return starts
}

/** Read the lock from the Y.Doc, which `doc` must mirror; null when the two do not line up. */
function readLock(ydoc: Y.Doc, doc: Node, addedHere: WeakSet<Y.Item>): LockState | null {
  const session = useSession.getState().session
  if (session.kind !== 'signed-in') return UNLIMITED
  const parts = limitedParts(session.user, readDesk(ydoc))
  if (!parts) return UNLIMITED
  const blocks = getBody(ydoc).toArray()
  if (blocks.length !== doc.childCount) return null
  const mine = (index: number): boolean => {
    const item = (blocks[index] as { _item?: Y.Item | null } | undefined)?._item
    return item ? addedHere.has(item) : false
  }
  const starts = blockStarts(doc)
  const ranges: LockState['ranges'] = []
  for (const part of parts) {
    const range = resolvePart(ydoc, part)
    if (!range) continue
    let { from, to } = range
    to = Math.min(to, blocks.length)
    while (from > 0 && mine(from - 1)) from--
    while (to < blocks.length && mine(to)) to++
    if (from < to) ranges.push({ from: starts[from] ?? 0, to: starts[to] ?? 0 })
  }
  return withDecorations(
    parts.map((part) => part.label),
    ranges,
    doc,
  )
}

/** Shade every top-level block outside the ranges. */
function withDecorations(labels: string[], ranges: LockState['ranges'], doc: Node): LockState {
  const decorations: Decoration[] = []
  let pos = 0
  doc.forEach((node) => {
    const end = pos + node.nodeSize
    if (!ranges.some((range) => range.from <= pos && end <= range.to)) {
      // Not editable in the page either: the browser puts no caret there, so typing cannot start there.
      decorations.push(Decoration.node(pos, end, { class: 'part-lock__locked', contenteditable: 'false', title: 'Not your part: read-only' }))
    }
    pos = end
  })
  return { labels, ranges, decorations: DecorationSet.create(doc, decorations) }
}

/**
 * Whether `tr` changes only blocks inside the ranges: the top-level blocks before and after what it
 * changes must be the same nodes, and what it changes (or where it inserts) must lie in one range.
 */
function staysInside(tr: Transaction, before: Node, ranges: LockState['ranges']): boolean {
  const after = tr.doc
  const oldCount = before.childCount
  const newCount = after.childCount
  let prefix = 0
  while (prefix < oldCount && prefix < newCount && before.child(prefix) === after.child(prefix)) prefix++
  let suffix = 0
  while (suffix < oldCount - prefix && suffix < newCount - prefix && before.child(oldCount - 1 - suffix) === after.child(newCount - 1 - suffix)) suffix++
  const starts = blockStarts(before)
  const from = starts[prefix] ?? 0
  const to = starts[oldCount - suffix] ?? 0
  return ranges.some((range) => range.from <= from && to <= range.to)
}

export const PartLock = Extension.create<{ doc: Y.Doc | null }>({
  name: 'deskPartLock',
  addOptions() {
    return { doc: null }
  },
  addProseMirrorPlugins() {
    const ydoc = this.options.doc
    if (!ydoc) return []
    // Blocks this editor added to the body: at a part's edge they are the part's until the server's growth arrives.
    const addedHere = new WeakSet<Y.Item>()
    return [
      new Plugin<LockState>({
        key: lockKey,
        state: {
          init: (_config, state) => readLock(ydoc, state.doc, addedHere) ?? UNLIMITED,
          apply(tr, old, _oldState, newState) {
            const fromYjs = tr.getMeta(ySyncPluginKey) !== undefined
            if (tr.getMeta(REFRESH) || (fromYjs && tr.docChanged)) {
              const read = readLock(ydoc, newState.doc, addedHere)
              if (read) return read
            }
            if (!tr.docChanged || old.labels === null) return old
            // Typed at an edge: the server takes it into the part, so the range takes it in too.
            const ranges = old.ranges.map((range) => ({ from: tr.mapping.map(range.from, -1), to: tr.mapping.map(range.to, 1) }))
            return withDecorations(old.labels, ranges, newState.doc)
          },
        },
        filterTransaction(tr, state) {
          if (!tr.docChanged || tr.getMeta(ySyncPluginKey) !== undefined) return true
          const lock = lockKey.getState(state)
          if (!lock || lock.labels === null) return true
          return staysInside(tr, state.doc, lock.ranges)
        },
        props: {
          decorations: (state) => lockKey.getState(state)?.decorations,
          attributes: (state): Record<string, string> => (lockKey.getState(state)?.labels ? { 'aria-describedby': PART_LOCK_HINT_ID } : {}),
        },
        view(view) {
          const hint = document.createElement('p')
          hint.id = PART_LOCK_HINT_ID
          hint.className = 'part-lock__hint'
          hint.setAttribute('role', 'note')
          const showHint = (editorView: EditorView) => {
            // A story read-only to everyone (locked, or not theirs at all) needs no word about parts.
            const labels = editorView.editable ? (lockKey.getState(editorView.state)?.labels ?? null) : null
            // Written only when it changes: this runs on every transaction, each key press's too (issue 12).
            const text = labels ? partLockHint(labels) : ''
            if (hint.hidden !== (labels === null)) hint.hidden = labels === null
            if (hint.textContent !== text) hint.textContent = text
            // Beside the story body, outside its editable content (TipTap mounts the body late).
            const parent = editorView.dom.parentElement
            if (parent && hint.parentElement !== parent) parent.insertBefore(hint, editorView.dom)
          }
          // Deferred: the desk map may change in the same Yjs transaction as the body, whose
          // rendering into ProseMirror must come first for the two to line up.
          let queued = false
          const refresh = () => {
            if (queued) return
            queued = true
            queueMicrotask(() => {
              queued = false
              if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(REFRESH, true).setMeta('addToHistory', false))
            })
          }
          const body = getBody(ydoc)
          const noteAdded = (event: Y.YXmlEvent, transaction: Y.Transaction) => {
            if (!transaction.local) return
            for (const item of event.changes.added) addedHere.add(item)
          }
          body.observe(noteAdded)
          const desk = getDesk(ydoc)
          desk.observe(refresh)
          const unsubscribe = useSession.subscribe((state, previous) => {
            if (state.session !== previous.session) refresh()
          })
          showHint(view)
          return {
            update: showHint,
            destroy() {
              body.unobserve(noteAdded)
              desk.unobserve(refresh)
              unsubscribe()
              hint.remove()
            },
          }
        },
      }),
    ]
  },
})
