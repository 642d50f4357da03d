/**
 * The y-tiptap patch (src/editor/incrementalSync.ts) reads y-tiptap's internals, so it installs
 * only over the version it was written for. Here the installed package says it is another version
 * (its package.json, which the patch reads, is mocked): installing refuses, with a message, and
 * leaves the binding stock. tests/client/incrementalSync.test.ts checks the real version.
 */
import { describe, expect, it, vi } from 'vitest'
import { ProsemirrorBinding } from '@tiptap/y-tiptap'
import { installIncrementalSync, WRITTEN_FOR } from '../../src/editor/incrementalSync'

vi.mock('../../node_modules/@tiptap/y-tiptap/package.json', () => ({ version: '3.1.0', default: { version: '3.1.0' } }))

describe('the y-tiptap patch on another version of @tiptap/y-tiptap', () => {
  it('refuses to install, saying which version it was written for and which is installed', () => {
    const proto = ProsemirrorBinding.prototype as unknown as { _typeChanged: unknown }
    const stock = proto._typeChanged
    expect(WRITTEN_FOR).toBe('3.0.9')
    expect(() => installIncrementalSync()).toThrow('installIncrementalSync patches @tiptap/y-tiptap 3.0.9, but 3.1.0 is installed')
    expect(proto._typeChanged).toBe(stock)
  })
})
