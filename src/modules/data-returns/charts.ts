import { FUNNEL_WORDING, type FunnelPosition, rateLimits } from '../../domain/funnel.js'
import { DATA_RETURN_ITEMS, type DataReturnItem, dataReturnItem } from '../../domain/inspections.js'
import {
  type ColumnStatistics,
  type ComparisonCell,
  type ComparisonRow,
  formatRate,
  isRateItem,
  PER,
} from './comparison.js'
import { formatItemValue } from './rules.js'

/**
 * The comparison page's chart of one item, as coordinates (the page draws the SVG, with the table of
 * its figures beside it): a funnel plot for counts (rate per 1,000 against workforce, with the national
 * rate and its 95% and 99.8% limits), a bar chart for the other items.
 */

const CHART_WIDTH = 720
const round1 = (figure: number) => Math.round(figure * 10) / 10
const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 })

/** About `wanted` round steps (1, 2 or 5 × 10ⁿ) from 0 to at least `high`. */
export function niceTicks(high: number, wanted = 5): number[] {
  const top = high > 0 ? high : 1
  const rough = top / wanted
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ??
    10 * power) as number
  const ticks: number[] = []
  for (let tick = 0; tick < top + step - 1e-9; tick += step) ticks.push(Math.round(tick * 1e6) / 1e6)
  return ticks
}

export interface ChartBar {
  label: string
  figure: number
  display: string
  y: number
  /** Where the bar starts (the zero line, or the figure when it is negative) and how long it is. */
  x: number
  width: number
}

