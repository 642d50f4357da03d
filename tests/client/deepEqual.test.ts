import { describe, expect, it } from 'vitest'
import { deepEqual } from '../../src/ui/deepEqual'

describe('deepEqual (useEditorState’s default comparison in the build)', () => {
  it('compares primitives, plain objects and arrays by value, as the toolbar’s selection needs', () => {
    expect(deepEqual(1, 1)).toBe(true)
    expect(deepEqual(Number.NaN, Number.NaN)).toBe(true)
    expect(deepEqual('a', 'b')).toBe(false)
    expect(deepEqual(null, undefined)).toBe(false)
    expect(deepEqual({ bold: true, undo: { can: false } }, { bold: true, undo: { can: false } })).toBe(true)
    expect(deepEqual({ bold: true, italic: false }, { bold: true, italic: true })).toBe(false)
    expect(deepEqual({ bold: true }, { bold: true, italic: false })).toBe(false)
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false)
    expect(deepEqual([1, [2, 3]], [1, [2, 3]])).toBe(true)
    expect(deepEqual([1, 2], [1, 2, 3])).toBe(false)
    expect(deepEqual([], {})).toBe(false)
  })

  it('takes anything else as equal only when it is the same object: at worst one render more, never a change missed', () => {
    const map = new Map([['a', 1]])
    expect(deepEqual(map, map)).toBe(true)
    expect(deepEqual(map, new Map([['a', 1]]))).toBe(false)
    expect(deepEqual(new Date(0), new Date(0))).toBe(false)
  })
})
