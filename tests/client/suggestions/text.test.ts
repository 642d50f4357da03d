/**
 * Suggest mode on text (src/review/suggest/replaceStep.ts): typing and deleting become my
 * suggestions, my own are withdrawn for real, nobody else's is touched, remote changes never become
 * suggestions, and accept, reject and undo settle them on both peers (./suggestPeers.ts).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TextSelection } from '@tiptap/pm/state'
import { isSuggesting } from '../../../src/review/suggest/SuggestChanges'
import { listSuggestions } from '../../../src/review/suggest/listSuggestions'
import { bodyBlocks } from '../../../src/shared/storyDoc'
import { countOpenSuggestions } from '../../../src/shared/suggestions'
import { deliver, exchange } from '../../helpers/peers'
import { at, backspace, replace, stopCapturing, type } from '../../helpers/typing'
import { A_ID, closePeer, expectConverged, hasSuggestionMarks, pair, runs } from './suggestPeers'

describe('suggest mode: text', () => {
  it('marks typing as my insertion and deleting as my deletion, with author and time', () => {
    const { a } = pair('<p>The council met on Tuesday.</p>')
    expect(isSuggesting(a.editor.state)).toBe(true)
    const before = Date.now()
    type(a.editor, at(a.editor, 0, ' met'), ' finally')
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met on Tuesday.'])
    const [suggestion] = listSuggestions(a.editor.state.doc)
    expect(suggestion).toMatchObject({ id: 'A1', authorId: 11, authorName: 'Alice Editor', authorColor: '#b4421f', inserted: ' finally', deleted: '' })
    expect(suggestion?.time).toBeGreaterThanOrEqual(before)
    // The caret follows the typing, so the run stays one suggestion.
    expect(a.editor.state.selection.head).toBe(at(a.editor, 0, ' finally', true))

    // Backspace strikes characters out one after another, as one suggestion.
    backspace(a.editor, at(a.editor, 0, 'Tuesday', true), 3)
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met on Tues', '-day:A2:11', '.'])
    expect(a.editor.state.doc.textContent).toBe('The council finally met on Tuesday.')

    // Delete (forward) strikes out the characters after the caret, one after another.
    const fromOn = at(a.editor, 0, 'on ')
    a.editor.commands.setTextSelection(fromOn)
    stopCapturing(a.editor)
    for (let i = 0; i < 3; i++) {
      const head = a.editor.state.selection.head
      const tr = a.editor.state.tr.delete(head, head + 1)
      a.editor.view.dispatch(tr.setSelection(TextSelection.create(tr.doc, head)))
    }
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met ', '-on :A3:11', 'Tues', '-day:A2:11', '.'])
    expect(a.editor.state.selection.head).toBe(fromOn + 3)
    a.editor.commands.undo()
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met on Tues', '-day:A2:11', '.'])
    stopCapturing(a.editor)

    // Typing over a selection is one replacement: the deletion and the insertion share an id.
    replace(a.editor, at(a.editor, 0, 'council'), at(a.editor, 0, 'council', true), 'board')
    expect(runs(a.editor.state.doc)).toEqual(['The ', '-council:A4:11', '+board:A4:11', '+ finally:A1:11', ' met on Tues', '-day:A2:11', '.'])
    expect(listSuggestions(a.editor.state.doc).map((s) => [s.id, s.inserted, s.deleted])).toEqual([
      ['A4', 'board', 'council'],
      ['A1', ' finally', ''],
      ['A2', '', 'day'],
    ])
    expect(countOpenSuggestions(a.doc)).toBe(3)
  })

  it('withdraws my own suggested text for real, never touches someone else’s, and types my own inside theirs', () => {
    const { a, b } = pair('<p>Repairs start in May.</p>')
    // Bob suggests too (he turned suggest mode on).
    b.editor.commands.setSuggesting(true)
    exchange(a, b)
    type(b.editor, at(b.editor, 0, ' in May'), ' roads')
    exchange(a, b)
    expect(runs(a.editor.state.doc)).toEqual(['Repairs start', '+ roads:B1:22', ' in May.'])

    // Alice deletes across Bob's suggestion: his stays as it is, the plain text is struck out.
    replace(a.editor, at(a.editor, 0, 'start'), at(a.editor, 0, ' in', true), '')
    expect(runs(a.editor.state.doc)).toEqual(['Repairs ', '-start:A1:11', '+ roads:B1:22', '- in:A1:11', ' May.'])

    // Typing inside Bob's suggestion makes Alice's own, splitting his.
    type(a.editor, at(a.editor, 0, 'ads'), 'XX')
    expect(runs(a.editor.state.doc)).toEqual(['Repairs ', '-start:A1:11', '+ ro:B1:22', '+XX:A2:11', '+ads:B1:22', '- in:A1:11', ' May.'])

    // Deleting her own suggestion withdraws it: the text goes, nothing is left marked.
    backspace(a.editor, at(a.editor, 0, 'roXX', true), 2)
    expect(runs(a.editor.state.doc)).toEqual(['Repairs ', '-start:A1:11', '+ roads:B1:22', '- in:A1:11', ' May.'])
    exchange(a, b)
    expectConverged(a, b)
    // Still two suggestions: Bob's (in two runs) and Alice's deletion.
    expect(listSuggestions(b.editor.state.doc).map((s) => [s.id, s.authorName, s.inserted, s.deleted])).toEqual([
      ['A1', 'Alice Editor', '', 'start in'],
      ['B1', 'Bob Reporter', ' roads', ''],
    ])
  })

  it('a suggesting client and a direct editor on the same paragraph converge', () => {
    const { a, b } = pair('<p>The council met on Tuesday to vote.</p>')
    // Concurrently: Alice suggests an insertion and a deletion; Bob writes into the same paragraph.
    type(a.editor, at(a.editor, 0, ' met'), ' finally')
    replace(a.editor, at(a.editor, 0, ' to vote'), at(a.editor, 0, ' to vote', true), '')
    type(b.editor, at(b.editor, 0, 'council', true), ' of Hangzhou')
    type(b.editor, at(b.editor, 0, 'Tuesday'), 'next ')
    exchange(a, b)
    expectConverged(a, b)
    // Bob's text typed where Alice inserted hers lands after it (Yjs orders by client), unmarked.
    expect(runs(b.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' of Hangzhou met on next Tuesday', '- to vote:A2:11', '.'])
    // Word count (bodyBlocks): suggested insertions and not-yet-accepted deletions both count.
    expect(bodyBlocks(b.doc)).toEqual(['The council finally of Hangzhou met on next Tuesday to vote.'])
  })

  it('never turns remote changes into suggestions', () => {
    const { a, b } = pair('<p>Residents were not convinced.</p><p>The vote is final.</p>')
    expect(isSuggesting(a.editor.state)).toBe(true)
    type(b.editor, at(b.editor, 0, ' convinced'), ' at all')
    replace(b.editor, at(b.editor, 1, ' is final'), at(b.editor, 1, ' is final', true), ' stands')
    b.editor.commands.setTextSelection(at(b.editor, 1, 'stands.', true))
    b.editor.commands.splitBlock()
    type(b.editor, b.editor.state.selection.head, 'Next week, roads.')
    deliver(b.doc, a.doc)
    expect(a.editor.state.doc.textContent).toBe('Residents were not at all convinced.The vote stands.Next week, roads.')
    expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)
    // A wrote nothing to Yjs on B's behalf: its document holds B's changes only.
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
    expect(Y.decodeStateVector(Y.encodeStateVector(a.doc)).has(A_ID)).toBe(false)
    expectConverged(a, b)
  })

  it('accept all and reject all leave plain text with no suggestion marks, on both peers', () => {
    const story = '<p>The council met on Tuesday.</p><p>Repairs start in May.</p>'
    for (const accept of [true, false]) {
      const { a, b } = pair(story)
      type(a.editor, at(a.editor, 0, ' met'), ' finally')
      replace(a.editor, at(a.editor, 0, 'Tuesday'), at(a.editor, 0, 'Tuesday', true), 'Monday')
      backspace(a.editor, at(a.editor, 1, ' in May', true), 7)
      // A whole new paragraph: Enter applies directly, its text is suggested.
      a.editor.commands.setTextSelection(at(a.editor, 1, '.', true))
      a.editor.commands.splitBlock()
      type(a.editor, a.editor.state.selection.head, 'Roads close.')
      exchange(a, b)
      expect(countOpenSuggestions(b.doc)).toBe(4)

      expect(accept ? b.editor.commands.acceptAllSuggestions() : b.editor.commands.rejectAllSuggestions()).toBe(true)
      exchange(a, b)
      expectConverged(a, b)
      expect(bodyBlocks(a.doc)).toEqual(
        accept ? ['The council finally met on Monday.', 'Repairs start.', 'Roads close.'] : ['The council met on Tuesday.', 'Repairs start in May.'],
      )
      expect(hasSuggestionMarks(a.editor.state.doc)).toBe(false)
      expect(countOpenSuggestions(a.doc)).toBe(0)
      expect(b.editor.commands.acceptAllSuggestions()).toBe(false)
      closePeer(a)
      closePeer(b)
    }
  })

  it('accepts and rejects one suggestion at a time', () => {
    const { a, b } = pair('<p>The council met on Tuesday.</p>')
    type(a.editor, at(a.editor, 0, ' met'), ' finally')
    replace(a.editor, at(a.editor, 0, 'Tuesday'), at(a.editor, 0, 'Tuesday', true), 'Monday')
    exchange(a, b)
    expect(listSuggestions(b.editor.state.doc).map((s) => s.id)).toEqual(['A1', 'A2'])
    b.editor.commands.rejectSuggestion('A2')
    expect(runs(b.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met on Tuesday.'])
    b.editor.commands.acceptSuggestion('A1')
    exchange(a, b)
    expectConverged(a, b)
    expect(runs(a.editor.state.doc)).toEqual(['The council finally met on Tuesday.'])
    expect(b.editor.commands.acceptSuggestion('A1')).toBe(false)
  })

  it('undo of my own suggestion removes it', () => {
    const { a, b } = pair('<p>The council met on Tuesday.</p>')
    type(a.editor, at(a.editor, 0, ' met'), ' finally')
    exchange(a, b)
    expect(countOpenSuggestions(b.doc)).toBe(1)
    expect(a.editor.commands.undo()).toBe(true)
    exchange(a, b)
    expect(runs(b.editor.state.doc)).toEqual(['The council met on Tuesday.'])
    expect(countOpenSuggestions(b.doc)).toBe(0)
    // Redo brings it back as a suggestion, not as plain text.
    expect(a.editor.commands.redo()).toBe(true)
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met on Tuesday.'])

    // A suggested deletion, undone, leaves the text unmarked.
    stopCapturing(a.editor)
    replace(a.editor, at(a.editor, 0, ' on Tuesday'), at(a.editor, 0, ' on Tuesday', true), '')
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met', '- on Tuesday:A2:11', '.'])
    a.editor.commands.undo()
    expect(runs(a.editor.state.doc)).toEqual(['The council', '+ finally:A1:11', ' met on Tuesday.'])
    exchange(a, b)
    expectConverged(a, b)

    // A suggested paragraph break, undone, is gone: one paragraph, no suggestion left for it.
    stopCapturing(a.editor)
    a.editor.commands.setTextSelection(at(a.editor, 0, ' on Tuesday'))
    a.editor.commands.splitBlock()
    expect(bodyBlocks(a.doc)).toEqual(['The council finally met', ' on Tuesday.'])
    a.editor.commands.undo()
    exchange(a, b)
    expect(bodyBlocks(b.doc)).toEqual(['The council finally met on Tuesday.'])
    expect(listSuggestions(b.editor.state.doc).map((s) => s.id)).toEqual(['A1'])
    expectConverged(a, b)
  })

  it('outside suggest mode, typing inside someone’s suggestion does not join it', () => {
    const { a, b } = pair('<p>Repairs start in May.</p>')
    type(a.editor, at(a.editor, 0, ' in'), ' roadworks')
    exchange(a, b)
    type(b.editor, at(b.editor, 0, 'works'), '-')
    expect(runs(b.editor.state.doc)).toEqual(['Repairs start', '+ road:A1:11', '-', '+works:A1:11', ' in May.'])
    // And turning suggest mode off and on is a command, like the toolbar's.
    a.editor.commands.toggleSuggesting()
    expect(isSuggesting(a.editor.state)).toBe(false)
    type(a.editor, at(a.editor, 0, 'May'), 'late ')
    expect(runs(a.editor.state.doc)).toEqual(['Repairs start', '+ roadworks:A1:11', ' in late May.'])
  })
})
