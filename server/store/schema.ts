/**
 * The tables the store keeps, as Kysely sees them: one description for both backends (SQLite and
 * PostgreSQL), whose DDL lives in ./migrations.ts. Times are ms since the epoch; JSON is text.
 */
import type { Generated } from 'kysely'
import type { NotificationKind } from '../../src/shared/api.js'

export interface StoriesTable {
  id: string
  headline: string
  slug: string
  section: string
  status: string
  /** JSON array of names. */
  bylines: string
  words: number
  created_at: number
  updated_at: number
  /** JSON DeskSummary. */
  desk: string
}

/** A story's state folded up to `through_seq` of its log. */
export interface StorySnapshotsTable {
  story_id: string
  state: Uint8Array
  through_seq: number
}

/** The append-only log of Yjs updates after the snapshot. */
export interface StoryUpdatesTable {
  seq: Generated<number>
  story_id: string
  data: Uint8Array
}

/** Which user is behind each Yjs client id of a story (who wrote what, for versions). */
export interface StoryAuthorsTable {
  story_id: string
  client_id: number
  user_id: number
}

/** Who each suggestion id of a story belongs to; kept after the suggestion is settled. */
export interface SuggestionAuthorsTable {
  story_id: string
  suggestion_id: string
  author_id: number | null
}

/** One row the health probe rewrites. */
export interface StoreProbeTable {
  id: number
  at: number
}

/** Every status move of a story: who, from, to, why, when. */
export interface StatusHistoryTable {
  id: Generated<number>
  story_id: string
  user_id: number | null
  from_status: string
  to_status: string
  reason: string
  at: number
}

/** Who accepted or rejected which suggestion, when, and what it said. */
export interface SuggestionDecisionsTable {
  id: Generated<number>
  story_id: string
  user_id: number
  action: 'accept' | 'reject'
  suggestion_id: string
  author_id: number | null
  kind: 'insertion' | 'deletion' | 'replacement' | 'format'
  text: string
  at: number
}

/** Accounts. `is_admin` and `active` are 0 or 1 (SQLite has no booleans). */
export interface UsersTable {
  id: Generated<number>
  username: string
  display_name: string
  byline_name: string
  color: string
  role: 'reporter' | 'editor' | 'chief'
  is_admin: number
  password_hash: string
  active: Generated<number>
  created_at: number
}

/** Sessions and API tokens, by the SHA-256 of the token (the token itself is never stored). */
export interface SessionsTable {
  token_hash: string
  user_id: number
  kind: 'browser' | 'api'
  created_at: number
  expires_at: number
}

/** The paper's sections, in desk order. */
export interface SectionsTable {
  name: string
  position: number
}

/**
 * `rowid`: SQLite's implicit row number, and a BIGSERIAL column of that name on PostgreSQL, so
 * rows made in the same millisecond keep the order they were made in on both.
 */
export interface CommentThreadsTable {
  rowid: Generated<number>
  id: string
  story_id: string
  start_anchor: string
  end_anchor: string
  quote: string
  author_id: number
  created_at: number
  resolved_at: number | null
  resolved_by: number | null
}

export interface CommentsTable {
  rowid: Generated<number>
  id: string
  thread_id: string
  author_id: number
  body: string
  created_at: number
  edited_at: number | null
  /** 0 or 1. */
  deleted: Generated<number>
}

/**
 * A notification waiting for (or read by) its person: an @mention (with its thread and comment) or
 * another kind (server/notifications.ts), whose details are JSON. `by_user_id` is null when nobody
 * did it (a deadline); `once_key`, unique per person, makes a notification that must come once.
 */
export interface NotificationsTable {
  rowid: Generated<number>
  id: string
  user_id: number
  kind: NotificationKind
  story_id: string
  thread_id: string | null
  comment_id: string | null
  by_user_id: number | null
  /** JSON NotificationDetails without its kind; '{}' for mentions. */
  details: Generated<string>
  once_key: string | null
  created_at: number
  read_at: number | null
}

/** A version: the document's full state, deflated, with its Yjs snapshot for dedupe. */
export interface StoryVersionsTable {
  id: Generated<number>
  story_id: string
  kind: 'auto' | 'status' | 'named' | 'restore'
  name: string
  user_id: number | null
  created_at: number
  state: Uint8Array
  bytes: number
  words: number
  snapshot: Uint8Array
}

/** Who deleted which run of a Yjs client's items (deletions carry no client id of their own). */
export interface StoryDeletionsTable {
  rowid: Generated<number>
  story_id: string
  client_id: number
  clock: number
  len: number
  user_id: number
}

/** A story going out: published (a version), or taken down (withheld, canceled), and what was sent. */
export interface PublicationsTable {
  id: Generated<number>
  story_id: string
  kind: 'publish' | 'withhold' | 'cancel'
  version: number
  at: number
  user_id: number | null
  ed_note: string
  /** The exact ninjs JSON delivered (the signature is over these bytes). */
  body: string
}

/** The outbox: one row per publication and webhook URL, until delivered or given up. */
export interface DeliveriesTable {
  id: Generated<number>
  publication_id: number
  url: string
  state: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: number
  /** A node working on it holds it until then (several nodes share the outbox). */
  claimed_until: number | null
  last_status: number | null
  last_error: string
  delivered_at: number | null
}

/** Every delivery attempt: when, the answer's status (null: no answer) and what went wrong. */
export interface DeliveryAttemptsTable {
  id: Generated<number>
  delivery_id: number
  at: number
  status: number | null
  error: string
}

/** A word of the newsroom's dictionary, as added, by whom and when. */
export interface NewsroomWordsTable {
  word: string
  added_by: number | null
  added_at: number
}

/** A house-style rule an admin turned off (or on again): `enabled` is 0 or 1. */
export interface StyleRuleSettingsTable {
  rule_id: string
  enabled: number
  changed_by: number | null
  changed_at: number
}

/** A story's text as search reads it (server/storySearch.ts): one row per story, rewritten by its room. */
export interface StorySearchTable {
  story_id: string
  /** The body's blocks, one per line, desk notes left out: where snippets come from. */
  body: string
  /** Headline, slug, bylines and body folded (src/shared/searchText.ts): what words are found in. */
  folded: string
}

export interface StoreSchema {
  story_search: StorySearchTable
  newsroom_words: NewsroomWordsTable
  style_rule_settings: StyleRuleSettingsTable
  publications: PublicationsTable
  deliveries: DeliveriesTable
  delivery_attempts: DeliveryAttemptsTable
  comment_threads: CommentThreadsTable
  comments: CommentsTable
  notifications: NotificationsTable
  story_versions: StoryVersionsTable
  story_deletions: StoryDeletionsTable
  users: UsersTable
  sessions: SessionsTable
  sections: SectionsTable
  stories: StoriesTable
  story_snapshots: StorySnapshotsTable
  story_updates: StoryUpdatesTable
  story_authors: StoryAuthorsTable
  suggestion_authors: SuggestionAuthorsTable
  store_probe: StoreProbeTable
  status_history: StatusHistoryTable
  suggestion_decisions: SuggestionDecisionsTable
}
