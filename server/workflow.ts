/**
 * The workflow: moving a story through its statuses (../shared/NEWSROOM.md). Who may make which
 * move is the permission table's (src/shared/permissions.ts); the review gate before Ready, the
 * status checkpoint and the history entry are here, so the route only parses, calls and answers.
 */
import { isStatus, STATUSES, type Status } from '../src/shared/newsroom.js'
import { canTransition, isDesk, isLockedStatus, mustBeEmptyToSpike } from '../src/shared/permissions.js'
import { CORRECTION_NOTE_MAX_CHARS } from '../src/shared/limits.js'
import { assignmentOf, bodyWordCount, CORRECTION_KEY, getDesk, getMeta, MetaKey, readCorrection, readDesk, readMeta, type StoryDesk } from '../src/shared/storyDoc.js'
import { countOpenSuggestions } from '../src/shared/suggestions.js'
import { HttpError } from './errors.js'
import type { Room } from './room.js'
import { changeStory } from './router.js'
import type { Services } from './services.js'
import type { StoredUser } from './users.js'
import { toNinjs } from './export/formats.js'
import { exportStory } from './export/model.js'
import type { PublicationKind } from './publishing.js'
import { statusNotices } from './notifications.js'

/** A move asked for: where to, and the reason a desk chief gives to override the review gate. */
export interface StatusMove {
  to: Status
  reason?: string
  /**
   * The correction note: required to reopen a published story (Published → In edit), and kept
   * until it is published again; given at the republication, it replaces the kept one. It goes
   * out as ninjs and NewsML-G2 `edNote`.
   */
  correction?: string
}

/** Whether a move reopens a published story for a correction. */
function isReopening(from: Status, to: Status): boolean {
  return from === 'published' && to === 'in_edit'
}

/**
 * The correction note a reopening needs: trimmed, not empty, at most CORRECTION_NOTE_MAX_CHARS.
 * Throws 422 with what to write otherwise.
 */
function correctionNote(move: StatusMove): string {
  const note = (move.correction ?? '').trim()
  if (!note) throw new HttpError(422, 'correction_required', 'Say what is being corrected: a published story is reopened only with a correction note.')
  if (note.length > CORRECTION_NOTE_MAX_CHARS) {
    throw new HttpError(422, 'correction_too_long', `A correction note is at most ${CORRECTION_NOTE_MAX_CHARS.toLocaleString('en-US')} characters.`)
  }
  return note
}

/**
 * Refuse a change to the copy of a locked story (published or spiked: issue 15) made through the
 * API, as the sync socket refuses a client's: 409, saying how to unlock it.
 */
export function requireUnlocked(room: Room): void {
  const status = readMeta(room.doc).status
  if (!isLockedStatus(status)) return
  throw new HttpError(
    409,
    'story_locked',
    status === 'published' ? 'This story is published and locked: the desk reopens it for a correction first.' : 'This story is spiked and locked: the desk restores it to Draft first.',
  )
}

/** What a move sends out: a publication, a takedown of a published story, or nothing. */
function publicationKind(to: Status, published: boolean): PublicationKind | null {
  if (to === 'published') return 'publish'
  if (!published) return null
  if (to === 'held') return 'withhold'
  if (to === 'spiked') return 'cancel'
  return null
}

/** "Published 14:32", in the server's time zone. */
function publishedLabel(at: number): string {
  const time = new Date(at)
  return `Published ${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`
}

/** What stands between a story and Ready: unresolved comments and open suggestions. */
export async function openReviewItems(services: Services, room: Room): Promise<{ comments: number; suggestions: number }> {
  return { comments: await services.comments.openThreadCount(room.id), suggestions: countOpenSuggestions(room.doc) }
}

/**
 * The review gate: nothing goes to Ready with anything open, unless a desk chief overrides it with
 * a reason (which the history keeps). Throws 409 naming what is open.
 */
