/**
 * The story body as the checker reads it: one input per text block (paragraph, subhead, list
 * item's paragraph), with where its text starts in the document. Each inline node counts one
 * character, so a text offset plus `start` is a document position. Text suggested for deletion
 * reads as spaces (it is on its way out); desk notes, and blocks inside a block quote, are
 * exempt from style rules (a quote is checked for spelling only).
 */
import type { Node as PMNode } from '@tiptap/pm/model'
import { DELETION } from '../../shared/schema/deletionMark'
import { NOTE } from '../../shared/schema/noteMark'
import type { TextRange } from '../../shared/style/quotedRanges'
import type { ParagraphInput } from './checkParagraph'

/** A text block: its checker input and the document position of its first character. */
export interface StoryParagraph {
  start: number
  input: ParagraphInput
}

/** One text block's checker input. */
function paragraphInput(block: PMNode, inQuote: boolean): ParagraphInput {
  let text = ''
  const exempt: TextRange[] = []
  block.forEach((child) => {
    const from = text.length
    if (!child.isText) {
      // A hard break or another inline leaf: one position, read as a line break.
      text += '\n'
      return
    }
    const value = child.text ?? ''
    text += child.marks.some((mark) => mark.type.name === DELETION) ? ' '.repeat(value.length) : value
    if (child.marks.some((mark) => mark.type.name === NOTE)) {
      const last = exempt[exempt.length - 1]
      if (last && last.to === from) last.to = text.length
      else exempt.push({ from, to: text.length })
    }
  })
  return { text, exempt: inQuote ? [{ from: 0, to: text.length }] : exempt }
}

/**
 * Inputs of blocks already read, by node: ProseMirror nodes never change, and an edit (a remote
 * one too) keeps the nodes of the blocks it did not touch, so a 50,000-word story is read again
 * only where it changed (issue 12: typing with others in a long story).
 */
const readBlocks = new WeakMap<PMNode, ParagraphInput>()
const readQuotedBlocks = new WeakMap<PMNode, ParagraphInput>()

function inputOf(block: PMNode, inQuote: boolean): ParagraphInput {
  const cache = inQuote ? readQuotedBlocks : readBlocks
  let input = cache.get(block)
  if (!input) cache.set(block, (input = paragraphInput(block, inQuote)))
  return input
}

/** Every text block of `doc`, in document order. */
export function storyParagraphs(doc: PMNode): StoryParagraph[] {
  const paragraphs: StoryParagraph[] = []
  const walk = (node: PMNode, contentStart: number, inQuote: boolean) => {
    node.forEach((child, offset) => {
      const pos = contentStart + offset
      if (child.isTextblock) paragraphs.push({ start: pos + 1, input: inputOf(child, inQuote) })
      else if (!child.isLeaf) walk(child, pos + 1, inQuote || child.type.name === 'blockquote')
    })
  }
  walk(doc, 0, false)
  return paragraphs
}
