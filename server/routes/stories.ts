/** Stories: list, create, import, the live stream, and the desk's changes (assignment, status, parts). */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { CreateStoryBody, sameHeadline, type DuplicateStory, type StorySummary } from '../../src/shared/api.js'
import { parsePlainTextStory } from '../../src/shared/importText.js'
import { STATUSES, type Status } from '../../src/shared/newsroom.js'
import { canSetDesk, isDesk, isLockedStatus } from '../../src/shared/permissions.js'
import { CORRECTION_NOTE_MAX_CHARS, plannedWordsProblem } from '../../src/shared/limits.js'
import { MAX_IMPORT_BYTES, MAX_JSON_BYTES } from '../../src/shared/protocol.js'
import { isStoryId } from '../../src/shared/storyId.js'
import { getBylines, getDesk, getMeta, MetaKey, readDesk, resolvePart, type StoryPart } from '../../src/shared/storyDoc.js'
import { HttpError } from '../errors.js'
import type { Room } from '../room.js'
import { changeStory, existingStoryId, readBody, readJson, sendJson, userOf, type RequestContext, type Route } from '../router.js'
import type { Services } from '../services.js'
import { createStory } from '../stories.js'
import type { StoredUser } from '../users.js'
import { DOCX_TYPE, ImportRefused, importWord, MAX_DOCX_BYTES } from '../import/word.js'
import { moveStatus } from '../workflow.js'
import { assignmentNotices, type NotificationInput } from '../notifications.js'
import { requestToken, watchSession } from '../auth.js'
import { addressKey, clientAddress } from '../clientAddress.js'

/** Heartbeat on the event stream so proxies keep it open. */
const STREAM_HEARTBEAT_MS = 25_000
/**
 * Event streams one person may have open at once on this node. A tab opens up to three (story
 * list, notifications, a story's review events), so this is about ten tabs.
 */
export const MAX_STREAMS_PER_PERSON = 32
/** Unsent events a stream may hold before its reader is let go. */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024

const UserId = z.number().int().positive()

const DeskBody = z
  .object({
    section: z.string().trim().max(40).optional(),
    plannedWords: z
      .number()
      .refine((words) => plannedWordsProblem(words) === null, { message: plannedWordsProblem(0) ?? '' })
      .nullable()
      .optional(),
    lead: UserId.nullable().optional(),
    contributors: z.array(UserId).max(50).optional(),
    editor: UserId.nullable().optional(),
    deadline: z.number().int().min(0).nullable().optional(),
  })
  .strict()

const StatusBody = z
  .object({
    to: z.enum(Object.keys(STATUSES) as [Status, ...Status[]]),
    reason: z.string().trim().max(500).optional(),
    correction: z
      .string()
      .trim()
      .max(CORRECTION_NOTE_MAX_CHARS, `A correction note is at most ${CORRECTION_NOTE_MAX_CHARS.toLocaleString('en-US')} characters.`)
      .optional(),
  })
  .strict()

const Anchor = z.string().min(4).max(200)
const PartBody = z.object({ start: Anchor, end: Anchor, assignee: UserId.nullable(), label: z.string().trim().max(80).default('') }).strict()
const PartChangeBody = z.object({ assignee: UserId.nullable().optional(), label: z.string().trim().max(80).optional() }).strict()


function storyIdOf(ctx: RequestContext): string {
  const id = ctx.params[0] ?? ''
  if (!isStoryId(id)) throw new HttpError(404, 'story_not_found', 'There is no such story.')
  return id
}

