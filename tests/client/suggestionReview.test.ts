/**
 * The server's review of suggestions (server/suggestionReview.ts) against what real editors send:
 * TipTap editors with suggest mode (src/review/suggest/) bound to Y.Docs, every update
 * they make checked and applied by a stand-in for the room (the same calls server/room.ts makes,
 * on a document that keeps suggestion history, server/suggestionHistory.ts) and passed on to the
 * other editor. Honest editing never reads as forged, whatever it does around someone else's
 * suggestion (typing in it, deleting around it, splitting, joining and retyping its paragraph,
 * undoing a reject), and accepting or rejecting through the editor records the right decision.
 * Alice (an editor, user 11) suggests; Bob (the lead reporter, user 22) writes and settles.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Editor } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import { TextSelection } from '@tiptap/pm/state'
import { installIncrementalSync, uninstallIncrementalSync } from '../../src/editor/incrementalSync'
import { storyExtensions } from '../../src/shared/schema'
import { BODY } from '../../src/shared/storyDoc'
import { SuggestChanges, type SuggestionAuthor } from '../../src/review/suggest/SuggestChanges'
import { createStoryDoc } from '../../server/suggestionHistory'
import { SuggestionIndex } from '../../server/suggestionIndex'
import type { DecisionInput } from '../../server/suggestionLog'
import { reviewSuggestions } from '../../server/suggestionReview'
import { updateScope } from '../../server/updateScope'
import { find, select, stopCapturing, type } from '../helpers/typing'

const ALICE: SuggestionAuthor = { id: 11, name: 'Alice Editor', color: '#b4421f' }
const BOB: SuggestionAuthor = { id: 22, name: 'Bob Reporter', color: '#1f6fb4' }
const FROM_SERVER = Symbol('server')

/** What the room does with each client update: review, refuse or apply, learn ids, keep decisions. */
class Server {
  readonly doc = createStoryDoc()
  readonly index = new SuggestionIndex(this.doc)
  readonly owners = new Map<string, number | null>()
  readonly decisions: Array<DecisionInput & { userId: number }> = []
  readonly refused: string[] = []

  receive(update: Uint8Array, senderId: number): void {
    const scope = updateScope(this.doc, update)
    const ownerOf = (id: string) => (this.owners.has(id) ? this.owners.get(id) : scope.suggestions.find((ref) => ref.id === id)?.authorId)
    const review = reviewSuggestions(update, { doc: this.doc, index: this.index, senderId, ownerOf })
    if (review?.forged) {
      this.refused.push(review.forged)
      return
    }
    Y.applyUpdate(this.doc, update, FROM_SERVER)
    for (const { id, authorId } of scope.suggestions) if (!this.owners.has(id)) this.owners.set(id, authorId)
    review?.applied()
    for (const decision of review?.decisions ?? []) this.decisions.push({ ...decision, userId: senderId })
  }
}

interface Peer {
  doc: Y.Doc
  editor: Editor
  author: SuggestionAuthor
  outbox: Uint8Array[]
}

let server: Server
const peers: Peer[] = []

function openPeer(clientID: number, author: SuggestionAuthor, suggesting: boolean): Peer {
  const doc = new Y.Doc()
  doc.clientID = clientID
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server.doc), FROM_SERVER)
  const element = document.createElement('div')
  document.body.appendChild(element)
  let next = 0
  const editor = new Editor({
    element,
    extensions: [
      ...storyExtensions(),
      Collaboration.configure({ document: doc, field: BODY }),
      SuggestChanges.configure({ author, suggesting, generateId: () => `${author.name[0]}${++next}` }),
    ],
  })
  const peer: Peer = { doc, editor, author, outbox: [] }
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== FROM_SERVER) peer.outbox.push(update)
  })
  peers.push(peer)
  return peer
}

