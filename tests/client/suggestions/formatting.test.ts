/**
 * Suggested formatting and block types (src/review/suggest/markStep.ts, blockTypes.ts): applied at
 * once and recorded, so rejecting puts back what was there; two people's records stack and each
 * settles on its own; someone writing directly keeps the suggestions a block carries.
 */
import { describe, expect, it } from 'vitest'
import type { Node as PMNode } from '@tiptap/pm/model'
import { listSuggestions } from '../../../src/review/suggest/listSuggestions'
import { bodyBlocks } from '../../../src/shared/storyDoc'
import { countOpenSuggestions } from '../../../src/shared/suggestions'
import type { Peer } from '../../helpers/peers'
import { exchange } from '../../helpers/peers'
import { at, type } from '../../helpers/typing'
import { copyOf, expectConverged, hasSuggestionMarks, pair } from './suggestPeers'

/** The runs of text with their marks, e.g. `['The ', 'council[bold|~bold:A1]', ' met.']` (~ is a format record). */
function formatted(doc: PMNode): string[] {
  const out: string[] = []
  doc.descendants((node) => {
    if (!node.isText) return true
    const marks = node.marks.map((mark) => {
      if (mark.type.name !== 'formatChange') return mark.type.name
      const { added, removed, id } = mark.attrs as { added: Array<{ type: string }>; removed: Array<{ type: string }>; id: string }
      return `~${[...added.map((r) => `+${r.type}`), ...removed.map((r) => `-${r.type}`)].join(',')}:${id}`
    })
    out.push(marks.length ? `${node.text}[${marks.join('|')}]` : (node.text ?? ''))
    return false
  })
  return out
}

