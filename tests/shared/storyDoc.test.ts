import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  bodyBlocks,
  bodyWordCount,
  getBody,
  getBylines,
  getDatelineMap,
  getMeta,
  getMetaText,
  initStoryDoc,
  readMeta,
} from '../../src/shared/storyDoc'

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

function pinned(clientID: number): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  return doc
}

describe('story document layout', () => {
  it('initialises every field with its Y type', () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { headline: 'Hed', section: 'News', bylines: ['A'], dateline: { city: 'HANGZHOU' }, paragraphs: ['One two.', 'Three'] })
    expect(getMetaText(doc, 'headline')).toBeInstanceOf(Y.Text)
    expect(getMetaText(doc, 'slug')).toBeInstanceOf(Y.Text)
    expect(getBylines(doc)).toBeInstanceOf(Y.Array)
    expect(getDatelineMap(doc)).toBeInstanceOf(Y.Map)
    expect(getBody(doc).length).toBe(2)
    expect(readMeta(doc)).toEqual({
      headline: 'Hed',
      slug: '',
      section: 'News',
      status: 'draft',
      bylines: ['A'],
      dateline: { city: 'HANGZHOU', region: '', country: '', date: '', source: '' },
      plannedWords: null,
    })
    expect(bodyBlocks(doc)).toEqual(['One two.', 'Three'])
    expect(bodyWordCount(doc)).toBe(3)
  })

  it('merges concurrent edits of different fields and of one headline', () => {
    const server = pinned(1)
    initStoryDoc(server, { headline: 'Talks stall' })
    const a = pinned(2)
    const b = pinned(3)
    sync(server, a)
    sync(server, b)

    getMetaText(a, 'headline')?.insert(0, 'Syria ')
    getMetaText(b, 'headline')?.insert('Talks stall'.length, ' again')
    getDatelineMap(a)?.set('city', 'HANGZHOU')
    getDatelineMap(b)?.set('country', 'China')
    getMeta(a).set('section', 'World')
    getBylines(b)?.push(['Carol Morello'])
    getMetaText(a, 'slug')?.insert(0, 'SYRIA')

    sync(a, b)
    for (const doc of [a, b]) {
      const meta = readMeta(doc)
      expect(meta.headline).toBe('Syria Talks stall again')
      expect(meta.dateline).toMatchObject({ city: 'HANGZHOU', country: 'China' })
      expect(meta.section).toBe('World')
      expect(meta.bylines).toEqual(['Carol Morello'])
      expect(meta.slug).toBe('SYRIA')
    }
  })

  it('reads malformed metadata as empty rather than throwing', () => {
    const doc = new Y.Doc()
    getMeta(doc).set('headline', 42)
    getMeta(doc).set('status', 'bogus')
    getMeta(doc).set('plannedWords', 'many')
    expect(readMeta(doc)).toMatchObject({ headline: '', status: 'draft', plannedWords: null, bylines: [] })
  })

  it('counts words across nested blocks, marks and hard breaks', () => {
    const doc = new Y.Doc()
    const body = getBody(doc)
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    const para = new Y.XmlElement('paragraph')
    const text = new Y.XmlText()
    body.insert(0, [list])
    list.insert(0, [item])
    item.insert(0, [para])
    para.insert(0, [text])
    text.insert(0, 'bold words', { bold: true })
    text.insert(10, ' and plain — dash')
    expect(bodyBlocks(doc)).toEqual(['bold words and plain — dash'])
    expect(bodyWordCount(doc)).toBe(5)
  })
})

describe('desk notes', () => {
  it('are not counted as words of the story, nor of a block', () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: [''] })
    const paragraph = getBody(doc).get(0) as Y.XmlElement
    const text = new Y.XmlText()
    paragraph.insert(0, [text])
    text.insert(0, 'Council votes today.')
    text.insert(text.length, ' check the figure with the clerk', { note: {} })
    text.insert(text.length, ' Residents object.', { bold: true })
    expect(bodyBlocks(doc)).toEqual(['Council votes today. Residents object.'])
    expect(bodyWordCount(doc)).toBe(5)
  })
})
