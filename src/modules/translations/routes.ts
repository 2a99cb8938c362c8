import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'

const REVIEWERS = ['inspectorate-admin'] as const
const approveForm = z.object({ key: z.string().max(200), welsh: z.string().max(5000) })

export const translationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { translations } = services

  const reviewPage = async (request: Parameters<typeof translations.strings>[0], error?: string) => {
    const strings = await translations.strings(request)
    return {
      waiting: strings.filter((entry) => !entry.approved),
      approved: strings.filter((entry) => entry.approved),
      error,
    }
  }

  app.get(
    '/admin/translations',
    { config: { access: REVIEWERS }, schema: { hide: true } },
    async (request, reply) => reply.render('translations/views/review.njk', await reviewPage(request.caller)),
  )

  app.post(
    '/admin/translations/approve',
    { config: { access: REVIEWERS }, schema: { hide: true, body: approveForm } },
    async (request, reply) => {
      try {
        const { key } = await translations.approve(request.caller, request.body)
        return reply.flash(`The Welsh for ${key} approved`).redirect('/admin/translations', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply
          .code(400)
          .render('translations/views/review.njk', await reviewPage(request.caller, error.message))
      }
    },
  )
}
