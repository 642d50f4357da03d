import type { BodySearch } from './useBodySearch'
import './search.css'

/** What the story list's search covers just now, when that is not everything it says it searches. */
export function BodySearchNote({ search }: { search: BodySearch }) {
  switch (search.state) {
    case 'idle':
    case 'ready':
      return null
    case 'searching':
      return (
        <p role="status" className="search-note muted">
          Searching the story text…
        </p>
      )
    case 'unavailable':
      return (
        <p role="status" className="search-note muted">
          {search.reason === 'offline'
            ? 'Offline: searching headlines, slugs and bylines only. The story text is searched on the server.'
            : 'The server could not search the story text just now: headlines, slugs and bylines only.'}
        </p>
      )
  }
}
