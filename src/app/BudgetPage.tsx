import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link } from 'wouter'
import type { PublicUser, StorySummary } from '../shared/api'
import { STATUSES, type Status } from '../shared/newsroom'
import { canSetDesk, isAssigned, type Actor } from '../shared/permissions'
import { useMe, useSession, useUserName } from '../store/session'
import { updateDesk } from './api'
import { BudgetAssign } from './BudgetAssign'
import { useNow } from './useNow'
import { useStoryList } from './useStoryList'
import './budget.css'
import { lengthState } from '../shared/newsroom'

/** Which sections the budget shows: all, only stories without one, or one section. */
export type SectionFilter = { kind: 'all' } | { kind: 'none' } | { kind: 'section'; name: string }

/** The filters at the top of the budget. */
export interface BudgetFilters {
  mine: boolean
  section: SectionFilter
  status: Status | 'all'
}

/** Every story. */
export const NO_FILTERS: BudgetFilters = { mine: false, section: { kind: 'all' }, status: 'all' }

/** A section's stories, in deadline order. */
export interface BudgetGroup {
  /** The section name; '' for stories without one. */
  section: string
  stories: StorySummary[]
}

/** How a story's length compares with its plan (the same bands as the story panel's meter). */

const NO_STORIES: StorySummary[] = []
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

