import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { SELF_ASSESSMENT_STATUSES } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { choicesOf, formatDay, formErrors } from '../../web/forms.js'
import { type Language, LOCALES, translate } from '../../web/i18n/catalogue.js'
import { INSPECTION_READERS, INSPECTION_STATUSES, type InspectionRow } from './service.js'

const READERS: Access = INSPECTION_READERS
const ADMINS: Access = ['inspectorate-admin']
const LIST = '/inspections'

const inspectionParams = z.object({ inspectionId: z.string().max(100) })
const forceParams = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })
const form = z.record(z.string(), z.union([z.string().max(10_000), z.array(z.string().max(100)).max(100)]))

/** The GOV.UK tag colour of each self-assessment status. */
export const STATUS_TAG: Record<string, string> = {
  'not started': 'govuk-tag--grey',
  'in progress': 'govuk-tag--light-blue',
  submitted: 'govuk-tag--green',
  planned: 'govuk-tag--grey',
  open: 'govuk-tag--blue',
  closed: 'govuk-tag--green',
}

/** An inspection's periods in words, in the page's language. */
function period(inspection: InspectionRow, language: Language) {
  const day = (value: string) => formatDay(value, LOCALES[language])
  const span = (from: string, to: string) =>
    translate(language, 'inspections.period', { from: day(from), to: day(to) })
  return {
    ...inspection,
    data: span(inspection.dataFrom, inspection.dataTo),
    census: day(inspection.censusDate),
    fieldwork:
      inspection.fieldworkFrom && inspection.fieldworkTo
        ? span(inspection.fieldworkFrom, inspection.fieldworkTo)
        : translate(language, 'inspections.none'),
    statusTag: STATUS_TAG[inspection.status],
  }
}

export const inspectionJson = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    status: z.enum(INSPECTION_STATUSES),
    framework: z.object({ id: z.string(), code: z.string(), version: z.number().int(), title: z.string() }),
    dataPeriod: z.object({ from: z.string(), to: z.string() }),
    censusDate: z.string(),
    fieldwork: z.object({ from: z.string(), to: z.string() }).nullable(),
    revisits: z.object({ id: z.string(), code: z.string(), title: z.string() }).nullable(),
  })
  .meta({ id: 'Inspection' })

const selfAssessmentStatusJson = z
  .object({
    force: z.object({ code: z.string(), name: z.string() }),
    status: z.enum(SELF_ASSESSMENT_STATUSES),
    answered: z.number().int(),
    questions: z.number().int(),
    submittedAt: z.string().nullable(),
    signedOffBy: z.object({ name: z.string(), rank: z.string() }).nullable(),
  })
  .meta({ id: 'SelfAssessmentStatus' })

