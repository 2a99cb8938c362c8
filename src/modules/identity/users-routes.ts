import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { ROLE_LABELS, ROLES } from '../../domain/roles.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { type FormErrors, formErrors } from '../../web/forms.js'
import type { UserView } from './users-service.js'

const ADMINS: Access = ['force-admin', 'inspectorate-admin']
const userParams = z.object({ userId: z.string().max(100) })
const newUserForm = z.record(z.string(), z.string().max(1000))

const userJson = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    forceCode: z.string().nullable(),
    status: z.enum(['active', 'locked', 'disabled']),
    lastSignInAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'User' })

function toJson(user: UserView): z.infer<typeof userJson> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    forceCode: user.force?.code ?? null,
    status: user.status,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  }
}

export const usersRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { users, forces } = services

  async function newUserFormContext(caller: Caller, values: Record<string, string>, errors?: FormErrors) {
    return {
      values,
      errors,
      roles: users.rolesFor(caller).map((role) => ({ value: role, text: ROLE_LABELS[role] })),
      // A force admin's users always join their own force, so only the inspectorate chooses one.
      forces: caller.scope.kind === 'inspectorate' ? await forces.references() : [],
    }
  }

  app.get('/admin/users', { config: { access: ADMINS }, schema: { hide: true } }, async (request, reply) => {
    return reply.render('identity/views/users/list.njk', { users: await users.list(request.caller) })
  })

  app.get(
    '/admin/users/new',
    { config: { access: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      return reply.render('identity/views/users/new.njk', await newUserFormContext(request.caller, {}))
    },
  )

  app.post(
    '/admin/users',
    { config: { access: ADMINS }, schema: { hide: true, body: newUserForm } },
    async (request, reply) => {
      const values = request.body
      try {
        const { user, oneTimePassword } = await users.create(request.caller, {
          email: values.email ?? '',
          name: values.name ?? '',
          role: (values.role ?? '') as never,
          forceCode: values.forceCode,
          password: values.password,
        })
        return reply.code(201).render('identity/views/users/created.njk', { user, oneTimePassword })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const { password: _never, ...kept } = values
        return reply
          .code(400)
          .render(
            'identity/views/users/new.njk',
            await newUserFormContext(request.caller, kept, formErrors(error.fieldErrors)),
          )
      }
    },
  )

  app.get(
    '/admin/users/:userId',
    { config: { access: ADMINS }, schema: { hide: true, params: userParams } },
    async (request, reply) => {
      const user = await users.find(request.caller, request.params.userId)
      return reply.render('identity/views/users/show.njk', { user })
    },
  )

  const actions: Record<string, (caller: Caller, userId: string) => Promise<UserView>> = {
    disable: (caller, userId) => users.setDisabled(caller, userId, true),
    enable: (caller, userId) => users.setDisabled(caller, userId, false),
    unlock: (caller, userId) => users.unlock(caller, userId),
  }
  for (const [action, run] of Object.entries(actions)) {
    app.post(
      `/admin/users/:userId/${action}`,
      { config: { access: ADMINS }, schema: { hide: true, params: userParams } },
      async (request, reply) => {
        await run(request.caller, request.params.userId)
        return reply.redirect(`/admin/users/${request.params.userId}`, 303)
      },
    )
  }

  app.get(
    '/api/users',
    {
      config: { access: ADMINS },
      schema: {
        summary: 'The users the caller administers',
        tags: ['identity'],
        security: [{ apiToken: [] }],
        response: { 200: z.object({ users: z.array(userJson) }) },
      },
    },
    async (request) => ({ users: (await users.list(request.caller)).map(toJson) }),
  )

  app.get(
    '/api/users/:userId',
    {
      config: { access: ADMINS },
      schema: {
        summary: 'One user',
        tags: ['identity'],
        security: [{ apiToken: [] }],
        params: userParams,
        response: { 200: userJson },
      },
    },
    async (request) => toJson(await users.find(request.caller, request.params.userId)),
  )
}
