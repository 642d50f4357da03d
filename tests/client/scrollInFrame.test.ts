import { afterEach, describe, expect, it, vi } from 'vitest'
import { Editor } from '@tiptap/core'
import { Fragment, Slice } from '@tiptap/pm/model'
import { TextSelection } from '@tiptap/pm/state'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { storyExtensions } from '../../src/shared/schema'
import { ScrollInFrame } from '../../src/editor/scrollInFrame'

afterEach(() => {
  vi.unstubAllGlobals()
})

/** An editor with the caret in its second paragraph, and the frames it asks for. */
function editorWithCaret() {
  const frames: FrameRequestCallback[] = []
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback))
  vi.stubGlobal('cancelAnimationFrame', () => undefined)
  const element = document.body.appendChild(document.createElement('div'))
  const editor = new Editor({
    element,
    extensions: [...storyExtensions(), ScrollInFrame],
    content: '<p>First paragraph.</p><p>Second, with the caret.</p><p>Third paragraph.</p>',
  })
  // jsdom lays nothing out: the caret is where the frame's scroll finds it, at the top.
  editor.view.coordsAtPos = () => ({ left: 0, right: 0, top: 0, bottom: 0 })
  const second = editor.state.doc.child(0).nodeSize + 3
  editor.view.focus()
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, second)))
  return { editor, frames, element }
}

/** Another person's edit as y-tiptap dispatches it: the whole document replaced, one block changed, a scroll asked for. */
function remoteEdit(editor: Editor, block: number, text: string): void {
  const { doc, schema } = editor.state
  const blocks: ReturnType<typeof doc.child>[] = []
  doc.forEach((node, _offset, index) => blocks.push(index === block ? schema.nodes.paragraph!.create(null, schema.text(text)) : node))
  const { from, to } = editor.state.selection
  const tr = editor.state.tr.replace(0, doc.content.size, new Slice(Fragment.from(blocks), 0, 0))
  tr.setSelection(TextSelection.create(tr.doc, from, to)).setMeta(ySyncPluginKey, { isChangeOrigin: true }).scrollIntoView()
  editor.view.dispatch(tr)
}

describe('scrolling to the caret once a frame', () => {
  it('skips the scroll of another person’s edit after the caret, keeps it for one before, and for typing', () => {
    const { editor, frames, element } = editorWithCaret()
    frames.length = 0
    remoteEdit(editor, 2, 'Third paragraph, longer now.')
    expect(frames).toHaveLength(0)

    remoteEdit(editor, 0, 'First paragraph, longer now.')
    expect(frames).toHaveLength(1)
    frames.splice(0).forEach((callback) => callback(0))

    // Typing (as ProseMirror dispatches a typed character).
    editor.view.dispatch(editor.state.tr.insertText('x').scrollIntoView())
    expect(frames).toHaveLength(1)
    // An edit after the caret arriving before that frame does not cancel the typing's scroll.
    remoteEdit(editor, 2, 'Third paragraph, longer still.')
    const measured = vi.spyOn(editor.view, 'coordsAtPos')
    frames.splice(0).forEach((callback) => callback(0))
    expect(measured).toHaveBeenCalledWith(editor.state.selection.head, 1)
    editor.destroy()
    element.remove()
  })
})
