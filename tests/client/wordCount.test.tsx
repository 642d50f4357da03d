import { act, cleanup, renderHook } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { useWordCount } from '../../src/collab/useWordCount'
import { bodyWordCount, getBody, initStoryDoc } from '../../src/shared/storyDoc'
import { seededRandom } from '../helpers/random'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const WORDS = ['talks', 'resume', 'in', 'Geneva', '—', 'officials', 'said', '12', '', ' ', '\n']

function paragraph(text: string, nodeName = 'paragraph'): Y.XmlElement {
  const element = new Y.XmlElement(nodeName)
  if (text) element.insert(0, [new Y.XmlText(text)])
  return element
}

/** A random edit anywhere in the body: typing, deleting, splitting, nesting, formatting, attributes. */
function randomEdit(body: Y.XmlFragment, random: () => number): void {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const word = () => pick(WORDS)
  const blocks = body.toArray().filter((child): child is Y.XmlElement => child instanceof Y.XmlElement)
  const block = pick(blocks)
  const texts: Y.XmlText[] = []
  const walk = (node: Y.XmlElement) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) texts.push(child)
      else if (child instanceof Y.XmlElement) walk(child)
    }
  }
  if (block) walk(block)
  const text = texts.length > 0 ? pick(texts) : undefined
  switch (Math.floor(random() * 8)) {
    case 0:
      body.insert(Math.floor(random() * (body.length + 1)), [paragraph(`${word()} ${word()}`)])
      break
    case 1:
      if (body.length > 1) body.delete(Math.floor(random() * body.length), 1)
      break
    case 2: {
      // A quote holding two paragraphs, the second with a hard break.
      const quote = new Y.XmlElement('blockquote')
      const second = paragraph(`${word()} `)
      quote.insert(0, [paragraph(`${word()} ${word()}`), second])
      second.insert(1, [new Y.XmlElement('hardBreak'), new Y.XmlText(word())])
      body.insert(Math.floor(random() * (body.length + 1)), [quote])
      break
    }
    case 3:
      if (text && text.length > 0) text.delete(Math.floor(random() * text.length), Math.min(text.length, 1 + Math.floor(random() * 4)))
      break
    case 4:
      if (text && text.length > 0) text.format(0, Math.ceil(random() * text.length), { bold: {} })
      break
    case 5:
      block?.setAttribute('level', String(Math.ceil(random() * 3)))
      break
    default:
      text?.insert(Math.floor(random() * (text.length + 1)), random() < 0.5 ? word() : ` ${word()}`)
  }
}

describe('word count', () => {
  it('recounts block by block to the same figure as counting the whole body, after any edits', () => {
    vi.useFakeTimers()
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: ['one two three', 'four five', '', 'six'] })
    const body = getBody(doc)
    const { result } = renderHook(() => useWordCount(doc))
    expect(result.current).toBe(6)
    const random = seededRandom(7)
    for (let round = 0; round < 60; round++) {
      act(() => {
        const edits = 1 + Math.floor(random() * 4)
        // Several edits in one transaction, or one each.
        if (random() < 0.5) doc.transact(() => Array.from({ length: edits }, () => randomEdit(body, random)))
        else for (let i = 0; i < edits; i++) randomEdit(body, random)
      })
      act(() => vi.advanceTimersByTime(400))
      expect(result.current).toBe(bodyWordCount(doc))
    }
  })

  it('counts loose text at the top of the body as the whole-body count does', () => {
    vi.useFakeTimers()
    const doc = new Y.Doc()
    initStoryDoc(doc, { paragraphs: ['one two'] })
    const body = getBody(doc)
    const { result } = renderHook(() => useWordCount(doc))
    act(() => {
      body.insert(1, [new Y.XmlText('three'), new Y.XmlElement('hardBreak'), new Y.XmlText('four')])
    })
    act(() => vi.advanceTimersByTime(400))
    expect(result.current).toBe(bodyWordCount(doc))
    act(() => body.delete(1, 3))
    act(() => vi.advanceTimersByTime(400))
    expect(result.current).toBe(2)
  })
})