/** Whether a story passes the filters (`user` is who "Mine" means). */
export function matchesFilters(story: StorySummary, filters: BudgetFilters, user: Actor): boolean {
  if (filters.mine && !isMine(story, user)) return false
  if (filters.status !== 'all' && story.status !== filters.status) return false
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

const byDeadline = (a: StorySummary, b: StorySummary): number =>
  (a.desk.deadline ?? Infinity) - (b.desk.deadline ?? Infinity) || a.headline.localeCompare(b.headline)

/** Stories grouped by section in `order`, "No section" last; empty groups are left out. */
export function groupBySection(stories: readonly StorySummary[], order: readonly string[]): BudgetGroup[] {
  const groups = new Map<string, StorySummary[]>([...order, ''].map((section) => [section, []]))
  for (const story of stories) groups.get(story.section)?.push(story)
  return [...groups].filter(([, list]) => list.length > 0).map(([section, list]) => ({ section, stories: list.sort(byDeadline) }))
}

/** "3 stories · 1,240 of 2,000 words" (planned words only when some story has a plan). */
export function summarize(stories: readonly StorySummary[]): string {
  const words = stories.reduce((sum, story) => sum + story.words, 0)
  const plans = stories.flatMap((story) => (story.desk.plannedWords === null ? [] : [story.desk.plannedWords]))
  const planned = plans.reduce((sum, value) => sum + value, 0)
  const count = `${stories.length} ${stories.length === 1 ? 'story' : 'stories'}`
  return plans.length ? `${count} · ${number(words)} of ${number(planned)} words` : `${count} · ${number(words)} words`
}


const MONTH_DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' })
const MONTH_DAY_YEAR = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' })
const DAY_MS = 86_400_000

/** Local midnight of the day `ms` falls on. */
function startOfDay(ms: number): number {
  const date = new Date(ms)
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
}

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

function number(value: number): string {
  return value.toLocaleString('en-US')
}

// Select values: section names are free text, so they carry a prefix that 'all' and 'none' lack.
const encodeSection = (filter: SectionFilter): string => (filter.kind === 'section' ? `section:${filter.name}` : filter.kind)
function decodeSection(value: string): SectionFilter {
  if (value.startsWith('section:')) return { kind: 'section', name: value.slice('section:'.length) }
  return value === 'none' ? { kind: 'none' } : { kind: 'all' }
}

const isStatusFilter = (value: string): value is Status | 'all' => value === 'all' || Object.hasOwn(STATUSES, value)

function Filters({ filters, sections, onChange }: { filters: BudgetFilters; sections: string[]; onChange(next: BudgetFilters): void }) {
  const id = useId()
  return (
    <div className="budget__filters" role="group" aria-label="Filters">
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
    </div>
  )
}

interface RowContext {
  now: number
  name: (id: number | null) => string
  userById: Map<number, PublicUser>
  users: PublicUser[]
  /** The desk's sections, for the assignment editor. */
  sections: string[]
  /** Whether the reader may assign stories: adds the Assign column. */
  canAssign: boolean
}

/** Columns every reader sees; desk readers get one more, for the Assign buttons. */
const COLUMNS = 8

function People({ ids, name }: { ids: number[]; name: RowContext['name'] }) {
  return ids.length ? <>{ids.map(name).join(', ')}</> : <span className="muted">—</span>
}

function Present({ ids, context }: { ids: number[]; context: RowContext }) {
  return (
    <ul className="budget__present" aria-label="In the story now">
      {[...new Set(ids)].map((id) => {
        const displayName = context.name(id)
        return (
          <li key={id} title={displayName}>
            <span className="avatar" style={{ backgroundColor: context.userById.get(id)?.color }} aria-hidden="true">
              {displayName.slice(0, 1).toUpperCase()}
            </span>
            <span>{displayName}</span>
          </li>
        )
      })}
    </ul>
  )
}

function Deadline({ story, now }: { story: StorySummary; now: number }) {
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

function Words({ words, planned }: { words: number; planned: number | null }) {
  const state = lengthState(words, planned)
  return (
    <span className={`budget__words budget__words--${state}`} title={planned === null ? undefined : `${number(words)} words of ${number(planned)} planned`}>
      {number(words)}
      {planned !== null && <span className="budget__planned"> / {number(planned)}</span>}
    </span>
  )
}

function StoryRows({ story, context }: { story: StorySummary; context: RowContext }) {
  const headline = story.headline || 'Untitled story'
  const overdue = isOverdue(story, context.now)
  const [assigning, setAssigning] = useState(false)
  const assignButton = useRef<HTMLButtonElement>(null)
  const editorId = useId()
  const closeEditor = () => {
    setAssigning(false)
    // Back to the button that opened it, so the keyboard does not fall to the top of the page.
    assignButton.current?.focus()
  }
  return (
    <>
      <tr aria-label={headline} data-overdue={overdue ? 'true' : undefined} className={story.desk.parts.length ? 'budget__story budget__story--parts' : 'budget__story'}>
        <th scope="row" className="stories__headline">
          <Link href={`/stories/${story.id}`}>{story.headline || <span className="muted">Untitled story</span>}</Link>
          {story.slug && <span className="slug">{story.slug}</span>}
          {story.openComments > 0 && (
            <span className="budget__comments">
              {story.openComments} open comment{story.openComments === 1 ? '' : 's'}
            </span>
          )}
        </th>
        <td>
          <span className={`status status--${story.status}`}>{STATUSES[story.status]}</span>
        </td>
        <td>{story.desk.lead === null ? <span className="muted">Unassigned</span> : context.name(story.desk.lead)}</td>
        <td>
          <People ids={story.desk.contributors} name={context.name} />
        </td>
        <td>{story.desk.editor === null ? <span className="muted">Unassigned</span> : context.name(story.desk.editor)}</td>
        <td>
          <Deadline story={story} now={context.now} />
        </td>
        <td className="num">
          <Words words={story.words} planned={story.desk.plannedWords} />
        </td>
        <td>
          <Present ids={story.present} context={context} />
        </td>
        {context.canAssign && (
          <td className="budget__actions">
            <button
              ref={assignButton}
              type="button"
              className="budget__assign-button"
              aria-label={`Assign ${headline}`}
              aria-expanded={assigning}
              aria-controls={assigning ? editorId : undefined}
              onClick={() => setAssigning((open) => !open)}
            >
              Assign
            </button>
          </td>
        )}
      </tr>
      {assigning && (
        // Named apart from the story row: by its content it would be "Assign <headline>", a second row matching the headline.
        <tr className="budget__assign" aria-label="Assignment editor">
          <td colSpan={COLUMNS + 1}>
            <BudgetAssign
              id={editorId}
              story={story}
              headline={headline}
              users={context.users}
              sections={context.sections}
              name={context.name}
              save={(change) => updateDesk(story.id, change)}
              close={closeEditor}
            />
          </td>
        </tr>
      )}
      {story.desk.parts.map((part) => (
        <tr key={part.id} className="budget__part" aria-label={`Part: ${part.label || 'Untitled part'}`}>
          <td colSpan={2} className="budget__part-label">
            {part.label || <span className="muted">Untitled part</span>}
          </td>
          <td colSpan={4}>{part.assignee === null ? <span className="muted">Unassigned</span> : context.name(part.assignee)}</td>
          <td className="num">{number(part.words)}</td>
          <td colSpan={context.canAssign ? 2 : 1} />
        </tr>
      ))}
    </>
  )
}

function SectionTable({ group, context }: { group: BudgetGroup; context: RowContext }) {
  const headingId = useId()
  return (
    <section className="budget__section" aria-labelledby={headingId}>
      <div className="budget__section-head">
        <h2 id={headingId}>{group.section || 'No section'}</h2>
        <p className="muted">{summarize(group.stories)}</p>
      </div>
      <table className={context.canAssign ? 'stories budget__table budget__table--desk' : 'stories budget__table'} aria-labelledby={headingId}>
        <thead>
          <tr>
            <th scope="col">Story</th>
            <th scope="col">Status</th>
            <th scope="col">Lead</th>
            <th scope="col">Contributors</th>
            <th scope="col">Editor</th>
            <th scope="col">Deadline</th>
            <th scope="col" className="num">
              Words
            </th>
            <th scope="col">In now</th>
            {context.canAssign && (
              <th scope="col">
                <span className="visually-hidden">Assign</span>
              </th>
            )}
          </tr>
        </thead>
        {group.stories.map((story) => (
          // One row group per story, so its parts stay with it.
          <tbody key={story.id}>
            <StoryRows story={story} context={context} />
          </tbody>
        ))}
      </table>
    </section>
  )
}

/** `/budget`: the desk's live board of every story by section, with assignees, deadlines and who is in each. */
export function BudgetPage() {
  const list = useStoryList()
  const me = useMe()
  const deskSections = useSession((state) => state.sections)
  const users = useSession((state) => state.users)
  const name = useUserName()
  const now = useNow()
  const [filters, setFilters] = useState<BudgetFilters>(NO_FILTERS)

  useEffect(() => {
    document.title = 'Budget · Deskline'
  }, [])

  const stories = list.kind === 'ready' ? list.stories : NO_STORIES
  const order = useMemo(() => sectionOrder(deskSections, stories), [deskSections, stories])
  const groups = useMemo(() => groupBySection(stories.filter((story) => matchesFilters(story, filters, me)), order), [stories, filters, me, order])
  const userById = useMemo(() => new Map(users.map((user) => [user.id, user])), [users])
  const context: RowContext = { now, name, userById, users, sections: deskSections, canAssign: canSetDesk(me) }
  const filtered = filters.mine || filters.section.kind !== 'all' || filters.status !== 'all'

  return (
    <main className="page budget">
      <div className="page__head">
        <h1>Budget</h1>
        <Filters filters={filters} sections={order} onChange={setFilters} />
      </div>
      {list.kind === 'loading' && <p className="muted">Loading the budget…</p>}
      {list.kind === 'error' && (
        <p role="alert" className="notice notice--error">
          Could not load the budget: {list.message}
        </p>
      )}
      {list.kind === 'ready' && groups.length === 0 && (
        <div className="empty">
          {filtered ? (
            <>
              <p>No stories match these filters.</p>
              <button type="button" onClick={() => setFilters(NO_FILTERS)}>
                Show all stories
              </button>
            </>
          ) : (
            <p>Nothing on the budget yet.</p>
          )}
        </div>
      )}
      {groups.map((group) => (
        <SectionTable key={group.section} group={group} context={context} />
      ))}
    </main>
  )
}
