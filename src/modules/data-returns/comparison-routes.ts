import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { FUNNEL_WORDING } from '../../domain/funnel.js'
import { DATA_RETURN_ITEMS, dataReturnItem } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { sortableHead } from '../../web/lists.js'
import { chartOf } from './charts.js'
import { COMPARISON_SORTS, type ComparisonRow, sortRows } from './comparison.js'
import { RATE_ITEMS } from './rules.js'

const INSPECTORS: Access = ['inspector']

const inspectionParams = z.object({ inspectionId: z.string().max(100) })

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
const OUTLIER_EXPLANATION = [
  'Counts are judged on a funnel plot. The national rate is every force’s count over every force’s workforce, per 1,000. For a force of a given size, the funnel’s limits are where its count would fall by chance 95% and 99.8% of the time if its true rate were the national one: wide for small forces, narrower for big ones, so a force is not marked out for a case or two.',
  '“Above the 99.8% limit” means a count that high would happen by chance less than once in 1,000 at the national rate: the force is tagged as an outlier, and it is worth asking why. “Above the 95% limit” means less than once in 40: worth a look, but among 44 forces one or two will be there by chance alone. “Below” reads the same way for counts lower than expected.',
  'The limits are exact Poisson limits (no normal approximation), so they hold for small counts. Items that are not counts (the unit’s staffing, the plan, policy awareness) are shown but not judged.',
]
const OUTLIER_RULE =
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

/** The national comparison of an inspection's data returns: its page, its downloads and the API. */
export const dataReturnComparisonRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { dataReturns } = services

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
