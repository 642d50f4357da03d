/**
 * Comment anchors (src/review/comments/anchors.ts): a thread's passage follows concurrent edits before,
 * inside and after it, and a deleted passage leaves a detached thread, never a lost one.
 * Deterministic: every doc has a pinned clientID and updates are exchanged in a fixed order.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { inDocumentOrder, indexBody, passageAnchors, passageText, resolvePassage } from '../../src/review/comments/anchors'
import { encodeAnchor, getBody, getMetaText, initStoryDoc } from '../../src/shared/storyDoc'

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

/** The text node of top-level block `block`. */
function textAt(doc: Y.Doc, block: number): Y.XmlText {
  const element = getBody(doc).get(block) as Y.XmlElement
  return element.get(0) as Y.XmlText
}

/** Anchors for characters [from, to) of block `fromBlock` .. `toBlock`, made as the editor makes them. */
function anchorsOver(doc: Y.Doc, fromBlock: number, from: number, toBlock: number, to: number) {
  const anchors = passageAnchors(
    doc,
    // The editor's binding makes positions that stick to the character before (assoc -1).
    Y.createRelativePositionFromTypeIndex(textAt(doc, fromBlock), from, -1),
    Y.createRelativePositionFromTypeIndex(textAt(doc, toBlock), to, -1),
  )
  if (!anchors) throw new Error('no passage')
  return anchors
}

const textNow = (doc: Y.Doc, anchors: { start: string; end: string }) => {
  const index = indexBody(doc)
  return passageText(resolvePassage(doc, anchors.start, anchors.end, index), index)
}

const PARAGRAPHS = ['The quick brown fox jumps.', 'Over the lazy dog.', 'Then it sleeps.']

function base(): Y.Doc {
  const server = pinned(1)
  initStoryDoc(server, { paragraphs: PARAGRAPHS })
  return server
}

