/** Walks over the story's textblocks that suggest mode and its settling share. */
import type { Node as PMNode } from '@tiptap/pm/model'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'

/** Positions of the textblocks in [from, to] that `pick` (given a block's start and size) chooses. */
function textblocksIn(doc: PMNode, from: number, to: number, pick: (pos: number, size: number) => boolean): number[] {
  const found: number[] = []
  doc.nodesBetween(from, to, (node, pos) => {
    if (node.isInline) return false
    if (node.isTextblock) {
      if (node.type.spec.attrs?.[BREAK_ATTRIBUTE] !== undefined && pick(pos, node.nodeSize)) found.push(pos)
      return false
    }
    return true
  })
  return found
}

/** Positions of the textblocks that start strictly inside (from, to): the breaks before them lie in the range. */
export function blocksStartingIn(doc: PMNode, from: number, to: number): number[] {
  return to - from < 2 ? [] : textblocksIn(doc, from, to, (pos) => pos > from && pos < to)
}

/** Positions of the textblocks that lie wholly inside [from, to] (a step deleting them whole). */
export function wholeBlocksIn(doc: PMNode, from: number, to: number): number[] {
  return textblocksIn(doc, from, to, (pos, size) => pos >= from && pos + size <= to)
}

/** How many textblocks the document holds, at any depth. */
export function countTextblocks(doc: PMNode): number {
  let count = 0
  doc.descendants((node) => {
    if (node.isTextblock) count++
    return !node.isTextblock
  })
  return count
}
