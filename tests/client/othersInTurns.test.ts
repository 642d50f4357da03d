import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { messageAwareness, messageSync, WebsocketProvider } from 'y-websocket'
import { OTHERS_TURN_MS, OTHERS_WAIT_MS, receiveOthersInTurns, TYPING_MS } from '../../src/collab/othersInTurns'
import { afterPaint } from '../../src/ui/afterPaint'

const cleanups: Array<() => void> = []
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  vi.useRealTimers()
})

/** Hand `message` to `provider` as its socket would; what it answers (empty when nothing). */
function deliver(provider: WebsocketProvider, type: number, message: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  provider.messageHandlers[type]?.(encoder, decoding.createDecoder(message), provider, true, type)
  return encoding.toUint8Array(encoder)
}

/** Another client: one Awareness moving its caret, one document typing, both delivered to `provider`. */
function anotherClient(provider: WebsocketProvider) {
  const doc = new Y.Doc()
  const other = new awarenessProtocol.Awareness(doc)
  cleanups.push(() => {
    other.destroy()
    doc.destroy()
  })
  let lastUpdate: Uint8Array = new Uint8Array()
  doc.on('update', (update: Uint8Array) => {
    lastUpdate = update
  })
  const syncMessage = (write: (encoder: encoding.Encoder) => void) => {
    const message = encoding.createEncoder()
    write(message)
    return encoding.toUint8Array(message)
  }
  return {
    id: other.clientID,
    doc,
    moveTo(at: number) {
      other.setLocalState({ user: { name: 'Ann' }, cursor: { at } })
      const message = encoding.createEncoder()
      encoding.writeVarUint8Array(message, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]))
      deliver(provider, messageAwareness, encoding.toUint8Array(message))
    },
    /** Type `text` at the end, each character its own update, relayed as the server does. */
    type(text: string) {
      for (const char of text) {
        const typed = doc.getText('body')
        typed.insert(typed.length, char)
        deliver(provider, messageSync, syncMessage((message) => syncProtocol.writeUpdate(message, lastUpdate)))
      }
    },
    /** Send the whole document as a sync step 2 (the answer to a client's step 1). */
    sendStep2() {
      deliver(provider, messageSync, syncMessage((message) => syncProtocol.writeSyncStep2(message, doc)))
    },
  }
}

/** A provider (not connected, `synced` as given) receiving the others in turns until the test ends. */
function receiving(synced = true): WebsocketProvider {
  const provider = new WebsocketProvider('ws://localhost:1', 'story', new Y.Doc(), { connect: false })
  provider.synced = synced
  const stop = receiveOthersInTurns(provider)
  cleanups.push(() => {
    stop()
    provider.destroy()
  })
  return provider
}

const text = (provider: WebsocketProvider) => provider.doc.getText('body').toString()

describe('receiving presence in turns', () => {
  it('applies the presence that arrives within a turn together, in order, once the turn ends', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    ann.moveTo(1)
    ann.moveTo(2)
    ann.moveTo(3)
    expect(provider.awareness.getStates().has(ann.id)).toBe(false)

    vi.advanceTimersByTime(OTHERS_TURN_MS)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 3 } })

    // The next turn starts with the next message.
    ann.moveTo(4)
    vi.advanceTimersByTime(OTHERS_TURN_MS - 1)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 3 } })
    vi.advanceTimersByTime(1)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 4 } })
  })

  it('drops the presence that waits when stopped (the story closed), and gives the provider back its own handlers', () => {
    const provider = new WebsocketProvider('ws://localhost:1', 'story', new Y.Doc(), { connect: false })
    provider.synced = true
    cleanups.push(() => provider.destroy())
    const stockSync = provider.messageHandlers[messageSync]
    const stockAwareness = provider.messageHandlers[messageAwareness]
    const stop = receiveOthersInTurns(provider)
    const ann = anotherClient(provider)
    const seen: unknown[] = []
    provider.awareness.on('change', () => seen.push(provider.awareness.getStates().get(ann.id)))
    ann.moveTo(1)
    stop()
    expect(provider.messageHandlers[messageSync]).toBe(stockSync)
    expect(provider.messageHandlers[messageAwareness]).toBe(stockAwareness)
    // From now on as the stock provider: at once.
    ann.moveTo(2)
    ann.type('a')
    expect(text(provider)).toBe('a')
    vi.advanceTimersByTime(OTHERS_TURN_MS * 2)
    expect(seen).toEqual([{ user: { name: 'Ann' }, cursor: { at: 2 } }])
  })

  it('a bad presence message costs only itself', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    cleanups.push(() => errors.mockRestore())
    const bad = encoding.createEncoder()
    encoding.writeVarUint8Array(bad, new Uint8Array([1, 7, 1, 3, 123, 125, 125]))
    deliver(provider, messageAwareness, encoding.toUint8Array(bad))
    ann.moveTo(5)
    vi.advanceTimersByTime(OTHERS_TURN_MS)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 5 } })
    expect(errors).toHaveBeenCalledWith('Caught error while handling a Yjs update', expect.any(Error))
  })

  it('drops the presence that waits when the socket closes: those who were here are not brought back', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    ann.moveTo(1)
    vi.advanceTimersByTime(OTHERS_TURN_MS)
    ann.moveTo(2)
    // What y-websocket does when its socket closes: tell, then take everyone else's presence away.
    provider.emit('connection-close', [null, provider])
    awarenessProtocol.removeAwarenessStates(provider.awareness, [ann.id], provider)
    vi.advanceTimersByTime(OTHERS_TURN_MS * 2)
    expect(provider.awareness.getStates().has(ann.id)).toBe(false)
  })
})

