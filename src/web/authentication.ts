import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type DataChanges, KeptUntilDataChanges } from '../db/data-changes.js'
import { type Caller, callerFor, type Principal } from '../domain/access.js'
import { UnauthenticatedError } from '../domain/errors.js'
import { secretHash } from '../modules/identity/tokens.js'
import type { Services } from '../services.js'
import { cookieName, cookieScope } from './cookie-names.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
    /** How the principal proved who they are: cookie-borne sessions need CSRF checks, tokens do not. */
    authenticatedBy?: 'session' | 'api-token'
    sessionToken?: string
    caller: Caller
  }
}

/** The session cookie's name over plain HTTP; over TLS it is `__Host-probity_session` (src/web/cookie-names.ts). */
export const SESSION_COOKIE = 'probity_session'

/** Session cookies: script cannot read them, other sites cannot send them, and over TLS only over TLS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string) {
  reply.setCookie(cookieName(request, SESSION_COOKIE), token, {
    ...cookieScope(request),
    httpOnly: true,
    sameSite: 'lax',
  })
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(cookieName(reply.request, SESSION_COOKIE), cookieScope(reply.request))
}

/** How long a token, once checked, is taken on trust at most. */
const TOKEN_TRUSTED_FOR_MS = 60_000

/** A secret found valid: whose it is, and when to check it again even if the data does not change. */
interface Checked {
  principal: Principal
  lookAgainAt: Date
}

/**
 * Checks secrets of one kind (API tokens, or session cookies) with `check`, keeping each valid one's
 * principal in memory until a table it was read from changes (a revoked token, an ended session or a
 * changed user is such a change; a declaration is not) or `check` says to look again, so that a busy
 * caller does not cost the database a transaction per request. Kept by the secret's hash, never the
 * secret.
 */
function keptChecks(
  changes: DataChanges,
  now: () => Date,
  /** The tables `check` reads: a change to any of them drops what was kept, and to no other. */
  tables: readonly string[],
  check: (secret: string) => Promise<Checked | undefined>,
) {
  const trusted = new KeptUntilDataChanges<Principal>(changes, now, { maxEntries: 10_000, tables })
  return async (secret: string): Promise<Principal | undefined> => {
    const key = secretHash(secret)
    const known = trusted.get(key)
    if (known) return known
    const mark = trusted.mark
    const checked = await check(secret)
    if (checked) trusted.set(key, checked.principal, mark, checked.lookAgainAt)
    return checked?.principal
  }
}

/** API tokens, taken on trust for a minute at most: also how stale a token's "last used" may get. */
function tokenAuthenticator(services: Services, changes: DataChanges, now: () => Date) {
  return keptChecks(changes, now, ['api_tokens'], async (token) => {
    const principal = await services.apiTokens.authenticate(token)
    if (!principal) return undefined
    const until = now().getTime() + TOKEN_TRUSTED_FOR_MS
    return { principal, lookAgainAt: new Date(Math.min(until, principal.expiresAt?.getTime() ?? until)) }
  })
}

/** Works out who is calling, from an API token in the Authorization header or a session cookie. */
export async function setUpAuthentication(
  app: FastifyInstance,
  services: Services,
  options: { cookieSecret: string; changes: DataChanges; now: () => Date },
) {
  const { cookieSecret } = options
  const authenticateToken = tokenAuthenticator(services, options.changes, options.now)
  // Sessions, until their next touch is due or they end (`resolveSession`).
  const authenticateSession = keptChecks(options.changes, options.now, ['sessions', 'users'], (token) =>
    services.signIn.resolveSession(token),
  )
  await app.register(cookie, { secret: cookieSecret })
  app.decorateRequest('principal', undefined)
  app.decorateRequest('authenticatedBy', undefined)
  app.decorateRequest('sessionToken', undefined)
  app.decorateRequest('caller', {
    getter(this: FastifyRequest) {
      return callerFor(this.principal, this.ip)
    },
  })

  app.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization
    if (authorization !== undefined) {
      // The scheme is case-insensitive (RFC 7235); anything but one scheme and one token is refused.
      const token = /^bearer +(\S+)$/i.exec(authorization.trim())?.[1]
      const principal = token ? await authenticateToken(token) : undefined
      if (!principal) {
        reply.header('www-authenticate', 'Bearer')
        throw new UnauthenticatedError('The API token is missing, expired, revoked or not valid')
      }
      request.principal = principal
      request.authenticatedBy = 'api-token'
      return
    }
    const sessionToken = request.cookies[cookieName(request, SESSION_COOKIE)]
    if (!sessionToken) return
    const principal = await authenticateSession(sessionToken)
    if (!principal) {
      clearSessionCookie(reply)
      return
    }
    request.principal = principal
    request.authenticatedBy = 'session'
    request.sessionToken = sessionToken
  })
}
