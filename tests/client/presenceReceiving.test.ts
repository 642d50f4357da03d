import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { messageAwareness, WebsocketProvider } from 'y-websocket'
import { othersPresence, PRESENCE_TURN_MS, receivePresenceInTurns } from '../../src/collab/presenceReceiving'

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

describe('receiving presence in turns', () => {
  it('applies the presence that arrives within a turn together, in order, once the turn ends', () => {
    const provider = new WebsocketProvider('ws://localhost:1', 'story', new Y.Doc(), { connect: false })
    const stop = receivePresenceInTurns(provider)
    cleanups.push(() => {
      stop()
      provider.destroy()
    })
    const changes: number[] = []
    provider.awareness.on('change', () => changes.push(changes.length))
    const ann = anotherClient(provider)
    ann.moveTo(1)
    ann.moveTo(2)
    ann.moveTo(3)
    expect(provider.awareness.getStates().has(ann.id)).toBe(false)

    vi.advanceTimersByTime(PRESENCE_TURN_MS)
    expect(provider.awareness.getStates().get(ann.id)).toEqual({ user: { name: 'Ann' }, cursor: { at: 3 } })
    expect(changes.length).toBeGreaterThan(0)

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

  it('the caret plugin’s view of presence hears others’ changes, not this tab’s own', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    cleanups.push(() => awareness.destroy())
    const seen = othersPresence(awareness)
    const heard: number[][] = []
    const listener = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => heard.push([...added, ...updated, ...removed])
    seen.on('change', listener)

    // This tab's caret moves on every key press: nothing to redraw.
    awareness.setLocalStateField('cursor', { at: 1 })
    awareness.setLocalStateField('cursor', { at: 2 })
    expect(heard).toEqual([])
    // Everything else reads through to the same presence.
    expect(seen.getLocalState()).toEqual({ cursor: { at: 2 } })

    const other = new awarenessProtocol.Awareness(new Y.Doc())
    cleanups.push(() => other.destroy())
    other.setLocalState({ cursor: { at: 5 } })
    awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'remote')
    expect(heard).toEqual([[other.clientID]])

    seen.off('change', listener)
    other.setLocalState({ cursor: { at: 6 } })
    awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'remote')
    expect(heard).toHaveLength(1)
  })
})
