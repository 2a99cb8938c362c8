import Tokens from '@fastify/csrf'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { secretHash } from '../modules/identity/tokens.js'
import { cookieName, cookieScope } from './cookie-names.js'

declare module 'fastify' {
  interface FastifyReply {
    /** A token for the form being shown, bound to this browser's CSRF cookie (set if missing) and session. */
    csrfToken(): string
  }
}

/** Refused: a state-changing request from a browser without a token from one of our forms. */
export class CsrfError extends Error {}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const CSRF_COOKIE = 'probity_csrf'

/**
 * What a CSRF token is bound to besides its cookie: the session (by its hash), or being signed out.
 * Another visitor's token and cookie then fail with this browser's session, and signing in (or the
 * session's rotation) makes the tokens from before worthless.
 */
export function csrfBinding(request: FastifyRequest): string {
  // A session's hash is hex, so this word is never one.
  return request.sessionToken ? secretHash(request.sessionToken) : 'signed-out'
}

/** The form's token: a multipart form (an upload) carries it as a field object rather than a string. */
function sentToken(request: FastifyRequest): string {
  const field = (request.body as Record<string, unknown> | undefined)?._csrf
  const fromBody = typeof field === 'object' && field !== null && 'value' in field ? field.value : field
  if (typeof fromBody === 'string') return fromBody
  const header = request.headers['x-csrf-token']
  return typeof header === 'string' ? header : ''
}

/**
 * Every state-changing request that a browser could send on its own (cookies ride along) must carry
 * the form's CSRF token, made from a secret in a signed cookie (named `__Host-` over TLS,
 * src/web/cookie-names.ts) and bound to the session. API-token calls carry no cookies and are exempt.
 */
export function setUpCsrf(app: FastifyInstance, options: { production: boolean; hmacKey: string }) {
  // The typings' factory signature forgets that `userInfo: true` makes create/verify take the binding.
  const tokens = Tokens({ userInfo: true, hmacKey: options.hmacKey }) as unknown as Tokens.TokensUserinfo
  const secretOf = (request: FastifyRequest): string | undefined => {
    const cookie = request.cookies[cookieName(request, CSRF_COOKIE)]
    const unsigned = cookie ? request.unsignCookie(cookie) : undefined
    return unsigned?.valid && unsigned.value ? unsigned.value : undefined
  }

  app.decorateReply('csrfToken', function csrfToken(this: FastifyReply) {
    const request = this.request
    let secret = secretOf(request)
    if (!secret) {
      secret = tokens.secretSync()
      // Set once per page: a page asking for several tokens must give them all the same secret.
      request.cookies[cookieName(request, CSRF_COOKIE)] = request.signCookie(secret)
      this.setCookie(cookieName(request, CSRF_COOKIE), secret, {
        path: '/',
        // Production is served over TLS, even where no trusted proxy says so: the cookie never goes out in clear.
        secure: options.production || cookieScope(request).secure,
        httpOnly: true,
        sameSite: 'strict',
        signed: true,
      })
    }
    return tokens.create(secret, csrfBinding(request))
  })

  app.addHook('preValidation', async (request) => {
    if (!UNSAFE_METHODS.has(request.method) || request.authenticatedBy === 'api-token') return
    const secret = secretOf(request)
    if (!secret || !tokens.verify(secret, sentToken(request), csrfBinding(request))) throw new CsrfError()
  })
}
