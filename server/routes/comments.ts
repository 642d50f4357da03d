/**
 * Review comments: threads anchored to a passage of a story's body, replies, resolve and reopen,
 * and @mention notifications. Anyone who can read a story may comment (commenting is not
 * editing); only a comment's author changes or deletes it. Every change is announced on the
 * event stream (`review`, kind `comments`) so open panels refetch.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import * as Y from 'yjs'
import { z } from 'zod'
import { COMMENT_MAX_CHARS, QUOTE_MAX_CHARS, type ThreadView } from '../../src/shared/api.js'
import { canResolveThread } from '../../src/shared/permissions.js'
import { MAX_JSON_BYTES } from '../../src/shared/protocol.js'
import { BODY, decodeAnchor, encodeAnchor, getBody } from '../../src/shared/storyDoc.js'
import { HttpError } from '../errors.js'
import { existingStoryId, readJson, sendJson, userOf, type RequestContext, type Route } from '../router.js'
import type { Services } from '../services.js'

/** How long a new thread may wait for the text it anchors to (sent over the socket a moment earlier). */
const ANCHOR_WAIT_MS = 2000

/** Plain text: no control characters besides tab and newlines (the client renders text, never HTML). */
function isPlainText(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return false
  }
  return true
}

const CommentText = z
  .string()
  .trim()
  .min(1, 'Write something first.')
  .max(COMMENT_MAX_CHARS, `Keep comments under ${COMMENT_MAX_CHARS} characters.`)
  .refine(isPlainText, 'Comments are plain text.')
  .transform((text) => text.replace(/\r\n?/g, '\n'))

const Anchor = z.string().min(4).max(200)
const NewThreadBody = z
  .object({
    start: Anchor,
    end: Anchor,
    quote: z.string().trim().min(1).max(QUOTE_MAX_CHARS).refine(isPlainText, 'The quote is plain text.'),
    body: CommentText,
  })
  .strict()
const CommentBody = z.object({ body: CommentText }).strict()

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** `@username` tokens: an @ not inside a word or address, then username characters. */
const MENTION = /(?:^|[^a-z0-9._@-])@([a-z0-9._-]{2,40})/gi

/** Usernames a comment mentions (as written; trailing dots and dashes are punctuation). */
export function mentionedNames(body: string): string[] {
  const names = new Set<string>()
  for (const match of body.matchAll(MENTION)) {
    const name = match[1] ?? ''
    names.add(name)
    const trimmed = name.replace(/[._-]+$/, '')
    if (trimmed.length >= 2) names.add(trimmed)
  }
  return [...names]
}


type AnchorVerdict = 'ok' | 'bad' | 'pending'

/**
 * Whether an anchor is a relative position in the story's body. An item this server has not
 * received yet is `pending`: the client may have typed it a moment before commenting.
 */
function judgeAnchor(doc: Y.Doc, anchor: string): AnchorVerdict {
  const position = decodeAnchor(anchor)
  // Only the canonical encoding: no trailing bytes, nothing that merely happens to decode.
  if (!position || encodeAnchor(position) !== anchor) return 'bad'
  if (position.tname !== null) return position.tname === BODY ? 'ok' : 'bad'
  const id = position.item ?? position.type
  if (!id) return 'bad'
  if (Y.getState(doc.store, id.client) <= id.clock) return 'pending'
  const absolute = Y.createAbsolutePositionFromRelativePosition(position, doc)
  if (!absolute) return 'bad'
  const body = getBody(doc)
  return absolute.type === body || Y.isParentOf(body, absolute.type._item) ? 'ok' : 'bad'
}

function idParam(ctx: RequestContext, index: number, what: string): string {
  const id = ctx.params[index] ?? ''
  if (!UUID.test(id)) throw new HttpError(404, `${what}_not_found`, `There is no such ${what}.`)
  return id
}

