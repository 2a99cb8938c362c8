import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import nunjucks from 'nunjucks'
import type { Principal } from '../domain/access.js'
import { hasRole, type Role } from '../domain/roles.js'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a Nunjucks page (path relative to src/web/views or src/modules) as the HTML response. */
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
}

const require = createRequire(import.meta.url)
export const govukFrontendDist = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
)

const here = path.dirname(fileURLToPath(import.meta.url))

export function createViewEnvironment(): nunjucks.Environment {
  const environment = nunjucks.configure(
    [path.join(here, 'views'), path.join(here, '..', 'modules'), govukFrontendDist],
    { autoescape: true, throwOnUndefined: false, noCache: false },
  )
  const numberFormat = new Intl.NumberFormat('en-GB')
  const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/London',
  })
  environment.addFilter('formatDateTime', (value: unknown) =>
    value instanceof Date || typeof value === 'string' ? dateTimeFormat.format(new Date(value)) : value,
  )
  environment.addFilter('formatNumber', (value: unknown) =>
    typeof value === 'number' ? numberFormat.format(value) : value,
  )
  return environment
}

interface NavigationItem {
  text: string
  href: string
  /** The path prefix that marks the item as the current section. */
  match: string
  /** Who sees the item; everyone when absent. */
  roles?: Role[]
}

const ADMINS: Role[] = ['force-admin', 'inspectorate-admin']

const navigation: NavigationItem[] = [
  { text: 'Home', href: '/', match: '/' },
  { text: 'Forces', href: '/forces', match: '/forces' },
  { text: 'Roster', href: '/roster', match: '/roster', roles: ['force-caseworker', 'inspector'] },
  {
    text: 'Second jobs',
    href: '/business-interests',
    match: '/business-interests',
    roles: ['force-caseworker', 'inspector'],
  },
  {
    text: 'My second jobs',
    href: '/business-interests/mine',
    match: '/business-interests/mine',
    roles: ['staff'],
  },
  {
    text: 'Gifts and hospitality',
    href: '/gifts-hospitality',
    match: '/gifts-hospitality',
    roles: ['force-caseworker', 'inspector'],
  },
  {
    text: 'Media contacts',
    href: '/media-contacts',
    match: '/media-contacts',
    roles: ['force-caseworker', 'inspector'],
  },
  {
    text: 'My declarations',
    href: '/gifts-hospitality/mine',
    match: '/gifts-hospitality/mine',
    roles: ['staff'],
  },
  { text: 'Cases', href: '/cases', match: '/cases', roles: ['force-caseworker', 'inspector'] },
  { text: 'Referrals', href: '/referrals', match: '/referrals', roles: ['force-caseworker', 'inspector'] },
  {
    text: 'Anti-corruption unit',
    href: '/acu-staffing',
    match: '/acu-staffing',
    roles: ['force-caseworker', 'inspector'],
  },
  { text: 'Users', href: '/admin/users', match: '/admin/users', roles: ADMINS },
  { text: 'API tokens', href: '/admin/api-tokens', match: '/admin/api-tokens', roles: ADMINS },
  { text: 'Audit trail', href: '/admin/audit', match: '/admin/audit', roles: ADMINS },
  { text: 'API', href: '/api/docs', match: '/api' },
]

function navigationFor(currentPath: string, principal: Principal | undefined) {
  const account: NavigationItem = principal
    ? { text: 'Your account', href: '/account', match: '/account' }
    : { text: 'Sign in', href: '/sign-in', match: '/sign-in' }
  return [...navigation, account]
    .filter(({ roles }) => !roles || (principal && roles.some((role) => hasRole(principal.role, role))))
    .map(({ text, href, match }) => ({
      text,
      href,
      active:
        match === '/' ? currentPath === '/' : currentPath === match || currentPath.startsWith(`${match}/`),
    }))
}

export function setUpViews(app: FastifyInstance): void {
  const environment = createViewEnvironment()
  app.decorateReply('render', function render(this: FastifyReply, template: string, context = {}) {
    const currentPath = this.request.url.split('?')[0] ?? '/'
    const principal = this.request.principal
    const html = environment.render(template, {
      cspNonce: this.cspNonce?.script,
      navigation: navigationFor(currentPath, principal),
      currentPath,
      principal,
      // Called by templates that have a form; the token is bound to the CSRF cookie it sets.
      csrfToken: () => this.generateCsrf(),
      ...context,
    })
    return this.type('text/html; charset=utf-8').send(html)
  })
}
