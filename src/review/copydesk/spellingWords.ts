/**
 * The words of a paragraph the spelling checker looks at. Left out, as desks expect: words in
 * capitals (acronyms, a dateline's city), single letters and initials (U.S.), and letters that
 * touch figures (3rd, G20, 1990s). Curly apostrophes read as straight ones; hyphenated words are
 * checked part by part (cease-fire), a possessive without its 's.
 */

/** A word to check, with its offsets in the paragraph's text (end exclusive). */
export interface SpellingWord {
  word: string
  from: number
  to: number
}

const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu
const DIGIT = /\d/

/** The words of `text` to check for spelling. */
export function spellingWords(text: string): SpellingWord[] {
  const words: SpellingWord[] = []
  for (const match of text.matchAll(WORD)) {
    const from = match.index
    const to = from + match[0].length
    const before = text[from - 1] ?? ''
    const after = text[to] ?? ''
    if (DIGIT.test(before) || DIGIT.test(after)) continue
    // Initials and abbreviations: U.S., Ph.D.
    if (after === '.' && /^\p{L}$/u.test(text[to + 1] ?? '')) continue
    if (before === '.' && /\p{L}/u.test(text[from - 2] ?? '')) continue
    let word = match[0].replace(/’/g, "'")
    if (word.length < 2) continue
    if (word === word.toUpperCase()) continue
    // Possessives: the stem is what is spelled ("Syria's", "Kerry's").
    let end = to
    if (/'s$/i.test(word)) {
      word = word.slice(0, -2)
      end -= 2
    }
    words.push({ word, from, to: end })
  }
  return words
}
