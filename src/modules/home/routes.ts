import type { FastifyPluginAsync } from 'fastify'
import { homeSections } from '../../web/navigation.js'

export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
    reply.render('home/views/index.njk', {
      sections: homeSections(request.principal, (key) => request.t(key)),
    }),
  )
}
