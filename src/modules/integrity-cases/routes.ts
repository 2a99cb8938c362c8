import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { CASE_OUTCOMES, CASE_SOURCES, CASE_STATUSES, CASE_TYPES } from '../../domain/cases.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { choicesOf, formErrors } from '../../web/forms.js'
import {
  exportLink,
  PAGE_SIZE,
  pagedJson,
  pageOf,
  pageWindow,
  pagination,
  sortableHead,
  typedValues,
} from '../../web/lists.js'
import { personFromForm } from '../roster/picker.js'
import type { StaffMember } from '../roster/service.js'
import { caseRoutes } from './case-routes.js'
import { type CaseQuery, caseQuerySchema, countsQuerySchema, FILTER_FIELDS } from './fields.js'
import type { CaseListRow } from './queries.js'
import type { CaseListFilter } from './reading.js'

const READERS: Access = ['force-caseworker', 'inspector']
const KEEPERS: Access = ['force-caseworker']
const LIST = '/cases'
const COUNTS_FIELDS = ['force', 'from', 'to', 'census'] as const

const caseParams = z.object({ caseId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

const EXPORT_COLUMNS: Column<CaseListRow>[] = [
  { header: 'Reference', value: (row) => row.reference },
  { header: 'Type', value: (row) => row.type },
  { header: 'Opened', value: (row) => row.openedOn },
  { header: 'Status', value: (row) => row.status },
  { header: 'Confidential', value: (row) => (row.confidential ? 'yes' : 'no') },
  { header: 'Source', value: (row) => (row.readable ? row.source : 'restricted') },
  { header: 'Target date', value: (row) => row.targetDate },
  { header: 'Caseworker', value: (row) => row.assignedName },
  { header: 'Closed', value: (row) => row.closedOn },
  { header: 'Outcome', value: (row) => row.outcome },
  { header: 'Summary', value: (row) => (row.readable ? row.summary : 'restricted') },
]

const caseJson = z
  .object({
    id: z.string(),
    reference: z.string().meta({ example: 'IC/2012/0007' }),
    type: z.enum(CASE_TYPES),
    status: z.enum(CASE_STATUSES),
    openedOn: z.string(),
    confidential: z.boolean(),
    restricted: z.boolean().meta({
      description: 'True for a confidential case you are not named on: only the fields above are given',
    }),
    source: z.enum(CASE_SOURCES).nullable(),
    targetDate: z.string().nullable(),
    closedOn: z.string().nullable(),
    outcome: z.enum(CASE_OUTCOMES).nullable(),
    assignedTo: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    summary: z.string().nullable(),
  })
  .meta({ id: 'IntegrityCase' })

function toJson(row: CaseListRow): z.infer<typeof caseJson> {
  return {
    id: row.id,
    reference: row.reference,
    type: row.type,
    status: row.status,
    openedOn: row.openedOn,
    confidential: row.confidential,
    restricted: !row.readable,
    source: row.source,
    targetDate: row.targetDate,
    closedOn: row.closedOn,
    outcome: row.outcome,
    assignedTo: row.assignedTo ? { id: row.assignedTo, name: row.assignedName } : null,
    summary: row.summary,
  }
}

const newCaseJson = z.strictObject({
  type: z
    .string()
    .max(100)
    .meta({ description: `One of: ${CASE_TYPES.join(', ')}` }),
  source: z
    .string()
    .max(100)
    .meta({ description: `One of: ${CASE_SOURCES.join(', ')}` }),
  openedOn: z.string().max(20).meta({ example: '2011-10-03' }),
  targetDate: z.string().max(20).optional(),
  summary: z.string().max(5000),
  staffNumber: z.string().max(50).optional().meta({ description: 'A subject, by staff number' }),
  assignedTo: z.string().max(100).optional().meta({ description: 'A caseworker’s user id' }),
  confidential: z.boolean().optional(),
})

const countsJson = z
  .object({
    from: z.string(),
    to: z.string(),
    census: z.string(),
    total: z.number().int(),
    openedByType: z.record(z.string(), z.number().int()),
    continuing: z.number().int(),
    continuingByType: z.record(z.string(), z.number().int()),
    outcomes: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'IntegrityCaseCounts' })

function issuesOf(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message
  return errors
}

export const integrityCasesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const cases = services.integrityCases

  async function forceId(request: FastifyRequest, code: string | undefined): Promise<number | undefined> {
    if (request.caller.scope.kind === 'force') return request.caller.scope.forceId
    if (!code) return undefined
    const force = (await services.forces.references()).find((f) => f.code === code.toLowerCase())
    if (!force) throw new NotFoundError('No such force')
    return force.id
  }

  async function toFilter(request: FastifyRequest, query: CaseQuery): Promise<CaseListFilter> {
    return {
      forceId: await forceId(request, query.force),
      type: query.type,
      status: query.status,
      source: query.source,
      assignedTo: query.mine && request.principal ? request.principal.id : undefined,
      overdue: query.overdue,
      from: query.from,
      to: query.to,
      search: query.q,
    }
  }

  async function renderList(request: FastifyRequest, reply: FastifyReply) {
    const values = typedValues(request.query, FILTER_FIELDS)
    const showForce = request.caller.scope.kind === 'inspectorate'
    const common = {
      values,
      showForce,
      types: choicesOf(CASE_TYPES),
      statuses: choicesOf(CASE_STATUSES),
      sources: choicesOf(CASE_SOURCES),
      canKeep: cases.keepsCases(request.caller),
      forces: showForce ? await services.forces.references() : [],
    }
    const parsed = caseQuerySchema.safeParse(request.query)
    if (!parsed.success)
      return reply
        .code(400)
        .render('integrity-cases/views/list.njk', { ...common, errors: formErrors(issuesOf(parsed.error)) })
    const query = parsed.data
    const {
      total,
      exact,
      cases: rows,
    } = await cases.list(
      request.caller,
      await toFilter(request, query),
      { sort: query.sort, order: query.order },
      { offset: (query.page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    )
    const kept = Object.fromEntries(
      Object.entries(values).filter(([key]) => key !== 'sort' && key !== 'order'),
    )
    const linkQuery = { ...kept, sort: query.sort, order: query.order }
    const forcesById = new Map((await services.forces.references()).map((force) => [force.id, force.name]))
    const columns = [
      { key: 'reference', text: request.t('cases.field.reference') },
      { key: 'type', text: request.t('cases.field.type') },
      { key: 'opened', text: request.t('cases.field.opened') },
      { key: 'status', text: request.t('cases.field.status') },
      { key: 'target', text: request.t('cases.field.targetDate') },
    ]
    return reply.render('integrity-cases/views/list.njk', {
      ...common,
      total,
      exact,
      cases: rows.map((row) => ({ ...row, forceName: forcesById.get(row.forceId) })),
      head: sortableHead(LIST, kept, columns, { sort: query.sort, order: query.order }),
      pagination: pagination(LIST, linkQuery, query.page, total, PAGE_SIZE, exact),
      first: (query.page - 1) * PAGE_SIZE + 1,
      last: (query.page - 1) * PAGE_SIZE + rows.length,
      csvHref: exportLink(LIST, linkQuery, 'csv'),
      xlsxHref: exportLink(LIST, linkQuery, 'xlsx'),
      filtered: FILTER_FIELDS.some((field) => values[field]),
    })
  }

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, renderList)

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${LIST}.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: caseQuerySchema } },
      async (request, reply) => {
        const query = request.query as CaseQuery
        const rows = await cases.exportRows(
          request.caller,
          await toFilter(request, query),
          { sort: query.sort, order: query.order },
          format,
        )
        return sendExport(reply, format, 'integrity-cases', EXPORT_COLUMNS, rows)
      },
    )
  }

  app.get(
    `${LIST}/overdue`,
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => {
      const rows = await cases.overdue(request.caller)
      return reply.render('integrity-cases/views/overdue.njk', { cases: rows })
    },
  )

  app.get(
    `${LIST}/counts`,
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => {
      const source = request.query as Record<string, unknown>
      const values = typedValues(source, COUNTS_FIELDS)
      const showForce = request.caller.scope.kind === 'inspectorate'
      const forces = showForce ? await services.forces.references() : []
      if (!values.from && !values.to)
        return reply.render('integrity-cases/views/counts.njk', { values, showForce, forces })
      const parsed = countsQuerySchema.safeParse(source)
      const force = parsed.success
        ? await forceId(request, parsed.data.force).catch(() => undefined)
        : undefined
      if (!parsed.success || force === undefined) {
        const errors = parsed.success ? { force: 'Select a force' } : issuesOf(parsed.error)
        return reply.code(400).render('integrity-cases/views/counts.njk', {
          values,
          showForce,
          forces,
          errors: formErrors(errors),
        })
      }
      const counts = await cases.counts(request.caller, force, {
        from: parsed.data.from,
        to: parsed.data.to,
        census: parsed.data.census ?? undefined,
      })
      return reply.render('integrity-cases/views/counts.njk', {
        values,
        showForce,
        forces,
        counts,
        types: CASE_TYPES,
        outcomes: CASE_OUTCOMES,
      })
    },
  )

  async function newPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: ReturnType<typeof formErrors>,
    candidates?: StaffMember[],
  ) {
    return reply.code(errors ? 400 : 200).render('integrity-cases/views/new.njk', {
      values,
      errors,
      candidates,
      types: choicesOf(CASE_TYPES),
      sources: choicesOf(CASE_SOURCES),
      caseworkers: await cases.caseworkers(request.caller),
    })
  }

  app.get(`${LIST}/new`, { config: { access: KEEPERS }, schema: { hide: true } }, async (request, reply) =>
    newPage(request, reply, {}),
  )

  app.post(
    `${LIST}/new`,
    { config: { access: KEEPERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const { member, candidates } = await personFromForm(services.roster, request.caller, request.body)
        if (candidates) return newPage(request, reply, request.body, undefined, candidates)
        const created = await cases.open(request.caller, {
          ...request.body,
          staffNumber: member?.staffNumber,
        })
        return reply.flash(`Case ${created.reference} opened`).redirect(`${LIST}/${created.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newPage(request, reply, request.body, formErrors(error.fieldErrors))
      }
    },
  )

  await app.register(caseRoutes, { services })

  const pageJson = pagedJson('cases', caseJson)

  app.get(
    '/api/cases',
    {
      config: { access: READERS, keepResponses: true },
      schema: {
        summary: 'List integrity cases',
        description: `A force’s integrity cases, ${PAGE_SIZE} to a page. A confidential case you are not named on shows only that it exists (\`restricted: true\`).`,
        tags: ['integrity cases'],
        security: [{ apiToken: [] }],
        querystring: caseQuerySchema,
        response: { 200: pageJson },
      },
    },
    async (request) => {
      const query = request.query
      const {
        total,
        exact,
        cases: rows,
      } = await cases.list(
        request.caller,
        await toFilter(request, query),
        { sort: query.sort, order: query.order },
        pageWindow(query.page),
      )
      return pageOf('cases', rows.map(toJson), { page: query.page, total, exact })
    },
  )

  app.get(
    '/api/cases/counts',
    {
      config: { access: READERS },
      schema: {
        summary: 'Count integrity cases for a period and census date',
        description:
          'Cases opened in the period by type, how many of them were continuing at the census date (the last day of the period unless given), and outcomes of cases closed in the period.',
        tags: ['integrity cases'],
        security: [{ apiToken: [] }],
        querystring: countsQuerySchema,
        response: { 200: countsJson },
      },
    },
    async (request) => {
      const query = request.query
      const force = await forceId(request, query.force)
      if (force === undefined) throw new NotFoundError('Name a force with ?force=<code>')
      return cases.counts(request.caller, force, {
        from: query.from,
        to: query.to,
        census: query.census ?? undefined,
      })
    },
  )

  app.get(
    '/api/cases/:caseId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One integrity case',
        tags: ['integrity cases'],
        security: [{ apiToken: [] }],
        params: caseParams,
        response: { 200: caseJson },
      },
    },
    async (request) => {
      const { lookup } = await cases.findWithTimeline(request.caller, request.params.caseId)
      if (lookup.restricted)
        return toJson({
          ...lookup.header,
          readable: false,
          outcome: null,
          closedOn: null,
          source: null,
          targetDate: null,
          summary: null,
          assignedTo: null,
          assignedName: null,
        })
      return toJson(lookup.detail.case)
    },
  )

  app.post(
    '/api/cases',
    {
      config: { access: KEEPERS },
      schema: {
        summary: 'Open an integrity case',
        description: 'A problem with any field answers 400 with a message per field in `details`.',
        tags: ['integrity cases'],
        security: [{ apiToken: [] }],
        body: newCaseJson,
        response: { 201: caseJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const created = await cases.open(request.caller, request.body)
        const { lookup } = await cases.findWithTimeline(request.caller, created.id)
        if (lookup.restricted) throw new Error('the new case is not readable')
        return reply.code(201).send(toJson(lookup.detail.case))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
