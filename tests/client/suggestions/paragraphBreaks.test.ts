/**
 * Suggested paragraph breaks (src/review/suggest/replaceStep.ts, settle.ts): Enter and pasted
 * paragraphs suggest a split, Backspace and Delete across a break suggest a join that keeps the
 * paragraphs apart until accepted, in lists and headings too; their authors withdraw their own.
 */
import { describe, expect, it } from 'vitest'
import { Fragment, Slice } from '@tiptap/pm/model'
import { listSuggestions } from '../../../src/review/suggest/listSuggestions'
import { bodyBlocks } from '../../../src/shared/storyDoc'
import { countOpenSuggestions } from '../../../src/shared/suggestions'
import { exchange } from '../../helpers/peers'
import { at, backspace, find, type } from '../../helpers/typing'
import { expectConverged, hasSuggestionMarks, pair, runs } from './suggestPeers'

describe('suggest mode: paragraph breaks', () => {
  it('select all + delete strikes out every block, and pasted paragraphs are suggested whole', () => {
    const { a, b } = pair('<p>The council met.</p><h2>Roads</h2><ul><li><p>Main Street</p></li></ul><p>Ends.</p>')
    a.editor.commands.selectAll()
    a.editor.commands.deleteSelection()
    // Nothing left the document: every block is still there, its text and the breaks between the
    // blocks struck out as one suggestion.
    expect(bodyBlocks(a.doc)).toEqual(['The council met.', 'Roads', 'Main Street', 'Ends.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => s.deleted)).toEqual(['The council met.¶Roads¶Main Street¶Ends.'])
    exchange(a, b)
    b.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)

    // Pasting two paragraphs in the middle of one: the structure applies, all the text is suggested.
    a.editor.commands.setTextSelection(at(a.editor, 0, ' met'))
    const { schema } = a.editor
    const pasted = Fragment.from([schema.node('paragraph', null, schema.text(', newly elected,')), schema.node('paragraph', null, schema.text('Then it'))])
    // What a paste of two paragraphs is: a slice open on both sides, so it joins the paragraph around it.
    a.editor.view.dispatch(a.editor.state.tr.replaceSelection(new Slice(pasted, 1, 1)).setMeta('paste', true))
    exchange(a, b)
    expect(bodyBlocks(b.doc)).toEqual(['The council, newly elected,', 'Then it met.', 'Roads', 'Main Street', 'Ends.'])
    expect(countOpenSuggestions(b.doc)).toBe(1)
    expect(listSuggestions(b.editor.state.doc).map((s) => s.inserted)).toEqual([', newly elected,¶Then it'])
    b.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    // The pasted text and the break it brought are gone: the paragraph is whole again.
    expect(bodyBlocks(a.doc)).toEqual(['The council met.', 'Roads', 'Main Street', 'Ends.'])
    expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)
  })

  it('suggests a new paragraph break (Enter) with the text typed after it, and accept or reject settles both', () => {
    const { a, b } = pair('<p>The council met on Tuesday. Roads were discussed.</p>')
    a.editor.commands.setTextSelection(at(a.editor, 0, ' Roads'))
    a.editor.commands.splitBlock()
    // The break is made (the story shows two paragraphs) and suggested: the new block carries it.
    expect(bodyBlocks(a.doc)).toEqual(['The council met on Tuesday.', ' Roads were discussed.'])
    type(a.editor, a.editor.state.selection.head, 'Also:')
    const [split] = listSuggestions(a.editor.state.doc)
    // Text typed at the start of the paragraph I split off is the same suggestion.
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.authorName, s.inserted, s.deleted])).toEqual([['A1', 'Alice Editor', '¶Also:', '']])
    expect(split?.time).toEqual(expect.any(Number))
    exchange(a, b)
    expect(countOpenSuggestions(b.doc)).toBe(1)
    // Rendered for everyone: a marked block with the author on hover.
    const block = b.editor.view.dom.querySelector('p[data-suggested-break="split"]')
    expect(block?.getAttribute('title')).toMatch(/^New paragraph\. Suggested by Alice Editor/)
    expect(block?.textContent).toBe('Also: Roads were discussed.')

    b.editor.commands.rejectSuggestion('A1')
    exchange(a, b)
    expectConverged(a, b)
    expect(bodyBlocks(a.doc)).toEqual(['The council met on Tuesday. Roads were discussed.'])
    expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)

    // Again, and accepted: the break stays, plain.
    a.editor.commands.setTextSelection(at(a.editor, 0, ' Roads'))
    a.editor.commands.splitBlock()
    exchange(a, b)
    b.editor.commands.acceptAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(bodyBlocks(a.doc)).toEqual(['The council met on Tuesday.', ' Roads were discussed.'])
    expect(hasSuggestionMarks(b.editor.state.doc)).toBe(false)
  })

  it('suggests removing a paragraph break (Backspace at a paragraph start, Delete at an end) instead of joining', () => {
    const { a, b } = pair('<p>First.</p><p>Second.</p><p>Third.</p>')
    const startOfSecond = at(a.editor, 1, 'Second')
    a.editor.commands.setTextSelection(startOfSecond)
    a.editor.commands.joinBackward()
    // The paragraphs stay apart, the break is suggested for removal, the caret steps over it.
    expect(bodyBlocks(a.doc)).toEqual(['First.', 'Second.', 'Third.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.inserted, s.deleted])).toEqual([['A1', '', '¶']])
    expect(a.editor.state.selection.head).toBe(at(a.editor, 0, 'First.', true))
    // Backspace again strikes out text of the paragraph before, as a suggestion of its own.
    backspace(a.editor, a.editor.state.selection.head)
    expect(runs(a.editor.state.doc)).toEqual(['First', '-.:A2:11', 'Second.', 'Third.'])

    // Delete at the end of a paragraph: the same, and the caret moves past the break.
    a.editor.commands.setTextSelection(at(a.editor, 1, 'Second.', true))
    a.editor.commands.joinForward()
    expect(bodyBlocks(a.doc)).toEqual(['First.', 'Second.', 'Third.'])
    expect(a.editor.state.selection.head).toBe(at(a.editor, 2, 'Third'))
    exchange(a, b)
    const joins = b.editor.view.dom.querySelectorAll('p[data-suggested-break="join"]')
    expect(joins).toHaveLength(2)

    // Accepting the first join removes the break; rejecting the other keeps it, plain.
    b.editor.commands.acceptSuggestion('A1')
    b.editor.commands.rejectSuggestion('A3')
    exchange(a, b)
    expectConverged(a, b)
    expect(bodyBlocks(a.doc)).toEqual(['First.Second.', 'Third.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => s.id)).toEqual(['A2'])
  })

  it('suggests removing an empty paragraph, and Backspace steps over it', () => {
    const { a, b } = pair('<p>First.</p><p></p><p>Second.</p>')
    a.editor.commands.setTextSelection(at(a.editor, 2, 'Second'))
    a.editor.commands.joinBackward()
    expect(bodyBlocks(a.doc)).toEqual(['First.', '', 'Second.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => s.deleted)).toEqual(['¶'])
    // The caret is past the empty paragraph: the next Backspace works on the text before it.
    expect(a.editor.state.selection.head).toBe(at(a.editor, 0, 'First.', true))
    exchange(a, b)
    b.editor.commands.acceptAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(bodyBlocks(a.doc)).toEqual(['First.', 'Second.'])
  })

  it('paragraph breaks in lists, headings and withdrawn by their author', () => {
    const { a, b } = pair('<h2>Roads</h2><ul><li><p>Main Street closed</p></li></ul><p>Ends.</p>')
    // Enter inside a list item suggests a new item; rejecting it joins the item back.
    a.editor.commands.setTextSelection(find(a.editor, ' closed'))
    a.editor.commands.splitListItem('listItem')
    expect(a.editor.getHTML()).toMatch(/<li><p>Main Street<\/p><\/li><li><p [^>]*data-suggested-break="split"[^>]*> closed<\/p>/)
    exchange(a, b)
    b.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(b.editor.getHTML()).toBe('<h2>Roads</h2><ul><li><p>Main Street closed</p></li></ul><p>Ends.</p>')

    // A split I suggested and then undo with Backspace is withdrawn for real, not suggested away.
    a.editor.commands.setTextSelection(find(a.editor, 'Ends'))
    a.editor.commands.splitBlock()
    expect(bodyBlocks(a.doc)).toEqual(['Roads', 'Main Street closed', '', 'Ends.'])
    a.editor.commands.joinBackward()
    expect(bodyBlocks(a.doc)).toEqual(['Roads', 'Main Street closed', 'Ends.'])
    expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)

    // Someone else's suggested break is theirs: my Backspace steps over it and leaves it.
    b.editor.commands.setSuggesting(true)
    exchange(a, b)
    b.editor.commands.setTextSelection(find(b.editor, 'ads'))
    b.editor.commands.splitBlock()
    exchange(a, b)
    const [bobs] = listSuggestions(a.editor.state.doc)
    expect(bobs).toMatchObject({ authorName: 'Bob Reporter', inserted: '¶' })
    a.editor.commands.setTextSelection(find(a.editor, 'ads'))
    a.editor.commands.joinBackward()
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.authorName, s.inserted, s.deleted])).toEqual([['Bob Reporter', '¶', '']])
    // The heading's break: accepting keeps the split (a heading and a paragraph), rejecting joins.
    exchange(a, b)
    a.editor.commands.rejectAllSuggestions()
    exchange(a, b)
    expectConverged(a, b)
    expect(b.editor.getHTML()).toBe('<h2>Roads</h2><ul><li><p>Main Street closed</p></li></ul><p>Ends.</p>')
  })

  it('outside suggest mode, splitting a paragraph after a suggested break does not copy the suggestion', () => {
    const { a, b } = pair('<p>One two three.</p>')
    a.editor.commands.setTextSelection(at(a.editor, 0, ' two'))
    a.editor.commands.splitBlock()
    exchange(a, b)
    // Bob, writing directly, splits the suggested paragraph again in its middle and at its start.
    b.editor.commands.setTextSelection(at(b.editor, 1, ' three'))
    b.editor.commands.splitBlock()
    b.editor.commands.setTextSelection(at(b.editor, 1, ' two'))
    b.editor.commands.splitBlock()
    exchange(a, b)
    expectConverged(a, b)
    expect(bodyBlocks(a.doc)).toEqual(['One', '', ' two', ' three.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.inserted])).toEqual([['A1', '¶']])
    expect(countOpenSuggestions(a.doc)).toBe(1)
  })
})