describe('suggested formatting', () => {
  it('bold and italic in suggest mode apply at once, are recorded, and reject puts the text back', () => {
    const { a, b } = pair('<p>The council met on <em>Tuesday</em>.</p>')
    a.editor.chain().setTextSelection({ from: at(a.editor, 0, 'council'), to: at(a.editor, 0, 'council', true) }).toggleBold().run()
    a.editor.chain().setTextSelection({ from: at(a.editor, 0, 'Tuesday'), to: at(a.editor, 0, 'Tuesday', true) }).toggleItalic().run()
    expect(formatted(a.editor.state.doc)).toEqual(['The ', 'council[bold|~+bold:A1]', ' met on ', 'Tuesday[~-italic:A2]', '.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.formats, s.formatted])).toEqual([
      ['A1', ['Bold'], 'council'],
      ['A2', ['Not italic'], 'Tuesday'],
    ])
    exchange(a, b)
    expect(b.editor.view.dom.querySelector('span.suggestion--format')?.getAttribute('title')).toMatch(/^Bold\. Suggested by Alice Editor, /)
    b.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(formatted(a.editor.state.doc)).toEqual(['The council met on ', 'Tuesday[italic]', '.'])
    expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)
    expect(formatted(a.editor.state.doc).join('')).not.toContain('~')

    // Accepted: the formatting stays, the record goes.
    a.editor.chain().setTextSelection({ from: at(a.editor, 0, 'council'), to: at(a.editor, 0, 'council', true) }).toggleBold().run()
    exchange(a, b)
    b.editor.commands.acceptAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(formatted(b.editor.state.doc)).toEqual(['The ', 'council[bold]', ' met on ', 'Tuesday[italic]', '.'])
  })

  it('undoing my own formatting by hand cancels the record; my own suggested text records nothing', () => {
    const { a } = pair('<p>The council met.</p>')
    const select = () => a.editor.commands.setTextSelection({ from: at(a.editor, 0, 'council'), to: at(a.editor, 0, 'council', true) })
    select()
    a.editor.commands.toggleBold()
    select()
    a.editor.commands.toggleBold()
    expect(formatted(a.editor.state.doc)).toEqual(['The council met.'])
    expect(listSuggestions(a.editor.state.doc)).toEqual([])
    type(a.editor, at(a.editor, 0, ' met'), ' finally')
    a.editor.chain().setTextSelection({ from: at(a.editor, 0, ' finally'), to: at(a.editor, 0, ' finally', true) }).toggleBold().run()
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.inserted, s.formats])).toEqual([[' finally', []]])
  })

  it('two people reformatting the same words: their records stack, and each settles on its own', () => {
    const { a, b } = pair('<p>The council met.</p>')
    b.editor.commands.setSuggesting(true)
    a.editor.chain().setTextSelection({ from: at(a.editor, 0, 'council'), to: at(a.editor, 0, 'council', true) }).toggleBold().run()
    exchange(a, b)
    b.editor.chain().setTextSelection({ from: at(b.editor, 0, 'council'), to: at(b.editor, 0, 'council', true) }).toggleBold().run()
    exchange(a, b)
    expectConverged(a, b)
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.authorName, s.formats])).toEqual([
      ['B1', 'Bob Reporter', ['Not bold']],
      ['A1', 'Alice Editor', ['Bold']],
    ])
    expect(countOpenSuggestions(a.doc)).toBe(2)
    // Rejecting Bob's brings Alice's bold back; rejecting Alice's then leaves the words as they were.
    const copy = copyOf(a)
    copy.editor.commands.rejectSuggestion('B1')
    expect(formatted(copy.editor.state.doc)).toEqual(['The ', 'council[bold|~+bold:A1]', ' met.'])
    copy.editor.commands.rejectSuggestion('A1')
    expect(formatted(copy.editor.state.doc)).toEqual(['The council met.'])
    // Rejecting all, in whatever order the editor holds them, does the same.
    a.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(formatted(b.editor.state.doc)).toEqual(['The council met.'])
  })

  it('a link changed in suggest mode: reject puts the old address back', () => {
    const { a, b } = pair('<p>See <a href="https://old.example">the report</a>.</p>')
    a.editor.chain().setTextSelection({ from: at(a.editor, 0, 'the report'), to: at(a.editor, 0, 'the report', true) }).setLink({ href: 'https://new.example' }).run()
    expect(listSuggestions(a.editor.state.doc).map((s) => s.formats)).toEqual([['Link to https://new.example', 'Not link']])
    exchange(a, b)
    b.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(b.editor.getHTML()).toContain('href="https://old.example"')
    expect(b.editor.getHTML()).not.toContain('new.example')
  })

  it('block types: a paragraph made a heading is recorded, reject makes it a paragraph again, with its break suggestion kept', () => {
    const { a, b } = pair('<p>Roads</p><p>Repairs start in May.</p>')
    a.editor.chain().setTextSelection(at(a.editor, 0, 'Roads')).toggleHeading({ level: 2 }).run()
    expect(a.editor.getHTML()).toMatch(/^<h2 class="suggested-type"[^>]*>Roads<\/h2>/)
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.formats, s.formatted])).toEqual([['A1', ['Heading 2'], 'Roads']])
    // Changing it again keeps the first record (what it was to begin with); back to that cancels it.
    a.editor.chain().setTextSelection(at(a.editor, 0, 'Roads')).toggleHeading({ level: 3 }).run()
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.formats])).toEqual([['A1', ['Heading 3']]])
    a.editor.chain().setTextSelection(at(a.editor, 0, 'Roads')).setParagraph().run()
    expect(listSuggestions(a.editor.state.doc)).toEqual([])

    // A paragraph I split off and then made a heading: both suggestions, both settle.
    a.editor.commands.setTextSelection(at(a.editor, 1, ' in May'))
    a.editor.commands.splitBlock()
    a.editor.commands.toggleHeading({ level: 2 })
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.inserted, s.formats])).toEqual([
      ['¶', []],
      ['', ['Heading 2']],
    ])
    exchange(a, b)
    expect(listSuggestions(b.editor.state.doc)).toHaveLength(2)
    b.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    // The empty paragraph is the editor's own: a story ending in a heading gets one after it (TrailingNode).
    expect(b.editor.getHTML()).toBe('<p>Roads</p><p>Repairs start in May.</p><p></p>')
  })

  it('two people retyping the same block: each change is their own, and each settles on its own', () => {
    const { a, b } = pair('<p>Roads</p><p>End.</p>')
    b.editor.commands.setSuggesting(true)
    b.editor.chain().setTextSelection(at(b.editor, 0, 'Roads')).toggleHeading({ level: 2 }).run()
    exchange(a, b)
    a.editor.chain().setTextSelection(at(a.editor, 0, 'Roads')).toggleHeading({ level: 3 }).run()
    exchange(a, b)
    expectConverged(a, b)
    expect(listSuggestions(b.editor.state.doc).map((s) => [s.id, s.authorName, s.formats])).toEqual([
      ['A1', 'Alice Editor', ['Heading 3']],
      ['B1', 'Bob Reporter', ['Heading 2']],
    ])
    expect(countOpenSuggestions(b.doc)).toBe(2)
    const html = (peer: Peer) => peer.editor.getHTML().replace(/ (class|data-[a-z-]+|title|style)="[^"]*"/g, '')
    // Rejecting Alice's goes back to Bob's heading; then rejecting Bob's to the paragraph.
    const copy = copyOf(b)
    copy.editor.commands.rejectSuggestion('A1')
    expect(html(copy)).toBe('<h2>Roads</h2><p>End.</p>')
    copy.editor.commands.rejectSuggestion('B1')
    expect(html(copy)).toBe('<p>Roads</p><p>End.</p>')
    // Rejecting Bob's first keeps Alice's change, which, rejected in turn, goes all the way back.
    const other = copyOf(b)
    other.editor.commands.rejectSuggestion('B1')
    expect(html(other)).toBe('<h3>Roads</h3><p>End.</p>')
    other.editor.commands.rejectSuggestion('A1')
    expect(html(other)).toBe('<p>Roads</p><p>End.</p>')
    b.editor.commands.acceptAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(html(a)).toBe('<h3>Roads</h3><p>End.</p>')
  })

  it('someone writing directly who makes a suggested paragraph a heading keeps the suggestion on it', () => {
    const { a, b } = pair('<p>Roads. Repairs start in May.</p>')
    a.editor.commands.setTextSelection(at(a.editor, 0, ' Repairs'))
    a.editor.commands.splitBlock()
    exchange(a, b)
    b.editor.chain().setTextSelection(at(b.editor, 1, 'Repairs')).toggleHeading({ level: 2 }).run()
    exchange(a, b)
    expectConverged(a, b)
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.authorName, s.inserted])).toEqual([['Alice Editor', '¶']])
    a.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expect(bodyBlocks(b.doc)[0]).toBe('Roads. Repairs start in May.')
  })
})
