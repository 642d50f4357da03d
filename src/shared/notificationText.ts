/**
 * The sentence each notification says, written once for both sides: the server sends it as the
 * API's `text` (for any client), the top bar renders its parts with the names and titles marked
 * (src/app/NotificationText.tsx). Titles are quoted, as newsrooms quote headlines in messages;
 * mentions keep the form they always had ("Edna mentioned you in Council delays vote").
 */
import type { AssignedRole, NotificationView, OtherNotificationView } from './api.js'
import { STATUSES } from './newsroom.js'

/** A notification before its sentence is written: what the sentence is made from. */
export type NotificationSubject = (NotificationView | OtherNotificationView) & { headline: string }

/** A run of a sentence: plain text, a person's name, or a story's or part's title. */
export interface SentencePart {
  text: string
  as?: 'person' | 'title'
}

/** Names a person by user id (the display name; something readable for unknown ids). */
export type NameOf = (userId: number) => string

/** Minutes left from which a deadline reads "in 1 hour" (the sweep runs about once a minute). */
const ABOUT_AN_HOUR = 55

/** What each assignment says between the person and the story. */
const ASSIGNED_AS: Record<AssignedRole, string> = {
  lead: ' assigned you ',
  editor: ' made you the editor of ',
  contributor: ' added you as a contributor to ',
}

const headlineOf = (item: NotificationSubject) => item.headline.trim() || 'Untitled story'
const quoted = (text: string): SentencePart => ({ text: `“${text}”`, as: 'title' })

function actor(item: NotificationSubject, nameOf: NameOf): SentencePart {
  return { text: item.byUserId === null ? 'Someone' : nameOf(item.byUserId), as: 'person' }
}

function deadlineLead(minutes: number): string {
  if (minutes >= ABOUT_AN_HOUR) return 'Deadline in 1 hour: '
  if (minutes <= 0) return 'Deadline now: '
  return `Deadline in ${minutes} minute${minutes === 1 ? '' : 's'}: `
}

/** The sentence that says what happened, in parts. */
export function notificationSentence(item: NotificationSubject, nameOf: NameOf): SentencePart[] {
  const story = quoted(headlineOf(item))
  switch (item.kind) {
    case 'mention':
      return [actor(item, nameOf), { text: ' mentioned you in ' }, { text: headlineOf(item), as: 'title' }]
    case 'assigned':
      return [actor(item, nameOf), { text: ASSIGNED_AS[item.role] }, story]
    case 'part_assigned':
      return item.label.trim()
        ? [actor(item, nameOf), { text: ' assigned you the part ' }, quoted(item.label.trim()), { text: ' of ' }, story]
        : [actor(item, nameOf), { text: ' assigned you a part of ' }, story]
    case 'status':
      return [story, { text: ` moved to ${STATUSES[item.to]}` }]
    case 'deadline':
      return [{ text: deadlineLead(item.minutes) }, story]
    case 'suggestion_accepted':
    case 'suggestion_rejected': {
      const verdict = item.kind === 'suggestion_accepted' ? 'accepted' : 'rejected'
      const what = item.count === 1 ? `Your suggestion was ${verdict} in ` : `${item.count} of your suggestions were ${verdict} in `
      return [{ text: what }, story]
    }
  }
}

/** A second line with more to know (who moved it, what the suggestion said); '' when there is none. */
export function notificationDetail(item: NotificationSubject, nameOf: NameOf): string {
  const by = item.byUserId === null ? null : nameOf(item.byUserId)
  switch (item.kind) {
    case 'mention':
      return item.excerpt
    case 'status':
      return by ? `${by} moved it from ${STATUSES[item.from]}.` : `Moved from ${STATUSES[item.from]}.`
    case 'suggestion_accepted':
    case 'suggestion_rejected': {
      const excerpt = item.excerpt.trim() ? `: “${item.excerpt.trim()}”` : '.'
      return by ? `By ${by}${excerpt}` : excerpt.replace(/^: /, '')
    }
    case 'assigned':
    case 'part_assigned':
    case 'deadline':
      return ''
  }
}

/** The sentence as plain text. */
export function notificationText(item: NotificationSubject, nameOf: NameOf): string {
  return notificationSentence(item, nameOf)
    .map((part) => part.text)
    .join('')
}
