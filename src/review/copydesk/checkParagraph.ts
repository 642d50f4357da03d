/** One paragraph checked: its misspelled words and its style and grammar issues. */
import { checkStyle } from '../../shared/style/checkStyle'
import type { TextRange } from '../../shared/style/quotedRanges'
import type { StyleIssue } from '../../shared/style/styleRule'
import type { Speller } from './speller'
import { spellingWords, type SpellingWord } from './spellingWords'

/** A paragraph as the checker takes it: its text and the ranges not style-checked (desk notes). */
export interface ParagraphInput {
  text: string
  exempt: TextRange[]
}

/**
 * What the checker found in a paragraph, before the newsroom's dictionary, the story's own words
 * and the rules turned off are taken out (the page does that, so a word added to the dictionary
 * or a rule turned off shows at once, with nothing checked again).
 */
export interface ParagraphResult {
  misspelled: SpellingWord[]
  style: StyleIssue[]
}

/** Check one paragraph: spelling over all of it, style and grammar outside quotes and exempt ranges. */
export function checkParagraph(input: ParagraphInput, speller: Speller): ParagraphResult {
  return {
    misspelled: spellingWords(input.text).filter(({ word }) => !speller.correct(word)),
    style: checkStyle(input.text, { exempt: input.exempt }),
  }
}
