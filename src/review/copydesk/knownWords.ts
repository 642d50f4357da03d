/**
 * Which flagged words are not mistakes after all: the newsroom's dictionary (shared by everyone,
 * kept on the server), the story's own names (bylines, the dateline's city) and the words this
 * person chose to ignore here. Checked on the page, after the checker, so a word added anywhere
 * stops being marked at once, with nothing checked again.
 */

/** Words known besides the dictionary, in their three kinds. */
export interface KnownWords {
  /** The newsroom's dictionary, as added ("Lavrov", "iPhone"). */
  newsroom: ReadonlySet<string>
  /** Words of the story's metadata (any case). */
  story: ReadonlySet<string>
  /** Words ignored in this editor. */
  ignored: ReadonlySet<string>
}

export const NO_KNOWN_WORDS: KnownWords = { newsroom: new Set(), story: new Set(), ignored: new Set() }

const lowerFirst = (word: string) => word.charAt(0).toLowerCase() + word.slice(1)

/**
 * Whether `word` is known. A dictionary word matches as added, and a word added in lower case also
 * capitalized (at the start of a sentence); the story's words match in any case.
 */
export function isKnownWord(word: string, known: KnownWords): boolean {
  return known.newsroom.has(word) || known.newsroom.has(lowerFirst(word)) || known.story.has(word.toLowerCase()) || known.ignored.has(word)
}

/** The words of metadata texts (bylines, a dateline's city), lower-cased, for `KnownWords.story`. */
export function metadataWords(texts: readonly string[]): Set<string> {
  const words = new Set<string>()
  for (const text of texts) for (const match of text.matchAll(/[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu)) words.add(match[0].toLowerCase())
  return words
}
