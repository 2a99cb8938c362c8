import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { assignableRoles, ROLE_LABELS, ROLES } from '../../domain/roles.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { type FormErrors, formErrors } from '../../web/forms.js'

const ADMINS: Access = ['force-admin', 'inspectorate-admin']
const tokenParams = z.object({ tokenId: z.string().max(100) })
const newTokenForm = z.record(z.string(), z.string().max(1000))

export const apiTokensRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { apiTokens, forces } = services

  async function formContext(caller: Caller, values: Record<string, string>, errors?: FormErrors) {
    const roles = caller.principal ? assignableRoles(caller.principal.role) : [...ROLES]
    return {
      values,
      errors,
      roles: roles.map((role) => ({ value: role, text: ROLE_LABELS[role] })),
      forces: caller.scope.kind === 'inspectorate' ? await forces.references() : [],
    }
  }

  app.get(
    '/admin/api-tokens',
    { config: { access: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      return reply.render('identity/views/api-tokens/list.njk', {
        tokens: await apiTokens.list(request.caller),
      })
    },
  )

  app.get(
    '/admin/api-tokens/new',
    { config: { access: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      return reply.render('identity/views/api-tokens/new.njk', await formContext(request.caller, {}))
    },
  )

  app.post(
    '/admin/api-tokens',
    { config: { access: ADMINS }, schema: { hide: true, body: newTokenForm } },
    async (request, reply) => {
      const values = request.body
      try {
        const created = await apiTokens.create(request.caller, {
          name: values.name ?? '',
          role: (values.role ?? '') as never,
          forceCode: values.forceCode,
          expiresInDays: values.expiresInDays || undefined,
        })
        return reply.code(201).render('identity/views/api-tokens/created.njk', created)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply
          .code(400)
          .render(
            'identity/views/api-tokens/new.njk',
            await formContext(request.caller, values, formErrors(error.fieldErrors)),
          )
      }
    },
  )

  app.post(
    '/admin/api-tokens/:tokenId/revoke',
    { config: { access: ADMINS }, schema: { hide: true, params: tokenParams } },
    async (request, reply) => {
      await apiTokens.revoke(request.caller, request.params.tokenId)
      return reply.redirect('/admin/api-tokens', 303)
    },
  )
}
