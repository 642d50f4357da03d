import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { withoutOwnChanges } from '../../src/editor/othersCarets'

/** Another client's presence arriving. */
function arrives(awareness: awarenessProtocol.Awareness, state: Record<string, unknown>): number {
  const other = new awarenessProtocol.Awareness(new Y.Doc())
  other.setLocalState(state)
  awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(other, [other.clientID]), 'server')
  other.destroy()
  return other.clientID
}

describe('the presence the caret plugin watches', () => {
  it('tells its change listeners of the others’ changes, not of this tab’s own', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    const watched = withoutOwnChanges(awareness)
    const change = vi.fn<(changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => void>()
    const update = vi.fn<() => void>()
    watched.on('change', change)
    watched.on('update', update)

    // This tab's caret moves (through the watched object, as y-tiptap does): no redraw asked.
    watched.setLocalStateField('cursor', { at: 1 })
    expect(change).not.toHaveBeenCalled()
    expect(update).toHaveBeenCalledTimes(1)
    expect(watched.getLocalState()).toEqual(awareness.getLocalState())

    const ann = arrives(awareness, { user: { name: 'Ann' }, cursor: { at: 4 } })
    expect(change).toHaveBeenCalledTimes(1)
    expect(change.mock.calls[0]?.[0].added).toEqual([ann])
    expect(watched.getStates().get(ann)).toEqual({ user: { name: 'Ann' }, cursor: { at: 4 } })

    // Unsubscribed through the same object: heard no more.
    watched.off('change', change)
    arrives(awareness, { user: { name: 'Bo' } })
    expect(change).toHaveBeenCalledTimes(1)
    awareness.destroy()
  })
})
