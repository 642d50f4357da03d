/**
 * The newsroom's starting set of house-style rules: AP style (../shared/NEWSROOM.md, the AP
 * Stylebook) and a few grammar slips. Each rule's examples are run by
 * tests/shared/styleRules.test.ts. To add a rule, append one here with its examples; ids are
 * stored (an admin's "off"), so never rename one.
 *
 * Percent: NEWSROOM.md says nothing of it, so the current Stylebook holds (since 2019): the `%`
 * sign with figures ("5%", not "5 percent"), "percent" as one word elsewhere (not "per cent").
 */
import { apRegion } from '../dateline.js'
import type { RuleMatch, StyleRule } from './styleRule.js'

/** The months AP abbreviates before a day, by every way they are typed. */
const AP_MONTH: Readonly<Record<string, string>> = {
  january: 'Jan.', jan: 'Jan.',
  february: 'Feb.', feb: 'Feb.',
  august: 'Aug.', aug: 'Aug.',
  september: 'Sept.', sept: 'Sept.', sep: 'Sept.',
  october: 'Oct.', oct: 'Oct.',
  november: 'Nov.', nov: 'Nov.',
  december: 'Dec.', dec: 'Dec.',
}

const NUMBER_WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const

/** Whether the match opens a sentence (its paragraph, or after . ! ? and a space). */
function opensSentence(match: RuleMatch): boolean {
  return /(?:^|[.!?]["”’]?\s+)$/.test(match.input.slice(0, match.index))
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

/** Keep the case of the first letter of what was typed ("Per cent" → "Percent"). */
const sameCase = (typed: string, word: string) => (typed.charAt(0) === typed.charAt(0).toUpperCase() ? capitalize(word) : word)

export const AP_RULES: readonly StyleRule[] = [
  {
    id: 'ap-months',
    kind: 'style',
    title: 'Months before a date',
    // A listed month (whole, or abbreviated without AP's dot) before a day; an ordinal day loses its "th".
    pattern: /\b(January|February|August|September|October|November|December|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+([1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b/g,
    message: (match) => `AP style abbreviates ${AP_MONTH[match[1]!.toLowerCase()] ?? match[1]} before a date; March, April, May, June and July stay whole.`,
    replacement: (match) => `${AP_MONTH[match[1]!.toLowerCase()] ?? match[1]} ${match[2]}`,
    examples: { flagged: 'The council meets on September 14.', fixed: 'The council meets on Sept. 14.', clean: 'It met on Sept. 14 and March 3, and again in September 2016.' },
  },
  {
    id: 'ap-dateline-states',
    kind: 'style',
    title: 'States in datelines',
    // A state after a dateline's capitalized city, before its dash: `SPRINGFIELD, Illinois —`.
    pattern: /(?<=^[A-Z][A-Z.'’ -]*, )[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?(?=(?:, [A-Z][a-z]+\.? \d{1,2})?(?: \([A-Za-z]+\))? (?:—|–|--|-) )/g,
    message: (match) => `AP datelines write this state as “${apRegion(match[0])}”.`,
    replacement: (match) => apRegion(match[0]),
    examples: { flagged: 'SPRINGFIELD, Illinois — The governor signed it.', fixed: 'SPRINGFIELD, Ill. — The governor signed it.', clean: 'AUSTIN, Texas — The governor of Illinois signed it.' },
  },
  {
    id: 'ap-percent-sign',
    kind: 'style',
    title: '% with figures',
    pattern: /(?<![\w.,])(\d[\d,]*(?:\.\d+)?)(?: percent\b| per cent\b|-percent\b| %)/g,
    message: 'AP style uses the % sign with figures, without a space: 5%.',
    replacement: (match) => `${match[1]}%`,
    examples: { flagged: 'Prices rose 4.5 percent last year.', fixed: 'Prices rose 4.5% last year.', clean: 'Prices rose 4.5%, a percentage point more than forecast.' },
  },
  {
    id: 'ap-percent-word',
    kind: 'style',
    title: 'percent, one word',
    pattern: /(?<!\d ?)\b[Pp]er[ -]cent\b/g,
    message: 'AP style writes “percent” as one word (and the % sign with figures).',
    replacement: (match) => sameCase(match[0], 'percent'),
    examples: { flagged: 'A few per cent of voters stayed home.', fixed: 'A few percent of voters stayed home.', clean: 'A small percentage of voters stayed home.' },
  },
  {
    id: 'ap-numbers',
    kind: 'style',
    title: 'Numbers one to nine',
    // A lone figure 1–9 that is not an age, a percentage, money, a time, a date, a score, a
    // measure or a numbered thing (No. 3, Route 9): AP spells those out.
    pattern:
      /(?<![\d$£€¥.,:/#–-]|\b(?:No|Nos|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. |\b(?:March|April|May|June|July|Route|Highway|Interstate|Room|Chapter|Article|Section|Title|Page|Game|Level|Category|Stage|Phase|Grade|Amendment|aged|age|ages|Apollo|Windows|Fig)\.? )\b[1-9]\b(?![\d%:/–-]|[.,]\d| ?(?:a\.m\.|p\.m\.)| ?(?:percent|per cent|million|billion|trillion|inches|inch|feet|foot|ft|yards|mph|km|cm|mm|kg|lbs?|pounds|ounces|degrees|percentage|points?|seconds|minutes|hours|years? old)\b)/g,
    message: 'AP style spells out numbers one to nine (figures for 10 and above, ages, percentages, money, times and dates).',
    replacement: (match) => {
      const word = NUMBER_WORDS[Number(match[0])] ?? match[0]
      return opensSentence(match) ? capitalize(word) : word
    },
    examples: { flagged: 'The council has 3 new members.', fixed: 'The council has three new members.', clean: 'It has 10 members; 2% left at 3 p.m. on Sept. 4 and paid $5 for No. 7.' },
  },
  {
    id: 'ap-ok',
    kind: 'style',
    title: 'OK',
    pattern: /\b(?:okay|Okay|OKAY|Ok|ok)\b|\bO\.K\.(?!\w)/g,
    message: 'AP style writes “OK” (not okay or O.K.).',
    replacement: () => 'OK',
    examples: { flagged: 'The mayor said the plan was okay.', fixed: 'The mayor said the plan was OK.', clean: 'The mayor said the plan was OK, and left for Oklahoma.' },
  },
  {
    id: 'ap-email',
    kind: 'style',
    title: 'email',
    pattern: /\b([Ee])-[Mm]ail(s|ed|ing|er|ers)?\b/g,
    message: 'AP style writes “email” without a hyphen.',
    replacement: (match) => `${match[1]}mail${match[2] ?? ''}`,
    examples: { flagged: 'She answered in an e-mail on Monday.', fixed: 'She answered in an email on Monday.', clean: 'She answered in an email; emails went out.' },
  },
  {
    id: 'ap-courtesy-titles',
    kind: 'style',
    title: 'Courtesy titles',
    pattern: /\b(?:Mr|Mrs|Ms)\.? (?=[A-Z])/g,
    message: 'AP style uses no courtesy titles (Mr., Mrs., Ms.) outside quotations: the last name alone.',
    replacement: () => '',
    examples: { flagged: 'Mr. Kerry told reporters he was hopeful.', fixed: 'Kerry told reporters he was hopeful.', clean: '“Thank you, Mr. Kerry,” she said, and Kerry nodded.' },
  },
  {
    id: 'doubled-word',
    kind: 'grammar',
    title: 'Doubled words',
    // "that that" and "had had" are English.
    pattern: /\b(?!(?:that|had)\s)(\p{L}+)\s+\1\b/giu,
    message: (match) => `“${match[1]}” twice in a row.`,
    replacement: (match) => match[1] ?? null,
    examples: { flagged: 'Police said the the suspect fled.', fixed: 'Police said the suspect fled.', clean: 'She said that that was final; he had had enough.' },
  },
  {
    id: 'could-of',
    kind: 'grammar',
    title: '“could of” for “could have”',
    pattern: /\b(could|would|should|might|must)\s+of\b/gi,
    message: (match) => `“${match[1]} have”, not “${match[1]} of”.`,
    replacement: (match) => `${match[1]} have`,
    examples: { flagged: 'He said he could of stopped the deal.', fixed: 'He said he could have stopped the deal.', clean: 'He could have stopped most of the deal.' },
  },
]

/** A rule by id, or undefined. */
export function findRule(id: string): StyleRule | undefined {
  return AP_RULES.find((rule) => rule.id === id)
}
