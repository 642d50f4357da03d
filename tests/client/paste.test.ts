/**
 * Pasting into the editor from Word, Google Docs and a news web page (clipboard HTML samples in
 * tests/fixtures/clipboard, written for the tests in each source's shape): the structure comes
 * across (subheads, lists, quotes, links, bold, italic), the rest does not.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Editor, type JSONContent } from '@tiptap/core'
import { afterEach, describe, expect, it } from 'vitest'
import { PasteCleanup } from '../../src/editor/pasteCleanup'
import { storyExtensions } from '../../src/shared/schema'

// Vitest runs from the project root (jsdom's import.meta.url is not a file URL).
const sample = (name: string) => readFileSync(path.resolve('tests/fixtures/clipboard', name), 'utf8')

// jsdom has no ClipboardEvent, which ProseMirror's pasteHTML builds around the HTML it is given.
globalThis.ClipboardEvent ??= class ClipboardEvent extends Event {
  readonly clipboardData = null
} as unknown as typeof globalThis.ClipboardEvent

const editors: Editor[] = []
afterEach(() => {
  while (editors.length) editors.pop()?.destroy()
})

/** Paste `html` into an empty story body through the editor's paste path. */
function paste(html: string): Editor {
  const element = document.createElement('div')
  document.body.append(element)
  const editor = new Editor({ element, extensions: [...storyExtensions(), PasteCleanup] })
  editors.push(editor)
  editor.view.pasteHTML(html)
  return editor
}

/** The document as block types with their text, lists nested, marks as markup. */
function outline(node: JSONContent): unknown {
  if (node.type === 'text') {
    const marks = (node.marks ?? []).map((mark) => (mark.type === 'link' ? `link:${String(mark.attrs?.href)}` : mark.type))
    return marks.length ? `[${marks.join('+')}]${node.text}` : node.text
  }
  const inner = (node.content ?? []).map(outline)
  if (node.type === 'paragraph') return (inner as string[]).join('')
  if (node.type === 'heading') return `h${String(node.attrs?.level)}: ${(inner as string[]).join('')}`
  return { [node.type ?? '?']: inner }
}

/** The body's outline; the empty paragraph the paste went into stays last, and is left out. */
function body(editor: Editor): unknown[] {
  const blocks = (outline(editor.getJSON()) as { doc: unknown[] }).doc
  return blocks.at(-1) === '' ? blocks.slice(0, -1) : blocks
}

describe('pasting', () => {
  it('from Word: subheads, nested bullets, numbered lists, the Quote style, links and emphasis; no fonts, colours or pictures', () => {
    const editor = paste(sample('word.html'))
    expect(body(editor)).toEqual([
      'h2: Council backs the budget',
      'The council [bold]voted 7-2 on [italic]Tuesday, see [link:https://example.org/vote]the record.',
      'h2: Reaction',
      { bulletList: [{ listItem: ['Taxes stay flat', { bulletList: [{ listItem: ['For now'] }] }] }, { listItem: ['Fees rise'] }] },
      { orderedList: [{ listItem: ['Vote'] }, { listItem: ['Publish'] }] },
      { blockquote: ['“We will pay,” the mayor said.'] },
    ])
    expect(editor.getHTML()).not.toMatch(/style=|<img|mso|Symbol|·/)
  })

  it('from Google Docs: bold and italic set by style, the wrapper that is not bold, lists and quotes', () => {
    const editor = paste(sample('google-docs.html'))
    expect(body(editor)).toEqual([
      'h2: Reaction',
      'The council [bold]voted on [italic]Tuesday, see [link:https://example.org/vote]the record.',
      { bulletList: [{ listItem: ['Taxes stay flat'] }, { listItem: ['Fees rise'] }] },
      { blockquote: ['“We will pay,” the mayor said.'] },
    ])
    expect(editor.getHTML()).not.toMatch(/style=|<img|docs-internal/)
  })

  it('from a news web page: the article, without navigation, pictures, asides, ads, scripts or buttons', () => {
    const editor = paste(sample('web-page.html'))
    expect(body(editor)).toEqual([
      'h2: Council backs the budget',
      'By [link:/staff/ann]Ann Lee',
      'The council [bold]voted 7-2 on [italic]Tuesday, see [link:https://example.org/vote]the record.',
      'h2: Reaction',
      { bulletList: [{ listItem: ['Taxes stay flat'] }, { listItem: ['Fees rise'] }] },
      { blockquote: ['“We will pay,” the mayor said.'] },
    ])
    expect(editor.getText()).not.toMatch(/Home|Related|Share|©|Councillors vote|ads/)
    expect(editor.getHTML()).not.toMatch(/onclick|<img|<iframe/)
  })
})
