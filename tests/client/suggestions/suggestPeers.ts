/**
 * The suggest-mode scenarios' two peers (tests/helpers/peers.ts) and what they read off a story:
 * A, Alice (an editor, clientID 1), suggests; B, Bob (the lead reporter, clientID 2), writes
 * directly and accepts or rejects. Suggestion ids are readable and deterministic: the author's
 * initial and a counter (`A1`, `B2`). Importing this module opens and closes the peers around
 * each test, with the incremental sync installed as in the app (src/editor/StoryEditor.tsx).
 */
import { afterAll, beforeAll } from 'vitest'
import * as Y from 'yjs'
import type { Editor, JSONContent } from '@tiptap/core'
import { Collaboration } from '@tiptap/extension-collaboration'
import type { Node as PMNode } from '@tiptap/pm/model'
import { installIncrementalSync, uninstallIncrementalSync } from '../../../src/editor/incrementalSync'
import { SuggestChanges, type SuggestionAuthor } from '../../../src/review/suggest/SuggestChanges'
import { storyExtensions } from '../../../src/shared/schema'
import { BODY } from '../../../src/shared/storyDoc'
import { deliver, peerHarness, type Peer } from '../../helpers/peers'

/** A's and B's pinned clientIDs. */
export const A_ID = 1
export const B_ID = 2
/** Who A and B are: the authors their suggestions carry. */
export const ALICE: SuggestionAuthor = { id: 11, name: 'Alice Editor', color: '#b4421f' }
export const BOB: SuggestionAuthor = { id: 22, name: 'Bob Reporter', color: '#1f6fb4' }

interface SuggestOptions {
  author: SuggestionAuthor
  suggesting: boolean
}

/**
 * The editor's document as JSON, with each text's marks in a fixed order: several people's format
 * records on the same words are one set, which editors may hold in different orders.
 */
export function canonical(editor: Editor): unknown {
  const sortMarks = (node: JSONContent): JSONContent => ({
    ...node,
    ...(node.marks ? { marks: [...node.marks].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) } : {}),
    ...(node.content ? { content: node.content.map(sortMarks) } : {}),
  })
  return sortMarks(editor.getJSON())
}

const peers = peerHarness<SuggestOptions>({
  extensions: ({ doc }, { author, suggesting }) => {
    let next = 0
    return [
      ...storyExtensions(),
      Collaboration.configure({ document: doc, field: BODY }),
      // Readable, deterministic ids: author initial and a counter.
      SuggestChanges.configure({ author, suggesting, generateId: () => `${author.name[0]}${++next}` }),
    ]
  },
  // Whoever opens the story fresh reads it outside suggest mode.
  twin: { author: BOB, suggesting: false },
  show: canonical,
})

beforeAll(() => {
  // As in the app (StoryEditor): bindings take `_typeChanged` when they are constructed.
  installIncrementalSync()
})

afterAll(() => {
  uninstallIncrementalSync()
})

/** A peer for `author` on `doc` (a new one by default). */
export function openPeer(clientID: number, author: SuggestionAuthor, suggesting = false, doc = new Y.Doc()): Peer {
  return peers.open(clientID, { author, suggesting }, doc)
}

/** Destroy a peer now, to start over within a test. */
export function closePeer(peer: Peer): void {
  peers.close(peer)
}

/** B writes the story; A opens it afterwards (in suggest mode unless `aSuggesting` is false). */
export function pair(html: string, aSuggesting = true): { a: Peer; b: Peer } {
  const b = openPeer(B_ID, BOB)
  b.editor.commands.setContent(html)
  const docA = new Y.Doc()
  deliver(b.doc, docA)
  return { a: openPeer(A_ID, ALICE, aSuggesting, docA), b }
}

/** A fresh editor on a copy of `peer`'s document, to settle suggestions without touching the peers. */
export function copyOf(peer: Peer): Peer {
  return peers.twin(peer.doc, 98)
}

/** With DEBUG_FUZZ set: the story block by block with its suggestions, after `what`. */
export function trace(editor: Editor, what: string): void {
  if (!process.env.DEBUG_FUZZ) return
  const lines: string[] = []
  editor.state.doc.forEach((block) => {
    const suggested = block.attrs.suggestion ? JSON.parse(String(block.attrs.suggestion)) : null
    const text: string[] = []
    block.forEach((child) => {
      const marks = child.marks.filter((m) => m.type.name === 'insertion' || m.type.name === 'deletion').map((m) => `${m.type.name[0] === 'i' ? '+' : '-'}${m.attrs.id}`)
      text.push(marks.length ? `[${marks.join(',')}:${child.text}]` : (child.text ?? ''))
    })
    lines.push(`   ${suggested ? `¶${suggested.kind}:${suggested.id} ` : ''}${text.join('') || '(empty)'}`)
  })
  console.log(`${what}\n${lines.join('\n')}`)
}

/** Both peers show the same document, which is also what a freshly opened editor shows. */
export function expectConverged(a: Peer, b: Peer): void {
  if (process.env.DEBUG_FUZZ && JSON.stringify(canonical(a.editor)) !== JSON.stringify(canonical(b.editor))) {
    const fresh = JSON.stringify(canonical(copyOf(a).editor))
    console.log('DIVERGED: a matches Y?', JSON.stringify(canonical(a.editor)) === fresh, 'b matches Y?', JSON.stringify(canonical(b.editor)) === fresh)
    trace(a.editor, 'A')
    trace(b.editor, 'B')
  }
  peers.expectConverged([a, b])
}

/** The runs of text with their suggestion, e.g. `['It ', '+big:A1:11', ' vote', '-old:A1:11']`. */
export function runs(doc: PMNode): string[] {
  const out: string[] = []
  doc.descendants((node) => {
    if (!node.isText) return true
    const mark = node.marks.find((m) => m.type.name === 'insertion' || m.type.name === 'deletion')
    const text = node.text ?? ''
    if (!mark) out.push(text)
    else out.push(`${mark.type.name === 'insertion' ? '+' : '-'}${text}:${String(mark.attrs.id)}:${String(mark.attrs.authorId)}`)
    return false
  })
  return out
}

/** Any suggestion left: a marked run of text or a suggested paragraph break. */
export function hasSuggestionMarks(doc: PMNode): boolean {
  let found = false
  doc.descendants((node) => {
    if (node.marks.some((mark) => mark.type.name === 'insertion' || mark.type.name === 'deletion')) found = true
    if (node.attrs.suggestion) found = true
    return !found
  })
  return found
}
