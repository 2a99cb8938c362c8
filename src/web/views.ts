import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import nunjucks from 'nunjucks'

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
  environment.addFilter('formatNumber', (value: unknown) =>
    typeof value === 'number' ? numberFormat.format(value) : value,
  )
  return environment
}

/** The primary navigation; `match` is the path prefix that marks an item as the current section. */
const navigation = [
  { text: 'Home', href: '/', match: '/' },
  { text: 'Forces', href: '/forces', match: '/forces' },
  { text: 'API', href: '/api/docs', match: '/api' },
]

function navigationFor(currentPath: string) {
  return navigation.map(({ text, href, match }) => ({
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
    const html = environment.render(template, {
      cspNonce: this.cspNonce?.script,
      navigation: navigationFor(currentPath),
      currentPath,
      ...context,
    })
    return this.type('text/html; charset=utf-8').send(html)
  })
}
