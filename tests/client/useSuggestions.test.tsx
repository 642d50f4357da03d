import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, renderHook } from '@testing-library/react'
import { Editor } from '@tiptap/core'
import { storyExtensions } from '../../src/shared/schema'
import { SuggestChanges } from '../../src/review/suggest/SuggestChanges'
import { useSuggestions } from '../../src/review/suggest/useSuggestions'

afterEach(() => {
  vi.useRealTimers()
})

describe('the list of open suggestions', () => {
  it('follows a suggestion made while someone types without a pause, within a moment', () => {
    vi.useFakeTimers()
    const editor = new Editor({
      extensions: [...storyExtensions(), SuggestChanges.configure({ author: { id: 7, name: 'Ann Editor', color: '#b4421f' }, suggesting: false })],
      content: '<p>The vote goes ahead.</p><p>Second paragraph.</p>',
    })
    const { result, unmount } = renderHook(() => useSuggestions(editor))
    expect(result.current).toEqual([])

    editor.commands.setSuggesting(true)
    editor.chain().setTextSelection(5).insertContent('early ').run()
    editor.commands.setSuggesting(false)
    // Someone else keeps typing, a character every 100 ms, for two seconds.
    let seenAt: number | null = null
    for (let tick = 1; tick <= 20; tick++) {
      act(() => {
        editor.chain().setTextSelection(editor.state.doc.content.size - 1).insertContent('x').run()
        vi.advanceTimersByTime(100)
      })
      if (seenAt === null && result.current.length > 0) seenAt = tick * 100
    }
    expect(result.current.map((suggestion) => suggestion.inserted)).toEqual(['early '])
    expect(seenAt).not.toBeNull()
    expect(seenAt).toBeLessThanOrEqual(300)
    unmount()
    editor.destroy()
  })
})
