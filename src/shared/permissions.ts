/**
 * Who may do what: the newsroom's permission table (../shared/NEWSROOM.md), in one place. The
 * server enforces it; the UI only uses it to hide what a role may not do.
 *
 * |                                              | reporter       | editor | chief | admin |
 * | read every story, see the budget             | yes            | yes    | yes   | yes   |
 * | edit body, headline, slug, byline, dateline  | assigned ones  | yes    | yes   | yes   |
 * | accept or reject others' suggestions         | assigned ones  | yes    | yes   | yes   |
 *   (over the sync socket: CLIENT_WRITABLE_ROOTS and CLIENT_WRITABLE_META, nothing else)
 * | set section, assignees, deadline, planned    | no             | no     | yes   | yes   |
 * | status Draft → In edit                       | assigned ones  | yes    | yes   | yes   |
 * | Draft → Spiked                               | own empty ones | no     | yes   | yes   |
 * | In edit → Copy edit → Ready, back to Draft   | no             | yes    | yes   | yes   |
 * | Ready → Published, Held, Spiked              | no             | no     | yes   | yes   |
 * | Published → Held, Spiked, In edit (correction)| no             | no     | yes   | yes   |
 * | edit a Published or Spiked story's copy       | no             | no     | no    | no    |
 *   (locked for everyone, issue 15: the desk reopens it for a correction, or restores it to Draft)
 * | manage users and sections                    | no             | no     | no    | yes   |
 * | add a word to the newsroom dictionary        | yes            | yes    | yes   | yes   |
 * | remove a word from it                        | no             | no     | yes   | yes   |
 * | turn a house-style rule off or on            | no             | no     | no    | yes   |
 */
import type { Status } from './newsroom.js'
import { META, MetaKey } from './docKeys.js'

export const ROLES = { reporter: 'Reporter', editor: 'Editor', chief: 'Desk chief' } as const
export type Role = keyof typeof ROLES

/** Whether `value` is a role id. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(ROLES, value)
}

/** The person acting: enough of a user to decide permissions. */
export interface Actor {
  id: number
  role: Role
  isAdmin: boolean
}

/** Who a story is assigned to (the `desk` map of the story document). */
export interface Assignment {
  lead: number | null
  contributors: number[]
  editor: number | null
  /** Assignees of story parts. */
  partAssignees: number[]
}

export const NO_ASSIGNMENT: Readonly<Assignment> = Object.freeze({ lead: null, contributors: [], editor: null, partAssignees: [] })

/** Whether the story (or a part of it) is assigned to this person. */
export function isAssigned(actor: Actor, assignment: Assignment): boolean {
  return (
    assignment.lead === actor.id ||
    assignment.editor === actor.id ||
    assignment.contributors.includes(actor.id) ||
    assignment.partAssignees.includes(actor.id)
  )
}

/** Desk chiefs and administrators run the desk. */
export function isDesk(actor: Actor): boolean {
  return actor.isAdmin || actor.role === 'chief'
}

/** May edit the body and the headline, slug, byline and dateline. */
export function canEditStory(actor: Actor, assignment: Assignment): boolean {
  if (isDesk(actor) || actor.role === 'editor') return true
  return isAssigned(actor, assignment)
}

/**
 * Statuses whose copy is locked for everyone (issue 15): published copy has gone out, and a
 * correction goes out as a new version, so it changes only once the desk reopens it (Published →
 * In edit, with a note); spiked copy is dead until the desk restores it (Spiked → Draft).
 */
export const LOCKED_STATUSES: ReadonlySet<Status> = new Set<Status>(['published', 'spiked'])

/** Whether a story in `status` is locked. */
export function isLockedStatus(status: unknown): boolean {
  return typeof status === 'string' && LOCKED_STATUSES.has(status as Status)
}

/**
 * May change the copy (body, headline, slug, byline, dateline) now: may edit the story, and the
 * story is not locked. The server checks this at every update; the editor is read-only without it.
 */
export function canWriteStory(actor: Actor, assignment: Assignment, status: unknown): boolean {
  return !isLockedStatus(status) && canEditStory(actor, assignment)
}