export interface BarChart {
  kind: 'bars'
  item: DataReturnItem
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

export interface FunnelPoint {
  label: string
  workforce: number
  workforceDisplay: string
  count: number
  rateDisplay: string
  position: FunnelPosition
  wording: string
  cx: number
  cy: number
  /** Whether the chart names the force beside its point (outside the 95% limits). */
  named: boolean
}

export interface FunnelChart {
  kind: 'funnel'
  item: DataReturnItem
  title: string
  description: string
  width: number
  height: number
  plot: { left: number; top: number; width: number; height: number }
  xTicks: { x: number; label: string }[]
  yTicks: { y: number; label: string }[]
  national: { y: number; display: string } | null
  /** SVG polyline points of each limit line. */
  limits: Record<'upper998' | 'lower998' | 'upper95' | 'lower95', string>
  points: FunnelPoint[]
  missing: number
}

export type Chart = BarChart | FunnelChart

const LABEL_WIDTH = 230
const VALUE_WIDTH = 70
const BAR_HEIGHT = 16
const BAR_GAP = 6
const TOP = 28

function median(sorted: readonly number[]): number | null {
  if (!sorted.length) return null
  const middle = (sorted.length - 1) / 2
  return ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2
}

/** A horizontal bar chart of one item's values across the forces, largest first, with the median marked. */
function barChartOf(rows: readonly ComparisonRow[], item: DataReturnItem): BarChart {
  const known = rows
    .map((row) => ({ row, figure: (row.cells[item.code] as ComparisonCell).value }))
    .filter((entry): entry is typeof entry & { figure: number } => entry.figure !== null)
    .sort((a, b) => b.figure - a.figure || a.row.force.name.localeCompare(b.row.force.name))
  const plotWidth = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
  const low = Math.min(0, ...known.map((entry) => entry.figure))
  const high = Math.max(0, ...known.map((entry) => entry.figure))
  const span = high - low || 1
  const x = (figure: number) => ((figure - low) / span) * plotWidth
  const show = (figure: number) => formatItemValue(item.kind, figure)
  const middle = median(known.map((entry) => entry.figure).sort((a, b) => a - b))
  const top = known[0]
  return {
    kind: 'bars',
    item,
    title: item.label,
    description: known.length
      ? `${known.length} forces, largest first. Highest: ${top?.row.force.name} (${show(top?.figure as number)}). Median: ${middle === null ? 'none' : show(middle)}.`
      : 'No force has a figure for this item yet.',
    width: CHART_WIDTH,
    height: TOP + Math.max(1, known.length) * (BAR_HEIGHT + BAR_GAP) + 10,
    labelWidth: LABEL_WIDTH,
    plotWidth,
    barHeight: BAR_HEIGHT,
    bars: known.map(({ row, figure }, index) => ({
      label: row.force.name,
      figure,
      display: show(figure),
      y: TOP + index * (BAR_HEIGHT + BAR_GAP),
      x: round1(Math.min(x(figure), x(0))),
      width: round1(Math.abs(x(figure) - x(0))),
    })),
    zeroX: round1(x(0)),
    median: middle === null || !known.length ? null : { x: round1(x(middle)), display: show(middle) },
    missing: rows.length - known.length,
  }
}

const FUNNEL_HEIGHT = 440
const FUNNEL_PLOT = { left: 64, top: 16, width: CHART_WIDTH - 64 - 24, height: FUNNEL_HEIGHT - 16 - 64 }
const FUNNEL_SAMPLES = 120

/**
 * A funnel plot of one count: each force's rate per 1,000 workforce against its workforce, the national
 * rate across, and the exact Poisson 95% and 99.8% limits around it, which narrow as workforce grows.
 */
function funnelChartOf(
  rows: readonly ComparisonRow[],
  statistics: readonly ColumnStatistics[],
  item: DataReturnItem,
): FunnelChart {
  const column = statistics.find((entry) => entry.code === item.code)
  const nationalRate = column?.nationalRate ?? null
  const shown = rows
    .map((row) => ({ row, cell: row.cells[item.code] as ComparisonCell }))
    .filter(({ row, cell }) => cell.rate !== null && cell.position !== null && row.workforce !== null)
  const plot = FUNNEL_PLOT
  const xTicks = niceTicks(Math.max(1, ...shown.map(({ row }) => row.workforce as number)) * 1.05)
  const xMax = xTicks.at(-1) as number
  const highest = Math.max(
    ...shown.map(({ cell }) => cell.rate as number),
    nationalRate === null ? 0 : nationalRate * 2,
    0.1,
  )
  const yTicks = niceTicks(highest * 1.1)
  const yMax = yTicks.at(-1) as number
  const px = (workforce: number) => plot.left + (workforce / xMax) * plot.width
  const py = (rate: number) => plot.top + plot.height - (rate / yMax) * plot.height
  const limits = { upper998: [], lower998: [], upper95: [], lower95: [] } as Record<
    keyof FunnelChart['limits'],
    string[]
  >
  if (nationalRate !== null && nationalRate > 0)
    for (let index = 1; index <= FUNNEL_SAMPLES; index++) {
      // More samples where the funnel is narrow-necked (small workforces), where the limits move fast.
      const workforce = xMax * (index / FUNNEL_SAMPLES) ** 2
      const at = rateLimits(nationalRate / PER, workforce, PER)
      for (const key of Object.keys(limits) as (keyof typeof limits)[])
        limits[key].push(`${round1(px(workforce))},${round1(py(Math.min(at[key], yMax * 2)))}`)
    }
  const points: FunnelPoint[] = shown
    .map(({ row, cell }) => {
      const position = cell.position as FunnelPosition
      return {
        label: row.force.name,
        workforce: row.workforce as number,
        workforceDisplay: numberFormat.format(row.workforce as number),
        count: cell.value as number,
        rateDisplay: cell.rateDisplay,
        position,
        wording: FUNNEL_WORDING[position],
        cx: round1(px(row.workforce as number)),
        cy: round1(py(cell.rate as number)),
        named: position !== 'within',
      }
    })
    .sort((a, b) => a.label.localeCompare(b.label))
  const beyond = (prefix: string) =>
    points.filter((point) => point.position.startsWith(prefix)).map((point) => point.label)
  const above = beyond('above')
  const below = beyond('below')
  const title = `${item.label} per 1,000 workforce`
  return {
    kind: 'funnel',
    item,
    title,
    description: points.length
      ? `Funnel plot of ${points.length} forces: rate per 1,000 workforce against workforce. National rate ${formatRate(nationalRate)} per 1,000. ${
          above.length
            ? `Above the 95% limit or beyond: ${above.join(', ')}. `
            : 'No force above the limits. '
        }${below.length ? `Below the 95% limit or beyond: ${below.join(', ')}.` : 'No force below the limits.'}`
      : 'No force has a rate for this item yet.',
    width: CHART_WIDTH,
    height: FUNNEL_HEIGHT,
    plot,
    xTicks: xTicks.map((tick) => ({ x: round1(px(tick)), label: numberFormat.format(tick) })),
    yTicks: yTicks.map((tick) => ({ y: round1(py(tick)), label: numberFormat.format(tick) })),
    national:
      nationalRate === null ? null : { y: round1(py(nationalRate)), display: formatRate(nationalRate) },
    limits: {
      upper998: limits.upper998.join(' '),
      lower998: limits.lower998.join(' '),
      upper95: limits.upper95.join(' '),
      lower95: limits.lower95.join(' '),
    },
    points,
    missing: rows.length - points.length,
  }
}

/** The chart of the item `code`: a funnel plot for counts, else a bar chart. */
export function chartOf(
  rows: readonly ComparisonRow[],
  statistics: readonly ColumnStatistics[],
  code: string,
): Chart {
  const item = dataReturnItem(code) ?? (DATA_RETURN_ITEMS[0] as DataReturnItem)
  return isRateItem(item) ? funnelChartOf(rows, statistics, item) : barChartOf(rows, item)
}
