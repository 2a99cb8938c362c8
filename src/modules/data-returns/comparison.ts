import { type FunnelPosition, funnelPosition, pooledRate } from '../../domain/funnel.js'
import { DATA_RETURN_ITEMS, type DataReturnItem } from '../../domain/inspections.js'
import { formatItemValue, RATE_ITEMS } from './rules.js'

/**
 * The national comparison, as pure functions over the forces' values: rates per 1,000 workforce,
 * outliers, sorting, and the geometry of the charts. The service reads the values; these do the sums.
 *
 * Outliers: a funnel plot for each count (src/domain/funnel.ts). The national rate is every force's count
 * over every force's workforce; each force's count is set against the exact Poisson limits for a force of
 * its workforce at that rate, at 95% and 99.8%. A count beyond the 99.8% limits is an outlier (high or
 * low); beyond the 95% limits it is marked but not called an outlier. Small counts are judged fairly: a
 * force expected to have a fraction of a case is not flagged for having one. Items that are not counts
 * (unit staffing, the plan, policy awareness) have no funnel and are not judged.
 */

export interface ComparisonForce {
  id: number
  code: string
  name: string
  /** Officers (FTE), March 2012, from the reference list: the denominator when the return has no workforce. */
  officersFte: number | null
}

export interface ComparisonInput {
  force: ComparisonForce
  /** The values as they stand (override, else computed or supplied); null where the return has none. */
  values: Record<string, number | null>
}

export type Outlier = 'high' | 'low' | null

export interface ComparisonCell {
  value: number | null
  display: string
  /** Per 1,000 workforce, for counts; null otherwise or when unknown. */
  rate: number | null
  rateDisplay: string
  /** Where the count falls on the funnel; null for items that are not counts, or without a rate. */
  position: FunnelPosition | null
  /** Beyond the 99.8% limits: high or low. */
  outlier: Outlier
}

export interface ComparisonRow {
  force: ComparisonForce
  /** The denominator of the rates, and where it came from. */
  workforce: number | null
  workforceBasis: 'return' | 'reference list' | null
  cells: Record<string, ComparisonCell>
  /** How many of the return's items have a value. */
  known: number
}

export interface ColumnStatistics {
  code: string
  /** Whether the figures are rates per 1,000 (counts) or the values themselves. */
  measure: 'rate' | 'value'
  /** How many forces have a figure (a rate, for counts). */
  count: number
  /** For counts: the national rate per 1,000 workforce, over the forces with a rate; null otherwise. */
  nationalRate: number | null
  /** For counts: the forces' counts and workforce the national rate is made of. */
  events: number | null
  workforce: number | null
}

/** The outlier of a funnel position: only beyond the 99.8% limits. */
export function outlierOf(position: FunnelPosition | null): Outlier {
  if (position === 'above-99.8') return 'high'
  if (position === 'below-99.8') return 'low'
  return null
}

const rateFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

export function formatRate(rate: number | null): string {
  return rate === null ? '' : rateFormat.format(rate)
}

/** Rates are per this much workforce. */
export const PER = 1000

export const isRateItem = (item: DataReturnItem) =>
  RATE_ITEMS.some((candidate) => candidate.code === item.code)

/** Builds the table: each force's values, rates per 1,000 workforce, and each count's place on its funnel. */
export function buildComparison(inputs: readonly ComparisonInput[]): {
  rows: ComparisonRow[]
  statistics: ColumnStatistics[]
} {
  const rows: ComparisonRow[] = inputs.map(({ force, values }) => {
    const returned = values.workforce ?? null
    const workforce = returned !== null && returned > 0 ? returned : force.officersFte
    const workforceBasis =
      returned !== null && returned > 0 ? 'return' : force.officersFte !== null ? 'reference list' : null
    const cells: Record<string, ComparisonCell> = {}
    let known = 0
    for (const item of DATA_RETURN_ITEMS) {
      const value = values[item.code] ?? null
      if (value !== null) known++
      const rate =
        isRateItem(item) && value !== null && workforce !== null && workforce > 0
          ? (value / workforce) * PER
          : null
      cells[item.code] = {
        value,
        display: value === null ? '' : formatItemValue(item.kind, value),
        rate,
        rateDisplay: formatRate(rate),
        position: null,
        outlier: null,
      }
    }
    return { force, workforce: workforce ?? null, workforceBasis, cells, known }
  })
  const statistics: ColumnStatistics[] = DATA_RETURN_ITEMS.map((item) => {
    if (!isRateItem(item))
      return {
        code: item.code,
        measure: 'value',
        count: rows.filter((row) => row.cells[item.code]?.value !== null).length,
        nationalRate: null,
        events: null,
        workforce: null,
      }
    const rated = rows
      .map((row) => ({ cell: row.cells[item.code] as ComparisonCell, size: row.workforce ?? 0 }))
      .filter(({ cell }) => cell.rate !== null)
    const units = rated.map(({ cell, size }) => ({ count: cell.value as number, size }))
    const national = pooledRate(units)
    if (national !== null)
      for (const { cell, size } of rated) {
        cell.position = funnelPosition({ count: cell.value as number, size }, national)
        cell.outlier = outlierOf(cell.position)
      }
    return {
      code: item.code,
      measure: 'rate',
      count: rated.length,
      nationalRate: national === null ? null : national * PER,
      events: units.reduce((sum, unit) => sum + unit.count, 0),
      workforce: units.reduce((sum, unit) => sum + unit.size, 0),
    }
  })
  return { rows, statistics }
}

/** The columns the table sorts by: the force, each item's value, and each count's rate. */
export const COMPARISON_SORTS: readonly string[] = [
  'force',
  'workforce-basis',
  ...DATA_RETURN_ITEMS.map((item) => item.code),
  ...RATE_ITEMS.map((item) => `rate-${item.code}`),
]

/** Sorts rows by a column; forces without a figure go last whichever the order, then by name. */
export function sortRows(
  rows: readonly ComparisonRow[],
  sort: string,
  order: 'asc' | 'desc',
): ComparisonRow[] {
  const byName = (a: ComparisonRow, b: ComparisonRow) => a.force.name.localeCompare(b.force.name)
  if (sort === 'force') return [...rows].sort((a, b) => (order === 'asc' ? byName(a, b) : byName(b, a)))
  const figure = (row: ComparisonRow): number | null => {
    if (sort === 'workforce-basis') return row.workforce
    if (sort.startsWith('rate-')) return row.cells[sort.slice(5)]?.rate ?? null
    return row.cells[sort]?.value ?? null
  }
  return [...rows].sort((a, b) => {
    const x = figure(a)
    const y = figure(b)
    if (x === null && y === null) return byName(a, b)
    if (x === null) return 1
    if (y === null) return -1
    return (order === 'asc' ? x - y : y - x) || byName(a, b)
  })
}
