/**
 * Story search as both sides compare it (issue 15): text folded (lower case, accents off), a query
 * split into words that must all be found, in any order, anywhere (inside a word too, as the story
 * list's own filter always matched). The server keeps each story's folded text and finds the words
 * in it (server/storySearch.ts); the browser matches the rows it has the same way and marks the
 * words in the snippets the server sends.
 */

/** Longest search query, in characters (the API answers 400 past it). */
export const SEARCH_QUERY_MAX_CHARS = 200
/** Most stories one search answers with. */
export const SEARCH_MAX_RESULTS = 200

/** Text as search compares it: lower case, accents off (`Zürich` is found by `zurich`). */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/** The folded words of a query, each once, in order; none for a blank query. */
export function searchWords(query: string): string[] {
  return [...new Set(foldForSearch(query).split(/\s+/).filter(Boolean))]
}

/**
 * `text` folded one character at a time, with where each folded unit came from: `origin[i]` is the
 * index in `text` of the character `folded[i]` belongs to, and `origin[folded.length]` is
 * `text.length`, so a match `folded.slice(a, b)` is `text.slice(origin[a], origin[b])`.
 */
export function foldWithOrigins(text: string): { folded: string; origin: number[] } {
  let folded = ''
  const origin: number[] = []
  let index = 0
  for (const char of text) {
    // ASCII is most of any story: lower-casing it keeps its length, no normalising needed.
    const piece = char.charCodeAt(0) < 0x80 ? char.toLowerCase() : foldForSearch(char)
    for (let unit = 0; unit < piece.length; unit++) origin.push(index)
    folded += piece
    index += char.length
  }
  origin.push(text.length)
  return { folded, origin }
}

/** Where each of `words` (folded) occurs in `text`: ranges of `text`, in order, overlaps merged. */
export function wordRanges(text: string, words: readonly string[]): Array<[number, number]> {
  if (words.length === 0) return []
  const { folded, origin } = foldWithOrigins(text)
  const found: Array<[number, number]> = []
  for (const word of words) {
    for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + word.length)) {
      found.push([origin[at] ?? 0, origin[at + word.length] ?? text.length])
    }
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  const merged: Array<[number, number]> = []
  for (const range of found) {
    const last = merged.at(-1)
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1])
    else merged.push([range[0], range[1]])
  }
  return merged
}

/** How much text a snippet shows on each side of the first word found. */
const SNIPPET_RADIUS = 70

/** How much of a body a snippet search folds at a time: most words are found in its first part. */
const SNIPPET_CHUNK = 1024

/**
 * A line of `text` around the first place any of `words` (folded) occurs, cut at spaces and marked
 * with "…" where it is cut; null when none occurs.
 */
export function searchSnippet(text: string, words: readonly string[], radius = SNIPPET_RADIUS): string | null {
  if (words.length === 0) return null
  const longest = Math.max(...words.map((word) => word.length))
  // A chunk at a time (overlapping by the longest word, so none is missed at a seam): a search
  // answers with up to 200 bodies, and folding each whole one would cost more than the query.
  for (let from = 0; from < text.length; from += SNIPPET_CHUNK) {
    const to = Math.min(text.length, from + SNIPPET_CHUNK + longest)
    const part = text.slice(from, to)
    const folded = foldForSearch(part)
    let first = -1
    for (const word of words) {
      const at = folded.indexOf(word)
      if (at !== -1 && (first === -1 || at < first)) first = at
    }
    if (first === -1) continue
    // Folding keeps the length of nearly all text (an accented letter folds to its letter): then
    // the match is at the same place in `text`, and only a window around it needs folding with
    // origins. Where it does not (decomposed accents), or the window misses, the chunk is mapped.
    if (folded.length === part.length) {
      const near = snippetIn(text, words, radius, Math.max(0, from + first - radius - 20), Math.min(text.length, from + first + longest + radius + 20))
      if (near !== null) return near
    }
    const found = snippetIn(text, words, radius, from, to)
    if (found !== null) return found
  }
  return null
}

/** The snippet around the first word found inside `text.slice(from, to)`; null when none is there. */
function snippetIn(text: string, words: readonly string[], radius: number, from: number, to: number): string | null {
  const window = text.slice(from, to)
  const first = wordRanges(window, words)[0]
  if (!first) return null
  const matchStart = from + first[0]
  const matchEnd = from + first[1]
  let start = Math.max(0, matchStart - radius)
  let end = Math.min(text.length, matchEnd + radius)
  // Whole words only: step past the word a cut falls in.
  if (start > 0 && /\S/.test(text[start - 1] ?? '')) {
    const space = text.slice(start, matchStart).search(/\s/)
    if (space !== -1) start += space + 1
  }
  if (end < text.length && /\S/.test(text[end] ?? '')) {
    const space = text.slice(matchEnd, end).search(/\s\S*$/)
    if (space !== -1) end = matchEnd + space
  }
  const line = text.slice(start, end).replace(/\s+/g, ' ').trim()
  return `${start > 0 ? '…' : ''}${line}${end < text.length ? '…' : ''}`
}
