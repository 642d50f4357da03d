/**
 * A person's notifications (server/notifications.ts): the list, each with its story's headline and
 * the sentence that says it, and marking one read. The `notification` event on the story stream
 * says when to fetch the list again.
 */
import type { NotificationItem } from '../../src/shared/api.js'
import { notificationText } from '../../src/shared/notificationText.js'
import { HttpError } from '../errors.js'
import { sendJson, userOf, type Route } from '../router.js'
import type { Services } from '../services.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The notification routes. */
export function notificationRoutes(services: Services): Route[] {
  const { storage, users, notifications } = services
  return [
    {
      method: 'GET',
      path: /^\/api\/notifications$/,
      access: 'user',
      async handle(ctx) {
        const mine = await notifications.list(userOf(ctx).id)
        const headlines = new Map<string, string>()
        const names = new Map<number, string>()
        for (const item of mine) {
          if (!headlines.has(item.storyId)) headlines.set(item.storyId, (await storage.getStory(item.storyId))?.headline ?? '')
          if (item.byUserId !== null && !names.has(item.byUserId)) names.set(item.byUserId, (await users.get(item.byUserId))?.displayName ?? 'Someone')
        }
        const nameOf = (id: number) => names.get(id) ?? 'Someone'
        const list = mine.map((item): NotificationItem => {
          const subject = { ...item, headline: headlines.get(item.storyId) ?? '' }
          return { ...subject, text: notificationText(subject, nameOf) }
        })
        sendJson(ctx.res, 200, { notifications: list, unread: list.filter((item) => item.readAt === null).length })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/notifications\/([^/]+)\/read$/,
      access: 'user',
      async handle(ctx) {
        const id = ctx.params[0] ?? ''
        if (!UUID.test(id) || !(await notifications.markRead(id, userOf(ctx).id))) {
          throw new HttpError(404, 'notification_not_found', 'There is no such notification.')
        }
        sendJson(ctx.res, 200, { ok: true })
      },
    },
  ]
}
