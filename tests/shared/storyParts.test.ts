import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bodyBlocks, encodeAnchor, getBody, initStoryDoc, partWordCount, resolvePart, type StoryPart } from '../../src/shared/storyDoc'

function pinned(clientID: number, from?: Y.Doc): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from))
  return doc
}

/** Exchange everything between all docs (any order converges; this one is fixed). */
function syncAll(...docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
}

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement('paragraph')
  element.insert(0, [new Y.XmlText(text)])
  return element
}

/** A part over body blocks [from, to), anchored as the app anchors it. */
function partOver(doc: Y.Doc, from: number, to: number): StoryPart {
  const body = getBody(doc)
  return {
    id: 'p1',
    start: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, from, 0)),
    end: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, to, -1)),
    assignee: 7,
    label: 'Background',
  }
}

const texts = (doc: Y.Doc, part: StoryPart) => {
  const range = resolvePart(doc, part)
  return range ? bodyBlocks(doc).slice(range.from, range.to) : null
}

describe('story parts', () => {
  const base = () => {
    const server = pinned(1)
    initStoryDoc(server, { paragraphs: ['lede', 'bg one', 'bg two', 'reaction', 'end'] })
    return server
  }

  it('cover the blocks they were made on', () => {
    const doc = base()
    const part = partOver(doc, 1, 3)
    expect(texts(doc, part)).toEqual(['bg one', 'bg two'])
    expect(partWordCount(doc, part)).toBe(4)
  })

  it('survive concurrent inserts before, inside and after, and deletes around them', () => {
    const server = base()
    const part = partOver(server, 1, 3)
    const a = pinned(2, server)
    const b = pinned(3, server)
    const c = pinned(4, server)
    getBody(a).insert(0, [paragraph('new top')]) // before the part
    getBody(b).insert(3, [paragraph('more bg')]) // right after the part's last block: outside
    getBody(b).delete(4, 1) // the block after that ('reaction')
    getBody(c).insert(2, [paragraph('inner')]) // inside the part
    getBody(c).delete(0, 1) // the lede before it
    syncAll(server, a, b, c)
    for (const doc of [server, a, b, c]) {
      expect(bodyBlocks(doc)).toEqual(bodyBlocks(server))
      expect(texts(doc, part)).toEqual(['bg one', 'inner', 'bg two'])
    }
    expect(partWordCount(server, part)).toBe(5)
  })

  it('keep going when their first or last block is deleted, and end when all their text is gone', () => {
    const server = base()
    const part = partOver(server, 1, 4)
    const a = pinned(2, server)
    const b = pinned(3, server)
    getBody(a).delete(1, 1) // first block of the part
    getBody(b).delete(3, 1) // last block of the part
    syncAll(server, a, b)
    expect(texts(server, part)).toEqual(['bg two'])
    getBody(server).delete(1, 1)
    expect(resolvePart(server, part)).toBeNull()
    expect(partWordCount(server, part)).toBe(0)
  })

  it('rejects anchors that are not relative positions', () => {
    const doc = base()
    expect(resolvePart(doc, { ...partOver(doc, 1, 2), start: 'not-base64!' })).toBeNull()
  })
})
