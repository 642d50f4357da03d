/**
 * Where a part assignee may write (server/partScope.ts, issue 15), against the update's scope as
 * the room computes it. Edits go through y-tiptap's own `updateYFragment` where the editor would
 * make them (a paragraph split, a block type change), so the origins are the binding's.
 */
import { getSchema } from '@tiptap/core'
import type { Node } from '@tiptap/pm/model'
import { Transform } from '@tiptap/pm/transform'
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { checkPartScope, growParts, type PartCheck } from '../../server/partScope'
import { updateScope } from '../../server/updateScope'
import { limitedParts } from '../../src/shared/partAccess'
import { storyExtensions } from '../../src/shared/schema/index'
import { bodyBlocks, encodeAnchor, getBody, getDesk, getMetaText, initStoryDoc, readDesk, resolvePart, type StoryDesk } from '../../src/shared/storyDoc'

const schema = getSchema(storyExtensions())
const SERVER_ID = 1
const CHIEF_CLIENT = 50
const REPORTER = 7
let nextClient = 100

/** A story of five paragraphs whose blocks 1 and 2 are the reporter's part "Reaction" (as the desk assigns it). */
function story(paragraphs = ['zero', 'one', 'two', 'three', 'four'], from = 1, to = 3): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = SERVER_ID
  initStoryDoc(doc, { headline: 'Floods', paragraphs })
  const body = getBody(doc)
  const start = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, from, 0))
  const end = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, to, -1))
  getDesk(doc).set('parts', [{ id: 'reaction', start, end, assignee: REPORTER, label: 'Reaction' }])
  return doc
}

function clientOf(server: Y.Doc): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = nextClient++
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
  return doc
}

/** The update one transaction on `client` sends. */
function edit(client: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(client)
  client.transact(() => change(client))
  return Y.encodeStateAsUpdate(client, before)
}

/** An editor change: the ProseMirror document transformed, then written back by the binding's diff. */
function editAsEditor(client: Y.Doc, change: (tr: Transform, doc: Node) => void): Uint8Array {
  const body = getBody(client)
  const doc = yXmlFragmentToProseMirrorRootNode(body, schema)
  const tr = new Transform(doc)
  change(tr, doc)
  return edit(client, () => updateYFragment(client, body, tr.doc, { mapping: new Map(), isOMark: new Map() }))
}

/** What the room does for a part-only writer: check, then apply and grow in one transaction. */
function receive(server: Y.Doc, update: Uint8Array): PartCheck {
  const decoded = Y.decodeUpdate(update)
  const scope = updateScope(server, decoded)
  expect(scope.unresolved || scope.missing).toBe(false)
  const parts = limitedParts({ id: REPORTER, role: 'reporter', isAdmin: false }, readDesk(server))
  expect(parts).not.toBeNull()
  const check = checkPartScope(server, parts ?? [], decoded, scope)
  if (check.refused === null) {
    server.transact(() => {
      Y.applyUpdate(server, update)
      growParts(server, check.growth)
    })
  }
  return check
}

const part = (server: Y.Doc) => resolvePart(server, readDesk(server).parts[0] ?? { id: '', start: '', end: '', assignee: null, label: '' })

/** Position of the start (`at` 'start') or end of top-level block `index`'s content. */
function inBlock(doc: Node, index: number, at: 'start' | 'end'): number {
  let pos = 0
  for (let child = 0; child < index; child++) pos += doc.child(child).nodeSize
  return at === 'start' ? pos + 1 : pos + doc.child(index).nodeSize - 1
}

function typeInto(client: Y.Doc, block: number, text: string): Uint8Array {
  return edit(client, (doc) => {
    const paragraph = getBody(doc).get(block) as Y.XmlElement
    if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()])
    const node = paragraph.get(0) as Y.XmlText
    node.insert(node.length, text)
  })
}

