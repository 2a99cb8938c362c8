import type { FastifyPluginAsync } from 'fastify'

export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.render('home/views/index.njk'),
  )
}
