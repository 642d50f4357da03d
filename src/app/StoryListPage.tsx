import { useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react'
import { useNow } from '../ui/useNow'
import { Link, useLocation } from 'wouter'
import { formatByline } from '../panel/BylineEditor'
import { STATUSES } from '../shared/newsroom'
import { ApiFailure, createStory, importStoryFile } from '../api'
import { formatUpdated } from '../ui/formatUpdated'
import { useStoryList } from './useStoryList'
import { localStories } from '../offline/localCopies'
import { useMe, useSession, useUserName } from '../store/session'
import type { DuplicateStory, StorySummary } from '../shared/api'
import { Deadline, Filters, isFiltered, matchesFilters, NO_FILTERS, sectionOrder, type StoryFilters } from './storyFilters'
import { Loading } from '../ui/Loading'
import { bodyMatches, snippetOf, useBodySearch } from './useBodySearch'
import { SearchSnippet } from './SearchSnippet'
import { BodySearchNote } from './BodySearchNote'

/** The columns the list sorts by, each with the order it starts in when chosen. */
const SORTS = {
  headline: { label: 'Headline', first: 'ascending' },
  status: { label: 'Status', first: 'ascending' },
  deadline: { label: 'Deadline', first: 'ascending' },
  words: { label: 'Words', first: 'descending' },
  updatedAt: { label: 'Updated', first: 'descending' },
} as const satisfies Record<string, { label: string; first: Direction }>

type Direction = 'ascending' | 'descending'
type SortKey = keyof typeof SORTS
interface Sort {
  key: SortKey
  direction: Direction
}

const STATUS_ORDER = Object.keys(STATUSES)

/** Compare two stories by `key`, ascending; stories without a deadline go last. */
function compare(a: StorySummary, b: StorySummary, key: SortKey): number {
  switch (key) {
    case 'headline':
      return (a.headline || '\uffff').localeCompare(b.headline || '\uffff', 'en', { sensitivity: 'base' })
    case 'status':
      return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)
    case 'deadline':
      return (a.desk.deadline ?? Infinity) - (b.desk.deadline ?? Infinity)
    case 'words':
      return a.words - b.words
    case 'updatedAt':
      return a.updatedAt - b.updatedAt
  }
}

/** The stories in `sort` order; ties keep the most recently updated first. */
export function sortStories(stories: readonly StorySummary[], sort: Sort): StorySummary[] {
  const sign = sort.direction === 'ascending' ? 1 : -1
  return [...stories].sort((a, b) => sign * compare(a, b, sort.key) || b.updatedAt - a.updatedAt)
}

