/**
 * The editor of a reporter assigned only a part (src/editor/partLock.ts, issue 15): a real TipTap
 * editor bound to a Y.Doc whose desk gives blocks 1 and 2 to the signed-in reporter.
 */
import { Collaboration } from '@tiptap/extension-collaboration'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PART_LOCK_HINT_ID, PartLock } from '../../src/editor/partLock'
import type { PublicUser } from '../../src/shared/api'
import { storyExtensions } from '../../src/shared/schema'
import { BODY, bodyBlocks, encodeAnchor, getBody, getDesk, initStoryDoc, readDesk, resolvePart } from '../../src/shared/storyDoc'
import { useSession } from '../../src/store/session'
import { peerHarness, type Peer } from '../helpers/peers'

const ROBIN: PublicUser = { id: 7, username: 'robin', displayName: 'Robin', bylineName: 'Robin', color: '#1f6fb4', role: 'reporter', isAdmin: false, active: true }
const BLOCKS = ['Zero.', 'One.', 'Two.', 'Three.']

const peers = peerHarness<null>({
  extensions: ({ doc }) => [...storyExtensions(), Collaboration.configure({ document: doc, field: BODY }), PartLock.configure({ doc })],
  twin: null,
})

/** The story as the server makes it, with Robin's part "Reaction" on blocks 1 and 2, opened in an editor. */
function open(): Peer {
  const server = new Y.Doc()
  initStoryDoc(server, { paragraphs: BLOCKS })
  const body = getBody(server)
  const start = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 1, 0))
  const end = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 3, -1))
  getDesk(server).set('parts', [{ id: 'reaction', start, end, assignee: ROBIN.id, label: 'Reaction' }])
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
  return peers.open(10, null, doc)
}

/** The position just inside the end of top-level block `index`. */
function endOf(peer: Peer, index: number): number {
  let pos = 0
  for (let child = 0; child < index; child++) pos += peer.editor.state.doc.child(child).nodeSize
  return pos + peer.editor.state.doc.child(index).nodeSize - 1
}

const lockedTexts = (peer: Peer) => [...peer.editor.view.dom.querySelectorAll('.part-lock__locked')].map((node) => node.textContent)
const hint = () => document.getElementById(PART_LOCK_HINT_ID)

beforeEach(() => {
  useSession.setState({ session: { kind: 'signed-in', user: ROBIN } })
})
afterEach(() => {
  useSession.setState({ session: { kind: 'signed-out' } })
})

describe('PartLock', () => {
  it('shows the rest of the story read-only, and says which part is theirs', () => {
    const peer = open()
    expect(lockedTexts(peer)).toEqual(['Zero.', 'Three.'])
    for (const node of peer.editor.view.dom.querySelectorAll('.part-lock__locked')) expect(node.getAttribute('contenteditable')).toBe('false')
    expect(hint()?.textContent).toBe('You can edit only your part: Reaction')
    expect(hint()?.getAttribute('role')).toBe('note')
    expect(peer.editor.view.dom.getAttribute('aria-describedby')).toBe(PART_LOCK_HINT_ID)
  })

  it('lets typing in the part through and refuses it anywhere else', () => {
    const peer = open()
    expect(peer.editor.commands.insertContentAt(endOf(peer, 1), ' Yes.')).toBe(true)
    peer.editor.commands.insertContentAt(endOf(peer, 0), ' No.')
    peer.editor.commands.insertContentAt(endOf(peer, 3), ' No.')
    // A deletion from inside the part into the block after it.
    peer.editor.commands.deleteRange({ from: endOf(peer, 2) - 1, to: endOf(peer, 3) - 1 })
    expect(bodyBlocks(peer.doc)).toEqual(['Zero.', 'One. Yes.', 'Two.', 'Three.'])
  })

  it('a new paragraph at the end of the part is editable at once, before the server grows the part', () => {
    const peer = open()
    peer.editor.chain().setTextSelection(endOf(peer, 2)).splitBlock().run()
    peer.editor.commands.insertContent('Added.')
    expect(bodyBlocks(peer.doc)).toEqual(['Zero.', 'One.', 'Two.', 'Added.', 'Three.'])
    expect(lockedTexts(peer)).toEqual(['Zero.', 'Three.'])
    // A change from Yjs reads the part again: the block added here still counts as the part's.
    peer.doc.transact(() => ((getBody(peer.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, '>'), 'remote')
    expect(resolvePart(peer.doc, readDesk(peer.doc).parts[0]!)).toEqual({ from: 1, to: 3 })
    expect(lockedTexts(peer)).toEqual(['>Zero.', 'Three.'])
    expect(peer.editor.commands.insertContentAt(endOf(peer, 3), ' More.')).toBe(true)
    expect(bodyBlocks(peer.doc)[3]).toBe('Added. More.')
  })

  it('follows the desk: made the lead, the reporter edits everywhere', async () => {
    const peer = open()
    getDesk(peer.doc).set('lead', ROBIN.id)
    await Promise.resolve()
    expect(lockedTexts(peer)).toEqual([])
    expect(hint()?.hidden).toBe(true)
    expect(peer.editor.view.dom.hasAttribute('aria-describedby')).toBe(false)
    peer.editor.commands.insertContentAt(endOf(peer, 0), ' Lead.')
    expect(bodyBlocks(peer.doc)[0]).toBe('Zero. Lead.')
  })
})
