/** Counting open suggestions from the Y.Doc alone, as the server's review gate does, and parsing their block attributes. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { countOpenSuggestions, DELETION, FORMAT_CHANGE, INSERTION, parseTypeSuggestion, TYPE_ATTRIBUTE } from '../../src/shared/suggestions'
import { getBody, initStoryDoc } from '../../src/shared/storyDoc'

const by = (id: string | number) => ({ id, authorId: 7, authorName: 'Alice', authorColor: '#b4421f', time: 1 })

/** A block of runs `[text, attributes?]`, as y-tiptap writes marks into Y.XmlText. */
function block(name: string, ...runs: Array<[string, Record<string, unknown>?]>): Y.XmlElement {
  const element = new Y.XmlElement(name)
  const text = new Y.XmlText()
  element.insert(0, [text])
  let at = 0
  for (const [run, attributes] of runs) {
    text.insert(at, run, attributes ?? {})
    at += run.length
  }
  return element
}

const paragraph = (...runs: Array<[string, Record<string, unknown>?]>) => block('paragraph', ...runs)

describe('countOpenSuggestions', () => {
  it('is 0 for a story without suggestions', () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: ['The council met.', 'Repairs start in May.'] })
    expect(countOpenSuggestions(doc)).toBe(0)
    expect(countOpenSuggestions(new Y.Doc())).toBe(0)
  })

  it('counts distinct suggestion ids across runs, blocks and nested lists', () => {
    const doc = new Y.Doc()
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    item.insert(0, [paragraph(['Main Street', { [DELETION]: by('c') }])])
    list.insert(0, [item])
    getBody(doc).insert(0, [
      // A replacement: the deletion and the insertion share an id, and count once.
      paragraph(['The ', {}], ['council', { [DELETION]: by('a') }], ['board', { [INSERTION]: by('a') }], [' met', { bold: true }]),
      // One suggestion split into two runs by other formatting still counts once.
      paragraph(['Repairs ', { [INSERTION]: by('b') }], ['start', { [INSERTION]: by('b'), italic: true }], [' in May.']),
      list,
    ])
    expect(countOpenSuggestions(doc)).toBe(3)
  })

  it('ignores other marks and malformed suggestion attributes', () => {
    const doc = new Y.Doc()
    getBody(doc).insert(0, [
      paragraph(['note', { note: { id: 'x' } }], ['odd', { [INSERTION]: 'not an object' }], ['no id', { [DELETION]: { authorId: 1 } }], ['numeric', { [INSERTION]: by(4) }]),
    ])
    expect(countOpenSuggestions(doc)).toBe(1)
  })

  it('follows accepting: no marks, no open suggestions', () => {
    const doc = new Y.Doc()
    getBody(doc).insert(0, [paragraph(['Repairs', {}], [' soon', { [INSERTION]: by('b') }])])
    expect(countOpenSuggestions(doc)).toBe(1)
    const text = (getBody(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    text.format(7, 5, { [INSERTION]: null })
    expect(countOpenSuggestions(doc)).toBe(0)
  })
})

// Format and block type suggestions in the count, and their parser.
const formatChange = (id: string | number, added: unknown[] = [{ type: 'bold' }], removed: unknown[] = []) => ({ ...by(id), added, removed })
const typeChange = (id: string, from: unknown = { type: 'paragraph', attrs: {} }) => JSON.stringify({ ...by(id), from })

function retyped(name: string, value: unknown, ...runs: Array<[string, Record<string, unknown>?]>): Y.XmlElement {
  const element = block(name, ...runs)
  element.setAttribute(TYPE_ATTRIBUTE, value as string)
  return element
}

