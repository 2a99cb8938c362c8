import { DATA_RETURN_ITEMS, type DataReturnItem, dataReturnItem } from '../../domain/inspections.js'
import { formatItemValue, RATE_ITEMS } from './rules.js'

/**
 * The national comparison, as pure functions over the forces' values: rates per 1,000 workforce,
 * outliers, sorting, and the geometry of the chart. The service reads the values; these do the sums.
 *
 * Outliers: Tukey's fences. For each column, among the forces with a figure, a figure below
 * Q1 − 1.5 × IQR or above Q3 + 1.5 × IQR is flagged (quartiles by linear interpolation). The rule reads
 * the rates per 1,000 for counts (so big forces are not flagged for being big) and the values for the
 * other kinds; it needs at least 5 figures and never flags yes/no items. It is robust: one extreme
 * force does not move the quartiles the way it would move a mean and standard deviation.
 */
export const OUTLIER_MINIMUM = 5
export const OUTLIER_FENCE = 1.5

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
  count: number
  median: number | null
  lowerQuartile: number | null
  upperQuartile: number | null
  lowerFence: number | null
  upperFence: number | null
}

/** The p-quantile of sorted figures, by linear interpolation between the closest ranks. */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  const above = Math.ceil(position)
  const low = sorted[below] as number
  const high = sorted[above] as number
  return low + (high - low) * (position - below)
}

/** Tukey's fences over the figures given (unknowns left out); no fences below OUTLIER_MINIMUM figures. */
export function fences(figures: readonly (number | null)[]) {
  const sorted = figures.filter((figure): figure is number => figure !== null).sort((a, b) => a - b)
  const median = quantile(sorted, 0.5)
  if (sorted.length < OUTLIER_MINIMUM)
    return {
      count: sorted.length,
      median,
      lowerQuartile: null,
      upperQuartile: null,
      lower: null,
      upper: null,
    }
  const lowerQuartile = quantile(sorted, 0.25) as number
  const upperQuartile = quantile(sorted, 0.75) as number
  const spread = upperQuartile - lowerQuartile
  return {
    count: sorted.length,
    median,
    lowerQuartile,
    upperQuartile,
    lower: lowerQuartile - OUTLIER_FENCE * spread,
    upper: upperQuartile + OUTLIER_FENCE * spread,
  }
}

export function outlierOf(
  figure: number | null,
  bounds: { lower: number | null; upper: number | null },
): Outlier {
  if (figure === null || bounds.lower === null || bounds.upper === null) return null
  // A hair of tolerance, so a figure equal to a fence (after rounding) is not flagged.
  if (figure > bounds.upper + 1e-9) return 'high'
  if (figure < bounds.lower - 1e-9) return 'low'
  return null
}

const rateFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

export function formatRate(rate: number | null): string {
  return rate === null ? '' : rateFormat.format(rate)
}

const isRateItem = (item: DataReturnItem) => RATE_ITEMS.some((candidate) => candidate.code === item.code)

/** The figure of a cell the outlier rule and the chart read: the rate for counts, else the value. */
export function measureOf(item: DataReturnItem, cell: ComparisonCell): number | null {
  return isRateItem(item) ? cell.rate : cell.value
}

