import { afterEach, describe, expect, it } from 'vitest'
import { Editor } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import * as Y from 'yjs'
import { storyExtensions } from '../../src/shared/schema'
import { bodyWordCount, getBody, initStoryDoc } from '../../src/shared/storyDoc'

const editors: Editor[] = []
afterEach(() => {
  while (editors.length) editors.pop()?.destroy()
})

function editorOn(doc?: Y.Doc): Editor {
  const element = document.createElement('div')
  document.body.append(element)
  const editor = new Editor({
    element,
    extensions: doc ? [...storyExtensions(), Collaboration.configure({ document: doc, field: 'body' })] : storyExtensions(),
  })
  editors.push(editor)
  return editor
}

describe('story schema against hostile HTML', () => {
  it('keeps paragraphs, subheads, marks, lists and quotes', () => {
    const editor = editorOn()
    editor.commands.setContent(
      '<h2>Sub</h2><p><strong>b</strong> <em>i</em> <a href="https://example.org">l</a></p><ul><li><p>x</p></li></ul><ol><li><p>y</p></li></ol><blockquote><p>q</p></blockquote>',
    )
    expect(editor.getHTML()).toContain('<h2>Sub</h2>')
    expect(editor.getHTML()).toMatch(/<strong>b<\/strong> <em>i<\/em> <a [^>]*href="https:\/\/example.org"/)
    for (const tag of ['<ul>', '<ol>', '<blockquote>']) expect(editor.getHTML()).toContain(tag)
  })

  it('drops scripts, event handlers, images, styles and javascript: links from pasted HTML', () => {
    const editor = editorOn()
    editor.commands.setContent(
      '<p onclick="alert(1)" style="color:red">Safe <script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">click</a> <iframe src="https://evil"></iframe><code>c</code><s>s</s></p><h1>Big</h1>',
    )
    const html = editor.getHTML()
    expect(html).not.toMatch(/script|onerror|onclick|style=|<img|<iframe|javascript:|<code|<s>|<h1/i)
    expect(editor.getText()).toContain('Safe')
    expect(editor.getText()).toContain('click')
  })

  it('renders a forged document with unknown nodes and hostile links harmlessly', () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: ['ok'] })
    const body = getBody(doc)
    const script = new Y.XmlElement('script')
    script.insert(0, [new Y.XmlText('alert(1)')])
    const paragraph = new Y.XmlElement('paragraph')
    const text = new Y.XmlText()
    paragraph.insert(0, [text])
    text.insert(0, 'bad link', { link: { href: 'javascript:alert(1)' } })
    body.insert(1, [script, paragraph])
    const editor = editorOn(doc)
    const html = editor.getHTML()
    expect(html).not.toMatch(/<script|javascript:/i)
    expect(editor.getText()).toContain('bad link')
  })
})

describe('desk notes in the editor', () => {
  it('toggle on the selection, render distinctly and stay out of the word count', () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: ['Council votes today.'] })
    const editor = editorOn(doc)
    editor.commands.setTextSelection({ from: 1, to: 8 })
    editor.commands.toggleNote()
    expect(editor.getHTML()).toContain('<span data-desk-note="" class="desk-note" title="Desk note: never printed">Council</span>')
    expect(bodyWordCount(doc)).toBe(2)
    editor.commands.setTextSelection({ from: 1, to: 8 })
    editor.commands.toggleNote()
    expect(editor.getHTML()).not.toContain('desk-note')
    expect(bodyWordCount(doc)).toBe(3)
  })

  it('once turned on, keeps every character typed in the note until turned off', () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: ['Council votes today.'] })
    const editor = editorOn(doc)
    editor.commands.setTextSelection(editor.state.doc.content.size - 1)
    editor.commands.toggleNote()
    // One keystroke at a time, as typing does: each reads the marks where the caret is.
    for (const key of ' check the vote count') editor.view.dispatch(editor.state.tr.insertText(key))
    editor.commands.toggleNote()
    for (const key of ' Then more.') editor.view.dispatch(editor.state.tr.insertText(key))
    expect(editor.getHTML()).toContain('today.<span data-desk-note="" class="desk-note" title="Desk note: never printed"> check the vote count</span> Then more.')
    expect(bodyWordCount(doc)).toBe(5)
  })
})
