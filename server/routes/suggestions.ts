/**
 * Suggestion decisions: the client reports each accept or reject it has just applied to the
 * story document, and the server stamps who and when. Only people who may edit the story may
 * record (they are the only ones who can settle suggestions); everyone who can read may list.
 */
import { z } from 'zod'
import { DECISION_KINDS } from '../../src/shared/api.js'
import { canEditStory } from '../../src/shared/permissions.js'
import { assignmentOf, readDesk } from '../../src/shared/storyDoc.js'
import { HttpError } from '../errors.js'
import { existingStoryId, readJson, readStory, sendJson, userOf, type RequestContext, type Route } from '../router.js'
import type { Services } from '../services.js'

/** Most decisions in one request ("Accept all" on a long story). */
export const MAX_DECISIONS = 200
/** Longest recorded suggestion text, in characters. */
export const DECISION_TEXT_MAX_CHARS = 2000
/** Body limit: a full batch of the longest texts (the usual 64 KiB JSON limit is too small for that). */
const DECISIONS_MAX_BYTES = 1024 * 1024

const DecisionBody = z
  .object({
    action: z.enum(['accept', 'reject']),
    suggestionId: z.string().min(1).max(100),
    authorId: z.number().int().positive().nullable(),
    kind: z.enum(DECISION_KINDS),
    text: z.string().max(DECISION_TEXT_MAX_CHARS),
  })
  .strict()
const DecisionsBody = z.object({ decisions: z.array(DecisionBody).min(1).max(MAX_DECISIONS) }).strict()

/** The suggestion decision routes. */
export function suggestionRoutes(services: Services): Route[] {
  const log = services.decisions
  const { storage, rooms } = services

  const storyOf = (ctx: RequestContext): Promise<string> => existingStoryId(ctx, storage)

  return [
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/suggestions\/decisions$/,
      access: 'user',
      async handle(ctx) {
        sendJson(ctx.res, 200, { decisions: await log.list(await storyOf(ctx)) })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/([^/]+)\/suggestions\/decisions$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = await storyOf(ctx)
        // Permission before the body: a refused caller learns nothing about what a valid body is.
        const allowed = await readStory(rooms, id, (doc) => canEditStory(user, assignmentOf(readDesk(doc))))
        if (!allowed) throw new HttpError(403, 'forbidden', 'Only people who may edit this story can accept or reject suggestions.')
        const body = await readJson(ctx.req, DecisionsBody, DECISIONS_MAX_BYTES, 'invalid_decisions')
        sendJson(ctx.res, 201, { decisions: await log.record(id, user.id, body.decisions) })
      },
    },
  ]
}
