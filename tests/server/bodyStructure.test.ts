/**
 * What an update builds in the body, against the editor schema (server/bodyStructure.ts, issue 11):
 * what the binding writes passes; strings, numbers, sub-documents, unknown node types, misplaced
 * blocks, foreign attributes and nesting past MAX_BODY_DEPTH are refused.
 */
import { getSchema, type JSONContent } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bodyStructureProblem } from '../../server/bodyStructure'
import { updateScope } from '../../server/updateScope'
import { storyExtensions } from '../../src/shared/schema/index'
import { encodeBreak } from '../../src/shared/schema/suggestionValues'
import { getBody, initStoryDoc, MAX_BODY_DEPTH } from '../../src/shared/storyDoc'

const schema = getSchema(storyExtensions())
const SERVER_ID = 1
/** Each client its own id: a client reusing one the server holds items of would be renamed by Yjs. */
let nextClient = 100

function serverDoc(paragraphs = ['start']): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = SERVER_ID
  initStoryDoc(doc, { paragraphs })
  return doc
}

function clientOf(server: Y.Doc): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = nextClient++
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
  return doc
}

/** The update one transaction on a fresh client of `server` sends. */
function edit(server: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const client = clientOf(server)
  const before = Y.encodeStateVector(client)
  client.transact(() => change(client))
  return Y.encodeStateAsUpdate(client, before)
}

/** What the room decides about an update's body structure: null when it passes. */
function verdict(server: Y.Doc, update: Uint8Array): string | null {
  const scope = updateScope(server, update)
  expect(scope.unresolved).toBe(false)
  return bodyStructureProblem(scope.bodyItems)
}

const first = (doc: Y.Doc) => getBody(doc).get(0) as Y.XmlElement
const textOf = (doc: Y.Doc) => first(doc).get(0) as Y.XmlText
/** Insert any content, as a forged client would (the typings only admit XML types). */
const forge = (type: Y.XmlFragment, index: number, content: unknown[]) => type.insert(index, content as Y.XmlElement[])

/** Nest `levels` elements named `name` at the end of `parent`, each inside the one before; returns the innermost. */
function nest(parent: Y.XmlFragment, levels: number, name = 'blockquote'): Y.XmlElement {
  let inner = parent
  for (let level = 0; level < levels; level++) {
    const element = new Y.XmlElement(name)
    inner.insert(inner.length, [element])
    inner = element
  }
  return inner as Y.XmlElement
}

/** A paragraph with words, inserted into `parent` (already in the document). */
function addParagraph(parent: Y.XmlFragment, words = 'words'): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph')
  parent.insert(parent.length, [paragraph])
  paragraph.insert(0, [new Y.XmlText(words)])
  return paragraph
}

const suggestion = { id: 's1', authorId: 7, authorName: 'Ann', authorColor: '#c00', time: 1 }

/** Every node type and mark of the schema, as the editor's JSON. */
const RICH: JSONContent = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Subhead' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'Bold', marks: [{ type: 'bold' }] },
        { type: 'hardBreak' },
        { type: 'text', text: 'link', marks: [{ type: 'link', attrs: { href: 'https://example.org' } }, { type: 'italic' }] },
        { type: 'text', text: ' note', marks: [{ type: 'note' }] },
      ],
    },
    {
      type: 'bulletList',
      content: [
        {
          type: 'listItem',
          content: [
            { type: 'paragraph', content: [{ type: 'text', text: 'one' }] },
            { type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'nested' }] }] }] },
          ],
        },
      ],
    },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'quoted' }] }, { type: 'blockquote', content: [{ type: 'paragraph' }] }] },
    {
      type: 'paragraph',
      attrs: { suggestion: encodeBreak({ ...suggestion, kind: 'split' }) },
      content: [
        { type: 'text', text: 'suggested', marks: [{ type: 'insertion', attrs: suggestion }] },
        { type: 'text', text: ' gone', marks: [{ type: 'deletion', attrs: { ...suggestion, id: 's2' } }] },
      ],
    },
  ],
}

