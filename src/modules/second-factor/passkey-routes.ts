import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { formErrors, safeReturnPath } from '../../web/forms.js'
import {
  refuseSecondFactor,
  relyingPartyOf,
  renderManage,
  renderVerify,
  settleSecondFactor,
  signedIn,
} from './pages.js'

/** A passkey's answer as the page's script puts it in the form: the browser's JSON, or nothing. */
const credentialField = z.string().max(20_000, 'The passkey’s answer is too long').default('')

const addForm = z.object({
  name: z.string().max(1000).default(''),
  credential: credentialField,
  returnTo: z.string().max(2000).optional(),
})
const removeForm = z.object({ id: z.string().max(1400).default('') })
const signInForm = z.object({ credential: credentialField, returnTo: z.string().max(2000).optional() })

/**
 * Passkeys (WebAuthn): added and removed on "Your second factor", and used at sign-in in place of a
 * code. The browser's part is src/web/public/passkeys.mjs; the forms it fills work only with it, and the
 * pages say so, while codes keep working without JavaScript.
 */
export const passkeyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/account/second-factor/passkeys',
    {
      config: { access: 'signed-in', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { hide: true, body: addForm },
    },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body.returnTo)
      const { principal, token } = signedIn(request)
      let added: Awaited<ReturnType<Services['passkeys']['register']>>
      try {
        added = await services.passkeys.register(
          principal,
          token,
          relyingPartyOf(request),
          { name: request.body.name, credential: request.body.credential },
          request.ip,
        )
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(400)
        return renderManage(services, request, reply, {
          returnTo,
          errors: formErrors(error.fieldErrors),
        })
      }
      const owed = await settleSecondFactor(services, request, reply)
      if (added.recoveryCodes)
        return reply.render('second-factor/views/recovery-codes.njk', {
          codes: added.recoveryCodes,
          returnTo: owed ? returnTo : '/account/second-factor',
          added: 'passkey',
        })
      return reply
        .flash(`Your passkey ‘${added.name}’ has been added`)
        .redirect('/account/second-factor', 303)
    },
  )

  app.post(
    '/account/second-factor/passkeys/remove',
    { config: { access: 'signed-in' }, schema: { hide: true, body: removeForm } },
    async (request, reply) => {
      const { principal } = signedIn(request)
      let name: string
      try {
        name = await services.passkeys.remove(principal, request.body.id, request.ip)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        reply.code(400)
        return renderManage(services, request, reply, {
          returnTo: '/',
          errors: formErrors(error.fieldErrors),
        })
      }
      return reply.flash(`Your passkey ‘${name}’ has been removed`).redirect('/account/second-factor', 303)
    },
  )

  app.post(
    '/sign-in/second-factor/passkey',
    {
      config: { access: 'signed-in', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { hide: true, body: signInForm },
    },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.body.returnTo)
      const { principal, token } = signedIn(request)
      if (principal.secondFactorDue !== 'verify') return reply.redirect(returnTo, 303)
      const outcome = await services.passkeys.authenticate(
        principal,
        token,
        relyingPartyOf(request),
        request.body.credential,
      )
      if (outcome === 'verified') {
        await settleSecondFactor(services, request, reply)
        return reply.redirect(returnTo, 303)
      }
      if (outcome === 'refused')
        return refuseSecondFactor(services, request, reply, {
          returnTo,
          errors: formErrors({
            passkey: 'That passkey is not one of yours, or its answer did not pass Probity’s checks',
          }),
        })
      reply.code(400)
      return renderVerify(services, request, reply, {
        returnTo,
        errors: formErrors({
          passkey:
            outcome === 'expired'
              ? 'The page was open too long, or was used already. Use your passkey again.'
              : 'No passkey came from your browser. Try again, or enter a code instead: passkeys need JavaScript.',
        }),
      })
    },
  )
}
