/**
 * Finding stories: the filters the story list and the budget share (Mine, section, status,
 * deadline, and on the story list a search), the deadline's wording, and the filter bar.
 */
import { useId } from 'react'
import type { StorySummary } from '../shared/api'
import { STATUSES, type Status } from '../shared/newsroom'
import { isAssigned, type Actor } from '../shared/permissions'
import { foldForSearch, SEARCH_QUERY_MAX_CHARS, searchWords } from '../shared/searchText'
import './filters.css'

/** Which sections the budget shows: all, only stories without one, or one section. */
export type SectionFilter = { kind: 'all' } | { kind: 'none' } | { kind: 'section'; name: string }

/** Which deadlines to show: any, past ones on stories still worked on, ones due today, none set. */
export type DeadlineFilter = 'any' | 'overdue' | 'today' | 'none'

/** The filters above the story list and the budget. */
export interface StoryFilters {
  mine: boolean
  section: SectionFilter
  status: Status | 'all'
  deadline: DeadlineFilter
  /**
   * Words to find (every word, in any order; case and accents do not matter): in the headline, slug
   * or byline here, and in the story text by the server's search (src/app/useBodySearch.ts).
   */
  query: string
}

/** Every story. */
export const NO_FILTERS: StoryFilters = { mine: false, section: { kind: 'all' }, status: 'all', deadline: 'any', query: '' }

/** Whether any filter is narrowing the list. */
export function isFiltered(filters: StoryFilters): boolean {
  return filters.mine || filters.section.kind !== 'all' || filters.status !== 'all' || filters.deadline !== 'any' || filters.query.trim() !== ''
}

const FINISHED: ReadonlySet<Status> = new Set(['published', 'spiked'])

/** Whether the deadline has passed on a story that is still being worked on. */
export function isOverdue(story: Pick<StorySummary, 'status' | 'desk'>, now: number): boolean {
  return story.desk.deadline !== null && story.desk.deadline < now && !FINISHED.has(story.status)
}

/** Whether `user` has any part in the story: lead, contributor, editor or part assignee. */
export function isMine(story: Pick<StorySummary, 'desk'>, user: Actor): boolean {
  const { lead, contributors, editor, parts } = story.desk
  const partAssignees = parts.flatMap((part) => (part.assignee === null ? [] : [part.assignee]))
  return isAssigned(user, { lead, contributors, editor, partAssignees })
}

/** Text as search compares it (src/shared/searchText.ts, shared with the server's search). */
export { foldForSearch }

/** Whether every word of `query` is in the story's headline, slug or bylines. */
export function matchesQuery(story: Pick<StorySummary, 'headline' | 'slug' | 'bylines'>, query: string): boolean {
  const words = searchWords(query)
  if (words.length === 0) return true
  const haystack = foldForSearch([story.headline, story.slug, ...story.bylines].join(' '))
  return words.every((word) => haystack.includes(word))
}

const DAY_MS = 86_400_000

/** Local midnight of the day `ms` falls on. */
function startOfDay(ms: number): number {
  const date = new Date(ms)
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
}

function matchesDeadline(story: StorySummary, filter: DeadlineFilter, now: number): boolean {
  const { deadline } = story.desk
  switch (filter) {
    case 'any':
      return true
    case 'none':
      return deadline === null
    case 'overdue':
      return isOverdue(story, now)
    case 'today':
      return deadline !== null && startOfDay(deadline) === startOfDay(now)
  }
}

/**
 * Whether a story passes the filters (`user` is who "Mine" means; `now` what "overdue" and "today"
 * mean). `textMatches`: the stories the server found the query in (src/app/useBodySearch.ts); a
 * story passes the query when it is one of them or its own row has every word.
 */
export function matchesFilters(story: StorySummary, filters: StoryFilters, user: Actor, now = Date.now(), textMatches?: ReadonlySet<string> | null): boolean {
  if (filters.mine && !isMine(story, user)) return false
  if (filters.status !== 'all' && story.status !== filters.status) return false
  if (!matchesDeadline(story, filters.deadline, now)) return false
  if (!matchesQuery(story, filters.query) && !textMatches?.has(story.id)) return false
  switch (filters.section.kind) {
    case 'all':
      return true
    case 'none':
      return story.section === ''
    case 'section':
      return story.section === filters.section.name
  }
}

/** Section names in desk order, then sections no longer on the desk's list that stories still carry. */
export function sectionOrder(deskSections: readonly string[], stories: readonly StorySummary[]): string[] {
  const known = new Set(deskSections)
  const retired = [...new Set(stories.map((story) => story.section).filter((section) => section !== '' && !known.has(section)))]
  return [...deskSections, ...retired.sort((a, b) => a.localeCompare(b))]
}