/** The comment routes. */
export function commentRoutes(services: Services): Route[] {
  const { storage, events, rooms, users, comments } = services

  const announce = (storyId: string) => events.publish({ type: 'review', storyId, kind: 'comments' })

  const storyOf = (ctx: RequestContext): Promise<string> => existingStoryId(ctx, storage)

  const threadOf = async (ctx: RequestContext): Promise<ThreadView> => {
    const thread = await comments.thread(idParam(ctx, 0, 'thread'))
    if (!thread) throw new HttpError(404, 'thread_not_found', 'There is no such thread.')
    return thread
  }

  /** A live comment of the caller's own; 404 for unknown or deleted ones, 403 for someone else's. */
  const ownComment = async (ctx: RequestContext) => {
    const user = userOf(ctx)
    const comment = await comments.comment(idParam(ctx, 0, 'comment'))
    if (!comment || comment.deleted) throw new HttpError(404, 'comment_not_found', 'There is no such comment.')
    if (comment.authorId !== user.id) throw new HttpError(403, 'forbidden', 'Only its author may change a comment.')
    const thread = (await comments.thread(comment.threadId)) as ThreadView
    return { user, comment, thread }
  }

  /** Notify every active user a comment mentions (once per comment and person), live. */
  const notifyMentions = async (thread: ThreadView, commentId: string, body: string, byUserId: number) => {
    const mentioned: number[] = []
    for (const name of mentionedNames(body)) {
      const user = await users.byUsername(name)
      if (user?.active) mentioned.push(user.id)
    }
    if (mentioned.length === 0) return
    const notified = await comments.notify(mentioned, { storyId: thread.storyId, threadId: thread.id, commentId, byUserId })
    for (const userId of notified) events.publish({ type: 'notification', userId })
  }

  /** 400 unless both anchors are positions in the story's body (waiting briefly for text in flight). */
  const requireAnchors = async (storyId: string, anchors: string[]) => {
    const deadline = Date.now() + ANCHOR_WAIT_MS
    for (;;) {
      let pending = false
      const found = await rooms.change(storyId, (room) => {
        for (const anchor of anchors) {
          const verdict = judgeAnchor(room.doc, anchor)
          if (verdict === 'bad') throw new HttpError(400, 'invalid_anchor', 'The comment must be anchored to a passage of the story.')
          if (verdict === 'pending') pending = true
        }
      })
      if (!found) throw new HttpError(404, 'story_not_found', 'There is no such story.')
      if (!pending) return
      // Text in flight arrives only over an open connection; a closed story never gets it.
      if (!rooms.get(storyId) || Date.now() >= deadline) {
        throw new HttpError(400, 'invalid_anchor', 'The commented passage is not in the story.')
      }
      await sleep(50)
    }
  }

  const setResolved = async (ctx: RequestContext, resolved: boolean) => {
    const user = userOf(ctx)
    const thread = await threadOf(ctx)
    if (!canResolveThread(user, thread)) throw new HttpError(403, 'forbidden', 'Reporters may resolve and reopen only their own threads.')
    // Idempotent: two people resolving at once both succeed; the first is recorded.
    if (await comments.setResolved(thread.id, resolved, user.id)) announce(thread.storyId)
    sendJson(ctx.res, 200, { thread: await comments.thread(thread.id) })
  }

  return [
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/threads$/,
      access: 'user',
      async handle(ctx) {
        sendJson(ctx.res, 200, { threads: await comments.threads(await storyOf(ctx)) })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/([^/]+)\/threads$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const storyId = await storyOf(ctx)
        const body = await readJson(ctx.req, NewThreadBody, MAX_JSON_BYTES, 'invalid_comment')
        await requireAnchors(storyId, [body.start, body.end])
        const thread = await comments.createThread({ storyId, start: body.start, end: body.end, quote: body.quote, authorId: user.id, body: body.body })
        const first = thread.comments[0]
        if (first) await notifyMentions(thread, first.id, first.body, user.id)
        announce(storyId)
        sendJson(ctx.res, 201, { thread })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/threads\/([^/]+)\/comments$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const thread = await threadOf(ctx)
        const body = await readJson(ctx.req, CommentBody, MAX_JSON_BYTES, 'invalid_comment')
        const comment = await comments.addComment(thread.id, user.id, body.body)
        await notifyMentions(thread, comment.id, comment.body, user.id)
        announce(thread.storyId)
        sendJson(ctx.res, 201, { comment })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/threads\/([^/]+)\/resolve$/,
      access: 'user',
      handle: (ctx) => setResolved(ctx, true),
    },
    {
      method: 'POST',
      path: /^\/api\/threads\/([^/]+)\/reopen$/,
      access: 'user',
      handle: (ctx) => setResolved(ctx, false),
    },
    {
      method: 'PATCH',
      path: /^\/api\/comments\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const { user, comment, thread } = await ownComment(ctx)
        const body = await readJson(ctx.req, CommentBody, MAX_JSON_BYTES, 'invalid_comment')
        const edited = await comments.editComment(comment.id, body.body)
        if (!edited) throw new HttpError(404, 'comment_not_found', 'There is no such comment.')
        await notifyMentions(thread, edited.id, edited.body, user.id)
        announce(thread.storyId)
        sendJson(ctx.res, 200, { comment: edited })
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/comments\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const { comment, thread } = await ownComment(ctx)
        const { threadDeleted } = await comments.deleteComment(comment.id)
        announce(thread.storyId)
        sendJson(ctx.res, 200, { ok: true, threadDeleted })
      },
    },
  ]
}
