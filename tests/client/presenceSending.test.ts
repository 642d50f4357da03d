import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { RESEND_SAME_MS, sendPresenceSparingly } from '../../src/collab/presenceSending'
import { AFTER_PAINT_FALLBACK_MS } from '../../src/ui/afterPaint'
import { connectToFakeSocket } from '../helpers/fakeSocket'

const providers: WebsocketProvider[] = []
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy()
  vi.useRealTimers()
})

/** The next frame painted (or, at the latest, its fallback): what waits for it has gone. */
const painted = () => vi.advanceTimersByTime(AFTER_PAINT_FALLBACK_MS)

/** A provider that is "connected" to a fake socket: what it sends, the client ids each presence frame names. */
function connected(sparing: boolean, clock: { now: number }, beforeOwn?: () => void) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider('ws://localhost:1', 'story', doc, { connect: false })
  providers.push(provider)
  if (sparing) sendPresenceSparingly(provider, { now: () => clock.now, beforeOwn })
  const frames: number[][] = []
  /** The states the presence frames carried, as sent (JSON). */
  const states: string[] = []
  connectToFakeSocket(provider, (data) => {
    const decoder = decoding.createDecoder(data)
    // Presence frames (type 1): the client ids the update names.
    if (decoding.readVarUint(decoder) !== 1) return
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder))
    const ids: number[] = []
    for (let count = decoding.readVarUint(update); count > 0; count--) {
      ids.push(decoding.readVarUint(update))
      decoding.readVarUint(update)
      states.push(decoding.readVarString(update))
    }
    frames.push(ids)
  })
  return { provider, frames, states }
}

/** Another client's presence arriving from the server. */
function arrives(provider: WebsocketProvider, state: Record<string, unknown>): void {
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  other.setLocalState(state)
  awarenessProtocol.applyAwarenessUpdate(provider.awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), provider)
  other.destroy()
}

describe('presence sending', () => {
  it('the stock provider sends others’ presence back and its own unchanged caret again', () => {
    const { provider, frames } = connected(false, { now: 0 })
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    arrives(provider, { user: { name: 'Ann' } })
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    expect(frames).toHaveLength(3)
  })

  it('sends only this tab’s presence, and an unchanged state again only after a while', () => {
    const clock = { now: 1_000 }
    const { provider, frames } = connected(true, clock)
    const own = provider.awareness.clientID
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    painted()
    expect(frames).toEqual([[own]])

    // Others' presence is not sent back.
    arrives(provider, { user: { name: 'Ann' }, cursor: { at: 5 } })
    expect(frames).toEqual([[own]])

    // The same caret again (y-tiptap after a remote edit): not sent, nothing even waits for a
    // paint, until RESEND_SAME_MS later.
    const timers = vi.getTimerCount()
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    expect(vi.getTimerCount()).toBe(timers)
    painted()
    clock.now += RESEND_SAME_MS - 1
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    painted()
    expect(frames).toEqual([[own]])
    clock.now += 1
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    painted()
    expect(frames).toEqual([[own], [own]])

    // Leaving goes at once.
    provider.awareness.setLocalState(null)
    expect(frames).toEqual([[own], [own], [own]])
  })

  it('sends this tab’s moved caret after the next paint, after the edit that moved it, once for the frame', () => {
    const order: string[] = []
    const { provider, frames, states } = connected(true, { now: 1_000 }, () => order.push('edit'))
    const own = provider.awareness.clientID
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    provider.awareness.setLocalStateField('cursor', { at: 2 })
    provider.awareness.setLocalStateField('cursor', { at: 3 })
    expect(frames).toEqual([])
    painted()
    expect(frames).toEqual([[own]])
    expect(order).toEqual(['edit'])
    // The state as it was at the paint.
    expect(states.map((state) => JSON.parse(state) as unknown)).toEqual([{ cursor: { at: 3 } }])
  })

  it('a caret waiting for the paint goes before another change, and not at all when the tab leaves', () => {
    const { provider, frames } = connected(true, { now: 1_000 })
    const own = provider.awareness.clientID
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    // Another client times out here: this tab's caret first, then the removal.
    provider.awareness.setLocalStateField('cursor', { at: 2 })
    arrives(provider, { user: { name: 'Ann' } })
    const ann = [...provider.awareness.getStates().keys()].find((id) => id !== own)
    if (ann === undefined) throw new Error('Ann’s presence did not arrive')
    awarenessProtocol.removeAwarenessStates(provider.awareness, [ann], 'timeout')
    expect(frames).toEqual([[own], [ann]])

    const timers = vi.getTimerCount()
    provider.awareness.setLocalStateField('cursor', { at: 3 })
    expect(vi.getTimerCount()).toBeGreaterThan(timers)
    provider.awareness.setLocalState(null)
    // Nothing of this tab waits any more.
    expect(vi.getTimerCount()).toBe(timers)
    painted()
    expect(frames).toEqual([[own], [ann], [own]])
  })

  it('sends the state again in full after a reconnect', () => {
    const clock = { now: 1_000 }
    const { provider, frames } = connected(true, clock)
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    painted()
    provider.emit('status', [{ status: 'connected' }])
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    painted()
    expect(frames).toHaveLength(2)
  })
})
