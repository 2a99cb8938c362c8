/**
 * Funnel plots: each unit's count of events against what the pooled (national) rate predicts for its
 * size, with control limits that narrow as the size grows. The limits are EXACT Poisson quantiles (no
 * normal approximation), so they hold for small counts: a force expected to have 0.2 cases that has one
 * is well inside them, where a rule on the spread of the rates (a median of 0) would flag it.
 *
 * For a unit of size n at the pooled rate p the expected count is λ = p·n. The lower limit at level L
 * (0.95 or 0.998) is the smallest k with P(X ≤ k) ≥ (1 − L)/2, the upper the smallest k with
 * P(X ≤ k) ≥ 1 − (1 − L)/2, X ~ Poisson(λ). A count above the upper limit is "above the limit"; below
 * the lower limit, "below". The limits are shown as rates per `scale` of size (per 1,000 workforce).
 */

export const FUNNEL_LEVELS = [0.95, 0.998] as const
export type FunnelLevel = (typeof FUNNEL_LEVELS)[number]

/** Where a unit falls: beyond the 99.8% limits, between the 95% and 99.8% limits, or within the 95%. */
export type FunnelPosition = 'above-99.8' | 'above-95' | 'within' | 'below-95' | 'below-99.8'

export interface FunnelUnit {
  count: number
  size: number
}

/** The smallest k with P(X ≤ k) ≥ probability, X ~ Poisson(mean). Exact: summed term by term in logs. */
export function poissonQuantile(mean: number, probability: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError('The mean must be a finite number ≥ 0')
  if (!(probability > 0 && probability < 1)) throw new RangeError('The probability must be between 0 and 1')
  if (mean === 0) return 0
  const logMean = Math.log(mean)
  let logTerm = -mean
  let cumulative = Math.exp(logTerm)
  let k = 0
  // Far enough past the mean that the tail is below any probability we ask about.
  const ceiling = Math.ceil(mean + 40 * Math.sqrt(mean) + 50)
  while (cumulative < probability && k < ceiling) {
    k++
    logTerm += logMean - Math.log(k)
    cumulative += Math.exp(logTerm)
  }
  return k
}

/** The lower and upper count limits at `level` for a unit expected to have `expected` events. */
export function countLimits(expected: number, level: FunnelLevel): { lower: number; upper: number } {
  const tail = (1 - level) / 2
  return { lower: poissonQuantile(expected, tail), upper: poissonQuantile(expected, 1 - tail) }
}

/** The pooled rate: all the events over all the sizes (units without a positive size left out); null if none. */
export function pooledRate(units: readonly FunnelUnit[]): number | null {
  let count = 0
  let size = 0
  for (const unit of units) {
    if (!(unit.size > 0)) continue
    count += unit.count
    size += unit.size
  }
  return size > 0 ? count / size : null
}

/** Where a count falls against the limits for its size at the pooled rate. */
export function funnelPosition(unit: FunnelUnit, rate: number): FunnelPosition {
  const expected = rate * unit.size
  const outer = countLimits(expected, 0.998)
  if (unit.count > outer.upper) return 'above-99.8'
  if (unit.count < outer.lower) return 'below-99.8'
  const inner = countLimits(expected, 0.95)
  if (unit.count > inner.upper) return 'above-95'
  if (unit.count < inner.lower) return 'below-95'
  return 'within'
}

/** The limits as rates per `scale` at size `size`, for drawing the funnel. */
export function rateLimits(
  rate: number,
  size: number,
  scale: number,
): Record<'lower95' | 'upper95' | 'lower998' | 'upper998', number> {
  const expected = rate * size
  const inner = countLimits(expected, 0.95)
  const outer = countLimits(expected, 0.998)
  const per = (count: number) => (count / size) * scale
  return {
    lower95: per(inner.lower),
    upper95: per(inner.upper),
    lower998: per(outer.lower),
    upper998: per(outer.upper),
  }
}

/** Plain words for each position, as pages say them. */
export const FUNNEL_WORDING: Record<FunnelPosition, string> = {
  'above-99.8': 'Above the 99.8% limit',
  'above-95': 'Above the 95% limit',
  within: 'Within the limits',
  'below-95': 'Below the 95% limit',
  'below-99.8': 'Below the 99.8% limit',
}