/** A column heading that sorts the list: a button, with the column's order told by aria-sort. */
function SortHeader({ column, sort, onSort, className }: { column: SortKey; sort: Sort; onSort(next: Sort): void; className?: string }) {
  const active = sort.key === column
  const next: Direction = active ? (sort.direction === 'ascending' ? 'descending' : 'ascending') : SORTS[column].first
  return (
    <th scope="col" className={className} aria-sort={active ? sort.direction : undefined}>
      <button type="button" className="sort" onClick={() => onSort({ key: column, direction: next })}>
        {SORTS[column].label}
        <span aria-hidden="true" className="sort__arrow">
          {active ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  )
}

/** The stories kept on this device, for a page that cannot reach the server. */
function KeptStories({ now }: { now: number }) {
  const me = useMe()
  const kept = localStories(me.id)
  return (
    <section className="kept" aria-labelledby="kept-heading">
      <h2 id="kept-heading">On this device</h2>
      {kept.length === 0 ? (
        <p className="muted">No story has been opened on this device yet, so none can be opened offline.</p>
      ) : (
        <ul className="kept__list">
          {kept.map((story) => (
            <li key={story.id}>
              <Link href={`/stories/${story.id}`}>{story.headline || 'Untitled story'}</Link>{' '}
              <span className="muted">
                · synced {formatUpdated(story.syncedAt, now)}
                {story.pending > 0 && ` · ${story.pending} ${story.pending === 1 ? 'change' : 'changes'} not yet on the server`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** `/`: every story, with create and import. */
export function StoryListPage() {
  const list = useStoryList()
  const [, navigate] = useLocation()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const now = useNow()
  const offline = useSession((state) => state.offline)
  const me = useMe()
  const nameOf = useUserName()
  const deskSections = useSession((state) => state.sections)
  const [filters, setFilters] = useState<StoryFilters>(NO_FILTERS)
  const [sort, setSort] = useState<Sort>({ key: 'updatedAt', direction: 'descending' })
  const all = list.kind === 'ready' ? list.stories : null
  const sections = useMemo(() => sectionOrder(deskSections, all ?? []), [deskSections, all])
  // Body text is only on the server: it answers which stories have the words (issue 15).
  const bodySearch = useBodySearch(filters.query, offline)
  const textMatches = bodyMatches(bodySearch)
  const shown = useMemo(
    () => (all ? sortStories(all.filter((story) => matchesFilters(story, filters, me, now, textMatches)), sort) : []),
    [all, filters, me, now, sort, textMatches],
  )

  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setMessage(null)
    try {
      await action()
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof ApiFailure ? error.message : 'The server could not be reached.' })
    } finally {
      setBusy(false)
    }
  }

  const onCreate = () => run(async () => navigate(`/stories/${await createStory()}`))
  // An import that seems to repeat a story already here waits for the person's word; one that
  // noted something (a picture left out) says so here, before the story opens (issue 15).
  const [duplicateOf, setDuplicateOf] = useState<{ file: File; duplicates: DuplicateStory[] } | null>(null)
  const [imported, setImported] = useState<{ id: string; warnings: string[] } | null>(null)
  const importFile = (file: File, anyway = false) =>
    run(async () => {
      setDuplicateOf(null)
      setImported(null)
      const outcome = await importStoryFile(file, { anyway })
      if (outcome.kind === 'duplicate') setDuplicateOf({ file, duplicates: outcome.duplicates })
      else if (outcome.warnings.length > 0) setImported(outcome)
      else navigate(`/stories/${outcome.id}`)
    })
  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file) void importFile(file)
  }

  useEffect(() => {
    document.title = 'Stories · Deskline'
  }, [])

  return (
    <main className="page">
      <div className="page__head">
        <h1>Stories</h1>
        <div className="actions">
          <button type="button" className="primary" disabled={busy || offline} onClick={() => void onCreate()}>
            New story
          </button>
          <button type="button" disabled={busy || offline} onClick={() => fileInput.current?.click()}>
            Import…
          </button>
          <input ref={fileInput} type="file" accept=".txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document" aria-label="Import story file" className="visually-hidden" onChange={onFile} />
        </div>
      </div>
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={`notice notice--${message.kind}`}>
          {message.text}
        </p>
      )}
      {duplicateOf && (
        <div className="notice notice--warn import-duplicate" role="alert" aria-label="Already in the newsroom">
          <p>
            “{duplicateOf.file.name}” seems to be here already. Nothing was imported yet.
          </p>
          <ul>
            {duplicateOf.duplicates.map((story) => (
              <li key={story.id}>
                <Link href={`/stories/${story.id}`}>{story.headline}</Link>{' '}
                <span className="muted">
                  · {STATUSES[story.status]} · updated {formatUpdated(story.updatedAt, now)}
                </span>
              </li>
            ))}
          </ul>
          <div className="notice__actions">
            <button type="button" disabled={busy} onClick={() => void importFile(duplicateOf.file, true)}>
              Import anyway
            </button>
            <button type="button" onClick={() => setDuplicateOf(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {imported && (
        <div className="notice notice--info import-notes" role="status" aria-label="Imported">
          <p>Imported. Before you open it, worth knowing:</p>
          <ul>
            {imported.warnings.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
          <div className="notice__actions">
            <Link href={`/stories/${imported.id}`} className="button primary">
              Open the story
            </Link>
            <button type="button" onClick={() => setImported(null)}>
              Dismiss
            </button>
          </div>
        </div>
      )}
      {list.kind === 'loading' && <Loading>Loading stories…</Loading>}
      {list.kind === 'error' && !offline && (
        <p role="alert" className="notice notice--error">
          Could not load the stories: {list.message}
        </p>
      )}
      {list.kind === 'error' && <KeptStories now={now} />}
      {list.kind === 'ready' && list.stories.length > 0 && <Filters filters={filters} sections={sections} onChange={setFilters} search />}
      {list.kind === 'ready' && list.stories.length > 0 && <BodySearchNote search={bodySearch} />}
      {list.kind === 'ready' && list.stories.length > 0 && shown.length === 0 && (
        <div className="empty">
          <p>No stories match these filters.</p>
          <button type="button" onClick={() => setFilters(NO_FILTERS)}>
            Show all stories
          </button>
        </div>
      )}
      {list.kind === 'ready' && list.stories.length === 0 && (
        <div className="empty">
          <p>No stories yet.</p>
          <p className="muted">Start a new story, or import one from a Word or plain-text file.</p>
        </div>
      )}
      {shown.length > 0 && (
        // On phones each row is drawn as a card (app.css), its cells named by their data-label.
        <table className="stories story-list">
          <caption className="visually-hidden">
            {isFiltered(filters) ? `${shown.length} of ${all?.length ?? 0} stories` : 'All stories'}, by {SORTS[sort.key].label.toLowerCase()}
          </caption>
          <thead>
            <tr>
              <SortHeader column="headline" sort={sort} onSort={setSort} />
              <th scope="col">Section</th>
              <SortHeader column="status" sort={sort} onSort={setSort} />
              <th scope="col">Lead</th>
              <th scope="col">Byline</th>
              <SortHeader column="deadline" sort={sort} onSort={setSort} />
              <SortHeader column="words" sort={sort} onSort={setSort} className="num" />
              <SortHeader column="updatedAt" sort={sort} onSort={setSort} />
            </tr>
          </thead>
          <tbody>
            {shown.map((story) => (
              <tr key={story.id}>
                <td className="stories__headline">
                  <Link href={`/stories/${story.id}`}>{story.headline || <span className="muted">Untitled story</span>}</Link>
                  {story.slug && <span className="slug">{story.slug}</span>}
                  <SearchSnippet text={snippetOf(bodySearch, story.id)} query={filters.query} />
                </td>
                <td data-label="Section">{story.section || <span className="muted">—</span>}</td>
                <td data-label="Status">
                  <span className={`status status--${story.status}`}>{STATUSES[story.status]}</span>
                </td>
                <td data-label="Lead">{story.desk.lead === null ? <span className="muted">—</span> : nameOf(story.desk.lead)}</td>
                <td data-label="Byline">{formatByline(story.bylines).replace(/^By /, '') || <span className="muted">—</span>}</td>
                <td data-label="Deadline">
                  <Deadline story={story} now={now} />
                </td>
                <td className="num" data-label="Words">
                  {story.words.toLocaleString('en-US')}
                </td>
                <td data-label="Updated">
                  <time dateTime={new Date(story.updatedAt).toISOString()} title={new Date(story.updatedAt).toLocaleString()}>
                    {formatUpdated(story.updatedAt, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  )
}