describe('who is limited to their parts', () => {
  const desk: StoryDesk = { lead: 1, contributors: [2], editor: 3, deadline: null, parts: [{ id: 'p', start: '', end: '', assignee: REPORTER, label: 'P' }] }

  it('a reporter whose only assignment is a part; not the lead, contributor, editor, an editor or the desk', () => {
    expect(limitedParts({ id: REPORTER, role: 'reporter', isAdmin: false }, desk)?.map((p) => p.id)).toEqual(['p'])
    expect(limitedParts({ id: REPORTER, role: 'reporter', isAdmin: false }, { ...desk, lead: REPORTER })).toBeNull()
    expect(limitedParts({ id: REPORTER, role: 'reporter', isAdmin: false }, { ...desk, contributors: [REPORTER] })).toBeNull()
    expect(limitedParts({ id: REPORTER, role: 'reporter', isAdmin: false }, { ...desk, editor: REPORTER })).toBeNull()
    expect(limitedParts({ id: REPORTER, role: 'editor', isAdmin: false }, desk)).toBeNull()
    expect(limitedParts({ id: REPORTER, role: 'chief', isAdmin: false }, desk)).toBeNull()
    expect(limitedParts({ id: REPORTER, role: 'reporter', isAdmin: true }, desk)).toBeNull()
    expect(limitedParts({ id: 99, role: 'reporter', isAdmin: false }, desk)).toBeNull()
  })
})

