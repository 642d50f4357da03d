/** Shapes of the JSON API, validated with zod on the server and typed on the client. */
import { z } from 'zod'
import { SECTION_MAX, type Section, type Status } from './newsroom.js'
import type { Role } from './permissions.js'

/**
 * `GET /api/stories/search?q=` answer: the stories whose text has every word (most recently updated
 * first, at most SEARCH_MAX_RESULTS), and for those whose body has one, the body around it.
 */
export interface SearchAnswer {
  ids: string[]
  snippets: Record<string, string>
}

/** `POST /api/stories` body. */
export const CreateStoryBody = z
  .object({
    headline: z.string().max(500).optional(),
    section: z.string().trim().min(1).max(SECTION_MAX).optional(),
  })
  .strict()
export type CreateStoryBody = z.infer<typeof CreateStoryBody>

/** A story part on the budget: who has it and how long it is now. */
export interface PartSummary {
  id: string
  label: string
  assignee: number | null
  words: number
}

/** The desk's plan for a story, as the budget shows it. */
export interface DeskSummary {
  lead: number | null
  contributors: number[]
  editor: number | null
  deadline: number | null
  plannedWords: number | null
  parts: PartSummary[]
}

export const EMPTY_DESK_SUMMARY: Readonly<DeskSummary> = Object.freeze({
  lead: null,
  contributors: [],
  editor: null,
  deadline: null,
  plannedWords: null,
  parts: [],
})

/** A row of the story list (`GET /api/stories`, and each `story` event of the stream). */
export interface StorySummary {
  id: string
  headline: string
  slug: string
  section: Section | ''
  status: Status
  bylines: string[]
  words: number
  createdAt: number
  updatedAt: number
  desk: DeskSummary
  /** User ids of the people in the story right now. */
  present: number[]
  /** Unresolved comment threads. */
  openComments: number
}

/** `presence` events of the story list's stream: who is in a story now. */
export interface PresenceEvent {
  storyId: string
  present: number[]
}

/** A story already in the newsroom that an import seems to repeat (`POST /api/stories/import?duplicates=check`, 409). */
export interface DuplicateStory {
  id: string
  headline: string
  status: Status
  updatedAt: number
}

/** A headline as duplicates are found by: case, spacing and curly quotes aside; '' when there is none. */
export function sameHeadline(headline: string): string {
  return headline.normalize('NFKC').replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase()
}

/** Error body of every non-2xx API answer. */
export interface ApiError {
  error: { id: string; message: string }
}

/** A user as the API shows it (never the password hash). */
export interface PublicUser {
  id: number
  username: string
  displayName: string
  bylineName: string
  color: string
  role: Role
  isAdmin: boolean
  active: boolean
}

