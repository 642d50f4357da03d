/** The house-style rules (issue 13): each rule's own examples, then the cases the desk cares about. */
import { describe, expect, it } from 'vitest'
import { AP_RULES, findRule } from '../../src/shared/style/apRules'
import { checkStyle } from '../../src/shared/style/checkStyle'
import { quotedRanges } from '../../src/shared/style/quotedRanges'
import type { StyleIssue } from '../../src/shared/style/styleRule'

/** `text` with one issue's first replacement applied. */
const fix = (text: string, issue: StyleIssue) => text.slice(0, issue.from) + (issue.replacements[0] ?? issue.text) + text.slice(issue.to)

const only = (id: string) => ({ rules: [findRule(id)!] })

describe('every house-style rule', () => {
  it('has a unique id, a global pattern and a title', () => {
    const ids = AP_RULES.map((rule) => rule.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(AP_RULES.filter((rule) => !rule.pattern.flags.includes('g') || rule.title.length === 0).map((rule) => rule.id)).toEqual([])
  })

  describe.each(AP_RULES)('$id', (rule) => {
      it('flags its example and fixes it as the example says', () => {
        const issues = checkStyle(rule.examples.flagged, { rules: [rule] })
        expect(issues.length).toBeGreaterThan(0)
        expect(issues[0]!.ruleId).toBe(rule.id)
        expect(issues[0]!.message.length).toBeGreaterThan(0)
        expect(fix(rule.examples.flagged, issues[0]!)).toBe(rule.examples.fixed)
      })

      it('leaves its clean example alone', () => {
        expect(checkStyle(rule.examples.clean, { rules: [rule] })).toEqual([])
      })

      it('leaves its own fix alone', () => {
        expect(checkStyle(rule.examples.fixed, { rules: [rule] })).toEqual([])
      })
  })
})

describe('AP months', () => {
  it('abbreviates the long months before a day and keeps March to July whole', () => {
    const issues = checkStyle('on September 14, on Jan 4, on Sep. 30th, on March 3, on July 4, in August 2016, on Dec. 25', only('ap-months'))
    expect(issues.map((issue) => [issue.text, issue.replacements[0]])).toEqual([
      ['September 14', 'Sept. 14'],
      ['Jan 4', 'Jan. 4'],
      ['Sep. 30th', 'Sept. 30'],
    ])
  })
})

describe('states in datelines', () => {
  it('writes the state as AP does after a dateline city, and leaves the eight whole and other countries alone', () => {
    const state = (text: string) => checkStyle(text, only('ap-dateline-states')).map((issue) => issue.replacements[0])
    expect(state('PEORIA, IL — Text.')).toEqual(['Ill.'])
    expect(state('NEW HAVEN, Connecticut, Sept. 4 (AP) — Text.')).toEqual(['Conn.'])
    expect(state('SPRINGFIELD, Ill. — Text.')).toEqual([])
    expect(state('HONOLULU, Hawaii — Text.')).toEqual([])
    expect(state('HANGZHOU, China — Text.')).toEqual([])
    expect(state('He moved to Springfield, Illinois - briefly.')).toEqual([])
  })
})

describe('numbers', () => {
  it('spells out one to nine, capitalized at the start of a sentence, and leaves figures where AP keeps them', () => {
    const words = (text: string) => checkStyle(text, only('ap-numbers')).map((issue) => issue.replacements[0])
    expect(words('3 people came. 4 left, and 5 stayed.')).toEqual(['Three', 'Four', 'five'])
    const kept = ['a 5-year-old', 'rose 7%', 'at 9 a.m.', '$4 million', 'No. 2', 'Route 9', '4.5 inches', 'won 3-2', 'on Oct. 3', 'aged 6', '12 and 15', 'pages 1/2']
    expect(kept.filter((text) => words(text).length > 0)).toEqual([])
  })
})

describe('email', () => {
  it('takes the hyphen out of every form', () => {
    expect(checkStyle('E-mail us; she e-mailed, e-mails and keeps e-mailing.', only('ap-email')).map((issue) => issue.replacements[0])).toEqual(['Email', 'emailed', 'emails', 'emailing'])
  })
})

describe('percent', () => {
  it('uses % with figures and "percent" elsewhere', () => {
    const text = 'Turnout fell 12 per cent, or 3 percent of voters, while 10 % said a few per cent.'
    expect(checkStyle(text, { rules: [findRule('ap-percent-sign')!, findRule('ap-percent-word')!] }).map((issue) => [issue.text, issue.replacements[0]])).toEqual([
      ['12 per cent', '12%'],
      ['3 percent', '3%'],
      ['10 %', '10%'],
      ['per cent', 'percent'],
    ])
  })
})

describe('quotations and desk notes', () => {
  it('style-checks nothing inside quotation marks, curly or straight, nor a quote left open to the paragraph end', () => {
    expect(checkStyle('“Mr. Smith said it was okay,” she said.')).toEqual([])
    expect(checkStyle('"I e-mailed Mr. Smith on September 14," she said.')).toEqual([])
    expect(checkStyle('She said: “We will meet on September 14 and')).toEqual([])
    expect(checkStyle('She said “fine” on September 14.').map((issue) => issue.text)).toEqual(['September 14'])
  })

  it('finds quoted passages', () => {
    expect(quotedRanges('a “b” c "d" e “f')).toEqual([
      { from: 2, to: 5 },
      { from: 8, to: 11 },
      { from: 14, to: 16 },
    ])
  })

  it('skips exempt ranges (desk notes) and rules an admin turned off', () => {
    const text = 'It was okay on September 14.'
    expect(checkStyle(text).map((issue) => issue.ruleId)).toEqual(['ap-ok', 'ap-months'])
    expect(checkStyle(text, { exempt: [{ from: 0, to: 12 }] }).map((issue) => issue.ruleId)).toEqual(['ap-months'])
    expect(checkStyle(text, { disabled: new Set(['ap-months']) }).map((issue) => issue.ruleId)).toEqual(['ap-ok'])
  })

  it('reports one issue per place when rules overlap', () => {
    const issues = checkStyle('It rose 5 per cent.')
    expect(issues.map((issue) => issue.ruleId)).toEqual(['ap-percent-sign'])
  })
})
