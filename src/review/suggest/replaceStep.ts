/**
 * Replace steps in suggest mode: typing, deleting, Enter, Backspace and Delete at paragraph edges,
 * pasting. Inserted inline content gets my insertion mark; deleted text stays with my deletion
 * mark (my own suggested insertions are really deleted: that is withdrawing them; other people's
 * and text already marked deleted are left alone). A new paragraph break is made and the block
 * after it marked as a suggested `split`; a removed break is kept and the block after it marked as
 * a suggested `join`, with the caret stepping over it as in Word.
 */
import { Slice, type Fragment, type Mark as PMMark, type MarkType, type Node as PMNode } from '@tiptap/pm/model'
import { TextSelection } from '@tiptap/pm/state'
import type { ReplaceStep, Step } from '@tiptap/pm/transform'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import type { BreakSuggestion } from '../../shared/schema/suggestionValues.js'
import { blocksStartingIn, wholeBlocksIn } from './blockWalks'
import type { StepContext } from './stepContext'
import { breakOf, isOwn, suggestionOf } from './suggestionMarks'

/** What a replacing step does: replace [from, to) with `slice`, keeping the gap (a ReplaceAroundStep's moved content) if any. */
export interface Replacement {
  /** The step itself, applied as it is when it only changes structure. */
  step: Step
  from: number
  to: number
  slice: Slice
  gap: { from: number; to: number } | null
}

function hasInline(fragment: Fragment): boolean {
  let found = false
  fragment.descendants((node) => {
    if (node.isInline) found = true
    return !found
  })
  return found
}

/** Move `pos` out of the middle of a run of deleted text (insertions go after it, as in Word). */
function afterDeletionRun(doc: PMNode, pos: number, deletion: MarkType): number {
  let $pos = doc.resolve(pos)
  if (!deletion.isInSet($pos.nodeBefore?.marks ?? [])) return pos
  while ($pos.nodeAfter && deletion.isInSet($pos.nodeAfter.marks)) {
    pos += $pos.nodeAfter.nodeSize
    $pos = doc.resolve(pos)
  }
  return pos
}

/** Suggest a ReplaceStep (rebased onto `s.out`). */
export function suggestReplaceStep(s: StepContext, step: ReplaceStep): void {
  suggestReplacement(s, { step, from: step.from, to: step.to, slice: step.slice, gap: null })
}

