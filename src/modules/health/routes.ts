import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.js'

export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the process is up',
        tags: ['health'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/info',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The version and the source commit this server runs',
        tags: ['health'],
        response: { 200: z.object({ version: z.string(), commit: z.string() }) },
      },
    },
    async () => services.health.buildInfo,
  )

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: the database is reachable and its migrations are current',
        tags: ['health'],
        response: {
          200: z.object({
            status: z.literal('ready'),
            migrations: z.object({ applied: z.number(), expected: z.number() }),
          }),
          503: z.object({ status: z.literal('not ready'), reason: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      const readiness = await services.health.readiness()
      if (!readiness.ready) return reply.code(503).send({ status: 'not ready', reason: readiness.reason })
      return { status: 'ready' as const, migrations: readiness.migrations }
    },
  )
}
