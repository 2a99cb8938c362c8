import {
  type AnswerOption,
  addSums,
  type Change,
  compareShares,
  type Estimate,
  estimateShare,
  NO_ONE,
  publishedSums,
  type Question,
  type WeightSums,
} from '../../domain/surveys.js'

/**
 * A wave's estimates for every question, answer and area, built from the sums the database gives
 * (per stratum for respondents, per cell for published tables): national, each region, and each force
 * area where the strata are forces. The arithmetic is src/domain/surveys.ts's.
 */

export type AreaKind = 'national' | 'region' | 'force'

export interface Area {
  kind: AreaKind
  /** `national`, `region:<name>` or `force:<code>`: how pages and files name it. */
  key: string
  name: string
}

export const NATIONAL: Area = { kind: 'national', key: 'national', name: 'England and Wales' }

/** Respondents of one stratum who gave one answer to one question, as the database sums them. */
export interface StratumSums extends WeightSums {
  forceCode: string | null
  region: string
  question: string
  answer: string
}

/** One cell of a published table: national when `region` is null. */
export interface PublishedCell {
  question: string
  answer: string
  region: string | null
  base: number
  /** 0 to 1. */
  share: number
}

/** Who answered one question in one area, and the weight behind each answer. */
interface Tally {
  base: WeightSums
  answers: Map<string, number>
  /** A published table's cells each carry their own base; respondents share the question's. */
  bases?: Map<string, WeightSums>
}

/** Area key → question code → tally. */
export type Tallies = Map<string, { area: Area; questions: Map<string, Tally> }>

function tallyOf(tallies: Tallies, area: Area, question: string): Tally {
  let entry = tallies.get(area.key)
  if (!entry) {
    entry = { area, questions: new Map() }
    tallies.set(area.key, entry)
  }
  let tally = entry.questions.get(question)
  if (!tally) {
    tally = { base: NO_ONE, answers: new Map() }
    entry.questions.set(question, tally)
  }
  return tally
}

export function regionArea(name: string): Area {
  return { kind: 'region', key: `region:${name}`, name }
}

/** Adds each stratum's sums to the nation, its region and (where strata are forces) its force area. */
export function tallyRespondents(
  rows: readonly StratumSums[],
  forceNames: ReadonlyMap<string, string>,
): Tallies {
  const tallies: Tallies = new Map()
  for (const row of rows) {
    const areas = [NATIONAL, regionArea(row.region)]
    if (row.forceCode)
      areas.push({
        kind: 'force',
        key: `force:${row.forceCode}`,
        name: forceNames.get(row.forceCode) ?? row.forceCode,
      })
    for (const area of areas) {
      const tally = tallyOf(tallies, area, row.question)
      tally.base = addSums(tally.base, row)
      tally.answers.set(row.answer, (tally.answers.get(row.answer) ?? 0) + row.sumW)
    }
  }
  return tallies
}

export function tallyPublished(cells: readonly PublishedCell[]): Tallies {
  const tallies: Tallies = new Map()
  for (const cell of cells) {
    const tally = tallyOf(tallies, cell.region === null ? NATIONAL : regionArea(cell.region), cell.question)
    const base = publishedSums(cell.base)
    tally.bases ??= new Map()
    tally.bases.set(cell.answer, base)
    if (cell.base > tally.base.n) tally.base = base
    tally.answers.set(cell.answer, cell.share * cell.base)
  }
  return tallies
}

export interface AnswerResult {
  option: AnswerOption
  estimate: Estimate
  /** Since the wave before, where it asked the same (mapped) question and answer. */
  change: Change | null
}

export interface AreaResult {
  area: Area
  base: number
  effectiveBase: number
  answers: AnswerResult[]
  /** The question's headline (its options together), where it has one. */
  headline: { label: string; estimate: Estimate; change: Change | null } | null
}

export interface QuestionResult {
  question: Question
  areas: AreaResult[]
}

const AREA_ORDER: Record<AreaKind, number> = { national: 0, region: 1, force: 2 }

function byArea(a: Area, b: Area): number {
  return AREA_ORDER[a.kind] - AREA_ORDER[b.kind] || a.name.localeCompare(b.name)
}

function headlineOf(question: Question, tally: Tally, minimumBase: number): Estimate | null {
  if (!question.headline) return null
  const chosen = question.headline.options
  const weight = chosen.reduce((sum, code) => sum + (tally.answers.get(code) ?? 0), 0)
  const base = tally.bases ? (tally.bases.get(chosen[0] as string) ?? tally.base) : tally.base
  return estimateShare(weight, base, minimumBase)
}

/** One wave's estimates, with the change from `previous` (the wave before) where it asked the same. */
export function estimatesOf(
  questions: readonly Question[],
  tallies: Tallies,
  minimumBase: number,
  previous?: { questions: readonly QuestionResult[] },
): QuestionResult[] {
  const areas = [...tallies.values()].sort((a, b) => byArea(a.area, b.area))
  return questions.map((question) => {
    const before = previous?.questions.find((candidate) => candidate.question.trend === question.trend)
    const results: AreaResult[] = []
    for (const { area, questions: tallied } of areas) {
      const tally = tallied.get(question.code)
      if (!tally) continue
      const earlier = before?.areas.find((candidate) => candidate.area.key === area.key)
      const answers = question.options.map((option) => {
        const base = tally.bases ? (tally.bases.get(option.code) ?? NO_ONE) : tally.base
        const estimate = estimateShare(tally.answers.get(option.code) ?? 0, base, minimumBase)
        const then = earlier?.answers.find((candidate) => candidate.option.trend === option.trend)
        return { option, estimate, change: then ? compareShares(then.estimate, estimate) : null }
      })
      const headline = headlineOf(question, tally, minimumBase)
      results.push({
        area,
        base: tally.base.n,
        effectiveBase: answers[0]?.estimate.effectiveBase ?? 0,
        answers,
        headline:
          headline && question.headline
            ? {
                label: question.headline.label,
                estimate: headline,
                change: earlier?.headline ? compareShares(earlier.headline.estimate, headline) : null,
              }
            : null,
      })
    }
    return { question, areas: results }
  })
}
