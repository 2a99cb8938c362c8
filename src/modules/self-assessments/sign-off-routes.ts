import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'

/** Who may sign off a force's self-assessments, and the delegations its administrator records. */
export const SIGN_OFF_PAGE = '/self-assessments/sign-off'
const ADMINS: Access = ['force-admin']

const delegationParams = z.object({ delegationId: z.uuid() })
const form = z.record(z.string(), z.unknown())
const searchQuery = z.object({ q: z.string().max(200).optional() })

export const signOffRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { signOff, roster } = services

  /** The force whose sign-off the page is about: the caller's own (force administrators only). */
  function ownForce(request: FastifyRequest): number {
    const { scope } = request.caller
    if (scope.kind !== 'force') throw new NotFoundError()
    return scope.forceId
  }

  app.get(SIGN_OFF_PAGE, { config: { access: ADMINS }, schema: { hide: true } }, async (request, reply) => {
    const forceId = ownForce(request)
    return reply.render('self-assessments/views/sign-off.njk', {
      signatories: await signOff.signatories(request.caller, forceId),
      delegations: await signOff.delegations(request.caller, forceId),
    })
  })

  async function delegatePage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    fieldErrors?: Record<string, string>,
  ) {
    ownForce(request)
    const q = typeof values.q === 'string' ? values.q.trim() : ''
    // Found by name or staff number (a search that works without JavaScript), never by typing an id.
    const found = q ? await roster.search(request.caller, q) : []
    const chosen =
      typeof values.staffMemberId === 'string' && values.staffMemberId
        ? await roster.findMany(request.caller, [values.staffMemberId])
        : new Map()
    const people = [...chosen.values(), ...found.filter((member) => !chosen.has(member.id))]
    return reply.code(fieldErrors ? 400 : 200).render('self-assessments/views/delegate.njk', {
      q,
      searched: q !== '',
      people,
      values,
      errors: fieldErrors ? formErrors(fieldErrors, people.length ? {} : { staffMemberId: 'q' }) : undefined,
    })
  }

  app.get(
    `${SIGN_OFF_PAGE}/delegate`,
    { config: { access: ADMINS }, schema: { hide: true, querystring: searchQuery } },
    async (request, reply) => delegatePage(request, reply, request.query),
  )

  app.post(
    `${SIGN_OFF_PAGE}/delegate`,
    { config: { access: ADMINS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      ownForce(request)
      try {
        await signOff.delegate(request.caller, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return delegatePage(request, reply, request.body, error.fieldErrors)
      }
      return reply.flash('Delegation recorded').redirect(SIGN_OFF_PAGE, 303)
    },
  )

  // Revoking ends a delegation at once: it asks first.
  app.get(
    `${SIGN_OFF_PAGE}/delegations/:delegationId/revoke`,
    { config: { access: ADMINS }, schema: { hide: true, params: delegationParams } },
    async (request, reply) => {
      const delegation = await signOff.delegation(request.caller, request.params.delegationId)
      if (!delegation.revocable) throw new NotFoundError('This delegation has already ended')
      return reply.render('self-assessments/views/revoke.njk', { delegation, back: SIGN_OFF_PAGE })
    },
  )

  app.post(
    `${SIGN_OFF_PAGE}/delegations/:delegationId/revoke`,
    { config: { access: ADMINS }, schema: { hide: true, params: delegationParams } },
    async (request, reply) => {
      await signOff.revoke(request.caller, request.params.delegationId)
      return reply.flash('Delegation revoked').redirect(SIGN_OFF_PAGE, 303)
    },
  )
}
