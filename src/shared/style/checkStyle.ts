/** Run the house-style rules over one paragraph, leaving quotations and desk notes alone. */
import { AP_RULES } from './apRules.js'
import { overlapsAny, quotedRanges, type TextRange } from './quotedRanges.js'
import { applyRule, type StyleIssue, type StyleRule } from './styleRule.js'

export interface CheckStyleOptions {
  /** The rules to run (the newsroom's set by default). */
  rules?: readonly StyleRule[]
  /** Ids of rules an admin turned off. */
  disabled?: ReadonlySet<string>
  /** Ranges never style-checked besides quotations (desk notes). */
  exempt?: readonly TextRange[]
}

/**
 * Every style and grammar issue in `text`, in text order. Matches inside quotation marks or an
 * exempt range are dropped; where two rules flag overlapping text, the first in text order wins
 * (one replacement per place, so applying one never garbles another).
 */
export function checkStyle(text: string, options: CheckStyleOptions = {}): StyleIssue[] {
  const { rules = AP_RULES, disabled, exempt = [] } = options
  const skip = [...quotedRanges(text), ...exempt]
  const found = rules
    .filter((rule) => !disabled?.has(rule.id))
    .flatMap((rule) => applyRule(rule, text))
    .filter((issue) => !overlapsAny(issue, skip))
    .sort((a, b) => a.from - b.from || b.to - a.to)
  const kept: StyleIssue[] = []
  for (const issue of found) {
    const last = kept[kept.length - 1]
    if (!last || issue.from >= last.to) kept.push(issue)
  }
  return kept
}
