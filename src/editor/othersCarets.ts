/**
 * The presence y-tiptap's caret plugin watches, without this tab's own changes (issue 12).
 *
 * The plugin draws the others' carets, never this tab's own, yet it redrew all of them on every
 * presence change, this tab's included: each key press moves this tab's caret, so each key press
 * was followed by a transaction that placed every other caret again (a walk through the story for
 * each) and compared the decorations, in the task after the frame, where the next key press or
 * remote edit waits behind it. Here its `change` listeners hear only changes that name someone
 * else; everything else of the awareness is the real one.
 *
 * One of this tab's own changes did matter: after a local edit that changes the story's structure
 * (Enter, joining paragraphs, a pasted list), the plugin hides every caret until the collaborators
 * publish again, and it was this tab's own caret move in the same edit that brought them back.
 * `OthersCaretsBack` asks for that redraw itself when such an edit has emptied the carets.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { DecorationSet } from '@tiptap/pm/view'
import { setMeta, yCursorPluginKey } from '@tiptap/y-tiptap'
import type { Awareness } from 'y-protocols/awareness'

interface Changes {
  added: number[]
  updated: number[]
  removed: number[]
}
type Listener = (changes: Changes, origin: unknown) => void

/** Whether `changes` name a client other than `own`. */
function namesOthers(changes: Changes, own: number): boolean {
  return [changes.added, changes.updated, changes.removed].some((ids) => ids.some((id) => id !== own))
}

/** `awareness`, its `change` listeners told only of changes naming someone else. */
export function withoutOwnChanges(awareness: Awareness): Awareness {
  const wrapped = new WeakMap<Listener, Listener>()
  const wrap = (listener: Listener): Listener => {
    let wrapper = wrapped.get(listener)
    if (!wrapper) {
      wrapper = (changes, origin) => {
        if (namesOthers(changes, awareness.clientID)) listener(changes, origin)
      }
      wrapped.set(listener, wrapper)
    }
    return wrapper
  }
  const on = (name: string, listener: Listener) => awareness.on(name as 'change', name === 'change' ? wrap(listener) : listener)
  const off = (name: string, listener: Listener) => awareness.off(name as 'change', name === 'change' ? (wrapped.get(listener) ?? listener) : listener)
  return new Proxy(awareness, {
    get(target, property) {
      if (property === 'on') return on
      if (property === 'off') return off
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

/** Draws the others' carets again once a structural edit of this tab has hidden them (see above). */
export const OthersCaretsBack = Extension.create({
  name: 'othersCaretsBack',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('othersCaretsBack'),
        view: () => ({
          update(view, before) {
            const shown = yCursorPluginKey.getState(before) as DecorationSet | undefined
            const now = yCursorPluginKey.getState(view.state) as DecorationSet | undefined
            // As y-tiptap redraws for a presence change: in a task of its own, once this edit is in Yjs.
            if (shown && shown !== DecorationSet.empty && now === DecorationSet.empty && !view.state.doc.eq(before.doc)) {
              setMeta(view, yCursorPluginKey, { awarenessUpdated: true })
            }
          },
        }),
      }),
    ]
  },
})
