import { Fragment, type ReactNode } from 'react'
import { searchWords, wordRanges } from '../shared/searchText'
import './search.css'

/**
 * The body around a search's words under a story's headline (issue 15), the words in <mark>.
 * The snippet is plain text from the server, rendered as text nodes: never parsed as markup.
 */
export function SearchSnippet({ text, query }: { text: string | undefined; query: string }) {
  if (!text) return null
  const parts: ReactNode[] = []
  let at = 0
  for (const [start, end] of wordRanges(text, searchWords(query))) {
    if (start > at) parts.push(<Fragment key={`t${at}`}>{text.slice(at, start)}</Fragment>)
    parts.push(<mark key={`m${start}`}>{text.slice(start, end)}</mark>)
    at = end
  }
  if (at < text.length) parts.push(<Fragment key={`t${at}`}>{text.slice(at)}</Fragment>)
  return (
    <p className="search-snippet">
      <span className="visually-hidden">In the text: </span>
      {parts}
    </p>
  )
}
