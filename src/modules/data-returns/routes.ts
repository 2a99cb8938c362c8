import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { FUNNEL_WORDING } from '../../domain/funnel.js'
import { DATA_RETURN_ITEMS, dataReturnItem } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { formatDay, formErrors } from '../../web/forms.js'
import { LOCALES } from '../../web/i18n/catalogue.js'
import { sortableHead } from '../../web/lists.js'
import { formField, uploadedFile } from '../../web/uploads.js'
import { chartOf } from './charts.js'
import { COMPARISON_SORTS, type ComparisonRow, sortRows } from './comparison.js'
import type { DataReturnView, ReturnItemView } from './present.js'
import { KIND_HINTS, RATE_ITEMS, SUPPLIED_ITEMS, writtenItemValue } from './rules.js'
import { RETURN_CALCULATORS, RETURN_OVERRIDERS, RETURN_READERS, RETURN_SUPPLIERS } from './service.js'

const READERS: Access = RETURN_READERS
const CALCULATORS: Access = RETURN_CALCULATORS
const OVERRIDERS: Access = RETURN_OVERRIDERS
const SUPPLIERS: Access = RETURN_SUPPLIERS
const INSPECTORS: Access = ['inspector']

const form = z.record(z.string(), z.string().max(10_000))
const params = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })
const inspectionParams = z.object({ inspectionId: z.string().max(100) })

const base = (inspectionId: string, forceCode: string) =>
  `/inspections/${encodeURIComponent(inspectionId)}/forces/${encodeURIComponent(forceCode)}/data-return`

/** A problem with an item on the return's page links to the item's row. */
const ITEM_ROW_IDS = Object.fromEntries(DATA_RETURN_ITEMS.map((item) => [item.code, `item-${item.code}`]))

/** What each write says in the banner on the return after it (reply.flash). */
const DONE_MESSAGES = {
  recalculated: 'The return was recalculated from the force’s records',
  overridden: 'The value was overridden',
  'override-removed': 'The override was removed',
  supplied: 'The values were saved',
  uploaded: 'The uploaded values were saved',
  acknowledged: 'The changes in the records were acknowledged: the return stands as it is',
} as const

const itemJson = z
  .object({
    code: z.string().meta({ example: 'second-job-applications' }),
    label: z.string(),
    definition: z.string(),
    kind: z.enum(['count', 'fte', 'fte-change', 'rate', 'yes-no']),
    computable: z
      .boolean()
      .meta({ description: 'Whether Probity computes the item from the force’s records' }),
    value: z.number().nullable().meta({
      description:
        'The value as it stands (the override, else the computed or supplied value); a rate is a share from 0 to 1, yes/no is 1/0',
    }),
    source: z.enum(['computed', 'supplied', 'overridden']).nullable(),
    computed: z
      .number()
      .nullable()
      .meta({ description: 'The value computed from the records, when it was computed' }),
    supplied: z
      .number()
      .nullable()
      .meta({ description: 'The value the force supplied, when it supplied it' }),
    override: z.number().nullable(),
    reason: z.string().nullable().meta({ description: 'Why the value was overridden' }),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: 'The counts behind a computed value' }),
  })
  .meta({ id: 'DataReturnItem' })

const returnJson = z
  .object({
    inspection: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    force: z.object({ code: z.string(), name: z.string() }),
    items: z.array(itemJson),
  })
  .meta({ id: 'DataReturn' })

function itemToJson(item: ReturnItemView): z.infer<typeof itemJson> {
  return {
    code: item.code,
    label: item.label,
    definition: item.definition,
    kind: item.kind,
    computable: item.computable,
    value: item.value,
    source: item.source,
    computed: item.baseSource === 'computed' ? item.baseValue : null,
    supplied: item.baseSource === 'supplied' ? item.baseValue : null,
    override: item.override?.value ?? null,
    reason: item.override?.reason ?? null,
    detail: item.detail,
  }
}

function returnToJson(view: DataReturnView): z.infer<typeof returnJson> {
  const { inspection, force } = view.assessment
  return {
    inspection: { id: inspection.id, code: inspection.code, title: inspection.title },
    force: { code: force.code, name: force.name },
    items: view.items.map(itemToJson),
  }
}

