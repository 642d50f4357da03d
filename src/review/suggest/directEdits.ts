/**
 * Outside suggest mode, local edits apply as they are, but never settle or take over someone's
 * suggestion by accident: text typed inside a suggestion does not join it (it would be attributed
 * to them), and a block retyped or split keeps, or does not copy, the suggestions it carries.
 */
import type { Transaction } from '@tiptap/pm/state'
import { AttrStep, ReplaceStep } from '@tiptap/pm/transform'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import { TYPE_ATTRIBUTE } from '../../shared/schema/suggestedTypes.js'
import { stepRange, SUGGESTION_ATTRS, typeChangeOf } from './blockTypes'
import { blocksStartingIn } from './blockWalks'
import { isMarkStep } from './markStep'
import { breakOf, type SuggestionTypes } from './suggestionMarks'

/**
 * A block retyped directly (setBlockType sets all of a block's attributes) keeps the suggestions
 * it carried, someone's suggested break or block type.
 */
function keepBlockSuggestions(tr: Transaction): Transaction {
  const restore: Array<{ pos: number; attrs: Record<string, unknown> }> = []
  tr.steps.forEach((step, index) => {
    if (isMarkStep(step) || step instanceof ReplaceStep || (step instanceof AttrStep && SUGGESTION_ATTRS.has(step.attr))) return
    const range = stepRange(step)
    const before = tr.docs[index]
    if (!range || !before) return
    const after = tr.mapping.slice(index)
    before.nodesBetween(range.from, Math.min(range.to, before.content.size), (node, pos) => {
      if (!node.isTextblock) return true
      const kept = Object.fromEntries([...SUGGESTION_ATTRS].map((key) => [key, node.attrs[key] ?? null]))
      if (Object.values(kept).some((value) => value !== null)) restore.push({ pos: after.map(pos, -1), attrs: kept })
      return false
    })
  })
  for (const { pos, attrs } of restore) {
    const now = tr.doc.nodeAt(pos)
    if (!now?.isTextblock || Object.entries(attrs).every(([key, value]) => now.attrs[key] === value)) continue
    tr.setNodeMarkup(pos, undefined, { ...now.attrs, ...attrs })
  }
  return tr
}

/**
 * Text typed or pasted inside someone's suggestion must not join it, and a block split off one
 * that carries a suggested break or type does not copy that suggestion. Text the story already had
 * and an edit only moves (a paragraph joined into a list item or a quote) keeps its suggestions:
 * stripping them would settle them with no decision.
 */
function stripInheritedSuggestions(tr: Transaction, types: SuggestionTypes): Transaction {
  const pasted = Boolean(tr.getMeta('paste')) || tr.getMeta('uiEvent') === 'paste' || tr.getMeta('uiEvent') === 'drop'
  const ranges: Array<{ from: number; to: number; marks: boolean }> = []
  tr.steps.forEach((step, index) => {
    if (!(step instanceof ReplaceStep) || step.slice.size === 0) return
    const after = tr.mapping.slice(index + 1)
    const from = after.map(step.from, 1)
    const to = after.map(step.from + step.slice.size, -1)
    // Typing gives new text the marks around it (inline content only); a paste brings its own.
    let inlineOnly = true
    step.slice.content.forEach((node) => {
      if (!node.isInline) inlineOnly = false
    })
    if (from < to) ranges.push({ from, to, marks: pasted || inlineOnly })
  })
  for (const { from, to, marks } of ranges) {
    for (const type of marks ? [types.insertion, types.deletion, types.format] : []) {
      if (type && tr.doc.rangeHasMark(from, to, type)) tr.removeMark(from, to, type)
    }
    for (const pos of blocksStartingIn(tr.doc, from - 1, to)) {
      const block = tr.doc.nodeAt(pos)
      if (breakOf(block)) tr.setNodeAttribute(pos, BREAK_ATTRIBUTE, null)
      if (typeChangeOf(block)) tr.setNodeAttribute(pos, TYPE_ATTRIBUTE, null)
    }
  }
  return tr
}

/** A local edit made outside suggest mode, with the suggestions it touches kept as they were. */
export function directEdit(tr: Transaction, types: SuggestionTypes): Transaction {
  return stripInheritedSuggestions(keepBlockSuggestions(tr), types)
}
