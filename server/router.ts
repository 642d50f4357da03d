/** A tiny router: method + path pattern + who may call, with JSON helpers at the edge. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import type * as Y from 'yjs'
import type { ApiError } from '../src/shared/api.js'
import { HttpError } from './errors.js'
import type { Room } from './room.js'
import type { Rooms } from './rooms.js'
import type { Storage } from './storage.js'
import { isStoryId } from '../src/shared/storyId.js'
import type { StoredUser } from './users.js'

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: string[]
  /** The signed-in user; null only on `access: 'public'` routes. */
  user: StoredUser | null
}

export type Access = 'public' | 'user' | 'admin'

export interface Route {
  method: string
  path: RegExp
  access: Access
  handle(ctx: RequestContext): Promise<void> | void
}

/**
 * Run `change` on a story's room as the server (loading it if needed), with the story at its
 * stored state and nothing else applied meanwhile (`Room.exclusive`); 404 for unknown stories.
 */
export async function changeStory(rooms: Rooms, id: string, change: (room: Room) => void | Promise<void>): Promise<void> {
  if (!(await rooms.change(id, change))) throw new HttpError(404, 'story_not_found', 'There is no such story.')
}

/** A story's current stored document, read without loading it when nobody has it open; 404 for unknown stories. */
export async function readStory<T>(rooms: Rooms, id: string, read: (doc: Y.Doc) => T): Promise<T> {
  const found = await rooms.read(id, read)
  if (!found) throw new HttpError(404, 'story_not_found', 'There is no such story.')
  return found.value
}

/** The story id in the path (`params[0]`); 404 unless such a story exists. */
export async function existingStoryId(ctx: RequestContext, storage: Storage): Promise<string> {
  const id = ctx.params[0] ?? ''
  if (!isStoryId(id) || !(await storage.hasStory(id))) throw new HttpError(404, 'story_not_found', 'There is no such story.')
  return id
}

/** A signed-in route's user (the router has checked it). */
export function userOf(ctx: RequestContext): StoredUser {
  if (!ctx.user) throw new HttpError(401, 'unauthorized', 'Sign in first.')
  return ctx.user
}

/** Answer JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

/** Answer an error in the API's one error shape. */
export function sendError(res: ServerResponse, error: HttpError): void {
  const body: ApiError = { error: { id: error.id, message: error.message } }
  sendJson(res, error.status, body)
}

/** Read a request body up to `limit` bytes; 413 past it. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw new HttpError(413, 'too_large', `The request is larger than ${limit} bytes.`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > limit) throw new HttpError(413, 'too_large', `The request is larger than ${limit} bytes.`)
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

/** 415 unless the request's content type is `type`. */
export function requireType(req: IncomingMessage, type: string): void {
  const actual = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (actual !== type) throw new HttpError(415, 'unsupported_type', `Send the body as ${type}.`)
}

/** Parse a JSON body with a zod schema; 400 with the first problem otherwise. */
export async function readJson<T extends z.ZodType>(req: IncomingMessage, schema: T, limit: number, id = 'invalid_body'): Promise<z.infer<T>> {
  requireType(req, 'application/json')
  const body = await readBody(req, limit)
  let value: unknown = {}
  if (body.length > 0) {
    try {
      value = JSON.parse(body.toString('utf8'))
    } catch {
      throw new HttpError(400, 'bad_json', 'The body is not valid JSON.')
    }
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    throw new HttpError(400, id, `${where}${issue?.message ?? 'Invalid request.'}`)
  }
  return parsed.data
}