/** The counts behind a computed value, as a sentence or two for the page. */
function detailText(item: ReturnItemView): string {
  const detail = item.detail
  if (!detail) return ''
  if (typeof detail.reason === 'string') return detail.reason
  const d = (key: string) => (typeof detail[key] === 'string' ? formatDay(detail[key] as string) : '')
  switch (item.code) {
    case 'second-job-applications':
    case 'second-job-approvals':
      return `Submitted ${d('from')} to ${d('to')}: ${detail.applications} applications, ${detail.approved} approved, ${detail.refused} refused, ${detail.pending} undecided, ${detail.withdrawn} withdrawn.`
    case 'media-disclosure-investigations':
    case 'media-disclosure-continuing':
      return `Opened ${d('from')} to ${d('to')}: ${detail.opened}; continuing on ${d('census')}: ${detail.continuing}; closed by then: ${detail.closed}.`
    case 'social-media-referrals':
      return `Referred ${d('from')} to ${d('to')}: ${detail.referred} (${detail.accepted} accepted, ${detail.noAction} no action, ${detail.awaiting} awaiting a response).`
    case 'acu-posts-filled':
      return detail.figuresOf
        ? `Latest figures on or before ${d('census')}: those of ${d('figuresOf')} (${detail.postsFilled} filled of ${detail.postsFunded} funded).`
        : `No staffing figures on or before ${d('census')}.`
    case 'acu-staff-change': {
      const before = detail.before as { asOf: string; postsFilled: number } | null
      const after = detail.after as { asOf: string; postsFilled: number } | null
      if (!before || !after) return `No staffing figures on or before ${!before ? d('from') : d('to')}.`
      return `${before.postsFilled} filled on ${formatDay(before.asOf)} (figures for the revisited census, ${d('from')}) → ${after.postsFilled} filled on ${formatDay(after.asOf)}.`
    }
    case 'workforce':
      return `${detail.serving} people on the roster serving on ${d('census')}.`
    default:
      if (item.code.startsWith('policy-awareness-'))
        return `Version ${detail.version}: ${detail.acknowledged} of ${detail.asked} asked had acknowledged it by ${d('census')}.`
      return ''
  }
}

const SOURCE_TAGS: Record<string, { text: string; classes: string }> = {
  computed: { text: 'Computed', classes: 'govuk-tag--blue' },
  supplied: { text: 'Supplied', classes: 'govuk-tag--purple' },
  overridden: { text: 'Overridden', classes: 'govuk-tag--orange' },
}

const comparisonQuery = z.object({
  sort: z
    .string()
    .max(100)
    .optional()
    .transform((value) => (value && COMPARISON_SORTS.includes(value) ? value : 'force')),
  order: z
    .string()
    .max(10)
    .optional()
    .transform((value): 'asc' | 'desc' => (value === 'desc' ? 'desc' : 'asc')),
  item: z
    .string()
    .max(100)
    .optional()
    .transform((value) => (value && dataReturnItem(value) ? value : 'second-job-applications')),
})

