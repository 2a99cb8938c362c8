import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { formErrors, safeReturnPath } from '../../web/forms.js'
import { refuseSecondFactor, renderManage, renderVerify, settleSecondFactor, signedIn } from './pages.js'

const codeForm = z.object({
  code: z.string().max(64, 'Codes are 6 digits, or 10 letters and numbers').default(''),
  returnTo: z.string().max(2000).optional(),
})
const returnQuery = z.object({ returnTo: z.string().max(2000).optional() })

export const secondFactorRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const secondFactors = services.secondFactors

  app.get(
    '/sign-in/second-factor',
    { config: { access: 'signed-in' }, schema: { hide: true, querystring: returnQuery } },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.query.returnTo)
      if (request.principal?.secondFactorDue !== 'verify') return reply.redirect(returnTo, 303)
      return renderVerify(services, request, reply, { returnTo })
    },
  )

  app.post(
    '/sign-in/second-factor',
    {
      config: { access: 'signed-in', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { hide: true, body: codeForm },
    },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body.returnTo)
      const { principal } = signedIn(request)
      if (principal.secondFactorDue !== 'verify') return reply.redirect(returnTo, 303)
      const code = request.body.code.trim()
      if (!code) {
        reply.code(400)
        return renderVerify(services, request, reply, {
          returnTo,
          errors: formErrors({ code: 'Enter the code from your authenticator app, or a recovery code' }),
        })
      }
      if (await secondFactors.verify(principal, code, request.ip)) {
        await settleSecondFactor(services, request, reply)
        return reply.redirect(returnTo, 303)
      }
      return refuseSecondFactor(services, request, reply, {
        returnTo,
        errors: formErrors({
          code: 'The code is not right. Enter the code your app shows now, or a recovery code you have not used.',
        }),
      })
    },
  )

  app.get(
    '/account/second-factor',
    { config: { access: 'signed-in' }, schema: { hide: true, querystring: returnQuery } },
    async (request, reply) =>
      renderManage(services, request, reply, { returnTo: safeReturnPath(request.query.returnTo) }),
  )

  const renderSetUp = async (request: FastifyRequest, reply: FastifyReply, returnTo: string, extra = {}) => {
    const started = await secondFactors.startAuthenticatorApp(signedIn(request).principal)
    if (!started) return reply.redirect('/account/second-factor', 303)
    return reply.render('second-factor/views/authenticator-app.njk', { ...started, returnTo, ...extra })
  }

  app.get(
    '/account/second-factor/authenticator-app',
    { config: { access: 'signed-in' }, schema: { hide: true, querystring: returnQuery } },
    async (request, reply) => renderSetUp(request, reply, safeReturnPath(request.query.returnTo)),
  )

  app.post(
    '/account/second-factor/authenticator-app',
    {
      config: { access: 'signed-in', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { hide: true, body: codeForm },
    },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body.returnTo)
      let codes: string[]
      try {
        codes = await secondFactors.confirmAuthenticatorApp(
          signedIn(request).principal,
          request.body.code.replace(/\s/g, ''),
          request.ip,
        )
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(400)
        return renderSetUp(request, reply, returnTo, { errors: formErrors(error.fieldErrors) })
      }
      await settleSecondFactor(services, request, reply)
      return reply.render('second-factor/views/recovery-codes.njk', { codes, returnTo, added: 'app' })
    },
  )

  app.post(
    '/account/second-factor/authenticator-app/remove',
    { config: { access: 'signed-in' }, schema: { hide: true } },
    async (request, reply) => {
      const { principal } = signedIn(request)
      try {
        await secondFactors.removeAuthenticatorApp(principal, request.ip)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(400)
        return renderManage(services, request, reply, {
          returnTo: '/',
          errors: formErrors(error.fieldErrors),
        })
      }
      return reply.flash('Your authenticator app has been removed').redirect('/account/second-factor', 303)
    },
  )

  app.post(
    '/account/second-factor/recovery-codes',
    { config: { access: 'signed-in' }, schema: { hide: true } },
    async (request, reply) => {
      const { principal } = signedIn(request)
      const status = await secondFactors.status(principal)
      if (!status.authenticatorApp && status.passkeys.length === 0) {
        reply.code(400)
        return renderManage(services, request, reply, {
          returnTo: '/',
          errors: formErrors({ recoveryCodes: 'Set up an authenticator app or a passkey first' }),
        })
      }
      const codes = await secondFactors.newRecoveryCodes(principal, request.ip)
      return reply.render('second-factor/views/recovery-codes.njk', {
        codes,
        returnTo: '/account/second-factor',
      })
    },
  )
}
