/**
 * The newsroom dictionary's wire contract (issue 13): what a word may be, the request bodies the
 * server validates with zod, and its answers. The page imports only the types (src/api and src/ui
 * take no zod); what a word may be is in ./dictionaryWord.ts, which the page uses too.
 */
import { z } from 'zod'
import { AP_RULES } from './style/apRules.js'
import { DICTIONARY_WORD, DICTIONARY_WORD_MAX_CHARS, normalizeDictionaryWord } from './dictionaryWord.js'

/** `POST /api/dictionary` body. */
export const AddWordBody = z
  .object({
    word: z
      .string()
      .transform(normalizeDictionaryWord)
      .pipe(z.string().min(1, 'Give a word.').max(DICTIONARY_WORD_MAX_CHARS).regex(DICTIONARY_WORD, 'One word of letters (apostrophes inside allowed).')),
  })
  .strict()

const RULE_IDS = AP_RULES.map((rule) => rule.id) as [string, ...string[]]

/** `PUT /api/dictionary/rules/<ruleId>` body. */
export const RuleSettingBody = z.object({ enabled: z.boolean() }).strict()

/** Whether `id` names a house-style rule. */
export function isRuleId(id: string): boolean {
  return RULE_IDS.includes(id)
}

/** A word of the newsroom's dictionary. */
export interface DictionaryEntry {
  word: string
  /** Who added it (null if that account is gone). */
  addedBy: number | null
  /** When, ms since the epoch. */
  addedAt: number
}

/** A house-style rule as the admin page lists it. */
export interface RuleSummary {
  id: string
  kind: 'style' | 'grammar'
  title: string
  /** The rule's own example, before and after its fix. */
  flagged: string
  fixed: string
}

/** The rules the checker runs, for the admin page (which loads no rule code itself). */
export const RULE_SUMMARIES: readonly RuleSummary[] = AP_RULES.map((rule) => ({ id: rule.id, kind: rule.kind, title: rule.title, flagged: rule.examples.flagged, fixed: rule.examples.fixed }))

/** What the dictionary repository keeps: every word, and the house-style rules turned off. */
export interface DictionaryContents {
  words: DictionaryEntry[]
  disabledRules: string[]
}

/** `GET /api/dictionary`: the words, the rules turned off for the newsroom, and every rule. */
export interface DictionaryAnswer extends DictionaryContents {
  rules: RuleSummary[]
}