const MONTH_DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' })
const MONTH_DAY_YEAR = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' })

/** "Today 16:00", "Tomorrow 09:30", "Yesterday 18:00", "Nov 26, 09:30" or "Nov 26, 2024, 09:30", in local time. */
export function formatDeadline(deadline: number, now: number): string {
  const date = new Date(deadline)
  const time = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`
  // Calendar days, not 24-hour spans: 01:00 tomorrow is "Tomorrow" at 23:00 today. Rounding
  // absorbs the hour a daylight-saving change adds or removes.
  const days = Math.round((startOfDay(deadline) - startOfDay(now)) / DAY_MS)
  if (days === 0) return `Today ${time}`
  if (days === 1) return `Tomorrow ${time}`
  if (days === -1) return `Yesterday ${time}`
  const sameYear = date.getFullYear() === new Date(now).getFullYear()
  return `${(sameYear ? MONTH_DAY : MONTH_DAY_YEAR).format(date)}, ${time}`
}

// Select values: section names are free text, so they carry a prefix that 'all' and 'none' lack.
const encodeSection = (filter: SectionFilter): string => (filter.kind === 'section' ? `section:${filter.name}` : filter.kind)
function decodeSection(value: string): SectionFilter {
  if (value.startsWith('section:')) return { kind: 'section', name: value.slice('section:'.length) }
  return value === 'none' ? { kind: 'none' } : { kind: 'all' }
}

const isStatusFilter = (value: string): value is Status | 'all' => value === 'all' || Object.hasOwn(STATUSES, value)

const DEADLINES: Record<DeadlineFilter, string> = { any: 'Any', overdue: 'Overdue', today: 'Due today', none: 'No deadline' }
const isDeadlineFilter = (value: string): value is DeadlineFilter => Object.hasOwn(DEADLINES, value)

/** A story's deadline, marked when it has passed on a story still worked on. */
export function Deadline({ story, now }: { story: StorySummary; now: number }) {
  const { deadline } = story.desk
  if (deadline === null) return <span className="muted">—</span>
  const overdue = isOverdue(story, now)
  return (
    <span className={overdue ? 'overdue' : undefined}>
      <time dateTime={new Date(deadline).toISOString()} title={new Date(deadline).toLocaleString()}>
        {formatDeadline(deadline, now)}
      </time>
      {overdue && <span className="budget__overdue">Overdue</span>}
    </span>
  )
}

/** The filter bar: Mine, section, status and deadline, and with `search` a search field first. */
export function Filters({ filters, sections, onChange, search = false }: { filters: StoryFilters; sections: string[]; onChange(next: StoryFilters): void; search?: boolean }) {
  const id = useId()
  return (
    <div className="budget__filters" role="group" aria-label="Filters">
      {search && (
        <input
          type="search"
          className="filters__search"
          aria-label="Search stories: headline, slug, byline and text"
          placeholder="Search headline, slug, byline, text"
          maxLength={SEARCH_QUERY_MAX_CHARS}
          value={filters.query}
          onChange={(event) => onChange({ ...filters, query: event.target.value })}
        />
      )}
      <label className="budget__mine">
        <input type="checkbox" checked={filters.mine} onChange={(event) => onChange({ ...filters, mine: event.target.checked })} />
        Mine
      </label>
      {/* Labels beside, not around, the selects: a wrapped select adds its chosen option to its name. */}
      <div className="budget__filter">
        <label htmlFor={`${id}-section`}>Section</label>
        <select
          id={`${id}-section`}
          value={encodeSection(filters.section)}
          onChange={(event) => onChange({ ...filters, section: decodeSection(event.target.value) })}
        >
          <option value="all">All</option>
          {sections.map((section) => (
            <option key={section} value={encodeSection({ kind: 'section', name: section })}>
              {section}
            </option>
          ))}
          <option value="none">No section</option>
        </select>
      </div>
      <div className="budget__filter">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={filters.status}
          onChange={(event) => {
            const { value } = event.target
            if (isStatusFilter(value)) onChange({ ...filters, status: value })
          }}
        >
          <option value="all">All</option>
          {Object.entries(STATUSES).map(([status, label]) => (
            <option key={status} value={status}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="budget__filter">
        <label htmlFor={`${id}-deadline`}>Deadline</label>
        <select
          id={`${id}-deadline`}
          value={filters.deadline}
          onChange={(event) => {
            const { value } = event.target
            if (isDeadlineFilter(value)) onChange({ ...filters, deadline: value })
          }}
        >
          {Object.entries(DEADLINES).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </div>
  )
}
