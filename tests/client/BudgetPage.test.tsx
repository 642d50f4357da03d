import { describe, expect, it } from 'vitest'
import {
  formatDeadline,
  groupBySection,
  isMine,
  isOverdue,
  lengthState,
  matchesFilters,
  NO_FILTERS,
  sectionOrder,
  summarize,
} from '../../src/app/BudgetPage'
import { EMPTY_DESK_SUMMARY, type DeskSummary, type StorySummary } from '../../src/shared/api'
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
