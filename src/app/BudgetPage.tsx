import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link } from 'wouter'
import type { PublicUser, StorySummary } from '../shared/api'
import { lengthState, STATUSES } from '../shared/newsroom'
import { canSetDesk } from '../shared/permissions'
import { useMe, useSession, useUserName } from '../store/session'
import { updateDesk } from '../api'
import { BudgetAssign } from './BudgetAssign'
import { textColorOn } from '../ui/textColorOn'
import { useNow } from '../ui/useNow'
import { useStoryList } from './useStoryList'
import './budget.css'
import { Deadline, Filters, isFiltered, isOverdue, matchesFilters, NO_FILTERS, sectionOrder, type StoryFilters } from './storyFilters'
import { Loading } from '../ui/Loading'

/** A section's stories, in deadline order. */
export interface BudgetGroup {
  /** The section name; '' for stories without one. */
  section: string
  stories: StorySummary[]
}

const NO_STORIES: StorySummary[] = []

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


function number(value: number): string {
  return value.toLocaleString('en-US')
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
        const color = context.userById.get(id)?.color
        return (
          <li key={id} title={displayName}>
            <span className="avatar" style={{ backgroundColor: color, color: textColorOn(color) }} aria-hidden="true">
              {displayName.slice(0, 1).toUpperCase()}
            </span>
            <span>{displayName}</span>
          </li>
        )
      })}
    </ul>
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
        {/* data-label: each cell's name when a phone draws the story as a card (budget.css). */}
        <td data-label="Status">
          <span className={`status status--${story.status}`}>{STATUSES[story.status]}</span>
        </td>
        <td data-label="Lead">{story.desk.lead === null ? <span className="muted">Unassigned</span> : context.name(story.desk.lead)}</td>
        <td data-label="Contributors">
          <People ids={story.desk.contributors} name={context.name} />
        </td>
        <td data-label="Editor">{story.desk.editor === null ? <span className="muted">Unassigned</span> : context.name(story.desk.editor)}</td>
        <td data-label="Deadline">
          <Deadline story={story} now={context.now} />
        </td>
        <td className="num" data-label="Words">
          <Words words={story.words} planned={story.desk.plannedWords} />
        </td>
        <td data-label="In now" className={story.present.length === 0 ? 'budget__nobody' : undefined}>
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
  const [filters, setFilters] = useState<StoryFilters>(NO_FILTERS)

  useEffect(() => {
    document.title = 'Budget · Deskline'
  }, [])

  const stories = list.kind === 'ready' ? list.stories : NO_STORIES
  const order = useMemo(() => sectionOrder(deskSections, stories), [deskSections, stories])
  const groups = useMemo(() => groupBySection(stories.filter((story) => matchesFilters(story, filters, me, now)), order), [stories, filters, me, order, now])
  const userById = useMemo(() => new Map(users.map((user) => [user.id, user])), [users])
  const context: RowContext = { now, name, userById, users, sections: deskSections, canAssign: canSetDesk(me) }
  const filtered = isFiltered(filters)

  return (
    <main className="page budget">
      <div className="page__head">
        <h1>Budget</h1>
        <Filters filters={filters} sections={order} onChange={setFilters} />
      </div>
      {list.kind === 'loading' && <Loading>Loading the budget…</Loading>}
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
