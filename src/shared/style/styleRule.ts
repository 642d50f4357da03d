/**
 * The house-style rule format (issue 13): what a desk reads and extends. A rule is a pattern,
 * what the copy desk says about a match, what to write instead, and two examples the rule's test
 * runs (tests/shared/styleRules.test.ts): one the rule must flag (with the text after its fix)
 * and one it must leave alone. Rules run on one paragraph's text at a time, in the browser's
 * checker worker; the server knows them by id so that an admin can turn one off.
 */

/** `grammar` rules catch slips ("the the", "could of"); `style` rules the newsroom's AP style. */
export type StyleRuleKind = 'style' | 'grammar'

/** One match of a rule, as its message and replacement see it (a RegExp match). */
export type RuleMatch = RegExpExecArray

export interface StyleRule {
  /** Stable id: stored when an admin turns the rule off, so never renamed. */
  id: string
  kind: StyleRuleKind
  /** A few words naming the rule in lists ("Months before a date"). */
  title: string
  /**
   * What to flag. Must have the `g` flag (every match in the paragraph is found); the whole match
   * is the flagged text, so context that must not be replaced goes in lookbehinds and lookaheads.
   */
  pattern: RegExp
  /** What the copy desk says, for one match. */
  message: string | ((match: RuleMatch) => string)
  /** What to write instead of the match; `null` when the rule only warns. */
  replacement: ((match: RuleMatch) => string | null) | null
  examples: {
    /** Text the rule must flag… */
    flagged: string
    /** …and that text once the first flag's replacement is applied. */
    fixed: string
    /** Text the rule must not flag. */
    clean: string
  }
}

/** One flag a rule raised in a paragraph: offsets into its text, end exclusive. */
export interface StyleIssue {
  ruleId: string
  kind: StyleRuleKind
  from: number
  to: number
  /** The flagged text. */
  text: string
  message: string
  /** Replacements to offer (empty when the rule only warns). */
  replacements: string[]
}

/** Run one rule over `text`: every match as an issue. */
export function applyRule(rule: StyleRule, text: string): StyleIssue[] {
  const issues: StyleIssue[] = []
  const pattern = new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`)
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    // An empty match would loop for ever: step over it.
    if (match[0].length === 0) {
      pattern.lastIndex++
      continue
    }
    const replacement = rule.replacement?.(match) ?? null
    // A "fix" that changes nothing is no issue (a rule's lookarounds missed a case).
    if (replacement === match[0]) continue
    issues.push({
      ruleId: rule.id,
      kind: rule.kind,
      from: match.index,
      to: match.index + match[0].length,
      text: match[0],
      message: typeof rule.message === 'string' ? rule.message : rule.message(match),
      replacements: replacement === null ? [] : [replacement],
    })
  }
  return issues
}
