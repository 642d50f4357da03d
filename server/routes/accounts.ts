/** Sign-in, first-run setup, users and sections. */
import { CreateUserBody, SetupBody, SignInBody, UpdateUserBody } from '../../src/shared/api.js'
import { MAX_JSON_BYTES } from '../../src/shared/protocol.js'
import { SECTION_MAX } from '../../src/shared/newsroom.js'
import { z } from 'zod'
import { clearSessionCookie, isSecureRequest, requestToken, setSessionCookie } from '../auth.js'
import { addressKey, clientAddress } from '../clientAddress.js'
import { HttpError } from '../errors.js'
import { DUMMY_HASH, verifyPassword } from '../passwords.js'
import { readJson, sendJson, userOf, type RequestContext, type Route } from '../router.js'
import type { Services } from '../services.js'
import { publicUser, type StoredUser } from '../users.js'

const SectionBody = z.object({ name: z.string().trim().min(1).max(SECTION_MAX) }).strict()

/**
 * Check a username and password, slowing down repeated failures; the same 401 for unknown users.
 * A client address past its budget of failures is refused first (429 with Retry-After), before
 * any password is checked; an account's failures hold its answers back.
 */
async function checkCredentials(ctx: RequestContext, services: Services, username: string, password: string): Promise<StoredUser> {
  const address = addressKey(clientAddress(ctx.req, services.config.trustProxyHops))
  const attempt = address === null ? null : await services.throttle.attemptFrom(address)
  if (attempt && 'retryAfterMs' in attempt) {
    const seconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000))
    ctx.res.setHeader('Retry-After', String(seconds))
    throw new HttpError(429, 'too_many_sign_ins', `Too many failed sign-ins from your network. Try again in ${seconds} s.`)
  }
  // Only a wrong password counts against the address; a store that failed does not.
  let failed = false
  try {
    const keys = [`user:${username.toLowerCase()}`]
    const delay = await services.throttle.delayFor(keys)
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    const user = await services.users.byUsername(username)
    // Verify against a dummy hash for unknown users so timing does not tell who exists.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)
    if (!user || !ok || !user.active) {
      failed = true
      await services.throttle.fail(keys)
      throw new HttpError(401, 'bad_credentials', 'Wrong username or password.')
    }
    await services.throttle.succeed(keys)
    return user
  } finally {
    await attempt?.finish(failed)
  }
}

/** The account routes. */
export function accountRoutes(services: Services): Route[] {
  const { users, sessions, sections } = services
  return [
    {
      method: 'GET',
      path: /^\/api\/setup$/,
      access: 'public',
      handle: async ({ res }) => sendJson(res, 200, { needsSetup: (await users.count()) === 0 }),
    },
    {
      method: 'POST',
      path: /^\/api\/setup$/,
      access: 'public',
      async handle(ctx) {
        const body = await readJson(ctx.req, SetupBody, MAX_JSON_BYTES)
        // Only on an empty newsroom: the first account is the administrator and a desk chief.
        const user = await users.create({ ...body, role: 'chief', isAdmin: true }, { onlyIfEmpty: true })
        if (!user) throw new HttpError(409, 'already_set_up', 'This newsroom already has accounts: sign in.')
        const session = await sessions.create(user.id, 'browser')
        setSessionCookie(ctx.res, session.token, session.expiresAt, isSecureRequest(ctx.req))
        sendJson(ctx.res, 201, { user: publicUser(user) })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/session$/,
      access: 'public',
      async handle(ctx) {
        const body = await readJson(ctx.req, SignInBody, MAX_JSON_BYTES)
        const user = await checkCredentials(ctx, services, body.username, body.password)
        const session = await sessions.create(user.id, 'browser')
        setSessionCookie(ctx.res, session.token, session.expiresAt, isSecureRequest(ctx.req))
        sendJson(ctx.res, 200, { user: publicUser(user) })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/session$/,
      access: 'user',
      handle: (ctx) => sendJson(ctx.res, 200, { user: publicUser(userOf(ctx)) }),
    },
    {
      method: 'DELETE',
      path: /^\/api\/session$/,
      access: 'user',
      async handle(ctx) {
        const token = requestToken(ctx.req)
        if (token) await sessions.revoke(token)
        clearSessionCookie(ctx.res)
        sendJson(ctx.res, 200, { ok: true })
      },
    },
    {
      // For scripts: trade a username and password for an API token (no cookie).
      method: 'POST',
      path: /^\/api\/tokens$/,
      access: 'public',
      async handle(ctx) {
        const body = await readJson(ctx.req, SignInBody, MAX_JSON_BYTES)
        const user = await checkCredentials(ctx, services, body.username, body.password)
        const session = await sessions.create(user.id, 'api')
        sendJson(ctx.res, 201, { token: session.token, expiresAt: session.expiresAt, user: publicUser(user) })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/users$/,
      access: 'user',
      handle: async ({ res }) => sendJson(res, 200, { users: (await users.list()).map(publicUser) }),
    },
    {
      method: 'POST',
      path: /^\/api\/users$/,
      access: 'admin',
      async handle(ctx) {
        const body = await readJson(ctx.req, CreateUserBody, MAX_JSON_BYTES, 'invalid_user')
        if (await users.byUsername(body.username)) throw new HttpError(409, 'username_taken', 'That username is taken.')
        const user = await users.create(body)
        if (!user) throw new HttpError(500, 'internal', 'The account was not created.')
        sendJson(ctx.res, 201, { user: publicUser(user) })
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/users\/(\d+)$/,
      access: 'admin',
      async handle(ctx) {
        const id = Number(ctx.params[0])
        const body = await readJson(ctx.req, UpdateUserBody, MAX_JSON_BYTES, 'invalid_user')
        const actor = userOf(ctx)
        if (id === actor.id && (body.active === false || body.isAdmin === false)) {
          throw new HttpError(400, 'self_lockout', 'You cannot deactivate yourself or drop your own administrator right.')
        }
        const user = await users.update(id, body)
        if (!user) throw new HttpError(404, 'user_not_found', 'There is no such user.')
        if (body.active === false || body.password) await sessions.revokeUser(id)
        services.rooms.updateUser(user)
        services.bus.publishEvent({ type: 'user', userId: user.id })
        sendJson(ctx.res, 200, { user: publicUser(user) })
      },
    },
    {
      method: 'GET',
      path: /^\/api\/sections$/,
      access: 'user',
      handle: async ({ res }) => sendJson(res, 200, { sections: await sections.list() }),
    },
    {
      method: 'POST',
      path: /^\/api\/sections$/,
      access: 'admin',
      async handle(ctx) {
        const { name } = await readJson(ctx.req, SectionBody, MAX_JSON_BYTES, 'invalid_section')
        if (!(await sections.add(name))) throw new HttpError(409, 'section_exists', 'That section exists.')
        sendJson(ctx.res, 201, { sections: await sections.list() })
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/sections\/([^/]+)$/,
      access: 'admin',
      async handle(ctx) {
        const name = decodeURIComponent(ctx.params[0] ?? '')
        if (!(await sections.remove(name))) throw new HttpError(404, 'section_not_found', 'There is no such section.')
        sendJson(ctx.res, 200, { sections: await sections.list() })
      },
    },
  ]
}