/** Send what `peer` did to the server, one update at a time, then everything the server has to everyone. */
function send(peer: Peer): void {
  for (const update of peer.outbox.splice(0)) server.receive(update, peer.author.id as number)
  for (const other of peers) Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(server.doc, Y.encodeStateVector(other.doc)), FROM_SERVER)
}

/** Bob writes the story directly; Alice opens it in suggest mode. */
function story(html: string): { alice: Peer; bob: Peer } {
  const bob = openPeer(2, BOB, false)
  bob.editor.commands.setContent(html)
  send(bob)
  const alice = openPeer(1, ALICE, true)
  return { alice, bob }
}

function deleteRange(editor: Editor, from: number, to: number): void {
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, from, to)).deleteSelection())
}

/** The suggestion runs of the server's story: text with its suggestion id, `+` inserted, `-` deleted. */
function serverRuns(): string[] {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(server.doc))
  const out: string[] = []
  const walk = (node: Y.XmlElement | Y.XmlFragment) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) {
        for (const op of child.toDelta() as Array<{ insert: string; attributes?: Record<string, { id: string } | undefined> }>) {
          const ins = op.attributes?.insertion
          const del = op.attributes?.deletion
          out.push(ins ? `+${op.insert}:${ins.id}` : del ? `-${op.insert}:${del.id}` : op.insert)
        }
      } else if (child instanceof Y.XmlElement) {
        walk(child)
      }
    }
  }
  walk(copy.getXmlFragment(BODY))
  return out
}

const decided = () => server.decisions.map(({ action, suggestionId, kind, text, userId, authorId }) => [action, suggestionId, kind, text, userId, authorId])

beforeAll(() => {
  installIncrementalSync()
})
afterAll(() => {
  uninstallIncrementalSync()
})
afterEach(() => {
  for (const peer of peers.splice(0)) {
    peer.editor.destroy()
    peer.doc.destroy()
  }
})

describe("honest editing around someone else's suggestion is never read as forged", () => {
  it('typing inside it, in suggest mode and directly, and deleting around it', () => {
    server = new Server()
    const { alice, bob } = story('<p>The council met on Tuesday.</p>')
    type(alice.editor, find(alice.editor, ' met'), ' finally')
    send(alice)
    expect(serverRuns()).toEqual(['The council', '+ finally:A1', ' met on Tuesday.'])
    // Bob in suggest mode types inside Alice's insertion: his own insertion, hers around it.
    bob.editor.commands.setSuggesting(true)
    type(bob.editor, find(bob.editor, 'nally'), 'XY')
    send(bob)
    expect(serverRuns()).toEqual(['The council', '+ fi:A1', '+XY:B1', '+nally:A1', ' met on Tuesday.'])
    // Directly: plain text inside her run (Yjs negates her value before it and restores it after).
    bob.editor.commands.setSuggesting(false)
    type(bob.editor, find(bob.editor, 'ally'), 'zz')
    send(bob)
    expect(serverRuns()).toEqual(['The council', '+ fi:A1', '+XY:B1', '+n:A1', 'zz', '+ally:A1', ' met on Tuesday.'])
    // Deleting across the edge of her run, directly and in suggest mode.
    deleteRange(bob.editor, find(bob.editor, 'cil'), find(bob.editor, ' fi', true))
    send(bob)
    bob.editor.commands.setSuggesting(true)
    deleteRange(bob.editor, find(bob.editor, 'ally'), find(bob.editor, ' met', true))
    send(bob)
    expect(server.refused).toEqual([])
    expect(serverRuns().join('')).toContain('ally')
    expect(server.decisions).toEqual([])
  })

  it('splitting, joining and retyping its paragraph, and wrapping it in a list', () => {
    server = new Server()
    const { alice, bob } = story('<p>Roads close at dawn.</p><p>Buses run.</p>')
    type(alice.editor, find(alice.editor, ' at dawn'), ' early')
    select(alice.editor, find(alice.editor, 'Roads'), find(alice.editor, 'Roads', true))
    alice.editor.commands.toggleBold()
    select(alice.editor, find(alice.editor, 'Buses'))
    alice.editor.commands.setHeading({ level: 2 })
    send(alice)
    expect(server.refused).toEqual([])
    // Bob, directly: Enter inside her insertion, Backspace to join again, a heading, a list, back.
    select(bob.editor, find(bob.editor, 'rly'))
    bob.editor.commands.splitBlock()
    send(bob)
    select(bob.editor, find(bob.editor, 'rly'))
    bob.editor.commands.joinBackward()
    send(bob)
    select(bob.editor, find(bob.editor, 'close'))
    bob.editor.commands.setHeading({ level: 3 })
    send(bob)
    bob.editor.commands.setParagraph()
    send(bob)
    bob.editor.commands.toggleBulletList()
    send(bob)
    bob.editor.commands.toggleBulletList()
    send(bob)
    // In suggest mode: a suggested break inside her run, and his own type over hers.
    bob.editor.commands.setSuggesting(true)
    select(bob.editor, find(bob.editor, 'rly'))
    bob.editor.commands.splitBlock()
    send(bob)
    select(bob.editor, find(bob.editor, 'Buses'))
    bob.editor.commands.setHeading({ level: 3 })
    send(bob)
    expect(server.refused).toEqual([])
    expect(server.decisions).toEqual([])
    expect(serverRuns()).toEqual(['Roads', ' close', '+ ea:A1', '+rly:A1', ' at dawn.', 'Buses run.'])
    expect(alice.editor.getHTML()).toBe(bob.editor.getHTML())
  })
})

