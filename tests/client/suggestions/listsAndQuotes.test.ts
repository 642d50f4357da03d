/**
 * Suggest mode around lists, quotes and whole stories (src/review/suggest/replaceAroundStep.ts,
 * toSuggestion.ts): deletions across wrappers are struck out, joins into them suggested, and
 * rejecting or accepting everything gives back the story or what was suggested.
 */
import { describe, expect, it } from 'vitest'
import { listSuggestions } from '../../../src/review/suggest/listSuggestions'
import { bodyBlocks } from '../../../src/shared/storyDoc'
import { countOpenSuggestions } from '../../../src/shared/suggestions'
import type { Peer } from '../../helpers/peers'
import { exchange } from '../../helpers/peers'
import { find, press, replace, type } from '../../helpers/typing'
import { copyOf, expectConverged, pair } from './suggestPeers'

describe('suggest mode around lists, quotes and whole stories', () => {
  /** Accept or reject everything on a copy of `peer`'s story and return its HTML. */
  function settledCopy(peer: Peer, accept: boolean): string {
    const copy = copyOf(peer)
    if (accept) copy.editor.commands.acceptAllSuggestions()
    else copy.editor.commands.rejectAllSuggestions()
    return copy.editor.getHTML()
  }

  it('select all, then type: rejecting gives the story back, accepting leaves only the new text', () => {
    for (const html of ['<p>Only words.</p>', '<p>One.</p><h2>Two</h2><p>Three.</p>']) {
      const { a } = pair(html)
      a.editor.commands.selectAll()
      a.editor.view.dispatch(a.editor.state.tr.insertText('New'))
      expect(settledCopy(a, false)).toBe(html)
      expect(settledCopy(a, true)).toBe('<p>New</p>')
    }
  })

  it('deleting across a list and a quote strikes the text out instead of deleting it', () => {
    const html = '<p>Intro here.</p><ul><li><p>One item</p></li><li><p>Two item</p></li></ul><blockquote><p>Quoted words.</p></blockquote><p>End there.</p>'
    const { a } = pair(html)
    replace(a.editor, find(a.editor, 'item'), find(a.editor, 'there'), '')
    expect(bodyBlocks(a.doc).join('|')).toBe('Intro here.|One item|Two item|Quoted words.|End there.')
    expect(settledCopy(a, false)).toBe(html)
    // (The empty paragraph after the list is the editor's own: TrailingNode.)
    expect(settledCopy(a, true)).toBe('<p>Intro here.</p><ul><li><p>One there.</p></li></ul><p></p>')
  })

  it('Backspace at the start of a paragraph after a list or a quote suggests joining it', () => {
    const cases = [
      ['<ul><li><p>One</p></li><li><p>Two</p></li></ul><p>End.</p>', '<ul><li><p>One</p></li><li><p>TwoEnd.</p></li></ul><p></p>'],
      ['<p>Intro.</p><blockquote><p>Quoted words.</p></blockquote><p>End.</p>', '<p>Intro.</p><blockquote><p>Quoted words.End.</p></blockquote><p></p>'],
    ]
    for (const [html, joined] of cases) {
      const { a, b } = pair(html!)
      a.editor.commands.setTextSelection(find(a.editor, 'End'))
      press(a.editor, 'Backspace')
      // Nothing moved: the paragraph is marked, and the caret is at the end of the one before.
      expect(bodyBlocks(a.doc)).toEqual(bodyBlocks(b.doc))
      expect(listSuggestions(a.editor.state.doc).map((s) => s.deleted)).toEqual(['¶'])
      expect(a.editor.state.doc.resolve(a.editor.state.selection.head).parent.textContent).toMatch(/^(Two|Quoted words\.)$/)
      exchange(a, b)
      expect(settledCopy(b, false)).toBe(html)
      // (The empty paragraph after the wrapper is the editor's own: TrailingNode.)
      expect(settledCopy(b, true)).toBe(joined)
    }
  })

  it('Enter twice at the end of a list item (leaving the list) is a suggested new paragraph', () => {
    const html = '<ul><li><p>One</p></li></ul><p>End.</p>'
    const { a } = pair(html)
    a.editor.commands.setTextSelection(find(a.editor, 'One', true))
    press(a.editor, 'Enter')
    press(a.editor, 'Enter')
    type(a.editor, a.editor.state.selection.head, 'Next')
    expect(a.editor.getHTML().replace(/ (class|data-[a-z-]+|title|style)="[^"]*"/g, '')).toBe('<ul><li><p>One</p></li></ul><p><ins>Next</ins></p><p>End.</p>')
    expect(listSuggestions(a.editor.state.doc).map((s) => s.inserted)).toEqual(['¶Next'])
    expect(settledCopy(a, false)).toBe(html)
    expect(settledCopy(a, true)).toBe('<ul><li><p>One</p></li></ul><p>Next</p><p>End.</p>')
  })

  it('someone writing directly who joins a paragraph into a quote or list keeps the suggestions in it', () => {
    for (const before of ['<blockquote><p>Quoted.</p></blockquote>', '<ul><li><p>One</p></li></ul>']) {
      const { a, b } = pair(`${before}<p>End here.</p>`)
      type(a.editor, find(a.editor, 'here', true), ' now')
      replace(a.editor, find(a.editor, 'End'), find(a.editor, 'End', true), '')
      exchange(a, b)
      expect(countOpenSuggestions(b.doc)).toBe(2)
      b.editor.commands.setTextSelection(find(b.editor, 'End'))
      press(b.editor, 'Backspace')
      exchange(a, b)
      expectConverged(a, b)
      expect(countOpenSuggestions(a.doc)).toBe(2)
      expect(listSuggestions(a.editor.state.doc).map((s) => [s.inserted, s.deleted])).toEqual([
        ['', 'End'],
        [' now', ''],
      ])
    }
  })
})
