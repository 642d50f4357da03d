/**
 * The presence y-tiptap's caret plugin watches, without this tab's own changes (issue 12).
 *
 * The plugin draws the others' carets, never this tab's own, yet it redrew all of them on every
 * presence change, this tab's included: each key press moves this tab's caret, so each key press
 * was followed by a transaction that placed every other caret again (a walk through the story for
 * each) and compared the decorations, in the task after the frame, where the next key press or
 * remote edit waits behind it. Here its `change` listeners hear only changes that name someone
 * else; everything else of the awareness is the real one.
 */
import type { Awareness } from 'y-protocols/awareness'

interface Changes {
  added: number[]
  updated: number[]
  removed: number[]
}
type Listener = (changes: Changes, origin: unknown) => void

/** Whether `changes` name a client other than `own`. */
export function namesOthers(changes: Changes, own: number): boolean {
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