describe('format suggestions stacked on hers', () => {
  it("Bob's formatting over part of Alice's stacks on her record; settling hers records her decision only", () => {
    server = new Server()
    const { alice, bob } = story('<p>Roads close at dawn.</p>')
    select(alice.editor, find(alice.editor, 'Roads'), find(alice.editor, 'close', true))
    alice.editor.commands.toggleItalic()
    send(alice)
    bob.editor.commands.setSuggesting(true)
    select(bob.editor, find(bob.editor, 'close'), find(bob.editor, ' at', true))
    bob.editor.commands.toggleBold()
    send(bob)
    expect(server.refused).toEqual([])
    bob.editor.commands.setSuggesting(false)
    bob.editor.commands.rejectSuggestion('A1')
    send(bob)
    expect(server.refused).toEqual([])
    expect(decided()).toEqual([['reject', 'A1', 'format', 'Italic: Roads close', 22, 11]])
    expect(bob.editor.getHTML()).toMatch(/^<p>Roads <strong><span [^>]*data-suggestion-id="B1"[^>]*>close at<\/span><\/strong> dawn\.<\/p>$/)
  })
})

describe('accepting and rejecting through the editor: the server records the decision', () => {
  it('insertions, deletions and replacements, with the kind and text the review list shows', () => {
    server = new Server()
    const { alice, bob } = story('<p>The council met on Tuesday to vote.</p>')
    type(alice.editor, find(alice.editor, ' met'), ' finally')
    deleteRange(alice.editor, find(alice.editor, ' to vote'), find(alice.editor, ' to vote', true))
    select(alice.editor, find(alice.editor, 'The'), find(alice.editor, 'The', true))
    alice.editor.commands.insertContent('A')
    send(alice)
    expect(serverRuns()).toEqual(['-The:A3', '+A:A3', ' council', '+ finally:A1', ' met on Tuesday', '- to vote:A2', '.'])
    bob.editor.commands.acceptSuggestion('A1')
    send(bob)
    bob.editor.commands.rejectSuggestion('A2')
    send(bob)
    bob.editor.commands.acceptSuggestion('A3')
    send(bob)
    expect(server.refused).toEqual([])
    expect(decided()).toEqual([
      ['accept', 'A1', 'insertion', ' finally', 22, 11],
      ['reject', 'A2', 'deletion', ' to vote', 22, 11],
      ['accept', 'A3', 'replacement', 'The → A', 22, 11],
    ])
    expect(serverRuns()).toEqual(['A council finally met on Tuesday to vote.'])
  })

  it('the other way round, and undoing a reject is not forged', () => {
    server = new Server()
    const { alice, bob } = story('<p>The council met on Tuesday to vote.</p>')
    type(alice.editor, find(alice.editor, ' met'), ' finally')
    deleteRange(alice.editor, find(alice.editor, ' to vote'), find(alice.editor, ' to vote', true))
    send(alice)
    stopCapturing(bob.editor)
    bob.editor.commands.rejectSuggestion('A1')
    send(bob)
    stopCapturing(bob.editor)
    bob.editor.commands.acceptSuggestion('A2')
    send(bob)
    expect(decided()).toEqual([
      ['reject', 'A1', 'insertion', ' finally', 22, 11],
      ['accept', 'A2', 'deletion', ' to vote', 22, 11],
    ])
    expect(serverRuns()).toEqual(['The council met on Tuesday.'])
    // Bob's undo puts both back, in Alice's name: her text and marks as they were, not new ones.
    bob.editor.commands.undo()
    send(bob)
    bob.editor.commands.undo()
    send(bob)
    expect(server.refused).toEqual([])
    expect(serverRuns()).toEqual(['The council', '+ finally:A1', ' met on Tuesday', '- to vote:A2', '.'])
    expect(server.decisions).toHaveLength(2)
  })

  it('format, paragraph break and block type suggestions', () => {
    server = new Server()
    const { alice, bob } = story('<p>Roads close at dawn. Buses run.</p><p>Trains stop.</p>')
    select(alice.editor, find(alice.editor, 'Roads'), find(alice.editor, 'Roads', true))
    alice.editor.commands.toggleBold()
    select(alice.editor, find(alice.editor, 'Trains'), find(alice.editor, 'Trains', true))
    alice.editor.commands.toggleItalic()
    select(alice.editor, find(alice.editor, ' Buses'))
    alice.editor.commands.splitBlock()
    select(alice.editor, find(alice.editor, 'Trains'))
    alice.editor.commands.setHeading({ level: 2 })
    send(alice)
    expect(server.refused).toEqual([])
    bob.editor.commands.acceptSuggestion('A1')
    send(bob)
    bob.editor.commands.rejectSuggestion('A2')
    send(bob)
    bob.editor.commands.rejectSuggestion('A3')
    send(bob)
    bob.editor.commands.acceptSuggestion('A4')
    send(bob)
    expect(server.refused).toEqual([])
    expect(decided()).toEqual([
      ['accept', 'A1', 'format', 'Bold: Roads', 22, 11],
      ['reject', 'A2', 'format', 'Italic: Trains', 22, 11],
      ['reject', 'A3', 'insertion', '¶', 22, 11],
      ['accept', 'A4', 'format', 'Heading 2: Trains stop.', 22, 11],
    ])
    // (An empty paragraph always follows a heading at the end: TipTap's trailing node.)
    expect(bob.editor.getHTML()).toBe('<p><strong>Roads</strong> close at dawn. Buses run.</p><h2>Trains stop.</h2><p></p>')
  })

  it('rejecting a heading and accepting a suggested join', () => {
    server = new Server()
    const { alice, bob } = story('<p>One.</p><p>Two.</p><p>Three.</p>')
    select(alice.editor, find(alice.editor, 'Two'))
    alice.editor.commands.setHeading({ level: 2 })
    select(alice.editor, find(alice.editor, 'Three'))
    alice.editor.commands.joinBackward()
    send(alice)
    expect(server.refused).toEqual([])
    bob.editor.commands.rejectSuggestion('A1')
    send(bob)
    bob.editor.commands.acceptSuggestion('A2')
    send(bob)
    expect(server.refused).toEqual([])
    expect(decided()).toEqual([
      ['reject', 'A1', 'format', 'Heading 2: Two.', 22, 11],
      ['accept', 'A2', 'deletion', '¶', 22, 11],
    ])
    expect(bob.editor.getHTML()).toBe('<p>One.</p><p>Two.Three.</p>')
  })

  it('undoing the reject of a suggested paragraph break and of a heading puts them back in her name: not forged', () => {
    server = new Server()
    const { alice, bob } = story('<p>Roads close at dawn. Buses run.</p><p>Trains stop.</p>')
    select(alice.editor, find(alice.editor, ' Buses'))
    alice.editor.commands.splitBlock()
    select(alice.editor, find(alice.editor, 'Trains'))
    alice.editor.commands.setHeading({ level: 2 })
    send(alice)
    const suggested = bob.editor.getHTML()
    stopCapturing(bob.editor)
    bob.editor.commands.rejectSuggestion('A1')
    send(bob)
    stopCapturing(bob.editor)
    bob.editor.commands.rejectSuggestion('A2')
    send(bob)
    expect(decided()).toEqual([
      ['reject', 'A1', 'insertion', '¶', 22, 11],
      ['reject', 'A2', 'format', 'Heading 2: Trains stop.', 22, 11],
    ])
    // (The empty paragraph is the one TipTap keeps after a heading at the end.)
    expect(bob.editor.getHTML()).toBe('<p>Roads close at dawn. Buses run.</p><p>Trains stop.</p><p></p>')
    bob.editor.commands.undo()
    send(bob)
    bob.editor.commands.undo()
    send(bob)
    expect(server.refused).toEqual([])
    expect(bob.editor.getHTML()).toBe(suggested)
    expect(alice.editor.getHTML()).toBe(suggested)
  })

  it('accept all settles every suggestion; the author withdrawing her own is not a decision', () => {
    server = new Server()
    const { alice, bob } = story('<p>The council met on Tuesday.</p>')
    type(alice.editor, find(alice.editor, ' met'), ' finally')
    type(alice.editor, find(alice.editor, '.'), ' again')
    type(alice.editor, find(alice.editor, 'council', true), ' members')
    send(alice)
    // Alice takes back her third suggestion (Backspace over her own text deletes it for real).
    deleteRange(alice.editor, find(alice.editor, ' members'), find(alice.editor, ' members', true))
    send(alice)
    expect(server.decisions).toEqual([])
    bob.editor.commands.acceptAllSuggestions()
    send(bob)
    expect(decided().sort()).toEqual([
      ['accept', 'A1', 'insertion', ' finally', 22, 11],
      ['accept', 'A2', 'insertion', ' again', 22, 11],
    ])
  })
})

