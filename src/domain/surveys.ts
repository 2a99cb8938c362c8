/**
 * Survey estimates from weighted respondents: weighted shares, their 95% confidence intervals widened
 * by the design effect of unequal weights (Kish), suppression of small bases, and whether a share
 * moved significantly between two waves. Pure arithmetic: the module feeds it sums from the database.
 */

/** An answer option of a question; `trend` names it across questionnaire versions. */
export interface AnswerOption {
  code: string
  label: string
  trend: string
}

/**
 * A question of one questionnaire version. `trend` is the same in every version that asks something
 * comparable (a reworded question keeps it; a new one gets its own), so trends stay valid across
 * waves; `headline` marks the question the national review quotes.
 */
export interface Question {
  code: string
  text: string
  trend: string
  options: AnswerOption[]
  /** The option codes whose shares together make the headline figure (e.g. "a big" + "a fairly big problem"). */
  headline?: { label: string; options: string[] }
}

/** The two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054

/** The default smallest unweighted base a share is shown for. */
export const DEFAULT_MINIMUM_BASE = 100

/** A group of respondents as the estimates need them: how many, and the sums of their weights and squares. */
export interface WeightSums {
  n: number
  sumW: number
  sumW2: number
}

export const NO_ONE: WeightSums = { n: 0, sumW: 0, sumW2: 0 }

export function addSums(a: WeightSums, b: WeightSums): WeightSums {
  return { n: a.n + b.n, sumW: a.sumW + b.sumW, sumW2: a.sumW2 + b.sumW2 }
}

export function sumsOf(weights: readonly number[]): WeightSums {
  return weights.reduce<WeightSums>((sums, w) => addSums(sums, { n: 1, sumW: w, sumW2: w * w }), NO_ONE)
}

/** Kish's effective sample size, (Σw)² / Σw²: n when every weight is equal, fewer the more they vary. */
export function effectiveBase(base: WeightSums): number {
  return base.sumW2 > 0 ? (base.sumW * base.sumW) / base.sumW2 : 0
}

/** Kish's design effect of the weights, n / effective n (1 for equal weights). */
export function designEffect(base: WeightSums): number {
  const effective = effectiveBase(base)
  return effective > 0 ? base.n / effective : 1
}

export interface Estimate {
  /** Unweighted respondents who answered the question. */
  base: number
  effectiveBase: number
  /** Below the minimum base: share and interval are withheld. */
  suppressed: boolean
  /** Weighted share, 0 to 1; null when suppressed. */
  share: number | null
  lower: number | null
  upper: number | null
}

/**
 * The weighted share of a base who gave an answer, with its 95% interval p ± z·√(p(1−p)/n_eff) (kept
 * within 0 and 1). Withheld when fewer than `minimumBase` respondents answered.
 */
export function estimateShare(answerWeight: number, base: WeightSums, minimumBase: number): Estimate {
  const effective = effectiveBase(base)
  if (base.n < minimumBase || base.sumW <= 0)
    return { base: base.n, effectiveBase: effective, suppressed: true, share: null, lower: null, upper: null }
  const share = answerWeight / base.sumW
  const margin = Z_95 * Math.sqrt((share * (1 - share)) / effective)
  return {
    base: base.n,
    effectiveBase: effective,
    suppressed: false,
    share,
    lower: Math.max(0, share - margin),
    upper: Math.min(1, share + margin),
  }
}

export interface Change {
  /** Later share minus earlier share. */
  difference: number
  /** The difference over its standard error. */
  z: number
  /** Whether the change is significant at the 5% level (two-sided). */
  significant: boolean
}

/**
 * The change between two waves' shares, tested as two independent proportions on their effective
 * sizes: z = (p₂ − p₁) / √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂). Null when either share is withheld.
 */
export function compareShares(earlier: Estimate, later: Estimate): Change | null {
  if (earlier.share === null || later.share === null) return null
  const p1 = earlier.share
  const p2 = later.share
  const difference = p2 - p1
  const variance = (p1 * (1 - p1)) / earlier.effectiveBase + (p2 * (1 - p2)) / later.effectiveBase
  if (variance === 0) {
    // Both shares are 0 or 1 exactly: any difference is certain, none is none.
    return {
      difference,
      z: difference === 0 ? 0 : Math.sign(difference) * Infinity,
      significant: difference !== 0,
    }
  }
  const z = difference / Math.sqrt(variance)
  return { difference, z, significant: Math.abs(z) > Z_95 }
}

/**
 * A published table's cell where the weights are not held: its base counts as its own effective size
 * (no design effect is known), and the answer's weight is the share of it.
 */
export function publishedSums(base: number): WeightSums {
  return { n: base, sumW: base, sumW2: base }
}
