import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { DeskChange } from '../../src/api'
import { BudgetAssign, deskChange, draftOf } from '../../src/app/BudgetAssign'
import { fromLocalInput, toLocalInput } from '../../src/ui/localDateTime'
import { groupBySection, summarize } from '../../src/app/BudgetPage'
import { formatDeadline, isMine, isOverdue, matchesFilters, NO_FILTERS, sectionOrder } from '../../src/app/storyFilters'
import { sortStories } from '../../src/app/StoryListPage'
import { lengthState } from '../../src/shared/newsroom'
import { EMPTY_DESK_SUMMARY, type DeskSummary, type PublicUser, type StorySummary } from '../../src/shared/api'
import type { Actor } from '../../src/shared/permissions'

function story(id: string, fields: Partial<Omit<StorySummary, 'desk'>> = {}, desk: Partial<DeskSummary> = {}): StorySummary {
  return {
    id,
    headline: id,
    slug: '',
    section: '',
    status: 'draft',
    bylines: [],
    words: 0,
    createdAt: 0,
    updatedAt: 0,
    present: [],
    openComments: 0,
    ...fields,
    desk: { ...EMPTY_DESK_SUMMARY, ...desk },
  }
}

const ann: Actor = { id: 7, role: 'reporter', isAdmin: false }

