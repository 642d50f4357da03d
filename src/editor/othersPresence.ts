/**
 * Presence as the editor's caret plugin (y-tiptap, through TipTap's CollaborationCaret) should
 * hear it (issue 12). The plugin redraws every remote caret, in an editor transaction of its own,
 * on each presence change, this tab's own too, which it never draws; and this tab's caret moves
 * on every key press, so each key press cost a second transaction before the frame.
 *
 * `othersPresence` is the same Awareness, but its `change` listeners hear only changes to others'
 * presence, and this tab's own only while no remote caret is drawn though others are here: the
 * plugin clears every caret after a local edit that changes the story's structure (Enter, joined
 * paragraphs, a paste) and counts on this tab's next caret move to draw them again.
 */
import type { Editor } from '@tiptap/core'
import { yCursorPluginKey } from '@tiptap/y-tiptap'
import type { DecorationSet } from '@tiptap/pm/view'
import type { AwarenessChanges, AwarenessListener } from '../collab/presenceSending'

interface Presence {
  clientID: number
  getStates(): Map<number, unknown>
  on(name: string, listener: AwarenessListener): void
  off(name: string, listener: AwarenessListener): void
}

/** Whether `editor` (once it exists) draws any remote caret now. */
export function caretsDrawn(editor: Editor | null): boolean {
  if (!editor || editor.isDestroyed) return true
  const carets = yCursorPluginKey.getState(editor.state) as DecorationSet | undefined
  return (carets?.find().length ?? 0) > 0
}

/** `awareness` for the caret plugin; `drawn` says whether it draws any remote caret now. */
export function othersPresence<T extends Presence>(awareness: T, drawn: () => boolean): T {
  const filtered = new Map<AwarenessListener, AwarenessListener>()
  const othersOnly = (listener: AwarenessListener): AwarenessListener => {
    let wrapper = filtered.get(listener)
    if (!wrapper) {
      wrapper = (changes: AwarenessChanges, origin) => {
        const own = awareness.clientID
        const others = [changes.added, changes.updated, changes.removed].some((ids) => ids.some((id) => id !== own))
        if (others || (awareness.getStates().size > 1 && !drawn())) listener(changes, origin)
      }
      filtered.set(listener, wrapper)
    }
    return wrapper
  }
  return new Proxy(awareness, {
    get(target, property) {
      if (property === 'on') return (name: string, listener: AwarenessListener) => target.on(name, name === 'change' ? othersOnly(listener) : listener)
      if (property === 'off') {
        return (name: string, listener: AwarenessListener) => {
          target.off(name, name === 'change' ? othersOnly(listener) : listener)
          if (name === 'change') filtered.delete(listener)
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
