import csrf from '@fastify/csrf-protection'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { secretHash } from '../modules/identity/tokens.js'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * What a CSRF token is bound to besides its cookie: the session (by its hash), or being signed out.
 * Another visitor's token and cookie then fail with this browser's session, and signing in (or the
 * session's rotation) makes the tokens from before worthless.
 */
export function csrfBinding(request: FastifyRequest): string {
  // The library refuses an empty binding; a session's hash is hex, so this word is never one.
  return request.sessionToken ? secretHash(request.sessionToken) : 'signed-out'
}

/**
 * Every state-changing request that a browser could send on its own (cookies ride along) must carry
 * the form's CSRF token, bound to a signed cookie and to the session. API-token calls carry no cookies
 * and are exempt.
 */
export async function setUpCsrf(app: FastifyInstance, options: { production: boolean; hmacKey: string }) {
  await app.register(csrf, {
    getUserInfo: csrfBinding,
    csrfOpts: { hmacKey: options.hmacKey },
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', signed: true, secure: options.production },
    // A multipart form (an upload) carries the token as a field object rather than a string.
    getToken: (request) => {
      const field = (request.body as Record<string, unknown> | undefined)?._csrf
      const fromBody = typeof field === 'object' && field !== null && 'value' in field ? field.value : field
      return (
        (typeof fromBody === 'string' ? fromBody : undefined) ??
        (request.headers['x-csrf-token'] as string | undefined) ??
        ''
      )
    },
  })
  app.addHook('preValidation', (request, reply, done) => {
    if (!UNSAFE_METHODS.has(request.method) || request.authenticatedBy === 'api-token') return done()
    app.csrfProtection(request, reply, done)
  })
}