/**
 * May accept or reject other people's suggestions: whoever may edit the story (the review list
 * offers it to them). The server records a decision only from the update of such a person
 * (server/suggestionReview.ts); settling your own suggestion is withdrawing it, not a decision.
 */
export function canSettleSuggestions(actor: Actor, assignment: Assignment): boolean {
  return canEditStory(actor, assignment)
}

/**
 * What `canEditStory` lets a client change in the story document itself, over the sync socket:
 * the body, and these fields of `meta`. Everything else (status, section, the desk map) changes
 * through the API, by the rules below; the server refuses an update that touches it.
 */
export const CLIENT_WRITABLE_ROOTS: ReadonlySet<string> = new Set(['body', META])
export const CLIENT_WRITABLE_META: ReadonlySet<string> = new Set<string>([MetaKey.headline, MetaKey.slug, MetaKey.bylines, MetaKey.dateline])

/** May set section, assignees, deadline, planned length and story parts. */
export function canSetDesk(actor: Actor): boolean {
  return isDesk(actor)
}

/**
 * The newsroom dictionary (issue 13): anyone signed in adds a word (a reporter's "Add to
 * dictionary" adds it for the whole newsroom); the desk removes one; administrators turn
 * house-style rules off and on.
 */
export function canRemoveDictionaryWords(actor: Actor): boolean {
  return isDesk(actor)
}

/** May turn a house-style rule off (or on) for the newsroom. */
export function canSetStyleRules(actor: Actor): boolean {
  return actor.isAdmin
}

/** May manage users and sections. */
export function canManage(actor: Actor): boolean {
  return actor.isAdmin
}

const EDITOR_MOVES: ReadonlyArray<readonly [Status, Status]> = [
  ['draft', 'in_edit'],
  ['in_edit', 'copy_edit'],
  ['copy_edit', 'ready'],
  ['in_edit', 'draft'],
  ['copy_edit', 'draft'],
  ['ready', 'draft'],
]

const DESK_MOVES: ReadonlyArray<readonly [Status, Status]> = [
  ['ready', 'published'],
  ['ready', 'held'],
  ['ready', 'spiked'],
  ['held', 'ready'],
  ['held', 'spiked'],
  ['spiked', 'draft'],
  // A draft nobody will write (a duplicate, a tip that went nowhere) is spiked, not deleted.
  ['draft', 'spiked'],
  // A published story is taken down (held, spiked), or reopened for a correction: it goes out
  // again, as the next version, when it is republished.
  ['published', 'held'],
  ['published', 'spiked'],
  ['published', 'in_edit'],
]

/** May move a story from `from` to `to`. */
export function canTransition(actor: Actor, assignment: Assignment, from: Status, to: Status): boolean {
  if (from === to) return false
  const move = (moves: ReadonlyArray<readonly [Status, Status]>) => moves.some(([a, b]) => a === from && b === to)
  if (isDesk(actor)) return move(EDITOR_MOVES) || move(DESK_MOVES)
  if (actor.role === 'editor') return move(EDITOR_MOVES)
  if (from === 'draft' && to === 'in_edit') return isAssigned(actor, assignment)
  // Their own draft, while it is still empty (the workflow checks that: server/workflow.ts).
  return from === 'draft' && to === 'spiked' && assignment.lead === actor.id
}

/** Spiking a draft that has words in it is the desk's call; its reporter may spike it only while it is empty. */
export function mustBeEmptyToSpike(actor: Actor, from: Status, to: Status): boolean {
  return from === 'draft' && to === 'spiked' && !isDesk(actor)
}

/** Every status `actor` may move the story to from `from`. */
export function allowedTransitions(actor: Actor, assignment: Assignment, from: Status, all: readonly Status[]): Status[] {
  return all.filter((to) => canTransition(actor, assignment, from, to))
}

/** Who may resolve or reopen a thread: its author, editors and the desk; reporters only their own. */
export function canResolveThread(actor: Actor, thread: { authorId: number }): boolean {
  return actor.id === thread.authorId || actor.role === 'editor' || isDesk(actor)
}