/** This person types: an edit of their own, now. */
const typeOwn = (provider: WebsocketProvider) => {
  const own = provider.doc.getText('own')
  own.insert(own.length, 'x')
}

/** Every frame the page asks for, drawn by hand with `drawFrames`. */
function stubFrames() {
  const frames: FrameRequestCallback[] = []
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback))
  cleanups.push(() => vi.unstubAllGlobals())
  return {
    frames,
    drawFrames() {
      for (const callback of frames.splice(0)) callback(performance.now())
      vi.advanceTimersByTime(0)
    },
  }
}

describe('receiving the others’ edits', () => {
  it('applies them at once while this person is not typing, as the stock provider does', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    ann.type('go')
    expect(text(provider)).toBe('go')
    // Typing stopped long enough ago counts as not typing.
    typeOwn(provider)
    vi.advanceTimersByTime(TYPING_MS + 1)
    ann.type('!')
    expect(text(provider)).toBe('go!')
  })

  it('while this person types, holds them for the frame of the next key press, then applies them in one transaction with the presence after them', () => {
    const { frames, drawFrames } = stubFrames()
    const provider = receiving()
    const ann = anotherClient(provider)
    const seen: Array<{ text: string; origin: unknown; annHere: boolean }> = []
    provider.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.origin === provider) seen.push({ text: text(provider), origin: transaction.origin, annHere: provider.awareness.getStates().has(ann.id) })
    })
    typeOwn(provider)
    ann.type('vote')
    ann.moveTo(4)
    vi.advanceTimersByTime(OTHERS_TURN_MS)
    // Nothing yet, and no frame asked for on their account.
    expect(text(provider)).toBe('')
    expect(frames).toHaveLength(0)

    // The next key press asks for one; the others go in once it is drawn.
    typeOwn(provider)
    afterPaint(() => {}).schedule()
    expect(frames).toHaveLength(1)
    drawFrames()
    expect(seen).toEqual([{ text: 'vote', origin: provider, annHere: false }])
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 4 } })
  })

  it('while this person types and no key press comes, applies them OTHERS_WAIT_MS after the first arrived', () => {
    const { frames } = stubFrames()
    const provider = receiving()
    const ann = anotherClient(provider)
    typeOwn(provider)
    ann.type('go')
    vi.advanceTimersByTime(OTHERS_WAIT_MS - 1)
    expect(text(provider)).toBe('')
    vi.advanceTimersByTime(1)
    expect(text(provider)).toBe('go')
    expect(frames).toHaveLength(0)
  })

  it('applies edits at once before the story is in sync', () => {
    const provider = receiving(false)
    typeOwn(provider)
    anotherClient(provider).type('go')
    expect(text(provider)).toBe('go')
  })

  it('keeps the order of the socket: edits that wait go in before a sync step that follows them', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    const seen: string[] = []
    typeOwn(provider)
    provider.doc.on('afterTransaction', () => seen.push(text(provider)))
    ann.type('ab')
    ann.sendStep2()
    // The waiting edits first, in a transaction of their own, then the step (nothing new in it).
    expect(seen).toEqual(['ab', 'ab'])
    vi.advanceTimersByTime(OTHERS_WAIT_MS)
    expect(seen).toEqual(['ab', 'ab'])
  })

  it('answers a sync step 1 at once', () => {
    const provider = receiving()
    provider.doc.getText('body').insert(0, 'mine')
    const message = encoding.createEncoder()
    syncProtocol.writeSyncStep1(message, new Y.Doc())
    const answer = decoding.createDecoder(deliver(provider, messageSync, encoding.toUint8Array(message)))
    expect(decoding.readVarUint(answer)).toBe(messageSync)
    expect(decoding.readVarUint(answer)).toBe(syncProtocol.messageYjsSyncStep2)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, decoding.readVarUint8Array(answer))
    expect(copy.getText('body').toString()).toBe('mine')
  })

  it('puts in the edits that wait when the socket closes and when stopped', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    typeOwn(provider)
    ann.type('a')
    expect(text(provider)).toBe('')
    provider.emit('connection-close', [null, provider])
    expect(text(provider)).toBe('a')

    const other = new WebsocketProvider('ws://localhost:1', 'story', new Y.Doc(), { connect: false })
    cleanups.push(() => other.destroy())
    other.synced = true
    const stop = receiveOthersInTurns(other)
    typeOwn(other)
    anotherClient(other).type('b')
    expect(other.doc.getText('body').toString()).toBe('')
    stop()
    expect(other.doc.getText('body').toString()).toBe('b')
  })

  it('reports a bad update and still applies the rest of the turn', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    cleanups.push(() => errors.mockRestore())
    typeOwn(provider)
    ann.type('a')
    const bad = encoding.createEncoder()
    syncProtocol.writeUpdate(bad, new Uint8Array([255, 255, 255, 255, 255]))
    deliver(provider, messageSync, encoding.toUint8Array(bad))
    ann.type('b')
    expect(text(provider)).toBe('')
    vi.advanceTimersByTime(OTHERS_WAIT_MS)
    expect(text(provider)).toBe('ab')
    expect(errors).toHaveBeenCalledWith('Caught error while handling a Yjs update', expect.any(Error))
  })
})
