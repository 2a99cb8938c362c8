import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors, safeReturnPath } from '../../web/forms.js'
import { categoryItems, statusTag } from './present.js'

const STAFF: Access = ['staff']
const LIST = '/business-interests'

const idParams = z.object({ businessInterestId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

/** Staff self-service: applying, their own applications, withdrawing and appealing. */
export const businessInterestSelfServiceRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { businessInterests } = services

  async function renderApply(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    if (!request.principal?.staffMemberId)
      return reply.code(errors ? 403 : 200).render('business-interests/views/not-linked.njk')
    return reply.code(errors ? 400 : 200).render('business-interests/views/apply.njk', {
      values,
      errors: errors && formErrors(errors, { category: 'category', paid: 'paid' }),
      categoryItems,
    })
  }

  app.get(`${LIST}/apply`, { config: { access: STAFF }, schema: { hide: true } }, async (request, reply) =>
    renderApply(request, reply, {}),
  )

  app.post(
    `${LIST}/apply`,
    { config: { access: STAFF }, schema: { hide: true, body: form } },
    async (request, reply) => {
      if (!request.principal?.staffMemberId)
        return reply.code(403).render('business-interests/views/not-linked.njk')
      try {
        await businessInterests.apply(request.caller, request.body)
        return reply
          .flash('Your application has been sent. Professional standards will decide it.')
          .redirect(`${LIST}/mine`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderApply(request, reply, request.body, error.fieldErrors)
      }
    },
  )

  app.get(`${LIST}/mine`, { config: { access: STAFF }, schema: { hide: true } }, async (request, reply) => {
    if (!request.principal?.staffMemberId) return reply.render('business-interests/views/not-linked.njk')
    const interests = await businessInterests.mine(request.caller)
    return reply.render('business-interests/views/mine.njk', {
      interests: interests.map((interest) => ({ ...interest, tag: statusTag(interest.status) })),
    })
  })

  // Withdrawing (the applicant or a caseworker) cannot be undone: it asks first.
  app.get(
    `${LIST}/:businessInterestId/withdraw`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
      if (!interest.canWithdraw) throw new NotFoundError('This application cannot be withdrawn')
      const own = interest.staffMember.id === request.principal?.staffMemberId
      return reply.render('business-interests/views/confirm.njk', {
        interest,
        action: 'withdraw',
        own,
        back: own ? `${LIST}/mine` : `${LIST}/${interest.id}`,
      })
    },
  )

  app.post(
    `${LIST}/:businessInterestId/withdraw`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams, body: form.optional() } },
    async (request, reply) => {
      const interest = await businessInterests.withdraw(request.caller, request.params.businessInterestId)
      const back = safeReturnPath(request.body?.returnTo)
      return back === '/'
        ? reply.flash('Your application has been withdrawn.').redirect(`${LIST}/mine`, 303)
        : reply.flash('Application withdrawn').redirect(`${LIST}/${interest.id}`, 303)
    },
  )

  app.get(
    `${LIST}/:businessInterestId/appeal`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
      if (!interest.canAppeal) throw new NotFoundError('This decision cannot be appealed')
      return reply.render('business-interests/views/appeal.njk', { interest, values: {} })
    },
  )

  app.post(
    `${LIST}/:businessInterestId/appeal`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams, body: form } },
    async (request, reply) => {
      try {
        await businessInterests.appeal(request.caller, request.params.businessInterestId, request.body)
        return reply.flash('Your appeal has been sent.').redirect(`${LIST}/mine`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
        return reply.code(400).render('business-interests/views/appeal.njk', {
          interest,
          values: request.body,
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )
}
