/**
 * Spelling against Hunspell's US English dictionary (`nspell` with `dictionary-en`): chosen over
 * harper.js for size and speed (issue 13: 190 KB of dictionary gzip against 8 MB of WebAssembly,
 * about 0.3 s to start against 4–6 s, 10,000 words checked in about 0.1 s against 5 s), at the
 * cost of grammar, which our own rules cover (src/shared/style/). Runs in the checker worker.
 */
import nspell from 'nspell'

/** What the copy desk asks of a spelling dictionary. */
export interface Speller {
  /** Whether `word` is spelled as the dictionary has it (capitalized forms of its words too). */
  correct(word: string): boolean
  /** Likely spellings of `word`, best first (at most `limit`). */
  suggest(word: string, limit?: number): string[]
}

/** A speller over a Hunspell dictionary's affix and word files. */
export function createSpeller(aff: string, dic: string): Speller {
  const spell = nspell(aff, dic)
  return {
    correct: (word) => spell.correct(word),
    suggest: (word, limit = 5) => spell.suggest(word).slice(0, limit),
  }
}