/** Suggest what a replacing step does: strike out what it removes, mark what it inserts, suggest the breaks it makes or removes. */
export function suggestReplacement(s: StepContext, { step, from, to, slice, gap }: Replacement): void {
  const { out, tr, state, types, author } = s
  const { insertion, deletion } = types
  const segments: Array<{ from: number; to: number; node: PMNode }> = []
  out.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isInline) return true
    // An empty range still visits the text around it: only what the step really removes counts.
    const start = Math.max(pos, from)
    const end = Math.min(pos + node.nodeSize, to)
    if (!gap) {
      if (from < to) segments.push({ from: start, to: end, node })
    } else {
      if (start < Math.min(end, gap.from)) segments.push({ from: start, to: Math.min(end, gap.from), node })
      if (Math.max(start, gap.to) < end) segments.push({ from: Math.max(start, gap.to), to: end, node })
    }
    return false
  })
  const inserts = hasInline(slice.content)
  const breaksRemoved = blocksStartingIn(out.doc, from, to).filter((pos) => !gap || pos < gap.from || pos >= gap.to)
  if (segments.length === 0 && !inserts) {
    // Which breaks the step removes: those before the blocks it joins, or, when it deletes whole
    // empty blocks (Backspace before an empty paragraph deletes it), those before the deleted ones.
    const deletedBlocks = breaksRemoved.length === 0 ? wholeBlocksIn(out.doc, from, to) : []
    const removed = breaksRemoved.length > 0 ? breaksRemoved : deletedBlocks
    const breaks = removed.map((pos) => breakOf(out.doc.nodeAt(pos)))
    const mine = (suggestion: BreakSuggestion | null | undefined) => suggestion?.kind === 'split' && isOwn(suggestion, author)
    // An empty block I split off before a block: deleting it withdraws my break after it.
    const nextBreak = deletedBlocks.length > 0 ? breakOf(out.doc.nodeAt(to)) : null
    const withdrawsNext = mine(nextBreak) && breaks.every((suggestion) => suggestion === null || mine(suggestion))
    if (removed.length === 0 || withdrawsNext || breaks.every(mine)) {
      // A new break (Enter) is made and marked; one I suggested myself is withdrawn for real;
      // other structure (removing an empty list, joining two lists) applies directly.
      const stepIndex = out.steps.length
      if (!out.maybeStep(step).failed) {
        const map = out.mapping.slice(stepIndex)
        if (removed.length === 0) s.markSplits(map.map(from, -1), map.map(to, 1), s.newId())
        // The break left before the next block is the one that was before the deleted block.
        else if (withdrawsNext && !breaks[0]) out.setNodeAttribute(map.map(to, 1), BREAK_ATTRIBUTE, null)
      }
      return
    }
    // Removing a break: keep it, suggest removing it, and step over it as Word does.
    s.markJoins(removed, s.newId())
    const forward = state.selection.empty && state.selection.head <= (deletedBlocks.length > 0 ? to : from)
    s.caret = forward ? TextSelection.near(out.doc.resolve(to), 1).head : TextSelection.near(out.doc.resolve(from), -1).head
    return
  }

  const stepsBefore = out.steps.length
  if (segments.length > 0) {
    const $from = out.doc.resolve(from)
    const $to = out.doc.resolve(to)
    let mark: PMMark | null = null
    const withdrawn: Array<{ from: number; to: number }> = []
    for (const segment of segments) {
      const existing = suggestionOf(segment.node, types)
      if (existing?.type === insertion) {
        // My own suggested text is withdrawn for real; someone else's is theirs to keep.
        if (isOwn(existing, author)) withdrawn.push(segment)
        continue
      }
      if (existing?.type === deletion) continue
      mark ??= s.markFor(deletion, [$to.nodeAfter, $from.nodeBefore])
      out.addMark(segment.from, segment.to, mark)
    }
    // The breaks inside a deleted range stay too, suggested for removal with the text.
    if (breaksRemoved.length > 0) s.markJoins(breaksRemoved, String((mark ?? s.markFor(deletion, [$to.nodeAfter, $from.nodeBefore])).attrs.id))
    for (const range of withdrawn.reverse()) out.delete(range.from, range.to)
    const collapsedAtEdge = tr.steps.length === 1 && state.selection.empty && (state.selection.head === from || state.selection.head === to)
    if (tr.selectionSet || collapsedAtEdge) {
      // Backspace leaves the caret before what it struck out (the next one strikes the character
      // before); Delete and a deleted selection leave it after. Backspace is the default: the
      // state's selection can lag behind the browser's (End, then Backspace at once).
      const forward = !state.selection.empty || state.selection.head === from
      const since = out.mapping.slice(stepsBefore)
      s.caret = forward ? since.map(to, -1) : since.map(from, -1)
    }
  }

  // Only content with text is inserted: the blocks a deletion would have left (ProseMirror
  // refills an emptied document with an empty paragraph) are not needed, the deleted ones stay.
  if (inserts) {
    let at = afterDeletionRun(out.doc, out.mapping.slice(stepsBefore).map(to, -1), deletion)
    let content = slice
    const $at = out.doc.resolve(at)
    const { firstChild, lastChild } = slice.content
    if (slice.openStart === 0 && !$at.parent.isTextblock && $at.nodeBefore?.isTextblock && firstChild?.isTextblock && lastChild?.isTextblock) {
      // Whole paragraphs typed or pasted over whole struck-out ones (select all, then type): their
      // text goes on at the end of the last struck-out paragraph, so that rejecting leaves no
      // paragraph behind and accepting leaves no empty one.
      at -= 1
      content = new Slice(slice.content, 1, 1)
    }
    const insertStep = out.steps.length
    out.replace(at, at, content)
    if (out.steps.length > insertStep) {
      const inserted = out.mapping.slice(insertStep)
      const start = inserted.map(at, -1)
      const end = inserted.map(at, 1)
      // Inherited or pasted suggestion marks go: what I insert is my suggestion only.
      out.removeMark(start, end, insertion)
      out.removeMark(start, end, deletion)
      if (types.format) out.removeMark(start, end, types.format)
      const $start = out.doc.resolve(start)
      // Typing at the start of a paragraph I split off continues that suggestion.
      const ownSplit = $start.parentOffset === 0 ? breakOf($start.parent) : null
      const fallbackId = ownSplit?.kind === 'split' && isOwn(ownSplit, author) ? ownSplit.id : null
      const mark = s.markFor(insertion, [$start.nodeBefore, out.doc.resolve(end).nodeAfter], fallbackId)
      out.addMark(start, end, mark)
      // Pasted paragraphs: the breaks they bring are part of the same suggestion.
      s.markSplits(start, end, String(mark.attrs.id))
      if (tr.selectionSet) s.caret = end
    }
  }
}
