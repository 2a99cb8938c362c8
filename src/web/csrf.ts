import csrf from '@fastify/csrf-protection'
import type { FastifyInstance } from 'fastify'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Every state-changing request that a browser could send on its own (cookies ride along) must carry
 * the form's CSRF token, bound to a signed cookie. API-token calls carry no cookies and are exempt.
 */
export async function setUpCsrf(app: FastifyInstance, options: { production: boolean }) {
  await app.register(csrf, {
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
