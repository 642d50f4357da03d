/** Version history routes: list, name a version, compare two, restore one as a new change. */
import { z } from 'zod'
import { VERSION_NAME_MAX_CHARS, type ComparisonAnswer, type VersionSummary } from '../../src/shared/api.js'
import { canEditStory } from '../../src/shared/permissions.js'
import { MAX_JSON_BYTES } from '../../src/shared/protocol.js'
import { isStoryId } from '../../src/shared/storyId.js'
import { assignmentOf, readDesk } from '../../src/shared/storyDoc.js'
import { HttpError } from '../errors.js'
import type { Room } from '../room.js'
import { changeStory, existingStoryId, readJson, readStory, sendJson, userOf, type RequestContext, type Route } from '../router.js'
import type { Services } from '../services.js'
import type { StoredUser } from '../users.js'
import { compareDocs, type Attribution } from '../versionDiff.js'
import { restoreDoc } from '../versionRestore.js'
import { requireUnlocked } from '../workflow.js'

const NameBody = z.object({ name: z.string().trim().min(1, 'Give the version a name.').max(VERSION_NAME_MAX_CHARS) }).strict()

/** `from`/`to` of a comparison: a version id or `current`. */
const VersionRef = z.union([z.literal('current'), z.coerce.number().int().positive()])

function storyIdOf(ctx: RequestContext): string {
  const id = ctx.params[0] ?? ''
  if (!isStoryId(id)) throw new HttpError(404, 'story_not_found', 'There is no such story.')
  return id
}

/** How a version is called in lists and in "Before restoring …". */
function versionLabel(version: VersionSummary): string {
  if (version.name) return version.name
  return version.kind === 'auto' ? 'Automatic checkpoint' : `Version ${version.id}`
}

/** The version routes. */
export function versionRoutes(services: Services): Route[] {
  const { storage, rooms, events, versions } = services

  const change = (id: string, fn: (room: Room) => void | Promise<void>) => changeStory(rooms, id, fn)

  const requireEditor = (user: StoredUser, room: Room): void => {
    if (!canEditStory(user, assignmentOf(readDesk(room.doc)))) throw new HttpError(403, 'forbidden', 'Only people who may edit this story can do that.')
  }

  const announce = (storyId: string): void => events.publish({ type: 'review', storyId, kind: 'versions' })

  const attribution = async (id: string): Promise<Attribution> => {
    const [authors, deletions] = await Promise.all([storage.authorsOf(id), versions.deletionsOf(id)])
    return {
      insertedBy: (client) => authors.get(client) ?? null,
      deletedBy: (client, clock, len) => deletions.deletedBy(client, clock, len),
    }
  }

  return [
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/versions$/,
      access: 'user',
      async handle(ctx) {
        const id = await existingStoryId(ctx, storage)
        sendJson(ctx.res, 200, { versions: await versions.list(id) })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/([^/]+)\/versions$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = storyIdOf(ctx)
        const body = await readJson(ctx.req, NameBody, MAX_JSON_BYTES, 'invalid_version')
        let version: VersionSummary | null = null
        await change(id, async (room) => {
          requireEditor(user, room)
          version = await versions.checkpoint(id, room.doc, { kind: 'named', name: body.name, userId: user.id })
        })
        announce(id)
        sendJson(ctx.res, 201, { version })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/versions\/compare$/,
      access: 'user',
      async handle(ctx) {
        const id = storyIdOf(ctx)
        const refs = [ctx.url.searchParams.get('from') ?? '', ctx.url.searchParams.get('to') ?? 'current'].map((value) => {
          const parsed = VersionRef.safeParse(value)
          if (!parsed.success) throw new HttpError(400, 'invalid_compare', 'Compare a version id or "current" with another.')
          return parsed.data
        })
        // Always older → newer: the walk needs the later state, which holds every item of the earlier.
        const [older, newer] = [...refs].sort((a, b) => (a === 'current' ? 1 : b === 'current' ? -1 : a - b)) as ['current' | number, 'current' | number]
        const loaded = await Promise.all([older, newer].map(async (ref) => (ref === 'current' ? null : versions.load(id, ref))))
        if (loaded.some((version, index) => version === null && [older, newer][index] !== 'current')) {
          for (const version of loaded) version?.doc.destroy()
          throw new HttpError(404, 'version_not_found', 'There is no such version of this story.')
        }
        try {
          const [olderDoc, newerDoc] = loaded
          const who = await attribution(id)
          const comparison = newerDoc
            ? compareDocs(olderDoc?.doc ?? newerDoc.doc, newerDoc.doc, who)
            : await readStory(rooms, id, (current) => compareDocs(olderDoc?.doc ?? current, current, who))
          const answer: ComparisonAnswer = { from: older, to: newer, ...comparison }
          sendJson(ctx.res, 200, answer)
        } finally {
          for (const version of loaded) version?.doc.destroy()
        }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/([^/]+)\/versions\/(\d+)\/restore$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = await existingStoryId(ctx, storage)
        const versionId = Number(ctx.params[1])
        const target = await versions.load(id, versionId)
        if (!target) throw new HttpError(404, 'version_not_found', 'There is no such version of this story.')
        let before: VersionSummary | null = null
        try {
          await change(id, async (room) => {
            requireEditor(user, room)
            // A restore rewrites the copy: not of a published or spiked story (issue 15).
            requireUnlocked(room)
            before = await versions.checkpoint(id, room.doc, { kind: 'restore', name: `Before restoring “${versionLabel(target.summary)}”`, userId: user.id })
            const deleted = await room.applyServerChange((doc) => restoreDoc(doc, target.doc), user.id)
            // After the restore is stored: attribution of what it deleted is bookkeeping, never a
            // reason for the restore itself to fail.
            try {
              await versions.recordDeleteSet(id, deleted, user.id)
            } catch (error) {
              services.log.warn({ err: error, story: id }, 'could not record who a restore deleted')
            }
          })
        } finally {
          target.doc.destroy()
        }
        announce(id)
        sendJson(ctx.res, 200, { restored: target.summary, before })
      },
    },
  ]
}
