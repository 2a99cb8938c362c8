import type { Caller } from '../../domain/access.js'
import { DATA_RETURN_ITEMS, type DataReturnKind, STATEMENT_ITEMS } from '../../domain/inspections.js'
import {
  HEADLINE_JUDGEMENTS,
  type HeadlineJudgement,
  type OptionalStatement,
  type PressReleaseFacts,
} from '../../domain/press-release-facts.js'

/**
 * The facts every published document of a force states, built once by `factsFor`. The press release,
 * the force report, the national review and the open data are all written from these, so a figure in
 * one always equals the figure in the others.
 */

/** The inspection as the documents name it. */
export interface InspectionSummary {
  id: string
  code: string
  title: string
  dataFrom: string
  dataTo: string
  censusDate: string
  fieldworkFrom: string | null
  fieldworkTo: string | null
  revisits: { code: string; title: string; censusDate: string } | null
}

/** One data-return item with its value (null: not returned). */
export interface Figure {
  code: string
  label: string
  definition: string
  kind: DataReturnKind
  value: number | null
}

export interface FindingFact {
  area: string
  kind: string
  text: string
}

export interface RecommendationFact {
  code: string | null
  text: string
  status: string | null
  basis: string | null
}

/** Everything a force's documents state. `pressRelease` is in the fixtures' shape. */
export interface ForceFacts {
  pressRelease: PressReleaseFacts
  force: { code: string; name: string; region: string | null }
  inspection: InspectionSummary
  figures: Figure[]
  findings: FindingFact[]
  recommendations: RecommendationFact[]
  /** The HM Inspector's quote, one paragraph per item. */
  quote: string[]
  /** The release's notes to editors, from the inspection's settings (absent in facts stored before them). */
  notesToEditors?: string[]
  /** The HMI's honours, as the release writes them after the name (from the forces' reference data). */
  hmiHonours?: string | null
  /**
   * Why the release may not name the force's region and HMI (not recorded, or not confirmed): shown to
   * the editor on the draft, and approval is refused while it stands. Null when they are confirmed.
   */
  referenceGap?: string | null
}

/** A desk-research exercise's summary figures, as the national review quotes them. */
export interface ResearchFacts {
  code: string
  name: string
  periodFrom: string
  periodTo: string
  profilesReviewed: number
  instances: number
  profilesWithInstances: number
  /** Confirmed instances by platform, largest first; `percent` of all instances. */
  platforms: { label: string; instances: number; percent: number }[]
}

/**
 * A survey's headline result, as the national review quotes it: the weighted share of the public giving
 * an answer in the latest wave, and the wave before when there is one (P12's surveys supply these).
 */
export interface SurveyHeadline {
  survey: string
  /** Generated data (the demo's), said so wherever it is quoted. */
  synthetic: boolean
  /** What the share is of, to follow "… of the public": "thought corruption was a problem in the police". */
  finding: string
  wave: string
  /** 0 to 1. */
  share: number
  previous: { wave: string; share: number; significant: boolean } | null
  /** The page of the published results. */
  href: string
}

/** The national review's facts: every force's facts, from which totals and distributions are counted. */
export interface NationalFacts {
  inspection: InspectionSummary
  forces: ForceFacts[]
  /** The desk-research exercises over the inspection's period (absent in reviews made before they were quoted). */
  research?: ResearchFacts[]
  /** Survey headline results (absent or empty when no results are held). */
  surveys?: SurveyHeadline[]
}

/** The region as the press office names it: 'Northern' → 'Northern Region'. */
export function regionName(region: string | null): string | null {
  if (!region) return null
  return /\b(region|team)$/i.test(region) ? region : `${region} Region`
}

export function isHeadline(value: unknown): value is HeadlineJudgement {
  return typeof value === 'string' && (HEADLINE_JUDGEMENTS as readonly string[]).includes(value)
}

/**
 * The press release facts from a force's data-return values and what the inspection knows: the one
 * place where data-return item codes become press release fields.
 */
