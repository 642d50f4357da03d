/**
 * ReplaceAroundStep in suggest mode. A deletion across lists or quotes is one such step: the text
 * it removes is struck out like any other (replaceStep.ts), and the text it moves (its gap) stays
 * where it is. The others only change structure (a block retyped, wrapped or lifted): blockTypes.ts.
 */
import { Slice, type Node as PMNode } from '@tiptap/pm/model'
import type { ReplaceAroundStep } from '@tiptap/pm/transform'
import { suggestBlockStep } from './blockTypes'
import { suggestReplacement } from './replaceStep'
import type { StepContext } from './stepContext'

/** Whether a ReplaceAroundStep removes inline content (outside its gap, which it keeps). */
function removesText(doc: PMNode, step: ReplaceAroundStep): boolean {
  let found = false
  const look = (from: number, to: number) =>
    from < to &&
    doc.nodesBetween(from, to, (node) => {
      if (node.isInline) found = true
      return !found
    })
  look(step.from, step.gapFrom)
  look(step.gapTo, step.to)
  return found
}

/** Suggest a ReplaceAroundStep (rebased onto `s.out`). */
export function suggestReplaceAroundStep(s: StepContext, step: ReplaceAroundStep): void {
  if (removesText(s.out.doc, step)) {
    suggestReplacement(s, { step, from: step.from, to: step.to, slice: Slice.empty, gap: { from: step.gapFrom, to: step.gapTo } })
  } else {
    suggestBlockStep(s.out, step, s.stamp, s.newId)
  }
}
