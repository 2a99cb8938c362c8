import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '../../domain/errors.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import { dictionaryCsv, openDataCsv, openDataJson, openDataOf } from './open-data.js'

const inspectionParams = z.object({ inspectionId: z.string().max(100) })

/** An inspection's published figures: the comparison page, open data as CSV and JSON, and its dictionary. */
export const publicationOpenDataRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const publication = () => services.publication

  async function publishedVersions(request: FastifyRequest, inspectionId: string) {
    const documents = await publication().documents(
      { ...request.caller, scope: { kind: 'public' } },
      { inspectionId },
    )
    return documents.flatMap((document) =>
      document.versions.filter((version) => version.isPublic).slice(0, 1),
    )
  }

  app.get(
    '/publications/inspections/:inspectionId/compare',
    { config: { access: 'public' }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => {
      const versions = await publishedVersions(request, request.params.inspectionId)
      const suppressUpTo = await publication().suppressUpTo(request.params.inspectionId)
      const data = openDataOf(versions, suppressUpTo)
      if (!data.inspection) throw new NotFoundError('Nothing has been published for this inspection')
      const items = DATA_RETURN_ITEMS.filter((item) => item.kind === 'count' || item.kind === 'fte-change')
      return reply.render('publication/views/compare.njk', {
        data,
        items,
        inspectionId: request.params.inspectionId,
      })
    },
  )

  app.get(
    '/publications/inspections/:inspectionId/open-data.csv',
    { config: { access: 'public' }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => {
      const versions = await publishedVersions(request, request.params.inspectionId)
      const data = openDataOf(versions, await publication().suppressUpTo(request.params.inspectionId))
      if (!data.inspection) throw new NotFoundError('Nothing has been published for this inspection')
      reply.header('content-disposition', `attachment; filename="${data.inspection.code}-open-data.csv"`)
      return reply.type('text/csv; charset=utf-8').send(openDataCsv(data))
    },
  )

  app.get(
    '/publications/inspections/:inspectionId/data-dictionary.csv',
    { config: { access: 'public' }, schema: { hide: true, params: inspectionParams } },
    async (_request, reply) => {
      reply.header('content-disposition', 'attachment; filename="data-dictionary.csv"')
      return reply.type('text/csv; charset=utf-8').send(dictionaryCsv())
    },
  )

  app.get(
    '/api/publications/inspections/:inspectionId/open-data',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open data of an inspection',
        description:
          'The figures of every force’s published documents, with a data dictionary. Counts from 1 up to the inspection’s suppression threshold (5 unless a publisher recorded a reason for less) are "*", and where a national total would give one away the next smallest figure of that item is "*" too; `suppression` states the rule.',
        tags: ['publications'],
        params: inspectionParams,
      },
    },
    async (request) => {
      const versions = await publishedVersions(request, request.params.inspectionId)
      const data = openDataOf(versions, await publication().suppressUpTo(request.params.inspectionId))
      if (!data.inspection) throw new NotFoundError('Nothing has been published for this inspection')
      return openDataJson(data)
    },
  )
}
