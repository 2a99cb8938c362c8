import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import nunjucks from 'nunjucks'
import type { Principal } from '../domain/access.js'
import { datePartsForInput, datePartsInError } from '../domain/date-input.js'
import { hasRole, type Role } from '../domain/roles.js'
import { formatDay } from './forms.js'

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
  // Every date a page shows reads "27 March 2012" (src/web/forms.ts).
  environment.addFilter('formatDate', (value: unknown) =>
    value instanceof Date || typeof value === 'string' ? formatDay(value) : value,
  )
  // The items of a GOV.UK date input (views/macros/date-input.njk): what was typed or stored, and
  // which of the three fields the error is about.
  environment.addGlobal('dateInputItems', (name: string, value: unknown, hasError: unknown) => {
    const parts = datePartsForInput(value)
    const wrong = datePartsInError(value, !!hasError)
    return (['day', 'month', 'year'] as const).map((part) => ({
      id: part === 'day' ? name : `${name}-${part}`,
      name: part,
      label: part.charAt(0).toUpperCase() + part.slice(1),
      value: parts[part],
      classes: `govuk-input--width-${part === 'year' ? 4 : 2}${wrong.includes(part) ? ' govuk-input--error' : ''}`,
    }))
  })
  environment.addFilter('formatNumber', (value: unknown) =>
    typeof value === 'number' ? numberFormat.format(value) : value,
  )
  // A list's total, which is a lower bound when the list stopped counting (src/db/counting.ts).
  environment.addFilter('listTotal', (value: unknown, exact: unknown) =>
    typeof value === 'number' ? `${exact === false ? 'more than ' : ''}${numberFormat.format(value)}` : value,
  )
  return environment
}

type Section = 'Your records' | 'Force registers' | 'Inspection' | 'Administration' | 'Published'

interface NavigationItem {
  text: string
  href: string
  /** The path prefix that marks the item as the current section. */
  match: string
  /** Who sees the item; everyone when absent. */
  roles?: Role[]
  /** The group the home page lists the item under; none for items only the header shows. */
  section?: Section
  /** Whether the header shows it too; the home page lists every item, so the header stays short. */
  header?: boolean
  /** What the home page says the item is for. */
  hint?: string
}

const ADMINS: Role[] = ['force-admin', 'inspectorate-admin']
const KEEPERS: Role[] = ['force-caseworker', 'inspector']

