import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerHas } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { hasRole, type Role } from '../../domain/roles.js'
import { firstMessages } from '../../domain/validation.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { formatDay, formErrors } from '../../web/forms.js'
import { listNavigationIn } from '../../web/i18n/lists.js'
import { listQuery, pagedJson, pageOf } from '../../web/lists.js'
import { formField, uploadedFile } from '../../web/uploads.js'
import { PICTURE_READERS } from '../integrity-picture/service.js'
import { ROSTER_IMPORT_ENTITY, type RosterPlan } from './import.js'
import { STAFF_MEMBER_ENTITY } from './queries.js'
import { FIELD_LABELS, ROSTER_FIELDS } from './rows.js'
import { ROSTER_PAGE_SIZE, ROSTER_SORTS, ROSTER_STATUSES, type StaffMember } from './service.js'

/** Caseworkers and admins of a force read its roster; the inspectorate reads any force's. */
const READERS: Access = ['force-caseworker', 'inspector']
/** Force administrators load their own force's roster; an inspectorate administrator any force's. */
const IMPORTERS: Access = ['force-admin', 'inspectorate-admin']

const optionalText = (label: string, max: number) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((value) => value || undefined)

/** The roster's filters, sort and page, as a query string: the page's form and the API take the same. */
const rosterQuery = z.object({
  force: optionalText('Force', 100).meta({
    description:
      "The force's code (as in /api/forces). Required for the inspectorate; a force's callers see only their own.",
    example: 'cheshire',
  }),
  q: optionalText('Search', 200).meta({ description: 'Part of a name or staff number, in any case' }),
  unit: optionalText('Unit', 200).meta({ description: 'The unit, exactly as on the roster' }),
  grade: optionalText('Grade', 100).meta({ description: 'The grade or rank, exactly as on the roster' }),
  status: z
    .enum(ROSTER_STATUSES, 'Select current staff, leavers or everyone')
    .default('current')
    .meta({ description: 'current: still serving today; left: leave date has passed; all: both' }),
  sort: z.enum(ROSTER_SORTS, 'Sort by one of the columns').default('name'),
  order: z.enum(['asc', 'desc'], 'Order is asc or desc').default('asc'),
  page: listQuery.shape.page.meta({ description: `Which page of ${ROSTER_PAGE_SIZE} members` }),
})
type RosterQuery = z.output<typeof rosterQuery>

const FILTER_FIELDS = ['force', 'q', 'unit', 'grade', 'status', 'sort', 'order'] as const

/** What was typed, as text, to show again and to build links; blanks are left out. */
function typedValues(query: unknown): Record<string, string> {
  const source = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>
  const values: Record<string, string> = {}
  for (const field of FILTER_FIELDS) {
    const value = source[field]
    if (typeof value === 'string' && value.trim() !== '') values[field] = value.trim()
  }
  return values
}

