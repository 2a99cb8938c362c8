import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { optionalDateField } from '../../domain/date-input.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { formatDay, formErrors } from '../../web/forms.js'
import { LOCALES } from '../../web/i18n/catalogue.js'
import type { StaffingRow, StaffingView } from './service.js'

const READERS: Access = ['force-caseworker', 'inspector']
const KEEPERS: Access = ['force-caseworker']
const PAGE = '/acu-staffing'
const form = z.record(z.string(), z.string().max(10_000))

export const staffingQuerySchema = z.object({
  force: z
    .string()
    .trim()
    .max(50)
    .optional()
    .transform((value) => value || undefined)
    .meta({ description: 'A force’s code (the inspectorate only)' }),
  from: optionalDateField('First date').meta({ description: 'First date, as 2011-03-31' }),
  to: optionalDateField('Second date').meta({ description: 'Second date, as 2012-03-31' }),
})

const EXPORT_COLUMNS: Column<StaffingView>[] = [
  { header: 'Force', value: (row) => row.force.name },
  { header: 'As at', value: (row) => row.asOf },
  { header: 'Posts funded (FTE)', value: (row) => row.postsFunded },
  { header: 'Posts filled (FTE)', value: (row) => row.postsFilled },
  { header: 'Notes', value: (row) => row.notes },
]

const staffingJson = z
  .object({
    id: z.string(),
    force: z.object({ code: z.string(), name: z.string() }),
    asOf: z.string(),
    postsFunded: z.number(),
    postsFilled: z.number(),
    notes: z.string().nullable(),
  })
  .meta({ id: 'AcuStaffing' })

const toJson = (row: StaffingView): z.infer<typeof staffingJson> => ({
  id: row.id,
  force: { code: row.force.code, name: row.force.name },
  asOf: row.asOf,
  postsFunded: row.postsFunded,
  postsFilled: row.postsFilled,
  notes: row.notes,
})

const figuresJson = z
  .object({ asOf: z.string(), postsFunded: z.number(), postsFilled: z.number() })
  .nullable()
const changeJson = z
  .object({
    from: z.string(),
    to: z.string(),
    before: figuresJson,
    after: figuresJson,
    fundedChange: z.number().nullable(),
    filledChange: z.number().nullable(),
  })
  .meta({ id: 'AcuStaffingChange' })

const figures = (row: StaffingRow | null) =>
  row ? { asOf: row.asOf, postsFunded: row.postsFunded, postsFilled: row.postsFilled } : null