describe('bodyStructure: what the binding writes passes', () => {
  it('typing, a new paragraph, deleting', () => {
    const server = serverDoc()
    expect(verdict(server, edit(server, (doc) => textOf(doc).insert(5, ' more')))).toBeNull()
    expect(verdict(server, edit(server, (doc) => addParagraph(getBody(doc), 'second')))).toBeNull()
    expect(verdict(server, edit(server, (doc) => textOf(doc).delete(0, 2)))).toBeNull()
    expect(verdict(server, edit(server, (doc) => getBody(doc).delete(0, 1)))).toBeNull()
  })

  it('every node type, mark and block attribute of the schema, written by y-tiptap, then changed by it', () => {
    const server = serverDoc()
    const update = edit(server, (doc) => prosemirrorJSONToYXmlFragment(schema, RICH, getBody(doc)))
    expect(verdict(server, update)).toBeNull()
    Y.applyUpdate(server, update)
    // The binding changing attributes, marks and structure in place.
    const changed: JSONContent = JSON.parse(JSON.stringify(RICH).replace('"level":3', '"level":4').replace('"start":3', '"start":5').replace('"bold"', '"italic"'))
    changed.content?.push({ type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'new' }] }] }] })
    expect(verdict(server, edit(server, (doc) => prosemirrorJSONToYXmlFragment(schema, changed, getBody(doc))))).toBeNull()
  })

  it('marks under hashed keys, and a mark ended with null', () => {
    const server = serverDoc()
    expect(verdict(server, edit(server, (doc) => textOf(doc).format(0, 3, { 'formatChange--abcd1234': { ...suggestion, added: [{ type: 'bold' }] } })))).toBeNull()
    expect(verdict(server, edit(server, (doc) => textOf(doc).format(0, 3, { bold: null })))).toBeNull()
  })

  it('typing into a paragraph the server deleted meanwhile: Yjs drops it, so does the check', () => {
    const server = serverDoc([''])
    const client = clientOf(server)
    server.transact(() => getBody(server).delete(0, 1))
    const before = Y.encodeStateVector(client)
    first(client).insert(0, [new Y.XmlText('late words')])
    expect(verdict(server, Y.encodeStateAsUpdate(client, before))).toBeNull()
  })
})

describe('bodyStructure: refused', () => {
  const cases: Array<[string, (doc: Y.Doc) => void]> = [
    ['a string in body', (doc) => forge(getBody(doc), 0, ['poison'])],
    ['a number in body', (doc) => forge(getBody(doc), 1, [42])],
    ['JSON in body', (doc) => forge(getBody(doc), 1, [{ type: 'paragraph' }])],
    ['binary in body', (doc) => forge(getBody(doc), 1, [new Uint8Array([1, 2, 3])])],
    ['a sub-document in body', (doc) => forge(getBody(doc), 1, [new Y.Doc()])],
    ['a map in body', (doc) => forge(getBody(doc), 1, [new Y.Map()])],
    ['a plain Y.Text in body', (doc) => forge(getBody(doc), 1, [new Y.Text('x')])],
    ['a hook in body', (doc) => forge(getBody(doc), 1, [new Y.XmlHook('x')])],
    ['a string in a paragraph', (doc) => forge(first(doc), 1, ['poison'])],
    ['a sub-document in a paragraph', (doc) => forge(first(doc), 0, [new Y.Doc()])],
    ['an embed in a text', (doc) => textOf(doc).insertEmbed(0, { image: 'x' })],
    ['an element in a text', (doc) => textOf(doc).insertEmbed(0, new Y.XmlElement('paragraph') as unknown as object)],
    ['an unknown node type', (doc) => getBody(doc).insert(1, [new Y.XmlElement('script')])],
    ['a node type named like a prototype key', (doc) => getBody(doc).insert(1, [new Y.XmlElement('constructor')])],
    ['an element named text', (doc) => getBody(doc).insert(1, [new Y.XmlElement('text')])],
    ['an element named doc', (doc) => getBody(doc).insert(1, [new Y.XmlElement('doc')])],
    ['text straight in body', (doc) => getBody(doc).insert(1, [new Y.XmlText('loose')])],
    ['a paragraph in a paragraph', (doc) => first(doc).insert(1, [new Y.XmlElement('paragraph')])],
    ['a list item straight in body', (doc) => getBody(doc).insert(1, [new Y.XmlElement('listItem')])],
    ['a hard break straight in body', (doc) => getBody(doc).insert(1, [new Y.XmlElement('hardBreak')])],
    ['a paragraph straight in a list', (doc) => nest(getBody(doc), 1, 'bulletList').insert(0, [new Y.XmlElement('paragraph')])],
    ['text in a blockquote', (doc) => nest(getBody(doc), 1).insert(0, [new Y.XmlText('loose')])],
    ['text in a hard break', (doc) => nest(first(doc), 1, 'hardBreak').insert(0, [new Y.XmlText('x')])],
    ['an attribute the node type lacks', (doc) => first(doc).setAttribute('onclick', 'alert(1)')],
    ['an attribute named like a prototype key', (doc) => first(doc).setAttribute('constructor', 'x')],
    ['an object as an attribute', (doc) => nest(getBody(doc), 1, 'heading').setAttribute('level', { deep: [1] } as unknown as string)],
    ['a shared type as an attribute', (doc) => first(doc).setAttribute('suggestion', new Y.Text('x') as unknown as string)],
    ['binary as an attribute', (doc) => first(doc).setAttribute('suggestion', new Uint8Array([1]) as unknown as string)],
    ['an attribute on a text', (doc) => textOf(doc).setAttribute('level', 2)],
    ['a mark the schema lacks', (doc) => textOf(doc).format(0, 3, { script: {} })],
    ['a hashed key of a mark the schema lacks', (doc) => textOf(doc).format(0, 3, { 'script--abcd1234': {} })],
  ]
  it.each(cases)('%s', (_name, change) => {
    const server = serverDoc()
    expect(verdict(server, edit(server, change))).toEqual(expect.any(String))
  })
})