/** Builds the table: each force's values, rates per 1,000 workforce, and outliers per column. */
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
          ? (value / workforce) * 1000
          : null
      cells[item.code] = {
        value,
        display: value === null ? '' : formatItemValue(item.kind, value),
        rate,
        rateDisplay: formatRate(rate),
        outlier: null,
      }
    }
    return { force, workforce: workforce ?? null, workforceBasis, cells, known }
  })
  const statistics: ColumnStatistics[] = DATA_RETURN_ITEMS.map((item) => {
    const measure = isRateItem(item) ? 'rate' : 'value'
    const bounds =
      item.kind === 'yes-no'
        ? { ...fences([]), count: 0 }
        : fences(rows.map((row) => measureOf(item, row.cells[item.code] as ComparisonCell)))
    for (const row of rows) {
      const cell = row.cells[item.code] as ComparisonCell
      cell.outlier = outlierOf(measureOf(item, cell), bounds)
    }
    return {
      code: item.code,
      measure,
      count: bounds.count,
      median: bounds.median,
      lowerQuartile: bounds.lowerQuartile,
      upperQuartile: bounds.upperQuartile,
      lowerFence: bounds.lower,
      upperFence: bounds.upper,
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

export interface ChartBar {
  label: string
  figure: number
  display: string
  y: number
  /** Where the bar starts (the zero line, or the figure when it is negative) and how long it is. */
  x: number
  width: number
  outlier: Outlier
}

export interface Chart {
  item: DataReturnItem
  measure: 'rate' | 'value'
  title: string
  description: string
  width: number
  height: number
  labelWidth: number
  plotWidth: number
  barHeight: number
  bars: ChartBar[]
  median: { x: number; display: string } | null
  /** Where zero is on the plot. */
  zeroX: number
  /** Forces left out for having no figure. */
  missing: number
}

const CHART_WIDTH = 720
const LABEL_WIDTH = 230
const VALUE_WIDTH = 70
const BAR_HEIGHT = 16
const BAR_GAP = 6
const TOP = 28

/**
 * A horizontal bar chart of one item across the forces, largest first, with the median marked: the
 * rate per 1,000 workforce for counts, the value otherwise. Coordinates only; the page draws the SVG.
 */
export function chartOf(
  rows: readonly ComparisonRow[],
  statistics: readonly ColumnStatistics[],
  code: string,
): Chart {
  const item = dataReturnItem(code) ?? (DATA_RETURN_ITEMS[0] as DataReturnItem)
  const measure = isRateItem(item) ? 'rate' : 'value'
  const known = rows
    .map((row) => ({ row, cell: row.cells[item.code] as ComparisonCell }))
    .map(({ row, cell }) => ({ row, cell, figure: measureOf(item, cell) }))
    .filter((entry): entry is typeof entry & { figure: number } => entry.figure !== null)
    .sort((a, b) => b.figure - a.figure || a.row.force.name.localeCompare(b.row.force.name))
  const plotWidth = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
  const low = Math.min(0, ...known.map((entry) => entry.figure))
  const high = Math.max(0, ...known.map((entry) => entry.figure))
  const span = high - low || 1
  const x = (figure: number) => ((figure - low) / span) * plotWidth
  const show = (figure: number) =>
    measure === 'rate' ? formatRate(figure) : formatItemValue(item.kind, figure)
  const bars = known.map(({ row, cell, figure }, index) => ({
    label: row.force.name,
    figure,
    display: show(figure),
    y: TOP + index * (BAR_HEIGHT + BAR_GAP),
    x: Math.min(x(figure), x(0)),
    width: Math.abs(x(figure) - x(0)),
    outlier: cell.outlier,
  }))
  const median = statistics.find((column) => column.code === item.code)?.median ?? null
  const what = measure === 'rate' ? `${item.label} per 1,000 workforce` : item.label
  const top = known[0]
  const description = known.length
    ? `${known.length} forces, largest first. Highest: ${top?.row.force.name} (${show(top?.figure as number)}). Median: ${median === null ? 'none' : show(median)}.${
        bars.some((bar) => bar.outlier)
          ? ` Outliers: ${bars
              .filter((bar) => bar.outlier)
              .map((bar) => bar.label)
              .join(', ')}.`
          : ' No outliers.'
      }`
    : 'No force has a figure for this item yet.'
  return {
    item,
    measure,
    title: what,
    description,
    width: CHART_WIDTH,
    height: TOP + Math.max(1, known.length) * (BAR_HEIGHT + BAR_GAP) + 10,
    labelWidth: LABEL_WIDTH,
    plotWidth,
    barHeight: BAR_HEIGHT,
    bars: bars.map((bar) => ({
      ...bar,
      x: Math.round(bar.x * 10) / 10,
      width: Math.round(bar.width * 10) / 10,
    })),
    zeroX: Math.round(x(0) * 10) / 10,
    median:
      median === null || !known.length ? null : { x: Math.round(x(median) * 10) / 10, display: show(median) },
    missing: rows.length - known.length,
  }
}