describe('checkPartScope', () => {
  it('lets the reporter type and delete inside the part', () => {
    const server = story()
    const client = clientOf(server)
    expect(receive(server, typeInto(client, 1, ' more')).refused).toBeNull()
    expect(receive(server, edit(client, (doc) => ((getBody(doc).get(2) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 2))).refused).toBeNull()
    expect(bodyBlocks(server)).toEqual(['zero', 'one more', 'o', 'three', 'four'])
    expect(part(server)).toEqual({ from: 1, to: 3 })
  })

  it('refuses typing, deleting or adding blocks outside the part, and any metadata', () => {
    const server = story()
    const text = (doc: Y.Doc, block: number) => (getBody(doc).get(block) as Y.XmlElement).get(0) as Y.XmlText
    const refused: Array<(client: Y.Doc) => Uint8Array> = [
      (client) => typeInto(client, 0, ' before'),
      (client) => typeInto(client, 3, ' after'),
      (client) => edit(client, (doc) => getBody(doc).delete(4, 1)),
      (client) => edit(client, (doc) => text(doc, 0).delete(0, 1)),
      // A paragraph between blocks 3 and 4, nowhere near the part.
      (client) => edit(client, (doc) => getBody(doc).insert(4, [new Y.XmlElement('paragraph')])),
      (client) => edit(client, (doc) => getMetaText(doc, 'headline')?.insert(0, 'Breaking: ')),
      // Inside the part and outside it at once: refused whole.
      (client) =>
        edit(client, (doc) => {
          text(doc, 1).insert(0, 'ok ')
          text(doc, 3).insert(0, 'not ok ')
        }),
    ]
    // Each from a client of its own: a refused update never reaches the server, so nothing may build on it.
    for (const change of refused) expect(receive(server, change(clientOf(server))).refused).not.toBeNull()
    expect(bodyBlocks(server)).toEqual(['zero', 'one', 'two', 'three', 'four'])
  })

  it('a new paragraph after the last block (Enter at its end) joins the part, and typing in it is allowed', () => {
    const server = story()
    const client = clientOf(server)
    const enter = editAsEditor(client, (tr, doc) => tr.split(inBlock(doc, 2, 'end')))
    expect(receive(server, enter).refused).toBeNull()
    expect(part(server)).toEqual({ from: 1, to: 4 })
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)))
    expect(receive(server, typeInto(client, 3, 'new paragraph')).refused).toBeNull()
    expect(bodyBlocks(server)).toEqual(['zero', 'one', 'two', 'new paragraph', 'three', 'four'])
  })

  it('within one batch, the second update is checked against the part the first one grew', () => {
    const server = story()
    const client = clientOf(server)
    // What the room read before the batch: the anchors must come from the document, not from this.
    const before = limitedParts({ id: REPORTER, role: 'reporter', isAdmin: false }, readDesk(server)) ?? []
    const enter = editAsEditor(client, (tr, doc) => tr.split(inBlock(doc, 2, 'end')))
    const typing = typeInto(client, 3, 'Quick.')
    const verdicts: Array<string | null> = []
    server.transact(() => {
      for (const update of [enter, typing]) {
        const decoded = Y.decodeUpdate(update)
        const check = checkPartScope(server, before, decoded, updateScope(server, decoded))
        verdicts.push(check.refused)
        Y.applyUpdate(server, update)
        growParts(server, check.growth)
      }
    })
    expect(verdicts).toEqual([null, null])
    expect(bodyBlocks(server)).toEqual(['zero', 'one', 'two', 'Quick.', 'three', 'four'])
  })

  it('a split in the middle of the last block, or at the start of the first, stays in the part', () => {
    const server = story()
    const client = clientOf(server)
    expect(receive(server, editAsEditor(client, (tr, doc) => tr.split(inBlock(doc, 2, 'start') + 1))).refused).toBeNull()
    expect(bodyBlocks(server)).toEqual(['zero', 'one', 't', 'wo', 'three', 'four'])
    expect(part(server)).toEqual({ from: 1, to: 4 })
    expect(receive(server, editAsEditor(client, (tr, doc) => tr.split(inBlock(doc, 1, 'start')))).refused).toBeNull()
    expect(bodyBlocks(server)).toEqual(['zero', '', 'one', 't', 'wo', 'three', 'four'])
    expect(part(server)).toEqual({ from: 1, to: 5 })
  })

  it('turning the only block of a part into a subhead keeps it the part', () => {
    const server = story(['zero', 'one', 'two'], 1, 2)
    const client = clientOf(server)
    const subhead = editAsEditor(client, (tr, doc) => tr.setBlockType(inBlock(doc, 1, 'start'), inBlock(doc, 1, 'end'), schema.nodes.heading!, { level: 2 }))
    expect(receive(server, subhead).refused).toBeNull()
    expect((getBody(server).get(1) as Y.XmlElement).nodeName).toBe('heading')
    expect(part(server)).toEqual({ from: 1, to: 2 })
  })

  it('a paste of several paragraphs at the end joins the part whole', () => {
    const server = story()
    const client = clientOf(server)
    const paste = edit(client, (doc) =>
      getBody(doc).insert(
        3,
        ['a', 'b', 'c'].map((text) => {
          const paragraph = new Y.XmlElement('paragraph')
          paragraph.insert(0, [new Y.XmlText(text)])
          return paragraph
        }),
      ),
    )
    expect(receive(server, paste).refused).toBeNull()
    expect(part(server)).toEqual({ from: 1, to: 6 })
  })

  it('deleting a whole block of the part is allowed; the part keeps the rest', () => {
    const server = story()
    const client = clientOf(server)
    expect(receive(server, edit(client, (doc) => getBody(doc).delete(2, 1))).refused).toBeNull()
    expect(part(server)).toEqual({ from: 1, to: 2 })
  })

  it('refuses a new block that could land past someone else’s block added meanwhile after the part', () => {
    const server = story()
    const client = clientOf(server)
    // The desk adds a paragraph right after the part; the reporter, not having it yet, adds one there too.
    const chief = clientOf(server)
    chief.clientID = CHIEF_CLIENT
    Y.applyUpdate(server, edit(chief, (doc) => getBody(doc).insert(3, [new Y.XmlElement('paragraph')])))
    const mine = edit(client, (doc) => getBody(doc).insert(3, [new Y.XmlElement('paragraph')]))
    expect(receive(server, mine).refused).not.toBeNull()
  })

  it('follows its parts: with none left that has text, nothing is allowed', () => {
    const server = story()
    const chief = clientOf(server)
    Y.applyUpdate(server, edit(chief, (doc) => getBody(doc).delete(1, 2)))
    const client = clientOf(server)
    expect(receive(server, edit(client, (doc) => getBody(doc).insert(1, [new Y.XmlElement('paragraph')]))).refused).not.toBeNull()
  })
})
