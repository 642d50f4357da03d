/** Counting open suggestions from the Y.Doc alone, as the server's review gate will. */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { countOpenSuggestions, DELETION, INSERTION } from '../../src/shared/suggestions'
import { getBody, initStoryDoc } from '../../src/shared/storyDoc'

const by = (id: string | number) => ({ id, authorId: 7, authorName: 'Alice', authorColor: '#b4421f', time: 1 })

/** A paragraph of runs `[text, attributes?]`, as y-tiptap writes marks into Y.XmlText. */
function paragraph(...runs: Array<[string, Record<string, unknown>?]>): Y.XmlElement {
  const element = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  element.insert(0, [text])
  let at = 0
  for (const [run, attributes] of runs) {
    text.insert(at, run, attributes ?? {})
    at += run.length
  }
  return element
}

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