export function pressReleaseFactsOf(input: {
  force: { code: string; name: string }
  hmi: string | null
  region: string | null
  period: { from: string; to: string }
  headline: HeadlineJudgement | null
  /** True when the force submitted its self-assessment; anything else is not a claim that it did not. */
  selfAssessmentSubmitted: boolean
  values: Record<string, number | null | undefined>
}): PressReleaseFacts {
  const value = (code: string): number | null => {
    const found = input.values[code]
    return typeof found === 'number' && Number.isFinite(found) ? found : null
  }
  const whole = (code: string): number | null => {
    const found = value(code)
    return found === null ? null : Math.round(found)
  }
  const investigations = whole('media-disclosure-investigations')
  const applications = whole('second-job-applications')
  const facts: PressReleaseFacts = {
    force: input.force.name,
    forceCode: input.force.code,
    headline: input.headline,
    hmi: input.hmi,
    hmiRegion: regionName(input.region),
    period: { from: input.period.from, to: input.period.to },
    integrityHealthCheck: input.selfAssessmentSubmitted ? true : null,
    mediaDisclosureInvestigations:
      investigations === null
        ? null
        : { total: investigations, continuing: whole('media-disclosure-continuing') },
    socialMediaCasesReferred: whole('social-media-referrals'),
    secondJobApplications:
      applications === null ? null : { applications, approved: whole('second-job-approvals') },
    antiCorruptionUnitStaffChange: whole('acu-staff-change'),
  }
  // A yes/no statement is made only when the return answers it: no answer is no claim.
  for (const [field, code] of Object.entries(STATEMENT_ITEMS) as [OptionalStatement, string][]) {
    const answer = value(code)
    if (answer === 1 || answer === 0) facts[field] = answer === 1
  }
  return facts
}

/** The data-return items with the force's values, in the return's order. */
export function figuresOf(values: Record<string, number | null | undefined>): Figure[] {
  return DATA_RETURN_ITEMS.map((item) => ({
    code: item.code,
    label: item.label,
    definition: item.definition,
    kind: item.kind,
    value: typeof values[item.code] === 'number' ? (values[item.code] as number) : null,
  }))
}

/** Counts of forces by headline judgement, in the scale's order, then forces without one. */
export function headlineDistribution(forces: readonly ForceFacts[]) {
  const rows = HEADLINE_JUDGEMENTS.map((headline) => ({
    headline: headline as string,
    forces: forces.filter((force) => force.pressRelease.headline === headline).map((force) => force.force),
  }))
  const none = forces.filter((force) => !force.pressRelease.headline).map((force) => force.force)
  if (none.length) rows.push({ headline: 'not yet judged', forces: none })
  return rows.map((row) => ({ ...row, count: row.forces.length }))
}

/** Totals of the counted figures across forces; `forces` = how many forces returned the item. */
export function figureTotals(forces: readonly ForceFacts[]) {
  return DATA_RETURN_ITEMS.filter((item) => item.kind === 'count' || item.kind === 'fte-change').map(
    (item) => {
      const values = forces
        .map((force) => force.figures.find((figure) => figure.code === item.code)?.value ?? null)
        .filter((value): value is number => value !== null)
      return {
        code: item.code,
        label: item.label,
        total: values.reduce((sum, value) => sum + value, 0),
        forces: values.length,
      }
    },
  )
}

/** National recommendation progress: per recommendation, how many forces are at each status. */
export function recommendationProgressNationally(forces: readonly ForceFacts[]) {
  const byText = new Map<string, { code: string | null; text: string; counts: Record<string, number> }>()
  for (const force of forces) {
    for (const recommendation of force.recommendations) {
      const key = recommendation.code ?? recommendation.text
      const row = byText.get(key) ?? { code: recommendation.code, text: recommendation.text, counts: {} }
      const status = recommendation.status ?? 'no update'
      row.counts[status] = (row.counts[status] ?? 0) + 1
      byText.set(key, row)
    }
  }
  return [...byText.values()]
}

/** What factsFor needs to read, named by the services that own it (see services.ts for the wiring). */
export interface FactsSources {
  inspection(caller: Caller, inspectionId: string): Promise<InspectionSummary>
  /** The forces in the inspection's scope that the caller may see, in name order. */
  forcesInScope(caller: Caller, inspectionId: string): Promise<{ id: number; code: string; name: string }[]>
  forceFacts(caller: Caller, inspectionId: string, forceCode: string): Promise<ForceFacts>
  /** Every force's facts in the inspection's scope that the caller may see, in name order, read together. */
  allForceFacts(caller: Caller, inspectionId: string): Promise<ForceFacts[]>
  /** The desk research over the inspection's period. */
  research(caller: Caller, inspection: InspectionSummary): Promise<ResearchFacts[]>
  /** The public-opinion surveys' headline results for the inspection's period. */
  surveyHeadlines(caller: Caller, inspection: InspectionSummary): Promise<SurveyHeadline[]>
  /**
   * Why the force's documents may not be approved or published from its data return now (its records
   * changed since it was computed, unacknowledged); null when nothing stands in the way.
   */
  staleReturn?(caller: Caller, inspectionId: string, forceCode: string): Promise<string | null>
}