const Username = z.string().trim().min(2).max(40).regex(/^[a-z0-9._-]+$/i, 'Use letters, digits, dots, dashes or underscores.')
const Password = z.string().min(8, 'Use at least 8 characters.').max(200)
const Color = z.string().regex(/^#[0-9a-f]{6}$/i)

/** `POST /api/session` body. */
export const SignInBody = z.object({ username: z.string().max(100), password: z.string().max(200) }).strict()

/** `POST /api/setup` body: the first account on an empty newsroom. */
export const SetupBody = z
  .object({ username: Username, password: Password, displayName: z.string().trim().min(1).max(80) })
  .strict()

/** `POST /api/users` body (administrators). */
export const CreateUserBody = z
  .object({
    username: Username,
    password: Password,
    displayName: z.string().trim().min(1).max(80),
    bylineName: z.string().trim().max(80).optional(),
    color: Color.optional(),
    role: z.enum(['reporter', 'editor', 'chief']),
    isAdmin: z.boolean().optional(),
  })
  .strict()

/** `PATCH /api/users/<id>` body (administrators). */
export const UpdateUserBody = z
  .object({
    displayName: z.string().trim().min(1).max(80).optional(),
    bylineName: z.string().trim().max(80).optional(),
    color: Color.optional(),
    role: z.enum(['reporter', 'editor', 'chief']).optional(),
    isAdmin: z.boolean().optional(),
    active: z.boolean().optional(),
    password: Password.optional(),
  })
  .strict()

// Comments and notifications (server/comments.ts, server/routes/comments.ts) ------------------

export { COMMENT_MAX_CHARS, QUOTE_MAX_CHARS } from './limits.js'

/** A comment as the API shows it; a deleted one keeps its place with an empty body. */
export interface CommentView {
  id: string
  threadId: string
  authorId: number
  body: string
  createdAt: number
  editedAt: number | null
  deleted: boolean
}

/** A thread as the API shows it, with its comments oldest first. */
export interface ThreadView {
  id: string
  storyId: string
  start: string
  end: string
  quote: string
  authorId: number
  createdAt: number
  resolved: boolean
  resolvedAt: number | null
  resolvedBy: number | null
  comments: CommentView[]
}

/** What a notification is about (issue 15: notifications beyond @mentions). */
export const NOTIFICATION_KINDS = ['mention', 'assigned', 'part_assigned', 'status', 'deadline', 'suggestion_accepted', 'suggestion_rejected'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** What an assignment made you. */
export type AssignedRole = 'lead' | 'editor' | 'contributor'

/**
 * The details of every kind but mentions (whose comment holds theirs), stored as JSON with the
 * notification (server/notifications.ts): what its sentence needs.
 */
export type NotificationDetails =
  | { kind: 'assigned'; role: AssignedRole }
  | { kind: 'part_assigned'; partId: string; label: string }
  | { kind: 'status'; from: Status; to: Status }
  /** `minutes`: how long there was left when it was sent. */
  | { kind: 'deadline'; deadline: number; minutes: number }
  /** `count` suggestions of yours settled at once by one person; `excerpt` is the first one's text. */
  | { kind: 'suggestion_accepted' | 'suggestion_rejected'; count: number; excerpt: string }

/** An @mention as its recipient sees it (newest first). */
export interface NotificationView {
  id: string
  kind: 'mention'
  storyId: string
  threadId: string
  commentId: string
  byUserId: number
  createdAt: number
  readAt: number | null
  /** The start of the comment that mentioned you ('' once it is deleted). */
  excerpt: string
}

/** Any other notification: who caused it (null: nobody, a deadline) and its details. */
export type OtherNotificationView = {
  id: string
  storyId: string
  byUserId: number | null
  createdAt: number
  readAt: number | null
} & NotificationDetails

/**
 * A row of `GET /api/notifications`: the notification with its story's headline and `text`, the
 * sentence that says it ("Ada Park assigned you “Fire at the docks”", src/shared/notificationText.ts).
 */
export type NotificationItem = (NotificationView | OtherNotificationView) & { headline: string; text: string }

// Versions (server/versions.ts, server/versionDiff.ts, server/routes/versions.ts) --------------

export const VERSION_KINDS = ['auto', 'status', 'named', 'restore'] as const
export type VersionKind = (typeof VERSION_KINDS)[number]

export { VERSION_NAME_MAX_CHARS } from './limits.js'

/** One version as lists show it (no state). */
export interface VersionSummary {
  id: number
  storyId: string
  kind: VersionKind
  name: string
  userId: number | null
  createdAt: number
  /** Bytes stored for this version (the deflated state). */
  bytes: number
  /** Words in the body at that version. */
  words: number
}

export type Change = 'same' | 'added' | 'removed'
/** A run of text: unchanged, added or removed, and by whom (who wrote it; for removed text, who removed it). */
export interface DiffRun {
  text: string
  change: Change
  by: number | null
}
/** A top-level body block; `changed` when it is in both versions with differences inside. */
export interface DiffBlock {
  type: string
  change: Change | 'changed'
  runs: DiffRun[]
}
export interface Comparison {
  headline: DiffRun[]
  blocks: DiffBlock[]
}

/** `GET /api/stories/<id>/versions/compare` answer: always older → newer. */
export interface ComparisonAnswer extends Comparison {
  from: number | 'current'
  to: number | 'current'
}

// Suggestion decisions (server/suggestionLog.ts, server/routes/suggestions.ts) ------------------

/**
 * What a recorded accept or reject settled: suggested text (inserted, deleted, or both: a
 * replacement; a paragraph break reads as ¶ inserted or deleted) or a suggested format change.
 */
export const DECISION_KINDS = ['insertion', 'deletion', 'replacement', 'format'] as const
export type DecisionKind = (typeof DECISION_KINDS)[number]

/** One status move of a story, as `GET /api/stories/<id>/history` answers it. */
export interface HistoryEntry {
  userId: number | null
  from: Status
  to: Status
  /**
   * A desk chief's reason for moving past the review gate, or the correction note a published
   * story was reopened with (Published → In edit); empty otherwise.
   */
  reason: string
  at: number
}

/** What a publication is: the story going out, or being taken down (held, spiked). */
export type PublicationKind = 'publish' | 'withhold' | 'cancel'

/** One webhook delivery of a publication, with every attempt (server/publishing.ts). */
export interface DeliveryView {
  id: number
  url: string
  state: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: number | null
  lastStatus: number | null
  lastError: string
  deliveredAt: number | null
  history: Array<{ at: number; status: number | null; error: string }>
}

/** A publication and its deliveries. */
export interface PublicationView {
  id: number
  storyId: string
  kind: PublicationKind
  version: number
  at: number
  userId: number | null
  edNote: string
  deliveries: DeliveryView[]
}