function requireReviewSettled(user: StoredUser, open: { comments: number; suggestions: number }, reason: string | undefined): void {
  const { comments, suggestions } = open
  if (comments + suggestions === 0 || (isDesk(user) && reason)) return
  const what = [
    comments ? `${comments} unresolved comment${comments === 1 ? '' : 's'}` : '',
    suggestions ? `${suggestions} open suggestion${suggestions === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' and ')
  throw new HttpError(409, 'review_open', isDesk(user) ? `${what}: settle them, or override with a reason.` : `${what}: settle them before Ready.`)
}

/**
 * Move story `id` as `user`: checked, stored and relayed, then recorded (a status checkpoint and a
 * history entry). Resolves to the status it came from; rejects with 403 (not this person's move),
 * 409 (the review gate) or 404.
 */
export async function moveStatus(services: Services, user: StoredUser, id: string, move: StatusMove): Promise<Status> {
  let from: Status = 'draft'
  let desk = null as StoryDesk | null
  await changeStory(services.rooms, id, async (room) => {
    const current = readMeta(room.doc).status
    from = isStatus(current) ? current : 'draft'
    desk = readDesk(room.doc)
    if (!canTransition(user, assignmentOf(desk), from, move.to)) {
      throw new HttpError(403, 'forbidden', `You may not move this story from ${STATUSES[from]} to ${STATUSES[move.to]}.`)
    }
    if (move.to === 'ready') requireReviewSettled(user, await openReviewItems(services, room), move.reason)
    if (mustBeEmptyToSpike(user, from, move.to) && bodyWordCount(room.doc) > 0) {
      throw new HttpError(409, 'not_empty', 'This draft has words in it: ask the desk to spike it.')
    }
    const reopening = isReopening(from, move.to) ? correctionNote(move) : null
    // Publication goes out with the move, in its transaction: the publication and its outbox.
    const last = await services.publishing.lastPublished(id)
    const kind = publicationKind(move.to, last !== null)
    const summary = kind ? await services.storage.getStory(id) : null
    const version = kind === 'publish' ? (last?.version ?? 0) + 1 : (last?.version ?? 1)
    // A republication carries the note the story was reopened with, unless the desk rewrote it now.
    const edNote = kind === 'publish' && version > 1 ? (move.correction ?? '').trim() || readCorrection(room.doc) : ''
    // Outlets already have an earlier version: the next one says what changed (the way back from
    // Held or Spiked is not a way round the correction note).
    if (kind === 'publish' && version > 1 && !edNote) {
      throw new HttpError(422, 'correction_required', 'This story went out before: say what changed in a correction note to publish it again.')
    }
    const rows =
      kind && summary
        ? services.publishing.rowsFor({
            storyId: id,
            kind,
            version,
            userId: user.id,
            edNote,
            body: () =>
              JSON.stringify(toNinjs(exportStory(room.doc, { id, createdAt: summary.createdAt, updatedAt: Date.now(), version, edNote }))),
          })
        : undefined
    await room.applyServerChange(
      (doc) => {
        getMeta(doc).set(MetaKey.status, move.to)
        // Kept with the story, in the move's own transaction, until it goes out.
        if (reopening !== null) getDesk(doc).set(CORRECTION_KEY, reopening)
        // Spent when it goes out; dropped when the story is spiked instead.
        else if ((kind === 'publish' || move.to === 'spiked') && getDesk(doc).has(CORRECTION_KEY)) getDesk(doc).delete(CORRECTION_KEY)
      },
      user.id,
      rows,
    )
    if (rows) services.publishing.kick()
    // The move is stored and relayed: what follows records it, and must not answer as if it had
    // failed (the log says when it could not).
    try {
      // Published text is frozen as a named version ("Published 14:32").
      await services.versions.checkpoint(
        id,
        room.doc,
        kind === 'publish' ? { kind: 'named', name: publishedLabel(Date.now()), userId: user.id } : { kind: 'status', name: `Moved to ${STATUSES[move.to]}`, userId: user.id },
      )
      services.events.publish({ type: 'review', storyId: id, kind: 'versions' })
      await services.history.record(id, { userId: user.id, from, to: move.to, reason: reopening ?? move.reason ?? '', at: Date.now() })
    } catch (error) {
      services.log.warn({ err: error, story: id }, 'status moved, but its history entry could not be stored')
    }
  })
  // The story's lead and editor hear of it (not the person who moved it).
  if (desk) await services.notifications.notify(statusNotices(id, desk, { from, to: move.to, byUserId: user.id }))
  return from
}