export const inspectionsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { inspections, selfAssessments, frameworks, fieldwork } = services
  const isAdmin = (request: FastifyRequest) =>
    request.caller.scope.kind === 'inspectorate' && request.principal?.role === 'inspectorate-admin'

  async function toJson(
    request: FastifyRequest,
    inspection: InspectionRow,
  ): Promise<z.infer<typeof inspectionJson>> {
    const framework = (await frameworks.byIds(request.caller, [inspection.frameworkId])).get(
      inspection.frameworkId,
    )
    const revisits = inspection.revisitsId
      ? await inspections.get(request.caller, inspection.revisitsId)
      : null
    return {
      id: inspection.id,
      code: inspection.code,
      title: inspection.title,
      status: inspection.status,
      framework: {
        id: inspection.frameworkId,
        code: framework?.code ?? '',
        version: framework?.version ?? 0,
        title: framework?.title ?? '',
      },
      dataPeriod: { from: inspection.dataFrom, to: inspection.dataTo },
      censusDate: inspection.censusDate,
      fieldwork:
        inspection.fieldworkFrom && inspection.fieldworkTo
          ? { from: inspection.fieldworkFrom, to: inspection.fieldworkTo }
          : null,
      revisits: revisits ? { id: revisits.id, code: revisits.code, title: revisits.title } : null,
    }
  }

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, async (request, reply) => {
    const rows = await inspections.list(request.caller)
    const used = await frameworks.byIds(request.caller, [...new Set(rows.map((row) => row.frameworkId))])
    return reply.render('inspections/views/list.njk', {
      inspections: rows.map((row) => ({
        ...period(row, request.language),
        framework: used.get(row.frameworkId),
      })),
      isAdmin: isAdmin(request),
    })
  })

  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const published = (await frameworks.list(request.caller)).filter((f) => f.status === 'published')
    const chosen = Array.isArray(values.forces)
      ? values.forces
      : typeof values.forces === 'string'
        ? [values.forces]
        : null
    return reply.code(errors ? 400 : 200).render('inspections/views/new.njk', {
      values,
      errors,
      frameworks: published,
      earlier: await inspections.list(request.caller),
      forces: (await services.forces.references()).map((force) => ({
        value: force.code,
        text: force.name,
        checked: chosen ? chosen.includes(force.code) : true,
      })),
    })
  }

  app.get(`${LIST}/new`, { config: { access: ADMINS }, schema: { hide: true } }, async (request, reply) =>
    newPage(request, reply, {}),
  )

  app.post(
    `${LIST}/new`,
    { config: { access: ADMINS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      // A form with no force ticked sends none: that is "no forces", not "all of them".
      const input = { ...request.body, forces: request.body.forces ?? [] }
      try {
        const created = await inspections.create(request.caller, input)
        return reply.flash('Inspection set up').redirect(`${LIST}/${created.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newPage(request, reply, input, formErrors(error.fieldErrors, { forces: 'forces' }))
      }
    },
  )

  app.get(
    `${LIST}/:inspectionId`,
    {
      config: { access: READERS },
      schema: {
        hide: true,
        params: inspectionParams,
        querystring: z.object({ status: z.string().max(50).optional() }),
      },
    },
    async (request, reply) => {
      const inspection = await inspections.get(request.caller, request.params.inspectionId)
      const table = await selfAssessments.statusTable(request.caller, inspection.id)
      const status = SELF_ASSESSMENT_STATUSES.find((s) => s === request.query.status)
      const framework = (await frameworks.byIds(request.caller, [inspection.frameworkId])).get(
        inspection.frameworkId,
      )
      const revisits = inspection.revisitsId
        ? await inspections.get(request.caller, inspection.revisitsId)
        : null
      const counts = Object.fromEntries(
        SELF_ASSESSMENT_STATUSES.map((s) => [s, table.filter((row) => row.status === s).length]),
      )
      // Judgements are the inspectorate's until published: the map is empty for anyone else.
      const judgements = await fieldwork.judgementsFor(request.caller, inspection.id)
      return reply.render('inspections/views/show.njk', {
        inspection: period(inspection, request.language),
        framework,
        revisits,
        rows: table
          .filter((row) => !status || row.status === status)
          .map((row) => ({
            ...row,
            tag: STATUS_TAG[row.status],
            submitted: row.submittedAt,
            judgement: judgements.get(row.assessment.force.id) ?? null,
          })),
        showJudgements: fieldwork.doesFieldwork(request.caller),
        total: table.length,
        counts,
        statuses: choicesOf(SELF_ASSESSMENT_STATUSES),
        status: status ?? '',
        inspectionStatuses: choicesOf(INSPECTION_STATUSES),
        isAdmin: isAdmin(request),
        ownForceOnly: request.caller.scope.kind === 'force',
      })
    },
  )

  app.post(
    `${LIST}/:inspectionId/status`,
    { config: { access: ADMINS }, schema: { hide: true, params: inspectionParams, body: form } },
    async (request, reply) => {
      const changed = await inspections.setStatus(
        request.caller,
        request.params.inspectionId,
        String(request.body.status ?? ''),
      )
      return reply
        .flash(`Status changed to ${changed.status}`)
        .redirect(`${LIST}/${request.params.inspectionId}`, 303)
    },
  )

  /**
   * The parts of a force's assessment other modules add, shown in the hub when their page exists; each
   * one's title and hint are the catalogue's `inspections.part.<path>.title` and `.hint`.
   */
  const PARTS = [
    {
      path: 'self-assessment',
    },
    {
      path: 'data-return',
    },
    {
      path: 'fieldwork',
      inspectorateOnly: true,
    },
    {
      path: 'recommendations',
    },
  ]

  app.get(
    `${LIST}/:inspectionId/forces/:forceCode`,
    { config: { access: READERS }, schema: { hide: true, params: forceParams } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      const assessment = await inspections.assessment(request.caller, inspectionId, forceCode)
      const self = await selfAssessments.get(request.caller, inspectionId, forceCode)
      const base = `${LIST}/${assessment.inspection.id}/forces/${assessment.force.code}`
      const tasks = PARTS.filter(
        (part) =>
          (!part.inspectorateOnly || request.caller.scope.kind === 'inspectorate') &&
          app.hasRoute({ method: 'GET', url: `${LIST}/:inspectionId/forces/:forceCode/${part.path}` }),
      ).map((part) => ({
        title: { text: request.t(`inspections.part.${part.path}.title`) },
        hint: { text: request.t(`inspections.part.${part.path}.hint`) },
        href: `${base}/${part.path}`,
        status:
          part.path === 'self-assessment'
            ? self.status === 'submitted'
              ? { text: request.t('inspections.status.submitted') }
              : {
                  tag: {
                    text: request.t(`inspections.status.${self.status}`),
                    classes: STATUS_TAG[self.status],
                  },
                }
            : { text: request.t('inspections.view') },
      }))
      return reply.render('inspections/views/hub.njk', {
        assessment,
        inspection: period(assessment.inspection, request.language),
        tasks,
        self,
      })
    },
  )

  // --- API -----------------------------------------------------------------------------------------

  app.get(
    '/api/inspections',
    {
      config: { access: READERS },
      schema: {
        summary: 'List inspections',
        description: 'Every inspection, latest census date first.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        response: { 200: z.object({ inspections: z.array(inspectionJson) }) },
      },
    },
    async (request) => {
      const rows = await inspections.list(request.caller)
      return { inspections: await Promise.all(rows.map((row) => toJson(request, row))) }
    },
  )

  app.get(
    '/api/inspections/:inspectionId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One inspection',
        description:
          'Its framework, data period, census date, fieldwork window and the inspection it revisits.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params: inspectionParams,
        response: {
          200: inspectionJson.extend({ forces: z.array(z.object({ code: z.string(), name: z.string() })) }),
        },
      },
    },
    async (request) => {
      const inspection = await inspections.get(request.caller, request.params.inspectionId)
      const scope = await inspections.assessments(request.caller, inspection.id)
      return {
        ...(await toJson(request, inspection)),
        forces: scope.map((view) => ({ code: view.force.code, name: view.force.name })),
      }
    },
  )

  app.get(
    '/api/inspections/:inspectionId/self-assessments',
    {
      config: { access: READERS },
      schema: {
        summary: 'Self-assessment status of every force in an inspection',
        description:
          'Not started, in progress or submitted, for each force in scope; a force sees only its own.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params: inspectionParams,
        response: { 200: z.object({ selfAssessments: z.array(selfAssessmentStatusJson) }) },
      },
    },
    async (request) => {
      const table = await selfAssessments.statusTable(request.caller, request.params.inspectionId)
      return {
        selfAssessments: table.map((row) => ({
          force: { code: row.assessment.force.code, name: row.assessment.force.name },
          status: row.status,
          answered: row.answered,
          questions: row.total,
          submittedAt: row.submittedAt?.toISOString() ?? null,
          signedOffBy:
            row.status === 'submitted' && row.signedOffByName
              ? { name: row.signedOffByName, rank: row.signedOffByRank ?? '' }
              : null,
        })),
      }
    },
  )
}
