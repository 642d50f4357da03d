/**
 * The caret plugin's view of presence (src/editor/othersPresence.ts): with the real TipTap
 * Collaboration and CollaborationCaret extensions, remote carets are drawn, stay drawn through a
 * local edit that changes the story's structure, and this tab's own caret moves draw nothing.
 */
import { Editor } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret'
import { absolutePositionToRelativePosition, ySyncPluginKey } from '@tiptap/y-tiptap'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { AwarenessChanges } from '../../src/collab/presenceSending'
import { caretsDrawn, othersPresence } from '../../src/editor/othersPresence'
import { storyExtensions } from '../../src/shared/schema'
import { BODY } from '../../src/shared/storyDoc'

const cleanups: Array<() => void> = []
beforeEach(() => {
  // jsdom lays nothing out, and its ranges cannot be measured: y-tiptap asks whether the caret is in view.
  Object.assign(Range.prototype, { getClientRects: () => [], getBoundingClientRect: () => new DOMRect() })
})
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  Reflect.deleteProperty(Range.prototype, 'getClientRects')
  Reflect.deleteProperty(Range.prototype, 'getBoundingClientRect')
})

const tick = () => new Promise((resolve) => setTimeout(resolve, 10))

function open() {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  let editor: Editor | null = null
  const heard: number[][] = []
  const seen = othersPresence(awareness, () => caretsDrawn(editor))
  seen.on('change', ({ added, updated, removed }: AwarenessChanges) => heard.push([...added, ...updated, ...removed]))
  const element = document.createElement('div')
  document.body.append(element)
  editor = new Editor({
    element,
    extensions: [...storyExtensions(), Collaboration.configure({ document: doc, field: BODY }), CollaborationCaret.configure({ provider: { awareness: seen }, user: { name: 'Me', color: '#123456' } })],
  })
  const opened = editor
  // jsdom gives no focus to a contenteditable: y-tiptap publishes this tab's caret only when focused.
  opened.view.hasFocus = () => true
  opened.commands.setContent('<p>One two three.</p><p>Four five.</p>')
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  cleanups.push(() => {
    opened.destroy()
    other.destroy()
    awareness.destroy()
  })
  /** Ann, another client, puts her caret at `pos`. */
  const annAt = (pos: number) => {
    const ystate = ySyncPluginKey.getState(opened.state) as { type: Y.XmlFragment; binding: { mapping: Map<Y.AbstractType<unknown>, unknown> } }
    const caret = absolutePositionToRelativePosition(pos, ystate.type, ystate.binding.mapping as never)
    other.setLocalState({ user: { name: 'Ann', color: '#aa0000' }, cursor: { anchor: caret, head: caret } })
    awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'remote')
  }
  /** Remote carets drawn (CollaborationCaret's default rendering). */
  const drawn = () => element.querySelectorAll('.collaboration-carets__caret').length
  return { editor: opened, awareness, annAt, drawn, heard, other }
}

describe('the caret plugin’s view of presence', () => {
  it('hears others’ changes, not this tab’s own caret moves, while their carets are drawn', async () => {
    const { editor, annAt, drawn, heard, other } = open()
    annAt(20)
    await tick()
    expect(drawn()).toBe(1)
    heard.length = 0

    editor.commands.setTextSelection(3)
    editor.commands.insertContent('x')
    await tick()
    expect(heard).toEqual([])
    expect(drawn()).toBe(1)

    annAt(25)
    expect(heard).toEqual([[other.clientID]])
  })

  it('draws the others’ carets again after a local edit that changes the story’s structure', async () => {
    const { editor, annAt, drawn } = open()
    annAt(20)
    await tick()
    expect(drawn()).toBe(1)
    editor.commands.setTextSelection(4)
    editor.commands.splitBlock()
    await tick()
    expect(drawn()).toBe(1)
    editor.commands.insertContent('x')
    await tick()
    expect(drawn()).toBe(1)
  })
})
