/**
 * The JSON API and the static app. Input is parsed with zod at the edge; every failure
 * answers `{ error: { id, message } }` with a plain message, and the log keeps the detail.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import sirv from 'sirv'
import { CreateStoryBody, type ApiError } from '../src/shared/api.js'
import { parsePlainTextStory } from '../src/shared/importText.js'
import { MAX_IMPORT_BYTES, MAX_JSON_BYTES } from '../src/shared/protocol.js'
import { isStoryId } from '../src/shared/storyId.js'
import { HttpError, toError } from './errors.js'
import type { Logger } from './logger.js'
import type { Storage } from './storage.js'
import type { StoryEvents } from './storyEvents.js'
import { createStory } from './stories.js'

export interface HttpDeps {
  storage: Storage
  events: StoryEvents
  log: Logger
  staticDir: string | null
  isReady: () => boolean
}

/** Heartbeat on the event stream so proxies keep it open. */
const STREAM_HEARTBEAT_MS = 25_000

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

function sendError(res: ServerResponse, error: HttpError): void {
  const body: ApiError = { error: { id: error.id, message: error.message } }
  sendJson(res, error.status, body)
}

/** Read a request body up to `limit` bytes; 413 past it. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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

function requireType(req: IncomingMessage, type: string): void {
  const actual = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (actual !== type) throw new HttpError(415, 'unsupported_type', `Send the body as ${type}.`)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  requireType(req, 'application/json')
  const body = await readBody(req, MAX_JSON_BYTES)
  if (body.length === 0) return {}
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'bad_json', 'The body is not valid JSON.')
  }
}

function streamStories(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  })
  res.write('retry: 2000\n\n')
  const unsubscribe = deps.events.subscribe((event) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.story)}\n\n`)
  })
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), STREAM_HEARTBEAT_MS)
  req.on('close', () => {
    clearInterval(heartbeat)
    unsubscribe()
  })
}

/** Build the request handler: API routes first, then the built app with SPA fallback. */
export function createHttpHandler(deps: HttpDeps) {
  const { storage, events, log } = deps
  const indexHtml = deps.staticDir ? path.join(deps.staticDir, 'index.html') : null
  const assets =
    deps.staticDir && fs.existsSync(deps.staticDir)
      ? sirv(deps.staticDir, { etag: true, gzip: false, single: false, dev: false })
      : null

  async function api(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const method = req.method ?? 'GET'
    if (pathname === '/api/stories' && method === 'GET') {
      sendJson(res, 200, { stories: storage.listStories() })
      return
    }
    if (pathname === '/api/stories' && method === 'POST') {
      const parsed = CreateStoryBody.safeParse(await readJson(req))
      if (!parsed.success) throw new HttpError(400, 'invalid_story', parsed.error.issues[0]?.message ?? 'Invalid story.')
      const story = createStory(storage, events, parsed.data)
      sendJson(res, 201, { id: story.id, story })
      return
    }
    if (pathname === '/api/stories/import' && method === 'POST') {
      requireType(req, 'text/plain')
      const body = await readBody(req, MAX_IMPORT_BYTES)
      const text = new TextDecoder('utf-8', { fatal: false }).decode(body)
      const result = parsePlainTextStory(text)
      if (!result.ok) throw new HttpError(400, 'unusable_text', result.reason)
      const { story: imported } = result
      const story = createStory(storage, events, {
        headline: imported.headline,
        section: imported.section,
        dateline: imported.dateline,
        paragraphs: imported.paragraphs,
      })
      sendJson(res, 201, { id: story.id, story, warnings: imported.warnings })
      return
    }
    if (pathname === '/api/stories/events' && method === 'GET') {
      streamStories(req, res, deps)
      return
    }
    const match = /^\/api\/stories\/([^/]+)$/.exec(pathname)
    if (match && method === 'GET') {
      const id = match[1] ?? ''
      const story = isStoryId(id) ? storage.getStory(id) : null
      if (!story) throw new HttpError(404, 'story_not_found', 'There is no such story.')
      sendJson(res, 200, { story })
      return
    }
    throw new HttpError(404, 'not_found', 'No such API route.')
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const pathname = url.pathname
    try {
      if (pathname === '/healthz') {
        sendJson(res, deps.isReady() ? 200 : 503, { ok: deps.isReady() })
        return
      }
      if (pathname.startsWith('/api/')) {
        await api(req, res, pathname)
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'Method not allowed.')
      if (!assets || !indexHtml) throw new HttpError(404, 'not_found', 'The app is not built: run `npm run build`.')
      assets(req, res, () => {
        // Client-side routes (/stories/<id>) get the app shell.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        fs.createReadStream(indexHtml).pipe(res)
      })
    } catch (thrown) {
      if (thrown instanceof HttpError) {
        sendError(res, thrown)
        return
      }
      log.error({ err: toError(thrown), path: pathname }, 'request failed')
      if (!res.headersSent) sendError(res, new HttpError(500, 'internal', 'Something went wrong on the server.'))
      else res.destroy()
    }
  }
}
