import type { FastifyInstance } from 'fastify'
import { hasRole, type Role } from '../../src/domain/roles.js'
import type { Agent } from './agent.js'
import { breadcrumbsOf } from './pages.js'

/**
 * Follows links from the home page as one person, the way they would: same-origin GET links only
 * (no forms), each route's pages visited a few times at most, since a route is reached once any of its
 * instances is.
 */

type Route = FastifyInstance['routeTable'][number]

/** Routes that answer something other than a page: downloads, the API, assets and probes. */
const NOT_A_PAGE = /^\/(api|assets|govuk|public|healthz|readyz|info)(\/|$)|\.(csv|xlsx|json|pdf|md|txt|css)$/
/** Downloads whose address has no extension, since the file's own name goes in its header. */
const DOWNLOADS = new Set([
  '/policies/versions/:versionId/document',
  '/confidential-reports/:reportId/attachments/:attachmentId',
])

export function isPage(route: Route): boolean {
  return route.method === 'GET' && !NOT_A_PAGE.test(route.url) && !DOWNLOADS.has(route.url)
}

/** Whether a role (or a visitor, undefined) may open a route. */
export function mayOpen(route: Route, role: Role | undefined): boolean {
  const { access } = route
  if (access === 'public') return true
  if (!role) return false
  return access === 'signed-in' || access.some((wanted) => hasRole(role, wanted))
}

/** Matches a path to its route: static segments win over parameters, as Fastify's router does. */
export function routeMatcher(routes: Route[]) {
  const patterns = routes
    .filter((route) => route.method === 'GET')
    .map((route) => ({
      route,
      pattern: new RegExp(
        `^${route.url
          .split('/')
          .map((segment) =>
            segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          )
          .join('/')}$`,
      ),
      staticLength: route.url
        .split('/')
        .filter((segment) => !segment.startsWith(':'))
        .join('/').length,
    }))
    .sort((a, b) => b.staticLength - a.staticLength)
  return (path: string) => patterns.find(({ pattern }) => pattern.test(path))?.route
}

export interface CrawlResult {
  /** Route URLs (patterns) reached by a link. */
  reached: Set<string>
  /** Problems seen on the way: broken or refused links, empty breadcrumbs. */
  problems: string[]
  /** Every page fetched, with the page that linked to it. */
  visited: { path: string; from: string }[]
}

const VISITS_PER_ROUTE = 12

export interface CrawlOptions {
  /** How many of a route's pages to open at most (12 unless said). */
  visitsPerRoute?: number
  /** Whether to follow a link (all same-origin links unless said). */
  follow?: (path: string) => boolean
  /** Called with every page opened that answered 200 with HTML. */
  onPage?: (path: string, html: string) => void
}

function linksOf(html: string, from: string): string[] {
  const base = new URL(from, 'http://probity.test')
  const links: string[] = []
  for (const [, href] of html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)) {
    const decoded = (href ?? '').replaceAll('&amp;', '&')
    if (!decoded || decoded.startsWith('#')) continue
    const url = new URL(decoded, base)
    if (url.origin !== base.origin) continue
    links.push(url.pathname + url.search)
  }
  return links
}

export async function crawl(
  agent: Agent,
  routes: Route[],
  start = '/',
  options: CrawlOptions = {},
): Promise<CrawlResult> {
  const { visitsPerRoute = VISITS_PER_ROUTE, follow = () => true, onPage } = options
  const routeOf = routeMatcher(routes)
  const reached = new Set<string>()
  const problems: string[] = []
  const visited: CrawlResult['visited'] = []
  const seen = new Set<string>([start])
  const visitsOf = new Map<string, number>()
  const queue: { path: string; from: string }[] = [{ path: start, from: '(start)' }]
  while (queue.length) {
    const next = queue.shift()
    if (!next) break
    const { path, from } = next
    const route = routeOf(path.split('?')[0] ?? path)
    if (!route) {
      problems.push(`${from} links to ${path}, which no route answers`)
      continue
    }
    reached.add(route.url)
    // Downloads count as reached by the link; only pages are opened and read.
    if (!isPage(route)) continue
    const visits = visitsOf.get(route.url) ?? 0
    if (visits >= visitsPerRoute) continue
    visitsOf.set(route.url, visits + 1)
    const response = await agent.get(path)
    visited.push({ path, from })
    if (response.statusCode >= 300 && response.statusCode < 400) continue
    if (response.statusCode !== 200) {
      problems.push(`${from} links to ${path}, which answers ${response.statusCode}`)
      continue
    }
    if (!String(response.headers['content-type']).startsWith('text/html')) continue
    onPage?.(path, response.body)
    if (breadcrumbsOf(response.body).some((crumb) => crumb === ''))
      problems.push(`${path} has an empty breadcrumb: ${JSON.stringify(breadcrumbsOf(response.body))}`)
    for (const link of linksOf(response.body, path)) {
      if (seen.has(link) || !follow(link)) continue
      seen.add(link)
      queue.push({ path: link, from: path })
    }
  }
  return { reached, problems, visited }
}
