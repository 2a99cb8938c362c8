import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { ROLE_LABELS } from '../../domain/roles.js'
import type { Services } from '../../services.js'
import { clearSessionCookie, setSessionCookie } from '../../web/authentication.js'
import { formErrors, safeReturnPath } from '../../web/forms.js'
import type { SingleSignOnSettings } from '../single-sign-on/settings.js'
import { SIGN_IN_POLICY } from './sign-in-service.js'

const signInForm = z.object({
  email: z.string().trim().max(254, 'Email address must be 254 characters or fewer').default(''),
  password: z.string().max(256, 'Password must be 256 characters or fewer').default(''),
  returnTo: z.string().max(2000).optional(),
})

const signInQuery = z.object({
  returnTo: z.string().max(2000).optional(),
  signedOut: z.literal('1').optional(),
})

// Deliberately the same whatever went wrong, so it does not tell anyone which accounts exist.
const SIGN_IN_FAILED = `Enter a correct email address and password. After ${SIGN_IN_POLICY.maxFailures} failed attempts in a row an account is locked for ${SIGN_IN_POLICY.lockMinutes} minutes.`

export const signInRoutes: FastifyPluginAsyncZod<{
  services: Services
  singleSignOn?: SingleSignOnSettings
}> = async (app, { services, singleSignOn }) => {
  const signInOptions = {
    providers: singleSignOn?.providers.map(({ id, name }) => ({ id, name })) ?? [],
    localPasswords: singleSignOn?.localPasswords ?? true,
  }

  app.get(
    '/sign-in',
    { config: { access: 'public' }, schema: { hide: true, querystring: signInQuery } },
    async (request, reply) => {
      if (request.principal) return reply.redirect(safeReturnPath(request.query.returnTo), 303)
      return reply.render('identity/views/sign-in.njk', {
        ...signInOptions,
        returnTo: safeReturnPath(request.query.returnTo),
        signedOut: request.query.signedOut === '1',
      })
    },
  )

  app.post(
    '/sign-in',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { hide: true, body: signInForm },
    },
    async (request, reply) => {
      const { email, password } = request.body
      const returnTo = safeReturnPath(request.body.returnTo)
      if (!signInOptions.localPasswords)
        return reply.code(403).render('identity/views/sign-in.njk', {
          ...signInOptions,
          returnTo,
          errors: formErrors({
            email: 'Passwords are turned off here: sign in with your organisation’s account',
          }),
        })
      const missing: Record<string, string> = {}
      if (!email) missing.email = 'Enter your email address'
      if (!password) missing.password = 'Enter your password'
      if (Object.keys(missing).length) {
        return reply.code(400).render('identity/views/sign-in.njk', {
          ...signInOptions,
          email,
          returnTo,
          errors: formErrors(missing),
        })
      }
      const result = await services.signIn.signIn(email, password, {
        ipAddress: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      })
      if (!result.ok) {
        return reply.code(401).render('identity/views/sign-in.njk', {
          ...signInOptions,
          email,
          returnTo,
          errors: formErrors({ email: SIGN_IN_FAILED }),
        })
      }
      // Signing in again, perhaps as someone else, ends the session this browser had.
      if (request.sessionToken && request.principal) {
        await services.signIn.signOut(request.sessionToken, request.principal, request.ip)
      }
      setSessionCookie(request, reply, result.token)
      return reply.redirect(returnTo, 303)
    },
  )

  app.post(
    '/sign-out',
    { config: { access: 'signed-in' }, schema: { hide: true } },
    async (request, reply) => {
      if (request.sessionToken && request.principal) {
        await services.signIn.signOut(request.sessionToken, request.principal, request.ip)
      }
      clearSessionCookie(reply)
      return reply.redirect('/sign-in?signedOut=1', 303)
    },
  )

  const passwordForm = z.object({
    current: z.string().max(256).default(''),
    replacement: z.string().max(1000).default(''),
    confirmation: z.string().max(1000).default(''),
  })

  app.get(
    '/account/password',
    { config: { access: 'signed-in' }, schema: { hide: true } },
    async (request, reply) =>
      reply.render('identity/views/change-password.njk', { required: request.principal?.mustChangePassword }),
  )

  app.post(
    '/account/password',
    { config: { access: 'signed-in' }, schema: { hide: true, body: passwordForm } },
    async (request, reply) => {
      const { principal, sessionToken } = request
      if (!principal || !sessionToken)
        throw new ForbiddenError('Only a person signed in with a password can change it')
      let rotated: string
      try {
        rotated = await services.signIn.changePassword(principal, request.body, {
          ipAddress: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('identity/views/change-password.njk', {
          required: principal.mustChangePassword,
          errors: formErrors(error.fieldErrors),
        })
      }
      setSessionCookie(request, reply, rotated)
      return reply.redirect('/account?passwordChanged=1', 303)
    },
  )

  const accountQuery = z.object({ passwordChanged: z.literal('1').optional() })

  const accountPage = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const principal = request.principal
    const force = principal?.forceId
      ? (await services.forces.references()).find((candidate) => candidate.id === principal.forceId)
      : undefined
    return {
      roleLabel: principal ? ROLE_LABELS[principal.role] : '',
      force,
      language: request.language,
      ...extra,
    }
  }

  app.get(
    '/account',
    { config: { access: 'signed-in' }, schema: { hide: true, querystring: accountQuery } },
    async (request, reply) =>
      reply.render(
        'identity/views/account.njk',
        await accountPage(request, { passwordChanged: request.query.passwordChanged === '1' }),
      ),
  )

  // Anything may arrive as the choice: the service refuses what is not a language, as a form's error.
  const languageForm = z.object({ language: z.string().max(100).default('') })

  app.post(
    '/account/language',
    { config: { access: 'signed-in' }, schema: { hide: true, body: languageForm } },
    async (request, reply) => {
      const principal = request.principal
      if (principal?.kind !== 'user') throw new ForbiddenError('Only a person can choose a language')
      try {
        await services.signIn.chooseLanguage(principal, request.body.language, request.ip)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply
          .code(400)
          .render(
            'identity/views/account.njk',
            await accountPage(request, { errors: formErrors(error.fieldErrors) }),
          )
      }
      return reply.flash('Your language has been saved').redirect('/account', 303)
    },
  )

  app.get(
    '/api/me',
    {
      config: { access: 'signed-in' },
      schema: {
        summary: 'Who the API token or session acts as',
        tags: ['identity'],
        security: [{ apiToken: [] }],
        response: {
          200: z.object({
            kind: z.enum(['user', 'api-token']),
            id: z.string(),
            label: z.string(),
            role: z.string(),
            forceCode: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const principal = request.principal
      if (!principal) throw new Error('access check let an anonymous caller through')
      const force = principal.forceId
        ? (await services.forces.references()).find((candidate) => candidate.id === principal.forceId)
        : undefined
      return {
        kind: principal.kind,
        id: principal.id,
        label: principal.label,
        role: principal.role,
        forceCode: force?.code ?? null,
      }
    },
  )
}
