import type { FastifyInstance } from 'fastify'
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js'
import { hasRole, ROLES, type Role } from '../domain/roles.js'

/** Who may call a route: anyone, anyone signed in, or holders of one of the roles (or a broader one). */
export type Access = 'public' | 'signed-in' | readonly Role[]

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyInstance {
    /** Every route with who may call it: the cross-force test walks this list. */
    routeTable: { method: string; url: string; access: Access }[]
  }
}

/** Roles in plain words, for telling someone who may do what. */
const ROLE_NAMES: Record<Role, { one: string; many: string }> = {
  'inspectorate-admin': { one: 'an inspectorate administrator', many: 'inspectorate administrators' },
  inspector: { one: 'an inspector', many: 'inspectors' },
  researcher: { one: 'a researcher', many: 'researchers' },
  'force-admin': { one: 'a force administrator', many: 'force administrators' },
  'force-caseworker': { one: 'a caseworker', many: 'caseworkers' },
  staff: { one: 'a member of a force’s staff', many: 'members of a force’s staff' },
}

/** Why someone is refused: who may, in plain words, and what they are. */
export function refusalReason(access: readonly Role[], role: Role): string {
  const allowed = ROLES.filter((candidate) => access.some((wanted) => hasRole(candidate, wanted))).map(
    (candidate) => ROLE_NAMES[candidate].many,
  )
  const who = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} and ${allowed.at(-1)}` : allowed[0]
  return `Only ${who} can use this. You are signed in as ${ROLE_NAMES[role].one}.`
}

/** What someone who must first choose their own password may still reach. */
const PASSWORD_CHANGE_ROUTES = new Set(['/account/password', '/sign-out'])

/** What a session still owing its second factor may reach, and where it is sent for the rest. */
const SECOND_FACTOR_ROUTES = {
  verify: {
    page: '/sign-in/second-factor',
    routes: new Set(['/sign-in/second-factor', '/sign-in/second-factor/passkey', '/sign-out']),
  },
  enrol: {
    page: '/account/second-factor',
    routes: new Set([
      '/account/second-factor',
      '/account/second-factor/authenticator-app',
      '/account/second-factor/passkeys',
      '/sign-out',
    ]),
  },
} as const

/**
 * Every route registered after this must say who may call it, or the app refuses to start: a route
 * nobody thought about is never open by accident. The check runs before the body is even read.
 */
export function setUpAuthorisation(app: FastifyInstance) {
  const routeTable: FastifyInstance['routeTable'] = []
  app.decorate('routeTable', routeTable)

  app.addHook('onRoute', (route) => {
    const access = route.config?.access
    if (!access)
      throw new Error(`Route ${route.method} ${route.url} does not say who may call it (config.access)`)
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, access })
  })

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access
    // Unmatched requests (the 404 handler) have no access rule and nothing to protect.
    if (!access || access === 'public') return
    const principal = request.principal
    if (!principal) throw new UnauthenticatedError()
    const owed = principal.secondFactorDue && SECOND_FACTOR_ROUTES[principal.secondFactorDue]
    if (owed && !owed.routes.has(request.routeOptions.url ?? '')) {
      if (request.url.startsWith('/api/'))
        throw new ForbiddenError('Give your second factor in a browser before using Probity')
      const returnTo = request.method === 'GET' ? `?returnTo=${encodeURIComponent(request.url)}` : ''
      return reply.redirect(`${owed.page}${returnTo}`, 303)
    }
    if (principal.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(request.routeOptions.url ?? '')) {
      if (request.url.startsWith('/api/'))
        throw new ForbiddenError('Choose a new password before using Probity')
      return reply.redirect('/account/password', 303)
    }
    if (access === 'signed-in') return
    if (!access.some((role) => hasRole(principal.role, role)))
      throw new ForbiddenError(refusalReason(access, principal.role))
  })
}
