/**
 * The caret's paragraph is always laid out in a long story (src/editor/longStory.ts): it is marked
 * from the moment it exists, a paragraph made by Enter included, and only the paragraphs holding
 * the selection's ends are.
 */
import { Editor } from '@tiptap/core'
import { afterEach, describe, expect, it } from 'vitest'
import { CARET_BLOCK, LongStory } from '../../src/editor/longStory'
import { storyExtensions } from '../../src/shared/schema'

const editors: Editor[] = []
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy()
})

function open(): Editor {
  const element = document.createElement('div')
  document.body.append(element)
  const editor = new Editor({ element, extensions: [...storyExtensions(), LongStory], content: '<p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p>' })
  editors.push(editor)
  return editor
}

/** The texts of the paragraphs marked as the caret's. */
const marked = (editor: Editor) => [...editor.view.dom.querySelectorAll(`p.${CARET_BLOCK}`)].map((paragraph) => paragraph.textContent)

describe('the caret’s paragraph in a long story', () => {
  it('is marked, and a paragraph made by Enter is marked as it is made', () => {
    const editor = open()
    editor.commands.setTextSelection(11)
    expect(marked(editor)).toEqual(['Two.'])
    editor.commands.splitBlock()
    expect(marked(editor)).toEqual([''])
    editor.commands.insertContent('Five')
    expect(marked(editor)).toEqual(['Five'])
  })

  it('marks the paragraphs at both ends of a selection, and nothing between them', () => {
    const editor = open()
    editor.commands.setTextSelection({ from: 2, to: 22 })
    expect(marked(editor)).toEqual(['One.', 'Four.'])
  })
})
