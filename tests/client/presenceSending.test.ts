import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { RESEND_SAME_MS, sendPresenceSparingly } from '../../src/collab/presenceSending'
import { connectToFakeSocket } from '../helpers/fakeSocket'

const providers: WebsocketProvider[] = []
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy()
})

/** A provider that is "connected" to a fake socket: what it sends, the client ids each presence frame names. */
function connected(sparing: boolean, clock: { now: number }) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider('ws://localhost:1', 'story', doc, { connect: false })
  providers.push(provider)
  if (sparing) sendPresenceSparingly(provider, () => clock.now)
  const frames: number[][] = []
  connectToFakeSocket(provider, (data) => {
    const decoder = decoding.createDecoder(data)
    // Presence frames (type 1): the client ids the update names.
    if (decoding.readVarUint(decoder) !== 1) return
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder))
    const ids: number[] = []
    for (let count = decoding.readVarUint(update); count > 0; count--) {
      ids.push(decoding.readVarUint(update))
      decoding.readVarUint(update)
      decoding.readVarString(update)
    }
    frames.push(ids)
  })
  return { provider, frames }
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
    expect(frames).toEqual([[own]])

    // Others' presence is not sent back.
    arrives(provider, { user: { name: 'Ann' }, cursor: { at: 5 } })
    expect(frames).toEqual([[own]])

    // The same caret again (y-tiptap after a remote edit): not sent, until RESEND_SAME_MS later.
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    clock.now += RESEND_SAME_MS - 1
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    expect(frames).toEqual([[own]])
    clock.now += 1
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    expect(frames).toEqual([[own], [own]])

    // A moved caret goes at once; so does leaving.
    provider.awareness.setLocalStateField('cursor', { at: 2 })
    provider.awareness.setLocalState(null)
    expect(frames).toEqual([[own], [own], [own], [own]])
  })

  it('sends the state again in full after a reconnect', () => {
    const clock = { now: 1_000 }
    const { provider, frames } = connected(true, clock)
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    provider.emit('status', [{ status: 'connected' }])
    provider.awareness.setLocalStateField('cursor', { at: 1 })
    expect(frames).toHaveLength(2)
  })
})
