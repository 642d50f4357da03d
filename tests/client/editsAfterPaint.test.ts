import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import type { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import { sendAndStoreAfterPaint, type EditsAfterPaint } from '../../src/collab/editsAfterPaint'
import { createSavedTracker } from '../../src/collab/savedTracker'
import { AFTER_PAINT_FALLBACK_MS } from '../../src/ui/afterPaint'
import { MessageType } from '../../src/shared/protocol'
import { connectToFakeSocket } from '../helpers/fakeSocket'

/** The page's frames, run by hand. */
let frames: FrameRequestCallback[]
/** Let the next frame be painted, and the task after it run. */
const paint = () => {
  for (const callback of frames.splice(0)) callback(performance.now())
  vi.advanceTimersByTime(0)
}

const cleanups: Array<() => void> = []
beforeEach(() => {
  vi.useFakeTimers()
  frames = []
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback))
  vi.stubGlobal('cancelAnimationFrame', () => {})
})
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** What went out on the socket: sync updates (decoded) and anything else by message type. */
interface Sent {
  updates: Uint8Array[]
  kinds: number[]
}

/**
 * A provider "connected" to a socket that records what it sends, and a stand-in for the local
 * copy that records what it is given to store (IndexedDB lies outside the project).
 */
function story(): { doc: Y.Doc; provider: WebsocketProvider; persistence: IndexeddbPersistence; stored: Uint8Array[]; sent: Sent; edits: EditsAfterPaint } {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider('ws://localhost:1', 'story', doc, { connect: false, disableBc: true })
  const sent: Sent = { updates: [], kinds: [] }
  connectToFakeSocket(provider, (data) => {
    const decoder = decoding.createDecoder(data)
    const kind = decoding.readVarUint(decoder)
    sent.kinds.push(kind)
    // A sync message carrying an update (type 0, step 2): the update itself.
    if (kind === MessageType.sync && decoding.readVarUint(decoder) === 2) sent.updates.push(decoding.readVarUint8Array(decoder))
  })
  const stored: Uint8Array[] = []
  const persistence = {
    _storeUpdate: (update: Uint8Array, origin: unknown) => {
      if (origin !== persistence) stored.push(update)
    },
  } as unknown as IndexeddbPersistence
  doc.on('update', persistence._storeUpdate)
  const edits = sendAndStoreAfterPaint(doc, provider, persistence)
  cleanups.push(() => {
    edits.destroy()
    provider.destroy()
    doc.destroy()
  })
  return { doc, provider, persistence, stored, sent, edits }
}

/** The text a fresh document has after applying `updates`. */
function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

describe('edits leave after the frame that shows them', () => {
  it('sends and stores the edits of one frame as one update, after that frame', () => {
    const { doc, sent, stored } = story()
    const text = doc.getText('t')
    for (const character of 'hello') text.insert(text.length, character)
    expect(sent.updates).toEqual([])
    expect(stored).toEqual([])

    paint()
    expect(sent.updates).toHaveLength(1)
    expect(stored).toHaveLength(1)
    expect(textOf(sent.updates)).toBe('hello')
    expect(textOf(stored)).toBe('hello')

    text.insert(5, '!')
    paint()
    expect(textOf(sent.updates)).toBe('hello!')
    expect(sent.updates).toHaveLength(2)
  })

  it('sends the server nothing of its own edits, and stores nothing twice that the local copy loaded', () => {
    const { doc, provider, persistence, sent, stored } = story()
    const other = new Y.Doc()
    other.getText('t').insert(0, 'from the server')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), provider)
    const kept = new Y.Doc()
    kept.getText('t').insert(0, 'kept here ')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(kept), persistence)
    paint()
    expect(textOf(sent.updates)).toBe('kept here ')
    expect(textOf(stored)).toBe('from the server')
  })

  it('stores another person’s edit without asking the page for a frame: with the next one, or at the fallback', () => {
    const { doc, provider, stored } = story()
    const other = new Y.Doc()
    other.getText('t').insert(0, 'from the server')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), provider)
    expect(frames).toHaveLength(0)
    vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)
    expect(textOf(stored)).toBe('from the server')

    // One of this tab's own asks for a frame: the other's waiting edit goes after it too.
    other.getText('t').insert(0, 'more ')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), provider)
    doc.getText('t').insert(0, 'mine ')
    expect(frames).toHaveLength(1)
    paint()
    expect(textOf(stored)).toBe('mine more from the server')
  })

  it('goes at once when the page is hidden or asked to flush, with no frame', () => {
    const { doc, sent, stored, edits } = story()
    doc.getText('t').insert(0, 'a')
    edits.flush()
    expect(textOf(sent.updates)).toBe('a')
    expect(textOf(stored)).toBe('a')

    doc.getText('t').insert(1, 'b')
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    visibility.mockRestore()
    expect(textOf(sent.updates)).toBe('ab')

    doc.getText('t').insert(2, 'c')
    window.dispatchEvent(new Event('pagehide'))
    expect(textOf(sent.updates)).toBe('abc')
    expect(textOf(stored)).toBe('abc')
  })

  it('the saved tracker has what waits sent before it asks the server whether all is stored', () => {
    const { doc, provider, sent, edits } = story()
    const asked: number[] = []
    const saved = createSavedTracker(doc, provider, {
      beforeAsking: () => {
        edits.flush()
        asked.push(sent.kinds.length)
      },
    })
    cleanups.push(() => saved.destroy())
    doc.getText('t').insert(0, 'x')
    // A reconnect's sync asks at once, before any frame or fallback has sent the edit.
    provider.emit('sync', [true])
    expect(asked).toEqual([1])
    expect(sent.kinds).toEqual([MessageType.sync, MessageType.saved])
    expect(textOf(sent.updates)).toBe('x')
  })

  it('once destroyed, sends and stores what waited and then nothing more', () => {
    const { doc, sent, stored, edits } = story()
    doc.getText('t').insert(0, 'kept')
    edits.destroy()
    expect(textOf(sent.updates)).toBe('kept')
    expect(textOf(stored)).toBe('kept')
    doc.getText('t').insert(4, '!')
    window.dispatchEvent(new Event('pagehide'))
    paint()
    vi.advanceTimersByTime(1_000)
    expect(sent.updates).toHaveLength(1)
    expect(stored).toHaveLength(1)
  })
})
