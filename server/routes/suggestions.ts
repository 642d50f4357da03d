/**
 * Suggestion decisions: everyone who can read a story may list them. Nobody records one here: the
 * server records each decision from the update it applied and stored (server/suggestionReview.ts,
 * server/room.ts), never from a client's claim (issue 11, audit forgery). A POST, which clients
 * used to send after settling a suggestion, is answered 405.
 */
import { HttpError } from '../errors.js'
import { existingStoryId, sendJson, type RequestContext, type Route } from '../router.js'
import type { Services } from '../services.js'

const DECISIONS = /^\/api\/stories\/([^/]+)\/suggestions\/decisions$/

/** The suggestion decision routes. */
export function suggestionRoutes(services: Services): Route[] {
  const log = services.decisions
  const { storage } = services

  const storyOf = (ctx: RequestContext): Promise<string> => existingStoryId(ctx, storage)

  return [
    {
      method: 'GET',
      path: DECISIONS,
      access: 'user',
      async handle(ctx) {
        sendJson(ctx.res, 200, { decisions: await log.list(await storyOf(ctx)) })
      },
    },
    {
      method: 'POST',
      path: DECISIONS,
      access: 'user',
      handle() {
        throw new HttpError(405, 'decisions_from_document', 'Decisions are recorded by the server when a suggestion is accepted or rejected in the story.')
      },
    },
  ]
}
