/**
 * The sentence of each kind of notification (src/shared/notificationText.ts), as the API's `text`
 * and the top bar say it: names and titles marked, headlines quoted, mentions as they always were.
 */
import { describe, expect, it } from 'vitest'
import type { NotificationDetails } from '../../src/shared/api'
import { notificationDetail, notificationSentence, notificationText, type NotificationSubject } from '../../src/shared/notificationText'

const nameOf = (id: number) => ({ 1: 'Ada Park', 2: 'Edna Cole' })[id] ?? `User ${id}`
const base = { id: 'n', storyId: 's', byUserId: 1 as number | null, createdAt: 0, readAt: null, headline: 'Fire at the docks' }
const of = (details: NotificationDetails, more: Partial<typeof base> = {}): NotificationSubject => ({ ...base, ...more, ...details })

describe('notification sentences', () => {
  it('says each kind in a sentence', () => {
    const cases: Array<[NotificationSubject, string, string]> = [
      [{ ...base, kind: 'mention', threadId: 't', commentId: 'c', byUserId: 2, excerpt: 'Check @ada' }, 'Edna Cole mentioned you in Fire at the docks', 'Check @ada'],
      [of({ kind: 'assigned', role: 'lead' }), 'Ada Park assigned you “Fire at the docks”', ''],
      [of({ kind: 'assigned', role: 'editor' }), 'Ada Park made you the editor of “Fire at the docks”', ''],
      [of({ kind: 'assigned', role: 'contributor' }), 'Ada Park added you as a contributor to “Fire at the docks”', ''],
      [of({ kind: 'part_assigned', partId: 'p', label: 'Reaction' }), 'Ada Park assigned you the part “Reaction” of “Fire at the docks”', ''],
      [of({ kind: 'part_assigned', partId: 'p', label: ' ' }), 'Ada Park assigned you a part of “Fire at the docks”', ''],
      [of({ kind: 'status', from: 'in_edit', to: 'copy_edit' }, { headline: 'Budget vote' }), '“Budget vote” moved to Copy edit', 'Ada Park moved it from In edit.'],
      [of({ kind: 'deadline', deadline: 0, minutes: 60 }, { byUserId: null }), 'Deadline in 1 hour: “Fire at the docks”', ''],
      [of({ kind: 'deadline', deadline: 0, minutes: 1 }), 'Deadline in 1 minute: “Fire at the docks”', ''],
      [of({ kind: 'deadline', deadline: 0, minutes: 20 }, { headline: '' }), 'Deadline in 20 minutes: “Untitled story”', ''],
      [of({ kind: 'suggestion_accepted', count: 1, excerpt: ' today' }), 'Your suggestion was accepted in “Fire at the docks”', 'By Ada Park: “today”'],
      [of({ kind: 'suggestion_rejected', count: 3, excerpt: 'Ferries' }), '3 of your suggestions were rejected in “Fire at the docks”', 'By Ada Park: “Ferries”'],
    ]
    for (const [item, text, detail] of cases) expect([notificationText(item, nameOf), notificationDetail(item, nameOf)]).toEqual([text, detail])
  })

  it('marks who did it and what it is about', () => {
    expect(notificationSentence(of({ kind: 'assigned', role: 'lead' }), nameOf)).toEqual([
      { text: 'Ada Park', as: 'person' },
      { text: ' assigned you ' },
      { text: '“Fire at the docks”', as: 'title' },
    ])
  })
})
