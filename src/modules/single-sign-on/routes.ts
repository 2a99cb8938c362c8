import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { setSessionCookie } from '../../web/authentication.js'
import { cookieName, cookieScope } from '../../web/cookie-names.js'
import { safeReturnPath } from '../../web/forms.js'
import { CallbackRejectedError, type OidcClient, ProviderUnavailableError, pendingSignIn } from './client.js'
import { callbackPath } from './settings.js'

/** Carries the state, nonce and PKCE verifier to the callback: signed, HttpOnly, ten minutes. */
const PENDING_COOKIE = 'probity_oidc'
const PENDING_SECONDS = 600

const providerParams = z.object({ provider: z.string().max(40) })
const startQuery = z.object({ returnTo: z.string().max(2000).optional() })
const callbackQuery = z
  .object({
    code: z.string().max(2000).optional(),
    state: z.string().max(2000).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  .loose()

function failed(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).render('single-sign-on/views/failed.njk', { message })
}

function takePending(request: FastifyRequest, reply: FastifyReply) {
  const name = cookieName(request, PENDING_COOKIE)
  const cookie = request.cookies[name]
  if (!cookie) return undefined
  reply.clearCookie(name, cookieScope(request))
  const unsigned = request.unsignCookie(cookie)
  if (!unsigned.valid || !unsigned.value) return undefined
  try {
    return pendingSignIn.parse(JSON.parse(unsigned.value))
  } catch {
    return undefined
  }
}

/** Sign-in through a force's (or the inspectorate's) OpenID Connect provider. */
export const singleSignOnRoutes: FastifyPluginAsyncZod<{ services: Services; client?: OidcClient }> = async (
  app,
  { services, client },
) => {
  const providerOf = (id: string) => {
    const provider = client?.provider(id)
    if (!client || !provider) throw new NotFoundError('There is no such identity provider')
    return { client, provider }
  }

  app.get(
    '/sign-in/oidc/:provider',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { hide: true, params: providerParams, querystring: startQuery },
    },
    async (request, reply) => {
      const { client, provider } = providerOf(request.params.provider)
      let started: Awaited<ReturnType<OidcClient['start']>>
      try {
        started = await client.start(provider, safeReturnPath(request.query.returnTo))
      } catch (error) {
        if (!(error instanceof ProviderUnavailableError)) throw error
        request.log.warn({ err: error }, 'identity provider unreachable')
        return failed(reply, 502, `${provider.name} cannot be reached just now. Try again in a few minutes.`)
      }
      reply.setCookie(cookieName(request, PENDING_COOKIE), JSON.stringify(started.pending), {
        ...cookieScope(request),
        httpOnly: true,
        // Lax: the provider sends the browser back with a top-level GET, which carries it.
        sameSite: 'lax',
        signed: true,
        maxAge: PENDING_SECONDS,
      })
      return reply.redirect(started.url.href, 303)
    },
  )

  app.get(
    callbackPath(':provider'),
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { hide: true, params: providerParams, querystring: callbackQuery },
    },
    async (request, reply) => {
      const { client, provider } = providerOf(request.params.provider)
      const pending = takePending(request, reply)
      if (!pending || pending.provider !== provider.id)
        return failed(
          reply,
          400,
          'This sign-in was not started in this browser, or took longer than 10 minutes. Start again.',
        )
      if (request.query.error)
        return failed(reply, 401, `${provider.name} did not sign you in (${request.query.error}).`)
      const callback = new URL(request.url, client.settings.publicUrl)
      let identity: Awaited<ReturnType<OidcClient['finish']>>
      try {
        identity = await client.finish(provider, callback, pending)
      } catch (error) {
        if (error instanceof ProviderUnavailableError)
          return failed(
            reply,
            502,
            `${provider.name} cannot be reached just now. Try again in a few minutes.`,
          )
        if (!(error instanceof CallbackRejectedError)) throw error
        request.log.warn({ err: error }, 'identity provider callback refused')
        return failed(
          reply,
          400,
          `The answer from ${provider.name} did not pass Probity's checks. Start again.`,
        )
      }
      const organisation =
        provider.organisation === 'inspectorate'
          ? null
          : (await services.forces.references()).find((force) => force.code === provider.organisation)
      if (organisation === undefined)
        return failed(reply, 503, `${provider.name} is set up for a force Probity does not know.`)
      const result = await services.federatedSignIn.signInWith(
        {
          id: provider.id,
          forceId: organisation?.id ?? null,
          defaultRole: provider.defaultRole,
          createUsers: provider.createUsers,
        },
        identity,
        { ipAddress: request.ip, userAgent: request.headers['user-agent'] ?? null },
      )
      if (!result.ok) return failed(reply, 403, result.reason)
      if (request.sessionToken && request.principal)
        await services.signIn.signOut(request.sessionToken, request.principal, request.ip)
      setSessionCookie(request, reply, result.token)
      return reply.redirect(safeReturnPath(pending.returnTo), 303)
    },
  )
}
