import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { forceSchema } from './service.js'

const codeParams = z.object({ code: z.string().min(1).max(100) })
const listQuery = z.object({ region: z.string().trim().max(100).optional() })

export const forcesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { forces } = services

  app.get(
    '/forces',
    { config: { access: 'public' }, schema: { hide: true, querystring: listQuery } },
    async (request, reply) => {
      const region = request.query.region || undefined
      const [list, regionNames] = await Promise.all([forces.list({ region }), forces.regionNames()])
      return reply.render('forces/views/list.njk', { forces: list, regionNames, region })
    },
  )

  app.get(
    '/forces/:code',
    { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
    async (request, reply) => {
      const force = await forces.find(request.params.code)
      if (!force) throw new NotFoundError(`No force has the code ${request.params.code}`)
      return reply.render('forces/views/show.njk', { force })
    },
  )

  app.get(
    '/api/forces',
    {
      config: { access: 'public' },
      schema: {
        summary: 'List the forces',
        description: 'The 43 territorial forces of England and Wales and British Transport Police.',
        tags: ['forces'],
        querystring: listQuery,
        response: { 200: z.object({ forces: z.array(forceSchema) }) },
      },
    },
    async (request) => ({ forces: await forces.list({ region: request.query.region || undefined }) }),
  )

  app.get(
    '/api/forces/:code',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One force',
        tags: ['forces'],
        params: codeParams,
        response: { 200: forceSchema },
      },
    },
    async (request) => {
      const force = await forces.find(request.params.code)
      if (!force) throw new NotFoundError(`No force has the code ${request.params.code}`)
      return force
    },
  )
}