/** The story routes. */
export function storyRoutes(services: Services): Route[] {
  const { storage, events, rooms, sections, users } = services
  /** Open event streams per person. */
  const streamsOf = new Map<number, number>()

  /** Rows as the list and budget show them: with who is in each story and its open comments. */
  const withPresence = async (stories: StorySummary[]): Promise<StorySummary[]> => {
    const present = rooms.presence()
    // One query for the whole list; every story's count when it is the whole list.
    const open = await services.comments.openThreadCounts(stories.length === 1 ? stories.map((story) => story.id) : undefined)
    return stories.map((story) => ({ ...story, present: present.get(story.id) ?? [], openComments: open.get(story.id) ?? 0 }))
  }

  const change = (id: string, fn: (room: Room) => Promise<void>) => changeStory(rooms, id, fn)

  /** `change` a story's assignment, then tell whoever it newly assigns (server/notifications.ts). */
  const changeAssignment = async (id: string, byUserId: number, fn: (room: Room) => Promise<void>) => {
    let notices: NotificationInput[] = []
    await change(id, async (room) => {
      const before = readDesk(room.doc)
      await fn(room)
      notices = assignmentNotices(id, before, readDesk(room.doc), byUserId)
    })
    await services.notifications.notify(notices)
  }

  const requireUser = async (id: number): Promise<StoredUser> => {
    const user = await users.get(id)
    if (!user || !user.active) throw new HttpError(400, 'unknown_user', `There is no active user ${id}.`)
    return user
  }

  /** The name a person signs their stories with. */
  const bylineOf = (user: Pick<StoredUser, 'bylineName' | 'displayName'>): string => user.bylineName.trim() || user.displayName

  const requireDesk = (user: StoredUser): void => {
    if (!canSetDesk(user)) throw new HttpError(403, 'forbidden', 'Only desk chiefs assign stories.')
  }

  /**
   * An import asked to look first (`?duplicates=check`, as the story list does): stories already
   * here under the same headline (spiked ones aside), answered 409 with them before anything is
   * created, so the person can open the one there or import anyway.
   */
  const refuseDuplicates = async (ctx: RequestContext, headline: string): Promise<boolean> => {
    if (ctx.url.searchParams.get('duplicates') !== 'check') return false
    const wanted = sameHeadline(headline)
    if (!wanted) return false
    const found = (await storage.listStories()).filter((story) => story.status !== 'spiked' && sameHeadline(story.headline) === wanted)
    if (found.length === 0) return false
    const duplicates: DuplicateStory[] = found.slice(0, 5).map(({ id, headline: existing, status, updatedAt }) => ({ id, headline: existing, status, updatedAt }))
    sendJson(ctx.res, 409, {
      error: { id: 'duplicate', message: `A story headlined “${found[0]!.headline}” is already in the newsroom.` },
      duplicates,
    })
    return true
  }

  /** Reporters who start a story lead it, so they can write it. */
  const leadFor = (user: StoredUser): number | null => (isDesk(user) || user.role === 'editor' ? null : user.id)

  const history = (id: string) => services.history.list(id)

  return [
    {
      method: 'GET',
      path: /^\/api\/stories$/,
      access: 'user',
      handle: async ({ res }) => sendJson(res, 200, { stories: await withPresence(await storage.listStories()) }),
    },
    {
      method: 'POST',
      path: /^\/api\/stories$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const body = await readJson(ctx.req, CreateStoryBody, MAX_JSON_BYTES, 'invalid_story')
        let section = ''
        if (body.section !== undefined) {
          requireDesk(user)
          section = (await sections.find(body.section)) ?? ''
          if (!section) throw new HttpError(400, 'invalid_story', `There is no section "${body.section}".`)
        }
        // A reporter who starts a story leads it, and signs it until they change the byline.
        const lead = leadFor(user)
        const story = await createStory(storage, events, { headline: body.headline, section, bylines: lead === null ? [] : [bylineOf(user)], desk: { lead } })
        sendJson(ctx.res, 201, { id: story.id, story })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/import$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
        if (type === DOCX_TYPE) {
          const file = await readBody(ctx.req, MAX_DOCX_BYTES)
          let word: Awaited<ReturnType<typeof importWord>>
          try {
            word = await importWord(file)
          } catch (error) {
            if (error instanceof ImportRefused) throw new HttpError(400, 'unusable_file', error.message)
            throw error
          }
          if (await refuseDuplicates(ctx, word.headline)) return
          const story = await createStory(
            storage,
            events,
            { headline: word.headline, bylines: word.bylines, dateline: word.dateline, desk: { lead: leadFor(user) } },
            word.body,
          )
          sendJson(ctx.res, 201, { id: story.id, story, warnings: word.warnings })
          return
        }
        if (type !== 'text/plain') throw new HttpError(415, 'unsupported_type', `Send a plain-text story (text/plain) or a Word document (${DOCX_TYPE}).`)
        const body = await readBody(ctx.req, MAX_IMPORT_BYTES)
        const text = new TextDecoder('utf-8', { fatal: false }).decode(body)
        const result = parsePlainTextStory(text, await sections.list())
        if (!result.ok) throw new HttpError(400, 'unusable_text', result.reason)
        const { story: imported } = result
        if (await refuseDuplicates(ctx, imported.headline)) return
        const warnings = [...imported.warnings]
        let section = imported.section
        if (section && !canSetDesk(user)) {
          warnings.push(`The file says "${section}"; the desk sets the section.`)
          section = ''
        }
        const story = await createStory(storage, events, {
          headline: imported.headline,
          section,
          dateline: imported.dateline,
          paragraphs: imported.paragraphs,
          desk: { lead: leadFor(user) },
        })
        sendJson(ctx.res, 201, { id: story.id, story, warnings })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/stories\/events$/,
      access: 'user',
      handle(ctx) {
        const { req, res } = ctx
        const me = userOf(ctx)
        // A few tabs each; a thousand streams from one person would have every event pushed a
        // thousand times.
        const open = streamsOf.get(me.id) ?? 0
        if (open >= MAX_STREAMS_PER_PERSON) throw new HttpError(429, 'too_many_streams', `At most ${MAX_STREAMS_PER_PERSON} live story lists per person: close another tab.`)
        // Streams count with sockets against the client's address too (server/connectionCaps.ts).
        const release = services.connections.take(addressKey(clientAddress(req, services.config.trustProxyHops)))
        if (!release) {
          throw new HttpError(429, 'too_many_connections', `At most ${services.connections.max} open connections from one address: close some tabs.`)
        }
        streamsOf.set(me.id, open + 1)
        let counted = true
        const uncount = () => {
          if (!counted) return
          counted = false
          const left = (streamsOf.get(me.id) ?? 1) - 1
          if (left > 0) streamsOf.set(me.id, left)
          else streamsOf.delete(me.id)
        }
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' })
        res.write('retry: 2000\n\n')
        // Events are written in the order they happened, though some need a query first.
        let queue: Promise<unknown> = Promise.resolve()
        const write = (type: string, data: () => unknown | Promise<unknown>): void => {
          queue = queue
            .then(async () => {
              const value = await data()
              if (value === undefined || res.writableEnded) return
              // A reader that stopped reading is let go (its browser reconnects and starts afresh),
              // rather than buffered without end.
              if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
                res.end()
                return
              }
              res.write(`event: ${type}\ndata: ${JSON.stringify(value)}\n\n`)
            })
            .catch((error: unknown) => services.log.warn({ err: error }, 'could not send a story event'))
        }
        const unsubscribe = events.subscribe((event) => {
          switch (event.type) {
            case 'story':
              write('story', async () => (await withPresence([event.story]))[0])
              break
            case 'presence':
              write('presence', () => ({ storyId: event.storyId, present: event.present }))
              break
            case 'review':
              write('review', () => ({ storyId: event.storyId, kind: event.kind }))
              // The budget shows each story's open comments: send the row again when they change.
              if (event.kind === 'comments') {
                write('story', async () => {
                  const story = await storage.getStory(event.storyId)
                  return story ? (await withPresence([story]))[0] : undefined
                })
              }
              break
            case 'notification':
              // Only the person notified hears about it.
              if (event.userId === me.id) write('notification', () => ({}))
              break
            case 'dictionary':
              write('dictionary', () => ({}))
              break
          }
        })
        const heartbeat = setInterval(() => !res.writableEnded && res.write(': keep-alive\n\n'), STREAM_HEARTBEAT_MS)
        // The stream lasts as long as its session (signed out, deactivated, expired: it ends).
        const stopWatching = watchSession(requestToken(req) ?? '', services, services.config.sessionCheckMs, () => res.end())
        const done = () => {
          clearInterval(heartbeat)
          stopWatching()
          unsubscribe()
          uncount()
          release()
        }
        req.on('close', done)
        res.on('close', done)
      },
    },
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const story = await storage.getStory(storyIdOf(ctx))
        if (!story) throw new HttpError(404, 'story_not_found', 'There is no such story.')
        sendJson(ctx.res, 200, { story: (await withPresence([story]))[0] })
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/stories\/([^/]+)\/desk$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = storyIdOf(ctx)
        requireDesk(user)
        const body = await readJson(ctx.req, DeskBody, MAX_JSON_BYTES, 'invalid_desk')
        const section = body.section === undefined || body.section === '' ? body.section : await sections.find(body.section)
        if (section === null) throw new HttpError(400, 'invalid_desk', `There is no section "${body.section}".`)
        for (const userId of [body.editor, ...(body.contributors ?? [])]) if (typeof userId === 'number') await requireUser(userId)
        const lead = typeof body.lead === 'number' ? await requireUser(body.lead) : null
        await changeAssignment(id, user.id, (room) =>
          room.applyServerChange((doc) => {
            const meta = getMeta(doc)
            const desk = getDesk(doc)
            // The lead of a story nobody has signed yet becomes its first byline, unless its copy is
            // locked (published, spiked: issue 15). Desk fields stay the desk's to change.
            const bylines = getBylines(doc)
            if (lead && bylines && bylines.length === 0 && !isLockedStatus(meta.get(MetaKey.status))) bylines.push([bylineOf(lead)])
            if (section !== undefined) meta.set(MetaKey.section, section)
            if (body.plannedWords !== undefined) meta.set(MetaKey.plannedWords, body.plannedWords)
            if (body.lead !== undefined) desk.set('lead', body.lead)
            if (body.contributors !== undefined) desk.set('contributors', [...new Set(body.contributors)])
            if (body.editor !== undefined) desk.set('editor', body.editor)
            if (body.deadline !== undefined) desk.set('deadline', body.deadline)
          }, user.id),
        )
        // A deadline within the hour is told now rather than at the next sweep.
        if (body.deadline !== undefined) services.deadlines.kick()
        sendJson(ctx.res, 200, { story: (await withPresence([(await storage.getStory(id)) as StorySummary]))[0] })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/([^/]+)\/status$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = storyIdOf(ctx)
        const body = await readJson(ctx.req, StatusBody, MAX_JSON_BYTES, 'invalid_status')
        await moveStatus(services, user, id, body)
        sendJson(ctx.res, 200, { status: body.to, history: await history(id) })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/history$/,
      access: 'user',
      async handle(ctx) {
        const id = await existingStoryId(ctx, storage)
        sendJson(ctx.res, 200, { history: await history(id) })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/stories\/([^/]+)\/parts$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = storyIdOf(ctx)
        requireDesk(user)
        const body = await readJson(ctx.req, PartBody, MAX_JSON_BYTES, 'invalid_part')
        if (body.assignee !== null) await requireUser(body.assignee)
        const part: StoryPart = { id: randomUUID(), start: body.start, end: body.end, assignee: body.assignee, label: body.label }
        await changeAssignment(id, user.id, async (room) => {
          if (!resolvePart(room.doc, part)) throw new HttpError(400, 'invalid_part', 'The part must span at least one block of the body.')
          await room.applyServerChange((doc) => getDesk(doc).set('parts', [...readDesk(doc).parts, part]), user.id)
        })
        sendJson(ctx.res, 201, { part })
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/stories\/([^/]+)\/parts\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = storyIdOf(ctx)
        const partId = ctx.params[1] ?? ''
        requireDesk(user)
        const body = await readJson(ctx.req, PartChangeBody, MAX_JSON_BYTES, 'invalid_part')
        if (typeof body.assignee === 'number') await requireUser(body.assignee)
        let updated: StoryPart | null = null
        await changeAssignment(id, user.id, (room) =>
          room.applyServerChange((doc) => {
            const parts = readDesk(doc).parts.map((part) => {
              if (part.id !== partId) return part
              updated = { ...part, assignee: body.assignee === undefined ? part.assignee : body.assignee, label: body.label ?? part.label }
              return updated
            })
            if (updated) getDesk(doc).set('parts', parts)
          }, user.id),
        )
        if (!updated) throw new HttpError(404, 'part_not_found', 'There is no such part.')
        sendJson(ctx.res, 200, { part: updated })
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/stories\/([^/]+)\/parts\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const user = userOf(ctx)
        const id = storyIdOf(ctx)
        const partId = ctx.params[1] ?? ''
        requireDesk(user)
        let found = false
        await change(id, (room) =>
          room.applyServerChange((doc) => {
            const parts = readDesk(doc).parts
            found = parts.some((part) => part.id === partId)
            if (found) getDesk(doc).set('parts', parts.filter((part) => part.id !== partId))
          }, user.id),
        )
        if (!found) throw new HttpError(404, 'part_not_found', 'There is no such part.')
        sendJson(ctx.res, 200, { ok: true })
      },
    },
  ]
}