describe('budget helpers', () => {
  it('formats deadlines by calendar day in local time', () => {
    // Local-time constructors, so the test holds in any time zone.
    const now = new Date(2025, 10, 24, 23, 0).getTime()
    expect(formatDeadline(new Date(2025, 10, 24, 16, 0).getTime(), now)).toBe('Today 16:00')
    expect(formatDeadline(new Date(2025, 10, 25, 1, 5).getTime(), now)).toBe('Tomorrow 01:05')
    expect(formatDeadline(new Date(2025, 10, 23, 18, 0).getTime(), now)).toBe('Yesterday 18:00')
    expect(formatDeadline(new Date(2025, 10, 26, 9, 30).getTime(), now)).toBe('Nov 26, 09:30')
    expect(formatDeadline(new Date(2026, 0, 2, 9, 30).getTime(), now)).toBe('Jan 2, 2026, 09:30')
  })

  it('calls a passed deadline overdue until the story is published or spiked', () => {
    const now = 1_000_000
    expect(isOverdue(story('a', {}, { deadline: now - 1 }), now)).toBe(true)
    expect(isOverdue(story('a', { status: 'ready' }, { deadline: now - 1 }), now)).toBe(true)
    expect(isOverdue(story('a', { status: 'published' }, { deadline: now - 1 }), now)).toBe(false)
    expect(isOverdue(story('a', { status: 'spiked' }, { deadline: now - 1 }), now)).toBe(false)
    expect(isOverdue(story('a', {}, { deadline: now + 1 }), now)).toBe(false)
    expect(isOverdue(story('a'), now)).toBe(false)
  })

  it('counts lead, contributor, editor and part assignee as mine', () => {
    const part = { id: 'p', label: 'Reaction', words: 0 }
    expect(isMine(story('a', {}, { lead: 7 }), ann)).toBe(true)
    expect(isMine(story('a', {}, { contributors: [3, 7] }), ann)).toBe(true)
    expect(isMine(story('a', {}, { editor: 7 }), ann)).toBe(true)
    expect(isMine(story('a', {}, { parts: [{ ...part, assignee: 7 }] }), ann)).toBe(true)
    expect(isMine(story('a', {}, { lead: 3, parts: [{ ...part, assignee: null }] }), ann)).toBe(false)
  })

  it('filters by mine, section (including none) and status', () => {
    const news = story('news', { section: 'News', status: 'in_edit' }, { lead: 7 })
    const sports = story('sports', { section: 'Sports' })
    const loose = story('loose')
    const all = [news, sports, loose]
    const pick = (filters: Partial<typeof NO_FILTERS>) => all.filter((s) => matchesFilters(s, { ...NO_FILTERS, ...filters }, ann)).map((s) => s.id)
    expect(pick({})).toEqual(['news', 'sports', 'loose'])
    expect(pick({ mine: true })).toEqual(['news'])
    expect(pick({ section: { kind: 'section', name: 'Sports' } })).toEqual(['sports'])
    expect(pick({ section: { kind: 'none' } })).toEqual(['loose'])
    expect(pick({ status: 'in_edit' })).toEqual(['news'])
    expect(pick({ status: 'draft', section: { kind: 'section', name: 'News' } })).toEqual([])
  })

  it('finds stories by every word of a search in headline, slug or byline, accents aside', () => {
    const flood = story('a', { headline: 'Flood warning for Zürich', slug: 'FLOOD-ZURICH', bylines: ['Ana Núñez'] })
    const find = (query: string) => matchesFilters(flood, { ...NO_FILTERS, query }, ann)
    expect(find('zurich flood')).toBe(true)
    expect(find('  WARNING  ')).toBe(true)
    expect(find('nunez')).toBe(true)
    expect(find('flood-zurich')).toBe(true)
    expect(find('flood budget')).toBe(false)
  })

  it('filters by deadline: overdue, due today, none', () => {
    const now = new Date(2025, 10, 24, 12, 0).getTime()
    const late = story('late', {}, { deadline: now - 60_000 })
    const tonight = story('tonight', {}, { deadline: new Date(2025, 10, 24, 22, 0).getTime() })
    const tomorrow = story('tomorrow', {}, { deadline: new Date(2025, 10, 25, 9, 0).getTime() })
    const open = story('open')
    const pick = (deadline: typeof NO_FILTERS.deadline) =>
      [late, tonight, tomorrow, open].filter((item) => matchesFilters(item, { ...NO_FILTERS, deadline }, ann, now)).map((item) => item.id)
    expect(pick('any')).toEqual(['late', 'tonight', 'tomorrow', 'open'])
    expect(pick('overdue')).toEqual(['late'])
    expect(pick('today')).toEqual(['late', 'tonight'])
    expect(pick('none')).toEqual(['open'])
  })

  it('sorts the story list by a column either way, stories without a deadline last', () => {
    const stories = [
      story('b', { headline: 'Budget vote', words: 300, updatedAt: 3, status: 'ready' }, { deadline: 20 }),
      story('a', { headline: 'apple harvest', words: 900, updatedAt: 1, status: 'draft' }),
      story('c', { headline: '', words: 50, updatedAt: 2, status: 'in_edit' }, { deadline: 10 }),
    ]
    const ids = (key: Parameters<typeof sortStories>[1]['key'], direction: 'ascending' | 'descending') => sortStories(stories, { key, direction }).map((item) => item.id)
    expect(ids('headline', 'ascending')).toEqual(['a', 'b', 'c'])
    expect(ids('deadline', 'ascending')).toEqual(['c', 'b', 'a'])
    expect(ids('words', 'descending')).toEqual(['a', 'b', 'c'])
    expect(ids('updatedAt', 'descending')).toEqual(['b', 'c', 'a'])
    expect(ids('status', 'ascending')).toEqual(['a', 'c', 'b'])
  })

  it('groups in desk order, retired sections next, no section last, each by deadline', () => {
    const stories = [
      story('late', { section: 'News' }, { deadline: 300 }),
      story('none', {}),
      story('open', { section: 'News' }),
      story('early', { section: 'News' }, { deadline: 100 }),
      story('old', { section: 'Weather' }),
      story('world', { section: 'World' }),
    ]
    const order = sectionOrder(['World', 'News', 'Sports'], stories)
    expect(order).toEqual(['World', 'News', 'Sports', 'Weather'])
    const groups = groupBySection(stories, order)
    expect(groups.map((group) => [group.section, group.stories.map((s) => s.id)])).toEqual([
      ['World', ['world']],
      ['News', ['early', 'late', 'open']],
      ['Weather', ['old']],
      ['', ['none']],
    ])
  })

  it('summarizes a section and compares length with plan', () => {
    expect(summarize([story('a', { words: 1000 }, { plannedWords: 1200 }), story('b', { words: 240 }, { plannedWords: 800 }), story('c', { words: 0 })])).toBe(
      '3 stories · 1,240 of 2,000 words',
    )
    expect(summarize([story('a', { words: 5 })])).toBe('1 story · 5 words')
    expect(lengthState(420, 600)).toBe('under')
    expect(lengthState(560, 600)).toBe('on')
    expect(lengthState(700, 600)).toBe('over')
    expect(lengthState(700, null)).toBe('none')
  })
})

