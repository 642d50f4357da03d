/**
 * Real TipTap editors on their own Y.Docs, with pinned clientIDs and delivery by hand (tldraw's
 * TestSocketPair, BlockNote's pinned-client fixtures): open a peer, deliver, expect converged.
 * Nothing syncs on its own, so a test decides exactly which changes cross and when; what a peer
 * shows is checked against a freshly opened editor on a copy of the same Y.Doc, the ground truth
 * (whatever an editor's incremental state holds, a new reader must see the same story).
 *
 * `peerHarness` is called at the top of a test module: every peer it opens is destroyed after
 * each test.
 */
import { afterEach, expect } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { Editor, type Extensions } from '@tiptap/core'

/** One person's editor: its Y.Doc, its awareness (carets, presence) and the editor on them. */
export interface Peer {
  doc: Y.Doc
  awareness: Awareness
  editor: Editor
}

/** How a test builds its editors. */
export interface PeerSetup<Options> {
  /** The extensions of a peer's editor, given its document, awareness and the test's options. */
  extensions(peer: { doc: Y.Doc; awareness: Awareness }, options: Options): Extensions
  /** The options of a twin, the freshly opened editor convergence is checked against. */
  twin: Options
  /** What is compared between peers (the editor's JSON by default). */
  show?(editor: Editor): unknown
}

/** The peers of one test module: opened, compared, and destroyed after each test. */
export interface PeerHarness<Options> {
  /** A peer on `doc` (a new Y.Doc by default), its clientID pinned to `clientID`. */
  open(clientID: number, options: Options, doc?: Y.Doc): Peer
  /** A fresh editor on a copy of `doc` (clientID 99 unless given): what anyone opening the story now sees. */
  twin(doc: Y.Doc, clientID?: number): Peer
  /** Destroy a peer now (every peer goes after each test anyway). */
  close(peer: Peer): void
  /**
   * Every peer shows the same story as the first, and so does a fresh editor on a copy of the
   * first one's Y.Doc (`withFresh` checks more against that editor before it closes). `context`
   * is shown in the diff when they differ (which step, which seed).
   */
  expectConverged(peers: [Peer, ...Peer[]], options?: { context?: string; withFresh?(fresh: Peer): void }): void
}

/** Sends what `from` has and `to` lacks. */
export function deliver(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
}

/** Both ways: `a`'s changes to `b`, then `b`'s to `a`. */
export function exchange(a: Peer, b: Peer): void {
  deliver(a.doc, b.doc)
  deliver(b.doc, a.doc)
}

/** Peers for the tests of this module, built with `setup`. */
export function peerHarness<Options>(setup: PeerSetup<Options>): PeerHarness<Options> {
  const open: Peer[] = []
  const show = setup.show ?? ((editor: Editor) => editor.getJSON())

  const harness: PeerHarness<Options> = {
    open(clientID, options, doc = new Y.Doc()) {
      doc.clientID = clientID
      const awareness = new Awareness(doc)
      const element = document.createElement('div')
      document.body.appendChild(element)
      const editor = new Editor({ element, extensions: setup.extensions({ doc, awareness }, options) })
      const peer = { doc, awareness, editor }
      open.push(peer)
      return peer
    },
    twin(doc, clientID = 99) {
      const copy = new Y.Doc()
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
      return harness.open(clientID, setup.twin, copy)
    },
    close(peer) {
      const index = open.indexOf(peer)
      if (index >= 0) open.splice(index, 1)
      peer.editor.destroy()
      peer.awareness.destroy()
      peer.doc.destroy()
    },
    expectConverged([first, ...others], { context, withFresh } = {}) {
      const shown = (peer: Peer) => (context === undefined ? show(peer.editor) : { context, story: show(peer.editor) })
      for (const other of others) expect(shown(other)).toEqual(shown(first))
      const fresh = harness.twin(first.doc)
      try {
        expect(shown(fresh)).toEqual(shown(first))
        withFresh?.(fresh)
      } finally {
        harness.close(fresh)
      }
    },
  }

  afterEach(() => {
    // Newest first: a twin goes before the peer it copied.
    while (open.length > 0) harness.close(open[open.length - 1]!)
  })
  return harness
}