export const acuStaffingRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const staffing = services.acuStaffing

  async function forceId(request: FastifyRequest, code: string | undefined): Promise<number | undefined> {
    if (request.caller.scope.kind === 'force') return request.caller.scope.forceId
    if (!code) return undefined
    const force = (await services.forces.references()).find((f) => f.code === code.toLowerCase())
    if (!force) throw new NotFoundError('No such force')
    return force.id
  }

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      errors?: ReturnType<typeof formErrors>
      values?: Record<string, unknown>
    } = {},
  ) {
    // The two dates as typed (a date input's three fields, or a link's 2012-03-31), to show again.
    const source = request.query as Record<string, unknown>
    const query = {
      force: typeof source.force === 'string' ? source.force : '',
      from: source.from,
      to: source.to,
    }
    const showForce = request.caller.scope.kind === 'inspectorate'
    const parsed = staffingQuerySchema.safeParse(source)
    let errors = extra.errors
    let change: unknown
    let force: number | undefined
    if (!parsed.success) {
      const found: Record<string, string> = {}
      for (const issue of parsed.error.issues) found[String(issue.path[0] ?? 'form')] ??= issue.message
      errors = formErrors(found)
    } else {
      force = await forceId(request, parsed.data.force)
      if (force !== undefined && parsed.data.from && parsed.data.to) {
        try {
          const result = await staffing.change(request.caller, force, parsed.data.from, parsed.data.to)
          change = result
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          errors = formErrors(error.fieldErrors)
        }
      }
    }
    const rows = await staffing.list(request.caller, { forceId: force })
    const csvQuery = new URLSearchParams(query.force ? { force: query.force } : {}).toString()
    return reply.code(errors ? 400 : 200).render('acu-staffing/views/page.njk', {
      query,
      values: extra.values ?? {},
      errors,
      showForce,
      forces: showForce ? await services.forces.references() : [],
      rows,
      change,
      keeps: staffing.keeps(request.caller),
      csvHref: `${PAGE}.csv${csvQuery ? `?${csvQuery}` : ''}`,
      xlsxHref: `${PAGE}.xlsx${csvQuery ? `?${csvQuery}` : ''}`,
    })
  }

  app.get(PAGE, { config: { access: READERS }, schema: { hide: true } }, (request, reply) =>
    renderPage(request, reply),
  )

  app.post(
    PAGE,
    { config: { access: KEEPERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const row = await staffing.record(request.caller, request.body)
        // Worded in the page's language here, as the day in it is (the English is the catalogue's).
        const day = formatDay(row.asOf, LOCALES[request.language])
        return reply.flash(request.t('acu.flash.recorded', { day })).redirect(PAGE, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderPage(request, reply, { errors: formErrors(error.fieldErrors), values: request.body })
      }
    },
  )

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${PAGE}.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: staffingQuerySchema } },
      async (request, reply) => {
        const query = request.query as z.output<typeof staffingQuerySchema>
        const rows = await staffing.exportRows(
          request.caller,
          { forceId: await forceId(request, query.force), from: query.from, to: query.to },
          format,
        )
        return sendExport(reply, format, 'acu-staffing', EXPORT_COLUMNS, rows)
      },
    )
  }

  app.get(
    '/api/acu-staffing',
    {
      config: { access: READERS },
      schema: {
        summary: 'Anti-corruption unit staffing',
        description: 'Posts funded and filled (full-time equivalents) by date; a force sees its own.',
        tags: ['anti-corruption unit staffing'],
        security: [{ apiToken: [] }],
        querystring: staffingQuerySchema,
        response: { 200: z.object({ staffing: z.array(staffingJson) }) },
      },
    },
    async (request) => {
      const query = request.query
      const rows = await staffing.list(request.caller, {
        forceId: await forceId(request, query.force),
        from: query.from,
        to: query.to,
      })
      return { staffing: rows.map(toJson) }
    },
  )

  app.get(
    '/api/acu-staffing/change',
    {
      config: { access: READERS },
      schema: {
        summary: 'Change in anti-corruption unit staffing between two dates',
        description: 'Compares the latest figures on or before each date.',
        tags: ['anti-corruption unit staffing'],
        security: [{ apiToken: [] }],
        querystring: staffingQuerySchema,
        response: { 200: changeJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      const query = request.query
      const force = await forceId(request, query.force)
      if (force === undefined) throw new NotFoundError('Name a force with ?force=<code>')
      if (!query.from || !query.to)
        return reply.code(400).send(problemOf(new ValidationError({ from: 'Give both dates: from and to' })))
      try {
        const result = await staffing.change(request.caller, force, query.from, query.to)
        return { ...result, before: figures(result.before), after: figures(result.after) }
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )

  app.post(
    '/api/acu-staffing',
    {
      config: { access: KEEPERS },
      schema: {
        summary: 'Record anti-corruption unit staffing at a date',
        description:
          'Figures for a date already recorded replace them. A problem with any field answers 400.',
        tags: ['anti-corruption unit staffing'],
        security: [{ apiToken: [] }],
        body: z.strictObject({
          asOf: z.string().max(20).meta({ example: '2012-03-31' }),
          postsFunded: z.union([z.number(), z.string().max(20)]),
          postsFilled: z.union([z.number(), z.string().max(20)]),
          notes: z.string().max(2000).optional(),
        }),
        response: { 201: staffingJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const row = await staffing.record(request.caller, request.body)
        const [view] = (await staffing.list(request.caller, {})).filter((r) => r.id === row.id)
        if (!view) throw new Error('the new figures are not visible')
        return reply.code(201).send(toJson(view))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