const navigation: NavigationItem[] = [
  { text: 'Home', href: '/', match: '/', header: true },
  { text: 'Forces', href: '/forces', match: '/forces', header: true },
  {
    text: 'My second jobs',
    href: '/business-interests/mine',
    match: '/business-interests/mine',
    roles: ['staff'],
    section: 'Your records',
    header: true,
    hint: 'apply for a second job and follow your applications',
  },
  {
    text: 'My declarations',
    href: '/gifts-hospitality/mine',
    match: '/gifts-hospitality/mine',
    roles: ['staff'],
    section: 'Your records',
    header: true,
    hint: 'declare gifts and hospitality offered to you',
  },
  {
    text: 'My policies',
    href: '/policies/mine',
    match: '/policies/mine',
    roles: ['staff'],
    section: 'Your records',
    header: true,
    hint: 'policies to read and acknowledge',
  },
  {
    text: 'Dashboard',
    href: '/dashboard',
    match: '/dashboard',
    roles: ['force-caseworker'],
    section: 'Force registers',
    header: true,
    hint: 'your force’s registers at a glance, as at today',
  },
  {
    text: 'Force dashboard',
    href: '/dashboard',
    match: '/dashboard',
    roles: ['inspector'],
    section: 'Force registers',
    hint: 'any force’s registers at a glance, as at today',
  },
  {
    text: 'Roster',
    href: '/roster',
    match: '/roster',
    roles: KEEPERS,
    section: 'Force registers',
    hint: 'officers and staff, imported from HR',
  },
  {
    text: 'Second jobs',
    href: '/business-interests',
    match: '/business-interests',
    roles: KEEPERS,
    section: 'Force registers',
    hint: 'business interest applications and decisions',
  },
  {
    text: 'Gifts and hospitality',
    href: '/gifts-hospitality',
    match: '/gifts-hospitality',
    roles: KEEPERS,
    section: 'Force registers',
    hint: 'every offer, accepted or declined',
  },
  {
    text: 'Media contacts',
    href: '/media-contacts',
    match: '/media-contacts',
    roles: KEEPERS,
    section: 'Force registers',
    hint: 'contacts with journalists',
  },
  {
    text: 'Cases',
    href: '/cases',
    match: '/cases',
    roles: KEEPERS,
    section: 'Force registers',
    header: true,
    hint: 'integrity cases and the overdue list',
  },
  {
    text: 'Anti-corruption unit',
    href: '/acu-staffing',
    match: '/acu-staffing',
    roles: KEEPERS,
    section: 'Force registers',
    hint: 'posts funded and filled',
  },
  {
    text: 'Policies',
    href: '/policies',
    match: '/policies',
    roles: KEEPERS,
    section: 'Force registers',
    header: true,
    hint: 'the policy library and staff awareness',
  },
  {
    text: 'Referrals',
    href: '/referrals',
    match: '/referrals',
    roles: KEEPERS,
    section: 'Inspection',
    header: true,
    hint: 'findings the inspectorate referred to forces, and the answers',
  },
  {
    text: 'Desk research',
    href: '/research',
    match: '/research',
    roles: ['researcher'],
    section: 'Inspection',
    hint: 'screen staff’s public social media, review and refer to forces',
  },
  {
    text: 'Inspections',
    href: '/inspections',
    match: '/inspections',
    roles: KEEPERS,
    section: 'Inspection',
    header: true,
    hint: 'self-assessments, data returns, fieldwork and judgements',
  },
  {
    text: 'Frameworks',
    href: '/frameworks',
    match: '/frameworks',
    roles: ['inspector'],
    section: 'Inspection',
    hint: 'what inspections ask: areas, questions and recommendations',
  },
  {
    text: 'Recommendations',
    href: '/recommendations',
    match: '/recommendations',
    roles: ['inspector'],
    section: 'Inspection',
    header: true,
    hint: 'progress against recommendations, nationally',
  },
  {
    text: 'Document imports',
    href: '/document-imports',
    match: '/document-imports',
    roles: ['inspector'],
    section: 'Inspection',
    hint: 'published reports and press releases read back into assessments',
  },
  {
    text: 'Users',
    href: '/admin/users',
    match: '/admin/users',
    roles: ADMINS,
    section: 'Administration',
    hint: 'who may sign in, and their roles',
  },
  {
    text: 'API tokens',
    href: '/admin/api-tokens',
    match: '/admin/api-tokens',
    roles: ADMINS,
    section: 'Administration',
    hint: 'machine access to the API',
  },
  {
    text: 'Audit trail',
    href: '/admin/audit',
    match: '/admin/audit',
    roles: ADMINS,
    section: 'Administration',
    hint: 'every change, sign-in and export',
  },
  {
    text: 'Publications',
    href: '/publications',
    match: '/publications',
    section: 'Published',
    header: true,
    hint: 'reports, press releases and open data',
  },
  { text: 'API', href: '/api/docs', match: '/api', section: 'Published', header: true, hint: 'the JSON API' },
]

function visibleTo(principal: Principal | undefined) {
  return ({ roles }: NavigationItem) =>
    !roles || (!!principal && roles.some((role) => hasRole(principal.role, role)))
}

function navigationFor(currentPath: string, principal: Principal | undefined) {
  const account: NavigationItem = principal
    ? { text: 'Your account', href: '/account', match: '/account', header: true }
    : { text: 'Sign in', href: '/sign-in', match: '/sign-in', header: true }
  // A page under an item the header does not show marks no header item current; that is fine, the
  // breadcrumbs and the page title say where one is.
  return [...navigation, account]
    .filter((item) => item.header && visibleTo(principal)(item))
    .map(({ text, href, match }) => ({
      text,
      href,
      active:
        match === '/' ? currentPath === '/' : currentPath === match || currentPath.startsWith(`${match}/`),
    }))
}

/** Everything the person may open, grouped as the home page lists it. */
export function sectionsFor(principal: Principal | undefined) {
  const sections = new Map<Section, { text: string; href: string; hint?: string }[]>()
  for (const item of navigation.filter(visibleTo(principal))) {
    if (!item.section) continue
    const links = sections.get(item.section) ?? []
    links.push({ text: item.text, href: item.href, hint: item.hint })
    sections.set(item.section, links)
  }
  return [...sections].map(([heading, links]) => ({ heading, links }))
}

export function setUpViews(app: FastifyInstance): void {
  const environment = createViewEnvironment()
  app.decorateReply('render', function render(this: FastifyReply, template: string, context = {}) {
    const currentPath = this.request.url.split('?')[0] ?? '/'
    const principal = this.request.principal
    const html = environment.render(template, {
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
