import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { messageAwareness, WebsocketProvider } from 'y-websocket'
import { PRESENCE_TURN_MS, receivePresenceInTurns } from '../../src/collab/presenceReceiving'

const cleanups: Array<() => void> = []
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  vi.useRealTimers()
})

/** Another client (one Awareness, moving its caret) and a way to deliver its presence to `provider` as the socket would. */
function anotherClient(provider: WebsocketProvider) {
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  cleanups.push(() => other.destroy())
  return {
    id: other.clientID,
    moveTo(at: number) {
      other.setLocalState({ user: { name: 'Ann' }, cursor: { at } })
      const update = awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID])
      const message = encoding.createEncoder()
      encoding.writeVarUint8Array(message, update)
      provider.messageHandlers[messageAwareness]?.(encoding.createEncoder(), decoding.createDecoder(encoding.toUint8Array(message)), provider, true, messageAwareness)
    },
  }
}

/** A provider (not connected) that receives presence in turns until the test ends. */
function receiving(): WebsocketProvider {
  const provider = new WebsocketProvider('ws://localhost:1', 'story', new Y.Doc(), { connect: false })
  const stop = receivePresenceInTurns(provider)
  cleanups.push(() => {
    stop()
    provider.destroy()
  })
  return provider
}

describe('receiving presence in turns', () => {
  it('applies the presence that arrives within a turn together, in order, once the turn ends', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    ann.moveTo(1)
    ann.moveTo(2)
    ann.moveTo(3)
    expect(provider.awareness.getStates().has(ann.id)).toBe(false)

    vi.advanceTimersByTime(PRESENCE_TURN_MS)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 3 } })

    // The next turn starts with the next message.
    ann.moveTo(4)
    vi.advanceTimersByTime(PRESENCE_TURN_MS - 1)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 3 } })
    vi.advanceTimersByTime(1)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 4 } })
  })

  it('drops what waits when stopped (the story closed)', () => {
    const provider = new WebsocketProvider('ws://localhost:1', 'story', new Y.Doc(), { connect: false })
    cleanups.push(() => provider.destroy())
    const stop = receivePresenceInTurns(provider)
    const ann = anotherClient(provider)
    ann.moveTo(1)
    stop()
    vi.advanceTimersByTime(PRESENCE_TURN_MS * 2)
    expect(provider.awareness.getStates().has(ann.id)).toBe(false)
  })

  it('drops what waits when the socket closes: those who were here are not brought back', () => {
    const provider = receiving()
    const ann = anotherClient(provider)
    ann.moveTo(1)
    vi.advanceTimersByTime(PRESENCE_TURN_MS)
    ann.moveTo(2)
    // What y-websocket does when its socket closes: tell, then take everyone else's presence away.
    provider.emit('connection-close', [null, provider])
    awarenessProtocol.removeAwarenessStates(provider.awareness, [ann.id], provider)
    vi.advanceTimersByTime(PRESENCE_TURN_MS * 2)
    expect(provider.awareness.getStates().has(ann.id)).toBe(false)
  })
})
