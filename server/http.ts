/**
 * The HTTP side: the JSON API (every route needs a session unless marked public; requests from
 * foreign origins are refused) and the built app with its client-side routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import sirv, { type Options as SirvOptions } from 'sirv'
import { canManage } from '../src/shared/permissions.js'
import { authenticate, comesFromOwnPage, isForeignOrigin, usesSessionCookie } from './auth.js'
import { HttpError, toError } from './errors.js'
import { createHostCheck } from './hostCheck.js'
import { sendError, sendJson, type Route } from './router.js'
import { accountRoutes } from './routes/accounts.js'
import { commentRoutes } from './routes/comments.js'
import { notificationRoutes } from './routes/notifications.js'
import { dictionaryRoutes } from './routes/dictionary.js'
import { exportRoutes } from './routes/exports.js'
import { publishingRoutes } from './routes/publishing.js'
import { searchRoutes } from './routes/search.js'
import { storyRoutes } from './routes/stories.js'
import { suggestionRoutes } from './routes/suggestions.js'
import { versionRoutes } from './routes/versions.js'
import type { Services } from './services.js'
import { isStoreFailure, StoreUnavailableError } from './storeHealth.js'

/**
 * Sent with every answer. The app is one script and one stylesheet of our own: no inline script,
 * no other origin, never framed. Inline style attributes stay allowed (React sets colours, and the
 * editor positions carets with them). WebSockets go to this origin (`'self'` covers ws: and wss:).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS: Array<[string, string]> = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'same-origin'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
]

/** Methods that change nothing (and that browsers send without `Origin` from our own pages). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The build's hashed files (`dist/assets/`): a new build names its files anew, so they never change. */
const HASHED = /^\/assets\//

/**
 * The built app. The build writes every asset also brotli- and gzip-compressed beside it
 * (vite.config.ts), and sirv sends the one the browser accepts. Hashed files are cached for a
 * year; everything else (index.html, the service worker, the manifest) is revalidated each time,
 * so a new build reaches everyone at once.
 */
const STATIC_OPTIONS: SirvOptions = {
  etag: true,
  brotli: true,
  gzip: true,
  single: false,
  dev: false,
  setHeaders(res, pathname) {
    res.setHeader('Cache-Control', HASHED.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache')
  },
}

/** Build the request handler: API routes first, then the built app with SPA fallback. */
export function createHttpHandler(services: Services, isReady: () => boolean) {
  const { config, log } = services
  const routes: Route[] = [...accountRoutes(services), ...searchRoutes(services), ...storyRoutes(services), ...commentRoutes(services), ...notificationRoutes(services), ...versionRoutes(services), ...suggestionRoutes(services), ...exportRoutes(services), ...publishingRoutes(services), ...dictionaryRoutes(services)]
  const staticDir = config.staticDir
  const indexHtml = staticDir ? path.join(staticDir, 'index.html') : null
  const assets = staticDir && fs.existsSync(staticDir) ? sirv(staticDir, STATIC_OPTIONS) : null
  const isKnownHost = createHostCheck(config)

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (isForeignOrigin(req, config.allowedOrigins)) throw new HttpError(403, 'foreign_origin', 'Requests from other sites are refused.')
    const method = req.method ?? 'GET'
    if (!SAFE_METHODS.has(method) && usesSessionCookie(req) && !comesFromOwnPage(req, config.allowedOrigins)) {
      throw new HttpError(403, 'origin_required', 'A change made with a browser session must come from this site’s own pages (it carries no Origin or Referer of this site).')
    }
    let pathMatched = false
    for (const route of routes) {
      const match = route.path.exec(url.pathname)
      if (!match) continue
      pathMatched = true
      if (route.method !== method) continue
      const user = route.access === 'public' ? null : await authenticate(req, services.sessions, services.users, undefined, res)
      if (route.access !== 'public' && !user) throw new HttpError(401, 'unauthorized', 'Sign in first.')
      if (route.access === 'admin' && user && !canManage(user)) throw new HttpError(403, 'forbidden', 'Only administrators may do that.')
      await route.handle({ req, res, url, params: match.slice(1), user })
      return
    }
    if (pathMatched) throw new HttpError(405, 'method_not_allowed', 'Method not allowed.')
    throw new HttpError(404, 'not_found', 'No such API route.')
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value)
    try {
      const knownHost = isKnownHost(req.headers.host)
      if (url.pathname === '/healthz') {
        // A load balancer sends traffic elsewhere while this node cannot store edits. It may probe
        // under any name (nginx sends its upstream's): under one we do not answer to, the errors'
        // text (addresses of the database, of Redis) is left out.
        const [store, bus] = await Promise.all([services.health.status(), services.bus.status()])
        // Redis down costs live cross-node delivery, not edits: the node still stores and serves.
        const ok = isReady() && store.ok
        sendJson(res, ok ? 200 : 503, {
          ok,
          store: store.ok ? 'ok' : 'failing',
          ...(store.error && knownHost ? { error: store.error, since: store.since } : {}),
          redis: bus.redis,
          ...(bus.error && knownHost ? { redisError: bus.error } : {}),
        })
        return
      }
      // DNS rebinding: another site's name pointed at our address (server/hostCheck.ts).
      if (!knownHost) throw new HttpError(421, 'unknown_host', 'This server does not answer to that name. Its operator lists the names it answers to in PUBLIC_ORIGIN.')
      if (url.pathname.startsWith('/api/')) {
        await api(req, res, url)
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'Method not allowed.')
      if (!assets || !indexHtml) throw new HttpError(404, 'not_found', 'The app is not built: run `npm run build`.')
      // Source maps stay on the build machine (tests and benchmarks read them): the app's source is not published.
      if (url.pathname.endsWith('.map')) throw new HttpError(404, 'not_found', 'No such file.')
      assets(req, res, () => {
        // Client-side routes (/stories/<id>, /budget, /login) get the app shell.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        fs.createReadStream(indexHtml).pipe(res)
      })
    } catch (thrown) {
      if (thrown instanceof HttpError) {
        if (!res.headersSent) sendError(res, thrown)
        return
      }
      if (isStoreFailure(thrown)) {
        // Disk full, database locked: nothing of the request was stored. Rooms stop taking edits
        // until a probe write succeeds.
        // A room that could not store has marked the store failing itself, if it was the store.
        if (!(thrown instanceof StoreUnavailableError)) services.health.failed(thrown)
        log.warn({ err: toError(thrown), path: url.pathname }, 'request failed: store unavailable')
        if (!res.headersSent) sendError(res, new HttpError(503, 'store_unavailable', 'The newsroom cannot save changes right now. Try again in a moment.'))
        return
      }
      log.error({ err: toError(thrown), path: url.pathname }, 'request failed')
      if (!res.headersSent) sendError(res, new HttpError(500, 'internal', 'Something went wrong on the server.'))
      else res.destroy()
    }
  }
}