describe('countOpenSuggestions: format changes', () => {
  it('counts formatChange marks by id, under the plain key and under hashed keys, overlapping or split', () => {
    const doc = new Y.Doc()
    getBody(doc).insert(0, [
      block(
        'paragraph',
        ['The ', {}],
        // One format suggestion split into two runs by another mark still counts once.
        ['council', { [FORMAT_CHANGE]: formatChange('f1') }],
        [' met', { [FORMAT_CHANGE]: formatChange('f1'), italic: true }],
      ),
      // Two overlapping format suggestions on the same text: y-tiptap keys them by hash.
      block('paragraph', ['Repairs', { 'formatChange--AbCd1234': formatChange('f2'), 'formatChange--Zz09+/=a': formatChange('f3', [], [{ type: 'italic' }]) }]),
      block('paragraph', ['linked', { 'formatChange--Qq11Ww22': formatChange('f1') }]),
    ])
    expect(countOpenSuggestions(doc)).toBe(3)
  })

  it('ignores format values without an id, ended ones, and keys that only look alike', () => {
    const doc = new Y.Doc()
    getBody(doc).insert(0, [
      block(
        'paragraph',
        ['odd', { [FORMAT_CHANGE]: 'not an object' }],
        ['no id', { [FORMAT_CHANGE]: { authorId: 7, added: [], removed: [] } }],
        ['short hash', { 'formatChange--abc': formatChange('x1') }],
        ['other mark', { 'formatChangeX--AbCd1234': formatChange('x2') }],
        ['bold', { bold: true }],
      ),
    ])
    expect(countOpenSuggestions(doc)).toBe(0)
    const text = (getBody(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    text.format(0, 3, { [FORMAT_CHANGE]: formatChange('f1') })
    expect(countOpenSuggestions(doc)).toBe(1)
    // Accepting (or rejecting) ends the mark.
    text.format(0, 3, { [FORMAT_CHANGE]: null })
    expect(countOpenSuggestions(doc)).toBe(0)
  })
})

describe('countOpenSuggestions: block type changes', () => {
  it('counts suggestedType attributes by id, in nested blocks too, and ignores invalid ones', () => {
    const doc = new Y.Doc()
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    item.insert(0, [retyped('heading', typeChange('t2', { type: 'paragraph', attrs: { textAlign: null } }), ['In a list'])])
    list.insert(0, [item])
    getBody(doc).insert(0, [
      retyped('heading', typeChange('t1'), ['Headline-ish']),
      list,
      retyped('paragraph', 'not json', ['a']),
      retyped('paragraph', JSON.stringify({ ...by('x1') }), ['no from']),
      retyped('paragraph', typeChange('x2', { type: 'heading' }), ['no attrs']),
      retyped('paragraph', typeChange('x3', { type: 2, attrs: {} }), ['numeric type']),
      retyped('paragraph', typeChange(''), ['empty id']),
    ])
    expect(countOpenSuggestions(doc)).toBe(2)
    ;(getBody(doc).get(0) as Y.XmlElement).removeAttribute(TYPE_ATTRIBUTE)
    expect(countOpenSuggestions(doc)).toBe(1)
  })

  it('counts distinct ids across every kind', () => {
    const doc = new Y.Doc()
    getBody(doc).insert(0, [
      // A heading suggested with its text reformatted in the same suggestion: one id, counted once.
      retyped('heading', typeChange('s1'), ['Title', { [FORMAT_CHANGE]: formatChange('s1') }], [' more', { [INSERTION]: by('s2') }]),
      block('paragraph', ['Body', { [FORMAT_CHANGE]: formatChange('s3') }]),
    ])
    const body = getBody(doc).get(1) as Y.XmlElement
    body.setAttribute('suggestion', JSON.stringify({ kind: 'split', ...by('s4') }))
    expect(countOpenSuggestions(doc)).toBe(4)
  })
})

describe('parseTypeSuggestion', () => {
  it('reads the attribute clients write, with defaults for missing author fields', () => {
    expect(parseTypeSuggestion(typeChange('t1', { type: 'heading', attrs: { level: 2 } }))).toEqual({
      id: 't1',
      authorId: 7,
      authorName: 'Alice',
      authorColor: '#b4421f',
      time: 1,
      from: { type: 'heading', attrs: { level: 2 } },
      prior: null,
    })
    expect(parseTypeSuggestion(JSON.stringify({ id: 't2', authorId: 'x', time: Infinity, from: { type: 'paragraph', attrs: {} } }))).toEqual({
      id: 't2',
      authorId: null,
      authorName: '',
      authorColor: null,
      time: null,
      from: { type: 'paragraph', attrs: {} },
      prior: null,
    })
  })

  it('reads the suggestions it stacked on, and refuses the lot when one of them is malformed', () => {
    const stacked = JSON.stringify({ ...by('b1'), from: { type: 'heading', attrs: { level: 2 } }, prior: { ...by('a1'), from: { type: 'paragraph', attrs: {} } } })
    expect(parseTypeSuggestion(stacked)?.prior).toMatchObject({ id: 'a1', from: { type: 'paragraph' }, prior: null })
    expect(parseTypeSuggestion(JSON.stringify({ ...by('b1'), from: { type: 'heading', attrs: {} }, prior: { id: 'a1' } }))).toBeNull()
  })

  it('is null for anything else', () => {
    for (const value of [
      undefined,
      null,
      '',
      7,
      { id: 't1', from: { type: 'paragraph', attrs: {} } },
      'not json',
      'null',
      '"t1"',
      JSON.stringify({ from: { type: 'paragraph', attrs: {} } }),
      JSON.stringify({ id: 5, from: { type: 'paragraph', attrs: {} } }),
      JSON.stringify({ id: 't1' }),
      JSON.stringify({ id: 't1', from: 'paragraph' }),
      JSON.stringify({ id: 't1', from: { attrs: {} } }),
      JSON.stringify({ id: 't1', from: { type: 'paragraph' } }),
      JSON.stringify({ id: 't1', from: { type: 'paragraph', attrs: null } }),
      JSON.stringify({ id: 't1', from: { type: 'paragraph', attrs: [] } }),
    ]) {
      expect({ value, parsed: parseTypeSuggestion(value) }).toEqual({ value, parsed: null })
    }
  })
})
