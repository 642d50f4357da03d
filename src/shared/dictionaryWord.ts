/** What a word of the newsroom dictionary may be (issue 13): shared by the server's checks and the page. */

/** Longest word the dictionary takes, in characters. */
export const DICTIONARY_WORD_MAX_CHARS = 64

/**
 * A word as the spelling checker reads one (src/review/copydesk/spellingWords.ts): letters, with
 * apostrophes inside ("O'Rourke"); no spaces, figures, hyphens or dots, which the checker splits on.
 */
export const DICTIONARY_WORD = /^[\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)*$/u

/** The word as stored: trimmed, curly apostrophes made straight. */
export function normalizeDictionaryWord(word: string): string {
  return word.trim().replace(/’/g, "'")
}