function person(id: number, displayName: string, role: PublicUser['role'], active = true): PublicUser {
  return { id, username: displayName.toLowerCase(), displayName, bylineName: displayName, color: '#1f6fb4', role, isAdmin: false, active }
}

const people = [person(1, 'Rita', 'reporter'), person(2, 'Noor', 'reporter'), person(3, 'Eddie', 'editor'), person(4, 'Chief', 'chief'), person(5, 'Gone', 'reporter', false)]
const nameOf = (id: number | null) => people.find((user) => user.id === id)?.displayName ?? `User ${id}`

/** The editor for `target`, with `save` standing in for the API call. */
function renderEditor(target: StorySummary, save: (change: DeskChange) => Promise<void> = () => Promise.resolve()) {
  const calls: DeskChange[] = []
  const close = vi.fn<() => void>()
  render(
    <BudgetAssign
      story={target}
      headline={target.headline}
      users={people}
      sections={['News', 'Sports']}
      name={nameOf}
      save={(change) => {
        calls.push(change)
        return save(change)
      }}
      close={close}
    />,
  )
  return { calls, close, form: screen.getByRole('form', { name: `Assign ${target.headline}` }) }
}

describe('budget assignment editor', () => {
  it('reads and writes datetime-local values in local time', () => {
    const ms = new Date(2025, 10, 24, 9, 5).getTime()
    expect(toLocalInput(ms)).toBe('2025-11-24T09:05')
    expect(fromLocalInput('2025-11-24T09:05')).toBe(ms)
    expect(toLocalInput(null)).toBe('')
    expect(fromLocalInput('')).toBeNull()
    expect(fromLocalInput('2025-11-24T09:05:30')).toBe(ms + 30_000)
    expect(fromLocalInput('0050-03-01T12:00')).toBe(new Date(new Date(2000, 0, 1, 12).setFullYear(50, 2, 1)).getTime())
    expect(fromLocalInput('2025-11-')).toBeNull()
  })

  it('sends only the fields that changed from the opening values', () => {
    const base = draftOf(story('a', { section: 'News' }, { lead: 1, contributors: [2], deadline: new Date(2025, 0, 2, 9, 30, 45).getTime(), plannedWords: 600 }))
    expect(deskChange(base, base)).toEqual({ kind: 'change', change: {} })
    expect(deskChange(base, { ...base, contributors: [2] })).toEqual({ kind: 'change', change: {} })
    expect(deskChange(base, { ...base, lead: '', editor: '3', section: '' })).toEqual({ kind: 'change', change: { lead: null, editor: 3, section: '' } })
    expect(deskChange(base, { ...base, deadline: '2025-01-03T10:00', plannedWords: '' })).toEqual({
      kind: 'change',
      change: { deadline: new Date(2025, 0, 3, 10, 0).getTime(), plannedWords: null },
    })
    expect(deskChange(base, { ...base, contributors: [2, 1] })).toEqual({ kind: 'change', change: { contributors: [2, 1] } })
    expect(deskChange(base, { ...base, plannedWords: '12.5' }).kind).toBe('invalid')
    expect(deskChange(base, { ...base, plannedWords: '2000000' }).kind).toBe('invalid')
  })

  it('offers reporters as contributors, non-reporters as editors, and keeps whoever is already set', () => {
    renderEditor(story('Gala', {}, { lead: 5, contributors: [5], editor: 3 }))
    const options = (label: string) => [...(screen.getByLabelText(label) as HTMLSelectElement).options].map((option) => option.text)
    expect(options('Lead reporter')).toEqual(['Unassigned', 'Rita', 'Noor', 'Eddie', 'Chief', 'Gone'])
    expect(options('Assigned editor')).toEqual(['Unassigned', 'Eddie', 'Chief'])
    expect(options('Section')).toEqual(['No section', 'News', 'Sports'])
    expect((screen.getByLabelText('Lead reporter') as HTMLSelectElement).value).toBe('5')
    expect(screen.getAllByRole('checkbox').map((box) => box.getAttribute('aria-label'))).toEqual(['Contributor: Rita', 'Contributor: Noor', 'Contributor: Gone'])
    expect(screen.getByLabelText('Lead reporter')).toBe(document.activeElement)
  })

  it('saves the changes in one call and closes', async () => {
    const { calls, close } = renderEditor(story('Vote', { section: 'News' }))
    fireEvent.change(screen.getByLabelText('Lead reporter'), { target: { value: '1' } })
    fireEvent.click(screen.getByLabelText('Contributor: Noor'))
    fireEvent.change(screen.getByLabelText('Assigned editor'), { target: { value: '3' } })
    fireEvent.change(screen.getByLabelText('Deadline'), { target: { value: '2025-11-24T16:00' } })
    fireEvent.change(screen.getByLabelText('Planned words'), { target: { value: '700' } })
    fireEvent.change(screen.getByLabelText('Section'), { target: { value: 'Sports' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(close).toHaveBeenCalledOnce())
    expect(calls).toEqual([{ lead: 1, contributors: [2], editor: 3, deadline: new Date(2025, 10, 24, 16, 0).getTime(), section: 'Sports', plannedWords: 700 }])
  })

  it('saves on Enter in an input', async () => {
    const first = renderEditor(story('Vote'))
    fireEvent.change(screen.getByLabelText('Planned words'), { target: { value: '450' } })
    fireEvent.keyDown(screen.getByLabelText('Planned words'), { key: 'Enter' })
    await waitFor(() => expect(first.close).toHaveBeenCalledOnce())
    expect(first.calls).toEqual([{ plannedWords: 450 }])
  })

  it('cancels on Escape without saving', () => {
    const { calls, close } = renderEditor(story('Vote'))
    fireEvent.change(screen.getByLabelText('Lead reporter'), { target: { value: '1' } })
    fireEvent.keyDown(screen.getByLabelText('Lead reporter'), { key: 'Escape' })
    expect(close).toHaveBeenCalledOnce()
    expect(calls).toEqual([])
  })

  it("closes without a call when nothing changed", () => {
    const { calls, close } = renderEditor(story('Vote', {}, { lead: 1 }))
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(close).toHaveBeenCalledOnce()
    expect(calls).toEqual([])
  })

  it("shows the server's message and stays open when the save fails", async () => {
    const { calls, close } = renderEditor(story('Vote'), () => Promise.reject(new Error('Only desk chiefs assign stories.')))
    fireEvent.change(screen.getByLabelText('Lead reporter'), { target: { value: '1' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Only desk chiefs assign stories.')
    expect(close).not.toHaveBeenCalled()
    expect(calls).toHaveLength(1)
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(false)
  })

  it('refuses planned words that are not a whole number, without a call', () => {
    const { calls } = renderEditor(story('Vote'))
    fireEvent.change(screen.getByLabelText('Planned words'), { target: { value: '12.5' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByRole('alert').textContent).toBe('Planned length must be a whole number between 1 and 20,000 words.')
    expect(calls).toEqual([])
  })
})