const staffMemberJson = z
  .object({
    id: z.uuid(),
    forceCode: z.string().meta({ example: 'cheshire' }),
    staffNumber: z.string().meta({ example: 'PC1234' }),
    name: z.string(),
    grade: z.string().meta({ example: 'Sergeant' }),
    unit: z.string().meta({ example: 'Neighbourhood Policing – Warrington' }),
    startDate: z.iso.date().nullable(),
    leaveDate: z.iso.date().nullable().meta({ description: 'Null while the person is still serving' }),
    serving: z.boolean().meta({ description: 'No leave date, or one that has not yet passed' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'StaffMember' })

function toJson(member: StaffMember): z.infer<typeof staffMemberJson> {
  return {
    id: member.id,
    forceCode: member.force.code,
    staffNumber: member.staffNumber,
    name: member.name,
    grade: member.grade,
    unit: member.unit,
    startDate: member.startDate,
    leaveDate: member.leaveDate,
    serving: member.serving,
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  }
}

/** The export's headings normalise to the import's columns, so an export can be imported again. */
const EXPORT_COLUMNS: Column<StaffMember>[] = [
  { header: 'Staff number', value: (member) => member.staffNumber },
  { header: 'Name', value: (member) => member.name },
  { header: 'Grade', value: (member) => member.grade },
  { header: 'Unit', value: (member) => member.unit },
  { header: 'Start date', value: (member) => member.startDate },
  { header: 'Leave date', value: (member) => member.leaveDate },
  { header: 'Serving', value: (member) => member.serving },
]

const SORT_COLUMNS = [
  { key: 'staffNumber', text: 'Staff number' },
  { key: 'name', text: 'Name' },
  { key: 'grade', text: 'Grade or rank' },
  { key: 'unit', text: 'Unit' },
  { key: 'startDate', text: 'Start date' },
  { key: 'leaveDate', text: 'Leave date' },
]

const staffMemberParams = z.object({ staffMemberId: z.string().max(100) })
const importParams = z.object({ importId: z.string().max(100) })

/** Rows of an import's preview shown on the page; the counts always cover all of them. */
const PREVIEW_LIMIT = 500

function isImporter(role: Role | undefined): boolean {
  return !!role && (IMPORTERS as readonly Role[]).some((wanted) => hasRole(role, wanted))
}

function previewContext(plan: RosterPlan, importId: string | null) {
  return {
    plan,
    importId,
    adds: plan.toAdd.slice(0, PREVIEW_LIMIT),
    updates: plan.toUpdate.slice(0, PREVIEW_LIMIT),
    previewLimit: PREVIEW_LIMIT,
  }
}

export const rosterRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { roster, forces, audit } = services

  app.get('/roster', { config: { access: READERS }, schema: { hide: true } }, async (request, reply) => {
    const { caller } = request
    const values = typedValues(request.query)
    const showForce = caller.scope.kind === 'inspectorate'
    const view = {
      values,
      showForce,
      forces: showForce ? await forces.references() : [],
      canImport: isImporter(caller.principal?.role),
    }
    const page = (request.query as Record<string, unknown>).page
    const parsed = rosterQuery.safeParse(typeof page === 'string' && page ? { ...values, page } : values)
    if (!parsed.success)
      return reply
        .code(400)
        .render('roster/views/list.njk', { ...view, errors: formErrors(firstMessages(parsed.error.issues)) })
    const query = parsed.data
    if (showForce && !query.force)
      return reply.render('roster/views/list.njk', { ...view, chooseForce: true })

    let result: Awaited<ReturnType<typeof roster.list>>
    try {
      result = await roster.list(caller, query.force, filterOf(query), query, query.page)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply
        .code(400)
        .render('roster/views/list.njk', { ...view, errors: formErrors(error.fieldErrors) })
    }
    const choices = await roster.choices(caller, result.force)
    return reply.render('roster/views/list.njk', {
      ...view,
      ...result,
      ...choices,
      status: query.status,
      filtered: !!(query.q || query.unit || query.grade || query.status !== 'current'),
      rows: result.members.map((member) => ({
        ...member,
        startDateText: formatDay(member.startDate),
        leaveDateText: formatDay(member.leaveDate),
      })),
      ...listNavigationIn(request, '/roster', values, SORT_COLUMNS, {
        sort: query.sort,
        order: query.order,
        page: result.page,
        total: result.total,
        exact: result.exact,
        rows: result.members.length,
        pageSize: ROSTER_PAGE_SIZE,
      }),
    })
  })

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `/roster.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: rosterQuery } },
      async (request, reply) => {
        const query = request.query
        const result = await roster.exportList(
          request.caller,
          query.force,
          filterOf(query),
          { sort: query.sort, order: query.order },
          format,
        )
        return sendExport(reply, format, `roster-${result.force.code}`, EXPORT_COLUMNS, result.members)
      },
    )
  }

  app.get(
    '/roster/import',
    { config: { access: IMPORTERS }, schema: { hide: true } },
    async (request, reply) => {
      const showForce = request.caller.scope.kind === 'inspectorate'
      return reply.render('roster/views/import.njk', {
        showForce,
        forces: showForce ? await forces.references() : [],
        values: {},
      })
    },
  )

  app.post(
    '/roster/import',
    { config: { access: IMPORTERS }, schema: { hide: true } },
    async (request, reply) => {
      const showForce = request.caller.scope.kind === 'inspectorate'
      const forceCode = showForce ? formField(request, 'force') : undefined
      try {
        const file = await uploadedFile(request)
        const { plan, importId } = await roster.preview(request.caller, { forceCode, file })
        return reply.render('roster/views/preview.njk', previewContext(plan, importId))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('roster/views/import.njk', {
          showForce,
          forces: showForce ? await forces.references() : [],
          values: { force: forceCode ?? '' },
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  app.post(
    '/roster/import/:importId/confirm',
    { config: { access: IMPORTERS }, schema: { hide: true, params: importParams } },
    async (request, reply) => {
      const result = await roster.confirm(request.caller, request.params.importId)
      return reply.render('roster/views/imported.njk', { result })
    },
  )

  app.get(
    '/roster/:staffMemberId',
    { config: { access: READERS }, schema: { hide: true, params: staffMemberParams } },
    async (request, reply) => {
      const member = await roster.find(request.caller, request.params.staffMemberId)
      const events = await audit.history(request.caller, STAFF_MEMBER_ENTITY, member.id)
      return reply.render('roster/views/show.njk', {
        member,
        startDateText: formatDay(member.startDate),
        leaveDateText: formatDay(member.leaveDate),
        showForce: request.caller.scope.kind === 'inspectorate',
        // The integrity picture is the person's own force's caseworkers' alone (src/modules/integrity-picture).
        picture:
          request.caller.scope.kind === 'force' && callerHas(request.caller, PICTURE_READERS)
            ? `/roster/${member.id}/integrity-picture`
            : null,
        importEntity: ROSTER_IMPORT_ENTITY,
        history: events.map((event) => ({
          occurredAt: new Date(event.occurredAt),
          actor: event.actorLabel,
          action: event.action,
          changes: historyChanges(event.before, event.after),
        })),
      })
    },
  )

  const pageJson = z.object({
    force: z.object({ code: z.string(), name: z.string() }),
    ...pagedJson('members', staffMemberJson, 'Members that match the filters, on every page').shape,
  })

  app.get(
    '/api/roster',
    {
      config: { access: READERS, keepResponses: true },
      schema: {
        summary: 'List a force’s staff roster',
        description:
          `Members of staff that match the filters, ${ROSTER_PAGE_SIZE} to a page. A force’s caseworkers ` +
          'and administrators see their own force; the inspectorate names a force with `force`.',
        tags: ['roster'],
        security: [{ apiToken: [] }],
        querystring: rosterQuery,
        response: { 200: pageJson },
      },
    },
    async (request) => {
      const query = request.query
      const result = await roster.list(request.caller, query.force, filterOf(query), query, query.page)
      return {
        force: { code: result.force.code, name: result.force.name },
        ...pageOf('members', result.members.map(toJson), result),
      }
    },
  )

  app.get(
    '/api/roster/:staffMemberId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One member of staff on a force’s roster',
        tags: ['roster'],
        security: [{ apiToken: [] }],
        params: staffMemberParams,
        response: { 200: staffMemberJson },
      },
    },
    async (request) => toJson(await roster.find(request.caller, request.params.staffMemberId)),
  )
}

function filterOf(query: RosterQuery) {
  return { text: query.q, unit: query.unit, grade: query.grade, status: query.status }
}

type Fields = Record<string, unknown>
const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The roster fields an event set or changed, as label, before and after, for the history table. */
function historyChanges(before: unknown, after: unknown) {
  const was = isFields(before) ? before : {}
  const is = isFields(after) ? after : {}
  return (['staffNumber', ...ROSTER_FIELDS] as const)
    .filter((field) => (was[field] ?? null) !== (is[field] ?? null))
    .map((field) => ({
      label: FIELD_LABELS[field],
      before: typeof was[field] === 'string' ? was[field] : '',
      after: typeof is[field] === 'string' ? is[field] : '',
    }))
}
