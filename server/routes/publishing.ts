/** Publication: a story's publications and deliveries, a desk chief's retry, and the pull feed for outlets. */
import { isDesk } from '../../src/shared/permissions.js'
import { HttpError } from '../errors.js'
import { existingStoryId, sendJson, userOf, type Route } from '../router.js'
import type { Services } from '../services.js'

export function publishingRoutes(services: Services): Route[] {
  const { storage, publishing, events } = services
  return [
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/publications$/,
      access: 'user',
      async handle(ctx) {
        const id = await existingStoryId(ctx, storage)
        sendJson(ctx.res, 200, { publications: await publishing.list(id) })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/deliveries\/(\d+)\/retry$/,
      access: 'user',
      async handle(ctx) {
        if (!isDesk(userOf(ctx))) throw new HttpError(403, 'forbidden', 'Only the desk sends a delivery again.')
        const id = Number(ctx.params[0])
        const storyId = await publishing.storyOfDelivery(id)
        if (!storyId || !(await publishing.retry(id))) throw new HttpError(404, 'delivery_not_found', 'There is no such delivery waiting to be sent.')
        events.publish({ type: 'review', storyId, kind: 'versions' })
        sendJson(ctx.res, 200, { publications: await publishing.list(storyId) })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/published$/,
      access: 'user',
      async handle(ctx) {
        const raw = ctx.url.searchParams.get('since')
        const since = raw === null ? 0 : Date.parse(raw)
        if (Number.isNaN(since)) throw new HttpError(400, 'invalid_since', 'Give `since` as an ISO 8601 time, e.g. 2026-09-04T00:00:00Z.')
        const items = await publishing.published(since)
        // The stored ninjs, as delivered: spliced in, not parsed and written again.
        const body = `{"items":[${items.join(',')}]}`
        ctx.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
        ctx.res.end(body)
      },
    },
  ]
}
