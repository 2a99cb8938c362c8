import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../domain/suppression.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { CHECKERS, PUBLISHERS, TEMPLATE_EDITORS } from './access.js'
import { KIND_LABELS } from './render.js'
import { PUBLICATION_KINDS } from './schema.js'

const PUBLISHER_ACCESS: Access = PUBLISHERS
const WORKFLOW_READERS: Access = [...PUBLISHERS, ...CHECKERS]
const form = z.record(z.string(), z.string().max(200_000))
const inspectionParams = z.object({ inspectionId: z.string().max(100) })

/** An inspection's documents, for the inspectorate and the force: generating them, and open-data settings. */
export const publicationManageRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const publication = () => services.publication

  async function renderManage(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    extra: {
      errors?: ReturnType<typeof formErrors>
      values?: Record<string, string>
    } = {},
  ) {
    const inspection = await services.inspections.get(request.caller, inspectionId)
    const documents = await publication().documents(request.caller, { inspectionId: inspection.id })
    return reply.code(extra.errors ? 400 : 200).render('publication/views/manage.njk', {
      inspection,
      documents,
      publisher: request.caller.scope.kind === 'inspectorate',
      admin: request.principal?.role === 'inspectorate-admin',
      suppression: await publication().suppression(inspection.id),
      defaultThreshold: DEFAULT_SUPPRESSION_THRESHOLD,
      kinds: PUBLICATION_KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind] })),
      errors: extra.errors,
      values: extra.values ?? {},
    })
  }

  app.get(
    '/publications/inspections/:inspectionId/manage',
    { config: { access: WORKFLOW_READERS }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => renderManage(request, reply, request.params.inspectionId),
  )

  app.post(
    '/publications/inspections/:inspectionId/generate',
    { config: { access: PUBLISHER_ACCESS }, schema: { hide: true, params: inspectionParams, body: form } },
    async (request, reply) => {
      const forceCode = request.body.force?.trim() || undefined
      try {
        const outcomes = await publication().generate(request.caller, request.params.inspectionId, {
          forceCode,
        })
        return reply
          .flash(`${outcomes.length} documents generated or checked against the records`)
          .redirect(`/publications/inspections/${request.params.inspectionId}/manage`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderManage(request, reply, request.params.inspectionId, {
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  app.post(
    '/publications/inspections/:inspectionId/settings',
    { config: { access: TEMPLATE_EDITORS }, schema: { hide: true, params: inspectionParams, body: form } },
    async (request, reply) => {
      try {
        await publication().setSuppression(request.caller, request.params.inspectionId, request.body)
        return reply
          .flash('Open-data settings saved')
          .redirect(`/publications/inspections/${request.params.inspectionId}/manage`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderManage(request, reply, request.params.inspectionId, {
          errors: formErrors(error.fieldErrors),
          values: request.body,
        })
      }
    },
  )
}