const cellJson = z.object({
  value: z.number().nullable(),
  ratePer1000: z.number().nullable(),
  position: z.enum(['above-99.8', 'above-95', 'within', 'below-95', 'below-99.8']).nullable(),
  outlier: z.enum(['high', 'low']).nullable(),
})
const comparisonJson = z
  .object({
    inspection: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    outlierRule: z.string(),
    forces: z.array(
      z.object({
        force: z.object({ code: z.string(), name: z.string() }),
        workforce: z.number().nullable(),
        workforceBasis: z.enum(['return', 'reference list']).nullable(),
        items: z.record(z.string(), cellJson),
      }),
    ),
    statistics: z.array(
      z.object({
        code: z.string(),
        measure: z.enum(['rate', 'value']),
        count: z.number().int(),
        nationalRatePer1000: z.number().nullable(),
        events: z.number().nullable(),
        workforce: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'DataReturnComparison' })

/** The same rule in plain words, for the comparison page. */
export const OUTLIER_EXPLANATION = [
  'Counts are judged on a funnel plot. The national rate is every force’s count over every force’s workforce, per 1,000. For a force of a given size, the funnel’s limits are where its count would fall by chance 95% and 99.8% of the time if its true rate were the national one: wide for small forces, narrower for big ones, so a force is not marked out for a case or two.',
  '“Above the 99.8% limit” means a count that high would happen by chance less than once in 1,000 at the national rate: the force is tagged as an outlier, and it is worth asking why. “Above the 95% limit” means less than once in 40: worth a look, but among 44 forces one or two will be there by chance alone. “Below” reads the same way for counts lower than expected.',
  'The limits are exact Poisson limits (no normal approximation), so they hold for small counts. Items that are not counts (the unit’s staffing, the plan, policy awareness) are shown but not judged.',
]
export const OUTLIER_RULE =
  'Funnel plot against the national rate per 1,000 workforce (all forces’ counts over all their workforce), with exact Poisson control limits at 95% and 99.8%: `position` says where each count falls; `outlier` is high or low beyond the 99.8% limits. Only counts are judged.'

function comparisonColumns(): Column<ComparisonRow>[] {
  const columns: Column<ComparisonRow>[] = [
    { header: 'Force code', value: (row) => row.force.code },
    { header: 'Force', value: (row) => row.force.name },
    { header: 'Workforce (rate denominator)', value: (row) => row.workforce },
    { header: 'Workforce from', value: (row) => row.workforceBasis },
  ]
  for (const item of DATA_RETURN_ITEMS) {
    columns.push({
      header: item.kind === 'rate' ? `${item.label} (share 0-1)` : item.label,
      value: (row) => row.cells[item.code]?.value,
    })
    if (RATE_ITEMS.includes(item)) {
      columns.push({
        header: `${item.label} per 1,000 workforce`,
        value: (row) => {
          const rate = row.cells[item.code]?.rate
          return rate === null || rate === undefined ? null : Math.round(rate * 100) / 100
        },
      })
      columns.push({
        header: `${item.label} against the funnel limits`,
        value: (row) => {
          const position = row.cells[item.code]?.position
          return position ? FUNNEL_WORDING[position] : null
        },
      })
    }
  }
  return columns
}

/** The national table in three parts, so each fits the page: counts with rates, the unit and plan, awareness. */
const COMPARISON_GROUPS = [
  { id: 'counts', title: 'Counts, and rates per 1,000 workforce', items: RATE_ITEMS, workforce: true },
  {
    id: 'unit',
    title: 'Anti-corruption unit and counter-corruption plan',
    items: DATA_RETURN_ITEMS.filter(
      (item) => item.kind === 'fte' || item.kind === 'fte-change' || item.kind === 'yes-no',
    ),
    workforce: false,
  },
  {
    id: 'awareness',
    title: 'Policy awareness at the census date',
    items: DATA_RETURN_ITEMS.filter((item) => item.kind === 'rate'),
    workforce: false,
  },
].map((group) => ({
  ...group,
  rated: group.items.filter((item) => RATE_ITEMS.includes(item)).map((item) => item.code),
}))

/**
 * A part's sortable headings: a count's heading holds two links, one sorting by the value and one by the
 * rate per 1,000, and says which (if either) the table is sorted by.
 */
function groupHead(
  path: string,
  query: Record<string, string>,
  group: (typeof COMPARISON_GROUPS)[number],
  current: { sort: string; order: 'asc' | 'desc' },
) {
  const link = (key: string, text: string) => sortableHead(`${path}`, query, [{ key, text }], current)[0]
  const headings = [{ ...link('force', 'Force'), numeric: false }]
  if (group.workforce) headings.push({ ...link('workforce-basis', 'Workforce'), numeric: true })
  for (const item of group.items) {
    const value = link(item.code, item.label)
    if (!group.rated.includes(item.code)) {
      headings.push({ ...value, numeric: true })
      continue
    }
    const rate = link(
      `rate-${item.code}`,
      `per 1,000<span class="govuk-visually-hidden"> workforce, ${item.label.toLowerCase()}</span>`,
    )
    const sorted = [value, rate].find((heading) => heading?.attributes['aria-sort'] !== 'none')
    headings.push({
      html: `${value?.html}<br>${rate?.html}`,
      attributes: { 'aria-sort': sorted?.attributes['aria-sort'] ?? 'none' },
      numeric: true,
    })
  }
  return headings
}

export const dataReturnsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { dataReturns } = services

  async function renderReturn(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    extra: { errors?: Record<string, string>; status?: number } = {},
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    const history = await dataReturns.history(request.caller, inspectionId, forceCode)
    const path = base(inspectionId, forceCode)
    const abilities = dataReturns.abilities(request.caller)
    const locale = LOCALES[request.language]
    // What was published from this return: the force's documents of the inspection that the public reads.
    const documents = await services.publication.documents(request.caller, {
      inspectionId: view.assessment.inspection.id,
      forceCode: view.assessment.force.code,
    })
    const published = documents.flatMap((document) =>
      document.versions.filter((version) => version.isPublic).slice(0, 1),
    )
    return reply.code(extra.status ?? 200).render('data-returns/views/return.njk', {
      view,
      path,
      abilities,
      published,
      errors: extra.errors && formErrors(extra.errors, ITEM_ROW_IDS),
      items: view.items.map((item) => ({
        ...item,
        tag: item.source ? SOURCE_TAGS[item.source] : undefined,
        detailText: detailText(item),
      })),
      census: formatDay(view.assessment.inspection.censusDate, locale),
      revisitsCensus: formatDay(view.assessment.revisits?.censusDate ?? null, locale),
      period: request.t('dataReturns.periodValue', {
        from: formatDay(view.assessment.inspection.dataFrom, locale),
        to: formatDay(view.assessment.inspection.dataTo, locale),
      }),
      history: history.map((event) => ({
        at: event.occurredAt,
        who: event.actorLabel,
        action: event.action,
      })),
    })
  }

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return',
    {
      config: { access: READERS },
      schema: { hide: true, params },
    },
    async (request, reply) =>
      renderReturn(request, reply, request.params.inspectionId, request.params.forceCode),
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/recalculate',
    { config: { access: CALCULATORS }, schema: { hide: true, params, body: form.optional() } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        await dataReturns.refresh(request.caller, inspectionId, forceCode)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReturn(request, reply, inspectionId, forceCode, {
          errors: error.fieldErrors,
          status: 400,
        })
      }
      return reply.flash(DONE_MESSAGES.recalculated).redirect(base(inspectionId, forceCode), 303)
    },
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/acknowledge',
    { config: { access: OVERRIDERS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        await dataReturns.acknowledgeChanges(request.caller, inspectionId, forceCode, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReturn(request, reply, inspectionId, forceCode, {
          errors: error.fieldErrors,
          status: 400,
        })
      }
      return reply.flash(DONE_MESSAGES.acknowledged).redirect(base(inspectionId, forceCode), 303)
    },
  )

  // --- overrides ---------------------------------------------------------------------------------------

  async function renderOverride(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    mode: 'override' | 'remove',
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    const item = view.items.find((candidate) => candidate.code === values.item)
    if (!item) return reply.redirect(base(inspectionId, forceCode), 303)
    return reply.code(errors ? 400 : 200).render('data-returns/views/override.njk', {
      view,
      item,
      mode,
      path: base(inspectionId, forceCode),
      values: {
        value: mode === 'override' && !errors ? writtenItemValue(item.kind, item.value) : '',
        ...values,
      },
      hint: KIND_HINTS[item.kind],
      errors: errors && formErrors(errors),
    })
  }

  for (const mode of ['override', 'remove'] as const) {
    const suffix = mode === 'override' ? 'override' : 'remove-override'
    app.get(
      `/inspections/:inspectionId/forces/:forceCode/data-return/${suffix}`,
      {
        config: { access: OVERRIDERS },
        schema: { hide: true, params, querystring: z.object({ item: z.string().max(100).optional() }) },
      },
      async (request, reply) =>
        renderOverride(request, reply, request.params.inspectionId, request.params.forceCode, mode, {
          item: request.query.item ?? '',
        }),
    )
    app.post(
      `/inspections/:inspectionId/forces/:forceCode/data-return/${suffix}`,
      { config: { access: OVERRIDERS }, schema: { hide: true, params, body: form } },
      async (request, reply) => {
        const { inspectionId, forceCode } = request.params
        try {
          if (mode === 'override')
            await dataReturns.override(request.caller, inspectionId, forceCode, request.body)
          else await dataReturns.removeOverride(request.caller, inspectionId, forceCode, request.body)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderOverride(
            request,
            reply,
            inspectionId,
            forceCode,
            mode,
            request.body,
            error.fieldErrors,
          )
        }
        return reply
          .flash(mode === 'override' ? DONE_MESSAGES.overridden : DONE_MESSAGES['override-removed'])
          .redirect(base(inspectionId, forceCode), 303)
      },
    )
  }

  // --- supplied values: the form, the template and its upload --------------------------------------------

  async function renderSupply(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    values?: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    const items = view.items.filter((item) => SUPPLIED_ITEMS.some((supplied) => supplied.code === item.code))
    return reply.code(errors ? 400 : 200).render('data-returns/views/supply.njk', {
      view,
      path: base(inspectionId, forceCode),
      items,
      values:
        values ??
        Object.fromEntries(items.map((item) => [item.code, writtenItemValue(item.kind, item.baseValue)])),
      errors: errors && formErrors(errors),
    })
  }

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return/supply',
    { config: { access: SUPPLIERS }, schema: { hide: true, params } },
    async (request, reply) =>
      renderSupply(request, reply, request.params.inspectionId, request.params.forceCode),
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/supply',
    { config: { access: SUPPLIERS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        await dataReturns.supply(request.caller, inspectionId, forceCode, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderSupply(request, reply, inspectionId, forceCode, request.body, error.fieldErrors)
      }
      return reply.flash(DONE_MESSAGES.supplied).redirect(base(inspectionId, forceCode), 303)
    },
  )

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return/template.xlsx',
    { config: { access: READERS }, schema: { hide: true, params } },
    async (request, reply) => {
      const { filename, data } = await dataReturns.template(
        request.caller,
        request.params.inspectionId,
        request.params.forceCode,
      )
      return reply
        .header('content-disposition', `attachment; filename="${filename}"`)
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(data)
    },
  )

  async function renderUpload(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    errors?: Record<string, string>,
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    return reply.code(errors ? 400 : 200).render('data-returns/views/upload.njk', {
      view,
      path: base(inspectionId, forceCode),
      errors: errors && formErrors(errors),
    })
  }

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return/upload',
    { config: { access: SUPPLIERS }, schema: { hide: true, params } },
    async (request, reply) =>
      renderUpload(request, reply, request.params.inspectionId, request.params.forceCode),
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/upload',
    { config: { access: SUPPLIERS }, schema: { hide: true, params } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        const file = await uploadedFile(request)
        const preview = await dataReturns.previewUpload(request.caller, inspectionId, forceCode, file)
        const view = await dataReturns.get(request.caller, inspectionId, forceCode)
        return reply
          .code(preview.problems.length ? 400 : 200)
          .render('data-returns/views/upload-preview.njk', {
            view,
            preview,
            path: base(inspectionId, forceCode),
            toSupply: preview.items.filter((item) => item.status === 'to supply').length,
          })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderUpload(request, reply, inspectionId, forceCode, error.fieldErrors)
      }
    },
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/upload/confirm',
    { config: { access: SUPPLIERS }, schema: { hide: true, params, body: form.optional() } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      const importId = request.body?.importId ?? formField(request, 'importId') ?? ''
      try {
        await dataReturns.confirmUpload(request.caller, inspectionId, forceCode, importId)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReturn(request, reply, inspectionId, forceCode, {
          errors: error.fieldErrors,
          status: 400,
        })
      }
      return reply.flash(DONE_MESSAGES.uploaded).redirect(base(inspectionId, forceCode), 303)
    },
  )

  // --- the JSON API ----------------------------------------------------------------------------------------

  app.get(
    '/api/inspections/:inspectionId/forces/:forceCode/data-return',
    {
      config: { access: READERS },
      schema: {
        summary: 'A force’s data return in an inspection',
        description:
          'Every item with its value as it stands, where it came from (computed, supplied or overridden), the computed or supplied value beneath an override, and the override’s reason. A force reads only its own.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        response: { 200: returnJson },
      },
    },
    async (request) =>
      returnToJson(
        await dataReturns.get(request.caller, request.params.inspectionId, request.params.forceCode),
      ),
  )

  app.post(
    '/api/inspections/:inspectionId/forces/:forceCode/data-return/override',
    {
      config: { access: OVERRIDERS },
      schema: {
        summary: 'Override an item of a force’s data return, or remove its override',
        description:
          'A reason is required either way; the computed or supplied value is kept beside the override. `value` null removes the override. Counts are whole numbers, FTEs have up to 2 decimals, a rate is a share from 0 to 1, yes/no is 1 or 0; a part may not exceed its whole. Force administrators (their own force) and inspectors.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        // Loose here so that another force's return is not found before the body is judged; the
        // service says what is missing or wrong (400) once it knows the return is the caller's.
        body: z
          .strictObject({
            item: z.string().max(100).optional().meta({ example: 'second-job-approvals' }),
            value: z
              .union([z.number(), z.string().max(40)])
              .nullable()
              .optional(),
            reason: z.string().max(2000).optional(),
          })
          .optional(),
        response: { 200: itemJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      const { item, value, reason } = request.body ?? {}
      try {
        const kind = dataReturnItem(item ?? '')?.kind
        const written =
          typeof value === 'number' && kind && kind !== 'rate' ? writtenItemValue(kind, value) : value
        const result =
          value === null
            ? await dataReturns.removeOverride(request.caller, inspectionId, forceCode, { item, reason })
            : await dataReturns.override(request.caller, inspectionId, forceCode, {
                item,
                value: written,
                reason,
              })
        return itemToJson(result)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )

  // --- the national comparison -------------------------------------------------------------------------------

  app.get(
    '/inspections/:inspectionId/comparison',
    {
      config: { access: INSPECTORS },
      schema: { hide: true, params: inspectionParams, querystring: comparisonQuery },
    },
    async (request, reply) => {
      const { inspectionId } = request.params
      const { sort, order, item } = request.query
      const view = await dataReturns.comparison(request.caller, inspectionId)
      const path = `/inspections/${encodeURIComponent(inspectionId)}/comparison`
      const rows = sortRows(view.rows, sort, order)
      const query = { item }
      const chart = chartOf(view.rows, view.statistics, item)
      return reply.render('data-returns/views/comparison.njk', {
        view,
        rows,
        groups: COMPARISON_GROUPS.map((group) => ({
          ...group,
          head: groupHead(path, query, group, { sort, order }),
        })),
        items: DATA_RETURN_ITEMS,
        chart,
        item,
        sort,
        order,
        path,
        outlierRule: OUTLIER_EXPLANATION,
        csvHref: `${path}.csv`,
        xlsxHref: `${path}.xlsx`,
        withValues: view.rows.filter((row) => row.known > 0).length,
      })
    },
  )

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `/inspections/:inspectionId/comparison.${format}`,
      { config: { access: INSPECTORS }, schema: { hide: true, params: inspectionParams } },
      async (request, reply) => {
        const view = await dataReturns.exportComparison(request.caller, request.params.inspectionId, format)
        return sendExport(
          reply,
          format,
          `comparison-${view.inspection.code}`,
          comparisonColumns(),
          sortRows(view.rows, 'force', 'asc'),
        )
      },
    )
  }

  app.get(
    '/api/inspections/:inspectionId/comparison',
    {
      config: { access: INSPECTORS },
      schema: {
        summary: 'The national comparison of an inspection’s data returns',
        description: `Every force in scope with its values as they stand, rates per 1,000 workforce for counts (the return's workforce, else the reference list's officers), and outliers. ${OUTLIER_RULE} The inspectorate only.`,
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params: inspectionParams,
        response: { 200: comparisonJson },
      },
    },
    async (request) => {
      const view = await dataReturns.comparison(request.caller, request.params.inspectionId)
      return {
        inspection: { id: view.inspection.id, code: view.inspection.code, title: view.inspection.title },
        outlierRule: OUTLIER_RULE,
        forces: sortRows(view.rows, 'force', 'asc').map((row) => ({
          force: { code: row.force.code, name: row.force.name },
          workforce: row.workforce,
          workforceBasis: row.workforceBasis,
          items: Object.fromEntries(
            Object.entries(row.cells).map(([code, cell]) => [
              code,
              { value: cell.value, ratePer1000: cell.rate, position: cell.position, outlier: cell.outlier },
            ]),
          ),
        })),
        statistics: view.statistics.map((column) => ({
          code: column.code,
          measure: column.measure,
          count: column.count,
          nationalRatePer1000: column.nationalRate,
          events: column.events,
          workforce: column.workforce,
        })),
      }
    },
  )
}