describe('comment anchors', () => {
  it('cover the passage they were made on, in one block or across blocks', () => {
    const doc = base()
    expect(textNow(doc, anchorsOver(doc, 0, 4, 0, 15))).toBe('quick brown')
    expect(textNow(doc, anchorsOver(doc, 0, 20, 1, 4))).toBe('jumps.\nOver')
    expect(resolvePassage(doc, anchorsOver(doc, 0, 4, 0, 15).start, anchorsOver(doc, 0, 4, 0, 15).end)).toEqual({ kind: 'attached', from: 4, to: 15 })
  })

  it('are not made for an empty selection or outside the body', () => {
    const doc = base()
    const at = Y.createRelativePositionFromTypeIndex(textAt(doc, 0), 4, -1)
    expect(passageAnchors(doc, at, at)).toBeNull()
    const headline = getMetaText(doc, 'headline') as Y.Text
    headline.insert(0, 'Headline')
    expect(passageAnchors(doc, Y.createRelativePositionFromTypeIndex(headline, 0), Y.createRelativePositionFromTypeIndex(headline, 4))).toBeNull()
  })

  it('follow concurrent inserts before, inside and after the passage; inserts at its edges stay outside', () => {
    const server = base()
    const anchors = anchorsOver(server, 0, 4, 0, 15) // "quick brown"
    const a = pinned(2, server)
    const b = pinned(3, server)
    const c = pinned(4, server)
    getBody(a).insert(0, [paragraphOf('A new top paragraph.')]) // a block before
    textAt(a, 1).insert(0, 'Lo! ') // before, in the same block
    textAt(b, 0).insert(10, 'and very ') // inside: "quick and very brown"
    textAt(c, 0).insert(4, '[') // right at the start: outside
    textAt(c, 0).insert(16, ']') // right after the end ("quick brown" ends at 15, +1 for "["): outside
    textAt(c, 0).insert(textAt(c, 0).length, ' Again.') // after, same block
    syncAll(server, a, b, c)
    for (const doc of [server, a, b, c]) {
      expect(doc.getXmlFragment('body').toJSON()).toBe(server.getXmlFragment('body').toJSON())
      expect(textNow(doc, anchors)).toBe('quick and very brown')
    }
    expect(textAt(server, 1).toString()).toBe('Lo! The [quick and very brown] fox jumps. Again.')
  })

  it('follow concurrent deletes before, inside and after the passage', () => {
    const server = base()
    const anchors = anchorsOver(server, 0, 4, 1, 8) // "quick brown fox jumps.\nOver the"
    const a = pinned(2, server)
    const b = pinned(3, server)
    textAt(a, 0).delete(0, 4) // "The " before
    textAt(b, 0).delete(10, 6) // "brown " inside
    textAt(b, 1).delete(8, 5) // " lazy" after
    getBody(a).delete(2, 1) // a later block
    syncAll(server, a, b)
    for (const doc of [server, a, b]) expect(textNow(doc, anchors)).toBe('quick fox jumps.\nOver the')
  })

  it('keep what is left when the passage loses its first characters or a whole block inside it', () => {
    const server = base()
    const anchors = anchorsOver(server, 0, 20, 2, 4) // "jumps.\nOver the lazy dog.\nThen"
    const a = pinned(2, server)
    const b = pinned(3, server)
    textAt(a, 0).delete(18, 8) // "x jumps.": the passage's first block part, and text before it
    getBody(b).delete(1, 1) // the whole middle block
    syncAll(server, a, b)
    for (const doc of [server, a, b]) expect(textNow(doc, anchors)).toBe('Then')
    // A block holding one end goes entirely: Yjs collects deleted blocks, so that end cannot
    // be placed any more and the thread detaches rather than guess.
    const first = anchorsOver(server, 0, 4, 1, 4) // "quick brown fo\nThen"
    expect(textNow(server, first)).toBe('quick brown fo\nThen')
    getBody(server).delete(0, 1)
    expect(resolvePassage(server, first.start, first.end)).toEqual({ kind: 'detached' })
  })

  it('detach when the whole passage is deleted, concurrently with edits around it, and stay detached', () => {
    const server = base()
    const anchors = anchorsOver(server, 1, 5, 1, 13) // "the lazy"
    const a = pinned(2, server)
    const b = pinned(3, server)
    textAt(a, 1).delete(4, 10) // "the lazy " gone
    textAt(b, 1).insert(0, 'Well. ') // before it
    textAt(b, 1).insert(textAt(b, 1).length, ' Yes.') // after it
    syncAll(server, a, b)
    for (const doc of [server, a, b]) {
      expect(resolvePassage(doc, anchors.start, anchors.end)).toEqual({ kind: 'detached' })
      expect(textNow(doc, anchors)).toBe('')
    }
    // Typing new text where it was does not bring the old thread back onto it.
    textAt(server, 1).insert(10, 'sleepy ')
    expect(resolvePassage(server, anchors.start, anchors.end).kind).toBe('detached')
  })

  it('detach when the block holding the passage is deleted, on one side while the other edits inside it', () => {
    const server = base()
    const anchors = anchorsOver(server, 1, 0, 1, 4) // "Over"
    const a = pinned(2, server)
    const b = pinned(3, server)
    getBody(a).delete(1, 1)
    textAt(b, 1).insert(2, 'XX') // inside the passage, in the block being deleted
    syncAll(server, a, b)
    for (const doc of [server, a, b]) expect(resolvePassage(doc, anchors.start, anchors.end)).toEqual({ kind: 'detached' })
  })

  it('detach anchors that are not relative positions', () => {
    const doc = base()
    const anchors = anchorsOver(doc, 0, 4, 0, 15)
    expect(resolvePassage(doc, 'not base64!', anchors.end)).toEqual({ kind: 'detached' })
    // A position in a client's text this doc has not received yet.
    const unseen = encodeAnchor(new Y.RelativePosition(null, null, Y.createID(99, 5), 0))
    expect(resolvePassage(doc, unseen, anchors.end)).toEqual({ kind: 'detached' })
  })

  it('put threads in document order, detached ones last, as the text moves', () => {
    const server = base()
    const early = { id: 'early', createdAt: 3, ...anchorsOver(server, 0, 0, 0, 3) } // "The"
    const late = { id: 'late', createdAt: 1, ...anchorsOver(server, 2, 0, 2, 4) } // "Then"
    const gone = { id: 'gone', createdAt: 0, ...anchorsOver(server, 1, 0, 1, 4) } // "Over"
    const middle = { id: 'middle', createdAt: 2, ...anchorsOver(server, 0, 4, 0, 9) } // "quick"
    const order = () => inDocumentOrder(server, [gone, late, middle, early]).map(({ thread, placement }) => `${thread.id}:${placement.kind}`)
    expect(order()).toEqual(['early:attached', 'middle:attached', 'gone:attached', 'late:attached'])
    const a = pinned(2, server)
    const b = pinned(3, server)
    getBody(a).delete(1, 1) // "Over the lazy dog." goes
    getBody(b).insert(0, [paragraphOf('A new lede.')])
    syncAll(server, a, b)
    expect(order()).toEqual(['early:attached', 'middle:attached', 'late:attached', 'gone:detached'])
    // A block moved to the top arrives as new text: "Then" went with the old copy, so its thread detaches too.
    const moved = (textAt(server, 2).toString())
    getBody(server).delete(2, 1)
    getBody(server).insert(0, [paragraphOf(moved)])
    expect(order()).toEqual(['early:attached', 'middle:attached', 'gone:detached', 'late:detached'])
  })
})

function paragraphOf(text: string): Y.XmlElement {
  const element = new Y.XmlElement('paragraph')
  element.insert(0, [new Y.XmlText(text)])
  return element
}