describe("what only a forger sends is refused: someone else's suggestion id over what it never covered", () => {
  /** Alice suggests " finally" (A1), strikes out " to vote" (A2), suggests a new paragraph (A3); Bob forges on a raw document. */
  function setUp(): { forge: (change: (body: Y.XmlFragment, doc: Y.Doc) => void) => string | null; value: (id: string) => Record<string, unknown> } {
    server = new Server()
    const { alice } = story('<p>The council met on Tuesday to vote.</p><p>Roads close.</p>')
    type(alice.editor, find(alice.editor, ' met'), ' finally')
    deleteRange(alice.editor, find(alice.editor, ' to vote'), find(alice.editor, ' to vote', true))
    select(alice.editor, find(alice.editor, ' close'))
    alice.editor.commands.splitBlock()
    send(alice)
    expect(serverRuns()).toEqual(['The council', '+ finally:A1', ' met on Tuesday', '- to vote:A2', '.', 'Roads', ' close.'])
    const value = (id: string): Record<string, unknown> => {
      const first = (server.doc.getXmlFragment(BODY).get(0) as Y.XmlElement).get(0) as Y.XmlText
      for (const op of first.toDelta() as Array<{ attributes?: Record<string, { id: string }> }>) {
        for (const attribute of Object.values(op.attributes ?? {})) if (attribute.id === id) return { ...attribute }
      }
      throw new Error(`no value of ${id}`)
    }
    const forge = (change: (body: Y.XmlFragment, doc: Y.Doc) => void): string | null => {
      const doc = new Y.Doc()
      doc.clientID = 700 + server.refused.length
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(server.doc))
      const updates: Uint8Array[] = []
      doc.on('update', (update: Uint8Array) => updates.push(update))
      doc.transact(() => change(doc.getXmlFragment(BODY), doc))
      const refused = server.refused.length
      const before = Y.encodeStateVector(server.doc)
      for (const update of updates) server.receive(update, BOB.id as number)
      const verdict = server.refused[refused] ?? null
      // A refused update changed nothing on the server.
      const changed = JSON.stringify([...Y.encodeStateVector(server.doc)]) !== JSON.stringify([...before])
      expect(verdict !== null && changed).toBe(false)
      return verdict
    }
    return { forge, value }
  }
  const firstText = (body: Y.XmlFragment) => (body.get(0) as Y.XmlElement).get(0) as Y.XmlText

  it("new text carrying Alice's id, anywhere, however it is written", () => {
    const { forge, value } = setUp()
    expect(forge((body) => firstText(body).insert(4, 'forged ', { insertion: value('A1') }))).toMatch(/new text under someone else's suggestion A1/)
    expect(forge((body) => firstText(body).insert(0, 'Not ', { insertion: { ...value('A1'), authorName: 'Bob' } }))).toMatch(/A1/)
    // Typed inside her run without the negation Yjs writes around honest typing: it inherits her value.
    expect(forge((body) => firstText(body).insert(13, 'XX'))).toMatch(/new text under someone else's suggestion A1/)
    // Her words taken out and other words put under her id in the same update.
    expect(
      forge((body) => {
        firstText(body).delete(11, 8)
        firstText(body).insert(11, ' never', { insertion: value('A1') })
      }),
    ).toMatch(/A1/)
    expect(server.decisions).toEqual([])
  })

  it("Alice's deletion mark over text it never covered, and her mark stretched by deleting where it ends", () => {
    const { forge, value } = setUp()
    expect(forge((body) => firstText(body).format(0, 3, { deletion: value('A2') }))).toMatch(/existing text newly covered by someone else's suggestion A2/)
    expect(forge((body) => firstText(body).format(19, 7, { insertion: value('A1') }))).toMatch(/existing text newly covered by someone else's suggestion A1/)
    // The format item that ends her insertion deleted: her mark would run on over " met on Tuesday".
    expect(
      forge((body, doc) => {
        let item = firstText(body)._start
        let seenValue = false
        while (item) {
          const { content } = item
          if (content instanceof Y.ContentFormat && content.key === 'insertion') {
            if (content.value !== null) seenValue = true
            else if (seenValue && !item.deleted) {
              const end = item
              doc.transact((transaction) => end.delete(transaction))
              break
            }
          }
          item = item.right
        }
      }),
    ).toMatch(/A1/)
  })

  it("Alice's suggested paragraph break put on another paragraph, and on a new one", () => {
    const { forge } = setUp()
    const breakValue = () => (server.doc.getXmlFragment(BODY).get(2) as Y.XmlElement).getAttribute('suggestion') as string
    expect(JSON.parse(breakValue())).toMatchObject({ id: 'A3', kind: 'split' })
    expect(forge((body) => (body.get(0) as Y.XmlElement).setAttribute('suggestion', breakValue()))).toMatch(/a block newly under someone else's suggestion A3/)
    expect(
      forge((body) => {
        const paragraph = new Y.XmlElement('paragraph')
        paragraph.setAttribute('suggestion', breakValue())
        paragraph.insert(0, [new Y.XmlText('Fake.')])
        body.insert(3, [paragraph])
      }),
    ).toMatch(/a new block under someone else's suggestion A3/)
  })
})
