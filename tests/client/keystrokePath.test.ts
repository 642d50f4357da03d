/**
 * What keeps whole-page work off the key press's path (issue 12): the story body hidden from
 * React's selection saving (src/editor/reactSelectionGuard.ts) and the scroll to the caret made
 * once per frame (src/editor/scrollInFrame.ts).
 */
import { Editor, Extension } from '@tiptap/core'
import { Plugin } from '@tiptap/pm/state'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ReactSelectionGuard } from '../../src/editor/reactSelectionGuard'
import { ScrollInFrame } from '../../src/editor/scrollInFrame'
import { storyExtensions } from '../../src/shared/schema'

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
  vi.unstubAllGlobals()
})

/**
 * ProseMirror's own scroll measures the page, which jsdom cannot: a handler asked after ours counts
 * what reaches it (TipTap asks the plugins of later extensions first).
 */
const scrolled = vi.fn<() => void>()
const CountScrolls = Extension.create({
  name: 'countScrolls',
  addProseMirrorPlugins: () => [new Plugin({ props: { handleScrollToSelection: () => (scrolled(), true) } })],
})

function open(): Editor {
  const element = document.createElement('div')
  document.body.append(element)
  const editor = new Editor({ element, extensions: [...storyExtensions(), CountScrolls, ReactSelectionGuard, ScrollInFrame], content: '<p>One two.</p><p>Three.</p>' })
  editors.push(editor)
  return editor
}

describe('the key press path', () => {
  it('hides the body from React’s selection saving, while the attribute and editing stay as they are', () => {
    const editor = open()
    const body = editor.view.dom
    expect(body.contentEditable).toBe('inherit')
    expect(body.getAttribute('contenteditable')).toBe('true')
    editor.setEditable(false)
    expect(body.getAttribute('contenteditable')).toBe('false')
    editor.setEditable(true)
    expect(body.getAttribute('contenteditable')).toBe('true')
    editor.destroy()
    // The element is ProseMirror's again once the editor is gone.
    expect(Object.getOwnPropertyDescriptor(body, 'contentEditable')).toBeUndefined()
  })

  it('scrolls to the caret once, in the next frame, however many transactions asked for it', () => {
    const frames: FrameRequestCallback[] = []
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback))
    const editor = open()
    scrolled.mockClear()
    editor.view.focus()
    for (const text of ['a', 'b', 'c']) editor.view.dispatch(editor.state.tr.insertText(text).scrollIntoView())
    expect(scrolled).not.toHaveBeenCalled()
    expect(frames).toHaveLength(1)
    frames.shift()?.(0)
    expect(scrolled).toHaveBeenCalledTimes(1)
    expect(frames).toHaveLength(0)
  })
})