describe('bodyStructure: depth', () => {
  it(`allows elements down to depth ${MAX_BODY_DEPTH}, not one deeper`, () => {
    const server = serverDoc()
    // A paragraph in MAX - 1 quotes sits at MAX.
    expect(verdict(server, edit(server, (doc) => addParagraph(nest(getBody(doc), MAX_BODY_DEPTH - 1))))).toBeNull()
    expect(verdict(server, edit(server, (doc) => addParagraph(nest(getBody(doc), MAX_BODY_DEPTH))))).toMatch(/deeper than 64/)
  })

  it('counts the levels the document has and the update adds together', () => {
    const server = serverDoc()
    Y.applyUpdate(server, edit(server, (doc) => addParagraph(nest(getBody(doc), 60))))
    const innermost = (doc: Y.Doc): Y.XmlElement => {
      let element = getBody(doc).get(1) as Y.XmlElement
      while (element.get(0) instanceof Y.XmlElement && (element.get(0) as Y.XmlElement).nodeName === 'blockquote') element = element.get(0) as Y.XmlElement
      return element
    }
    // The innermost quote is at 60: three more quotes and a paragraph reach 64.
    expect(verdict(server, edit(server, (doc) => addParagraph(nest(innermost(doc), 3))))).toBeNull()
    expect(verdict(server, edit(server, (doc) => addParagraph(nest(innermost(doc), 4))))).toMatch(/deeper/)
  })

  it('8,000 nested quotes in one update (about 160 KB) are refused, quickly', () => {
    const server = serverDoc()
    const update = edit(server, (doc) => addParagraph(nest(getBody(doc), 8_000)))
    expect(update.byteLength).toBeGreaterThan(100_000)
    const started = performance.now()
    const scope = updateScope(server, update)
    const scoped = performance.now()
    expect(bodyStructureProblem(scope.bodyItems)).toMatch(/deeper/)
    const checked = performance.now()
    // Decoding the update dominates (Yjs' own cost, paid for every update); the check adds little.
    console.log(`8,000 nested quotes (${update.byteLength} B): updateScope ${(scoped - started).toFixed(1)} ms, bodyStructure ${(checked - scoped).toFixed(1)} ms`)
    expect(checked - scoped).toBeLessThan(250)
  })

  it('a body stored deeper than the limit before the check existed: typing in it passes, new blocks in it do not', () => {
    const server = serverDoc()
    server.transact(() => addParagraph(nest(getBody(server), 200), 'deep words'))
    const deepText = (doc: Y.Doc): Y.XmlText => {
      let element = getBody(doc).get(1) as Y.XmlElement
      while (element.nodeName !== 'paragraph') element = element.get(0) as Y.XmlElement
      return element.get(0) as Y.XmlText
    }
    expect(verdict(server, edit(server, (doc) => deepText(doc).insert(0, 'more ')))).toBeNull()
    const deepQuote = (doc: Y.Doc) => (deepText(doc).parent as Y.XmlElement).parent as Y.XmlElement
    expect(verdict(server, edit(server, (doc) => addParagraph(deepQuote(doc))))).toMatch(/deeper/)
  })
})
