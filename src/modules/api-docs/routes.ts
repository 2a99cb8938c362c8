import type { FastifyPluginAsync } from 'fastify'

/** The OpenAPI description as JSON, and a readable GOV.UK page listing every operation. */
export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  )

  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const document = app.swagger() as { paths?: Record<string, Record<string, { summary?: string }>> }
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? '',
      })),
    )
    return reply.render('api-docs/views/index.njk', { operations })
  })
}
