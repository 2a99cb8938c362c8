import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { firstMessages } from '../../domain/validation.js'
import type { Services } from '../../services.js'
import { sendExport } from '../../web/exports.js'
import { formErrors } from '../../web/forms.js'
import { LANGUAGES, type Language, LOCALES } from '../../web/i18n/catalogue.js'
import { paginationIn } from '../../web/i18n/lists.js'
import { typedValues } from '../../web/lists.js'
import type { ForceReference } from '../forces/service.js'
import { describeProblem } from './chain.js'
import { AUDIT_PAGE_SIZE, type AuditFilter, auditQuerySchema, NO_FORCE, toAuditFilter } from './filters.js'
import { AUDIT_CSV_COLUMNS, auditEventSchema, changesOf, paginationFor, presentEvent } from './present.js'

const ADMINS: readonly Role[] = ['force-admin', 'inspectorate-admin']

/** The filter fields, in the order of the form; the page keeps what was typed to show it again. */
const FILTER_FIELDS = ['force', 'entityType', 'action', 'actor', 'from', 'to'] as const

/** To the second, in UK time: an audit trail needs the order of events within a minute. */
const auditTimes = Object.fromEntries(
  LANGUAGES.map((language) => [
    language,
    new Intl.DateTimeFormat(LOCALES[language], {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone: 'Europe/London',
    }),
  ]),
) as Record<Language, Intl.DateTimeFormat>

const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int().meta({ description: 'Events that match the filters, on every page' }),
  totalPages: z.number().int(),
})

export const auditRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { audit, forces } = services

  async function findPage(caller: Caller, filter: AuditFilter, page: number, references: ForceReference[]) {
    const { total, events } = await audit.list(caller, filter, {
      offset: (page - 1) * AUDIT_PAGE_SIZE,
      limit: AUDIT_PAGE_SIZE,
    })
    const byId = new Map(references.map((force) => [force.id, force]))
    return {
      events: events.map((event) => presentEvent(event, byId)),
      page,
      pageSize: AUDIT_PAGE_SIZE,
      total,
      totalPages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
    }
  }

  // The same check as `probity audit verify`, for an embedded database that the running server holds.
  app.post(
    '/admin/audit/verify',
    { config: { access: ['inspectorate-admin'] }, schema: { hide: true } },
    async (_request, reply) => {
      const result = await services.audit.verify()
      return reply.render('audit/views/verified.njk', {
        result,
        problem: result.ok ? undefined : describeProblem(result),
      })
    },
  )

  app.get('/admin/audit', { config: { access: ADMINS }, schema: { hide: true } }, async (request, reply) => {
    const references = await forces.references()
    const values = typedValues(request.query, FILTER_FIELDS)
    const showForce = request.caller.scope.kind === 'inspectorate'
    const view = { values, showForce, forces: references, noForce: NO_FORCE }

    const parsed = auditQuerySchema.safeParse(request.query)
    const checked = parsed.success ? toAuditFilter(parsed.data, references) : undefined
    if (!parsed.success || !checked?.ok) {
      const fieldErrors = parsed.success
        ? checked?.ok === false
          ? checked.fieldErrors
          : {}
        : firstMessages(parsed.error.issues)
      return reply.code(400).render('audit/views/list.njk', { ...view, errors: formErrors(fieldErrors) })
    }

    const result = await findPage(request.caller, checked.filter, parsed.data.page, references)
    const hrefFor = (page: number) => {
      const params = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== ''))
      if (page > 1) params.set('page', String(page))
      const query = params.toString()
      return query ? `/admin/audit?${query}` : '/admin/audit'
    }
    return reply.render('audit/views/list.njk', {
      ...view,
      ...result,
      filtered: Object.values(values).some((value) => value !== ''),
      eventRows: result.events.map((event) => ({
        ...event,
        time: auditTimes[request.language].format(new Date(event.occurredAt)),
        // Break points, so a 64-character hash wraps in a narrow column.
        hashChunks: event.hash.match(/.{1,16}/g) ?? [],
        chainForce:
          event.chain === 'national'
            ? undefined
            : (references.find((force) => force.code === event.chain)?.name ?? event.chain),
        changes: changesOf(event.before, event.after),
      })),
      first: (result.page - 1) * AUDIT_PAGE_SIZE + 1,
      last: (result.page - 1) * AUDIT_PAGE_SIZE + result.events.length,
      pagination: paginationIn(request.language, paginationFor(result.page, result.totalPages, hrefFor)),
      firstPageHref: hrefFor(1),
      downloadHref: hrefFor(1).replace('/admin/audit', '/admin/audit.csv'),
    })
  })

  // Every matching event as a spreadsheet; the download is recorded in the trail.
  app.get(
    '/admin/audit.csv',
    { config: { access: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      const references = await forces.references()
      const parsed = auditQuerySchema.safeParse(request.query)
      if (!parsed.success) throw new ValidationError(firstMessages(parsed.error.issues))
      const checked = toAuditFilter(parsed.data, references)
      if (!checked.ok) throw new ValidationError(checked.fieldErrors)
      const events = await audit.exportEvents(request.caller, checked.filter, 'csv')
      const byId = new Map(references.map((force) => [force.id, force]))
      const rows = events.map((event) => presentEvent(event, byId))
      return sendExport(reply, 'csv', 'audit-events', AUDIT_CSV_COLUMNS, rows)
    },
  )

  app.get(
    '/api/audit-events',
    {
      config: { access: ADMINS },
      schema: {
        summary: 'List audit events',
        description:
          'Every create, update and delete, sign-in, failed sign-in and export, newest first, ' +
          `${AUDIT_PAGE_SIZE} to a page. A force administrator sees only their force’s events; an ` +
          'inspectorate administrator sees every force’s, and those that belong to no force.',
        tags: ['audit'],
        security: [{ apiToken: [] }],
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request) => {
      const references = await forces.references()
      const checked = toAuditFilter(request.query, references)
      if (!checked.ok) throw new ValidationError(checked.fieldErrors)
      return findPage(request.caller, checked.filter, request.query.page, references)
    },
  )
}
