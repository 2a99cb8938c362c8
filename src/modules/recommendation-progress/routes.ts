import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { PROGRESS_BASES, type ProgressBasis, RECOMMENDATION_STATUSES } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { choicesOf, formatDay, formErrors } from '../../web/forms.js'
import { LOCALES } from '../../web/i18n/catalogue.js'
import { nationalQuerySchema } from './fields.js'
import {
  type ForceProgress,
  type NationalRow,
  type ProgressUpdate,
  type RecommendationProgress,
  STATUS_COLUMNS,
} from './service.js'

const READERS: Access = ['force-caseworker', 'inspector']
const INSPECTORS: Access = ['inspector']
const BASE = '/inspections/:inspectionId/forces/:forceCode/recommendations'
const NATIONAL = '/recommendations'

const params = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })
const recommendationParams = params.extend({ recommendationId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(20_000))

const pathOf = (p: { inspectionId: string; forceCode: string }) =>
  `/inspections/${encodeURIComponent(p.inspectionId)}/forces/${encodeURIComponent(p.forceCode)}/recommendations`

export const STATUS_TAGS: Record<string, string> = {
  'not started': 'govuk-tag--grey',
  'in progress': 'govuk-tag--blue',
  implemented: 'govuk-tag--green',
  superseded: 'govuk-tag--purple',
  'no update': 'govuk-tag--grey',
}
export const BASIS_TAGS: Record<string, string> = {
  'self-reported': 'govuk-tag--yellow',
  'inspector-verified': 'govuk-tag--turquoise',
}

const updateJson = z
  .object({
    id: z.string(),
    recommendation: z.string().meta({ description: 'The code the update was recorded against' }),
    frameworkVersion: z.number().int(),
    status: z.enum(RECOMMENDATION_STATUSES),
    basis: z.enum(PROGRESS_BASES),
    note: z.string().nullable(),
    recordedBy: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'ProgressUpdate' })

const recommendationProgressJson = z
  .object({
    recommendation: z.object({
      id: z.string(),
      code: z.string(),
      text: z.string(),
      scope: z.string(),
      addressee: z.string(),
      dueDate: z.string().nullable(),
    }),
    current: updateJson.nullable(),
    history: z.array(updateJson).meta({ description: 'Newest first, across framework versions' }),
  })
  .meta({ id: 'RecommendationProgress' })

const forceProgressJson = z
  .object({
    inspection: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    force: z.object({ code: z.string(), name: z.string() }),
    recommendations: z.array(recommendationProgressJson),
  })
  .meta({ id: 'ForceProgress' })

function updateOut(u: ProgressUpdate): z.infer<typeof updateJson> {
  return {
    id: u.id,
    recommendation: u.recommendationCode,
    frameworkVersion: u.frameworkVersion,
    status: u.status,
    basis: u.basis,
    note: u.note,
    recordedBy: u.recordedByLabel,
    recordedAt: u.recordedAt.toISOString(),
  }
}

function recommendationOut(r: RecommendationProgress): z.infer<typeof recommendationProgressJson> {
  const { recommendation } = r
  return {
    recommendation: {
      id: recommendation.id,
      code: recommendation.code,
      text: recommendation.text,
      scope: recommendation.scope,
      addressee: recommendation.addressee,
      dueDate: recommendation.dueDate,
    },
    current: r.current && updateOut(r.current),
    history: r.history.map(updateOut),
  }
}

function progressOut(progress: ForceProgress): z.infer<typeof forceProgressJson> {
  const { inspection, force } = progress.assessment
  return {
    inspection: { id: inspection.id, code: inspection.code, title: inspection.title },
    force: { code: force.code, name: force.name },
    recommendations: progress.recommendations.map(recommendationOut),
  }
}

const EXPORT_COLUMNS: Column<NationalRow>[] = [
  { header: 'Force', value: (r) => r.force.name },
  { header: 'Force code', value: (r) => r.force.code },
  { header: 'Recommendation', value: (r) => r.recommendation.code },
  { header: 'Recommendation text', value: (r) => r.recommendation.text },
  { header: 'Status', value: (r) => r.current?.status ?? 'no update' },
  { header: 'Basis', value: (r) => r.current?.basis ?? null },
  { header: 'Note', value: (r) => r.current?.note ?? null },
  { header: 'Recorded by', value: (r) => r.current?.recordedByLabel ?? null },
  { header: 'Recorded at', value: (r) => r.current?.recordedAt ?? null },
]

/** What the banner says after an update, by who recorded it. */
const NOTICES: Record<ProgressBasis, string> = {
  'self-reported': 'Progress update recorded as self-reported',
  'inspector-verified': 'Progress update recorded as inspector-verified',
}

export const recommendationProgressRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const progress = services.recommendationProgress

  const common = (p: { inspectionId: string; forceCode: string }) => ({
    base: pathOf(p),
    hub: pathOf(p).replace(/\/recommendations$/, ''),
    statuses: choicesOf(RECOMMENDATION_STATUSES),
    statusTags: STATUS_TAGS,
    basisTags: BASIS_TAGS,
  })

  async function renderForce(
    request: FastifyRequest,
    reply: FastifyReply,
    p: z.infer<typeof params>,
    posted?: { values: Record<string, string>; fieldErrors: Record<string, string> },
  ) {
    const page = await progress.forForce(request.caller, p.inspectionId, p.forceCode)
    const errors = posted && formErrors(posted.fieldErrors, { status: 'status', form: 'update' })
    return reply.code(posted ? 400 : 200).render('recommendation-progress/views/force.njk', {
      ...page,
      ...common(p),
      values: posted?.values ?? {},
      errors,
      fe: errors?.fields ?? {},
    })
  }

  async function renderOne(
    request: FastifyRequest,
    reply: FastifyReply,
    p: z.infer<typeof recommendationParams>,
    posted?: { values: Record<string, string>; fieldErrors: Record<string, string> },
  ) {
    const { progress: page, recommendation } = await progress.one(
      request.caller,
      p.inspectionId,
      p.forceCode,
      p.recommendationId,
    )
    const errors = posted && formErrors(posted.fieldErrors, { status: 'status', form: 'update' })
    return reply.code(posted ? 400 : 200).render('recommendation-progress/views/recommendation.njk', {
      assessment: page.assessment,
      records: page.records,
      item: recommendation,
      due: formatDay(recommendation.recommendation.dueDate, LOCALES[request.language]),
      ...common(p),
      values: posted?.values ?? {},
      errors,
      fe: errors?.fields ?? {},
    })
  }

  app.get(BASE, { config: { access: READERS }, schema: { hide: true, params } }, async (request, reply) =>
    renderForce(request, reply, request.params),
  )

  app.post(
    BASE,
    { config: { access: READERS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const p = request.params
      const single = request.body.return === 'recommendation'
      try {
        const update = await progress.record(request.caller, p.inspectionId, p.forceCode, request.body)
        const where = single ? `${pathOf(p)}/${update.recommendationId}` : pathOf(p)
        return reply.flash(NOTICES[update.basis]).redirect(where, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const posted = { values: request.body, fieldErrors: error.fieldErrors }
        if (single)
          return renderOne(
            request,
            reply,
            { ...p, recommendationId: request.body.recommendation ?? '' },
            posted,
          )
        return renderForce(request, reply, p, posted)
      }
    },
  )

  app.get(
    `${BASE}/:recommendationId`,
    { config: { access: READERS }, schema: { hide: true, params: recommendationParams } },
    async (request, reply) => renderOne(request, reply, request.params),
  )

  app.get(NATIONAL, { config: { access: INSPECTORS }, schema: { hide: true } }, async (request, reply) => {
    const query = nationalQuerySchema.parse(request.query)
    if (!query.inspection && !(await services.inspections.list(request.caller)).length)
      return reply.render('recommendation-progress/views/national.njk', { inspections: [] })
    const national = await progress.national(request.caller, query.inspection)
    const chosen = national.inspection.code
    return reply.render('recommendation-progress/views/national.njk', {
      ...national,
      columns: STATUS_COLUMNS.map((status) => ({
        status,
        text: status.charAt(0).toUpperCase() + status.slice(1),
      })),
      statusTags: STATUS_TAGS,
      csvHref: `${NATIONAL}.csv?inspection=${encodeURIComponent(chosen)}`,
      xlsxHref: `${NATIONAL}.xlsx?inspection=${encodeURIComponent(chosen)}`,
    })
  })

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${NATIONAL}.${format}`,
      { config: { access: INSPECTORS }, schema: { hide: true, querystring: nationalQuerySchema } },
      async (request, reply) => {
        const national = await progress.exportNational(request.caller, request.query.inspection, format)
        return sendExport(
          reply,
          format,
          `recommendation-progress-${national.inspection.code}`,
          EXPORT_COLUMNS,
          national.rows,
        )
      },
    )
  }

  app.get(
    `/api${BASE}`,
    {
      config: { access: READERS },
      schema: {
        summary: 'A force’s progress against an inspection’s recommendations',
        description:
          'The national recommendations and the force’s own, each with its current status (the latest update) and its history, newest first, across framework versions. A force reads only its own.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        response: { 200: forceProgressJson },
      },
    },
    async (request) =>
      progressOut(
        await progress.forForce(request.caller, request.params.inspectionId, request.params.forceCode),
      ),
  )

  app.post(
    `/api${BASE}`,
    {
      config: { access: READERS },
      schema: {
        summary: 'Record a progress update against a recommendation',
        description:
          'A force’s update is self-reported; an inspector’s is inspector-verified and needs a note of what was seen. Updates are never changed. A problem with any field answers 400.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        // Every field is checked by the service, after the force: another force's page is not found
        // whatever the body says.
        body: z.strictObject({
          recommendation: z
            .string()
            .max(100)
            .optional()
            .meta({ description: 'The recommendation’s code or id' }),
          status: z
            .string()
            .max(100)
            .optional()
            .meta({ description: `One of: ${RECOMMENDATION_STATUSES.join(', ')}` }),
          note: z.string().max(5000).optional(),
        }),
        response: { 201: updateJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const { inspectionId, forceCode } = request.params
        return reply
          .code(201)
          .send(updateOut(await progress.record(request.caller, inspectionId, forceCode, request.body)))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
