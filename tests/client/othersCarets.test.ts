import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { Editor } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret'
import { yCursorPluginKey } from '@tiptap/y-tiptap'
import type { DecorationSet } from '@tiptap/pm/view'
import { OthersCaretsBack, withoutOwnChanges } from '../../src/editor/othersCarets'
import { storyExtensions } from '../../src/shared/schema'
import { BODY } from '../../src/shared/storyDoc'

afterEach(() => {
  vi.useRealTimers()
})

/** Another client's presence arriving. */
function arrives(awareness: awarenessProtocol.Awareness, state: Record<string, unknown>): number {
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  other.setLocalState(state)
  awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'server')
  other.destroy()
  return other.clientID
}

describe('the presence the caret plugin watches', () => {
  it('tells its change listeners of the others’ changes, not of this tab’s own', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    const watched = withoutOwnChanges(awareness)
    const change = vi.fn<(changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => void>()
    const update = vi.fn<() => void>()
    watched.on('change', change)
    watched.on('update', update)

    // This tab's caret moves (through the watched object, as y-tiptap does): no redraw asked.
    watched.setLocalStateField('cursor', { at: 1 })
    expect(change).not.toHaveBeenCalled()
    expect(update).toHaveBeenCalledTimes(1)
    expect(watched.getLocalState()).toEqual(awareness.getLocalState())

    const ann = arrives(awareness, { user: { name: 'Ann' }, cursor: { at: 4 } })
    expect(change).toHaveBeenCalledTimes(1)
    expect(change.mock.calls[0]?.[0].added).toEqual([ann])
    expect(watched.getStates().get(ann)).toEqual({ user: { name: 'Ann' }, cursor: { at: 4 } })

    // Unsubscribed through the same object: heard no more.
    watched.off('change', change)
    arrives(awareness, { user: { name: 'Bo' } })
    expect(change).toHaveBeenCalledTimes(1)
    awareness.destroy()
  })

  it('the others’ carets come back after this tab presses Enter (y-tiptap hides them after a structural edit)', () => {
    vi.useFakeTimers()
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    const element = document.body.appendChild(document.createElement('div'))
    const editor = new Editor({
      element,
      extensions: [
        ...storyExtensions(),
        Collaboration.configure({ document: doc, field: BODY }),
        CollaborationCaret.configure({ provider: { awareness: withoutOwnChanges(awareness) }, user: { name: 'Me', color: '#1f4e79' } }),
        OthersCaretsBack,
      ],
    })
    editor.commands.setContent('<p>The first paragraph.</p><p>The second paragraph.</p>')
    vi.advanceTimersByTime(10)
    editor.commands.focus('end', { scrollIntoView: false })
    editor.view.coordsAtPos = () => ({ left: 0, right: 0, top: 0, bottom: 0 })
    const carets = () => (yCursorPluginKey.getState(editor.state) as DecorationSet).find().filter((decoration) => decoration.spec.key !== undefined).length

    // Ann, reading the first paragraph.
    const text = (doc.getXmlFragment(BODY).get(0) as Y.XmlElement).get(0) as Y.XmlText
    const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 4))
    arrives(awareness, { user: { name: 'Ann', color: '#2c7a3f' }, cursor: { anchor: at, head: at } })
    vi.advanceTimersByTime(10)
    expect(carets()).toBe(1)

    editor.commands.splitBlock()
    vi.advanceTimersByTime(10)
    expect(carets()).toBe(1)
    editor.commands.insertContent('More.')
    vi.advanceTimersByTime(10)
    expect(carets()).toBe(1)
    editor.destroy()
    element.remove()
    awareness.destroy()
  })
})
