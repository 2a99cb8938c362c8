/** The closed lists that integrity cases, referrals and unit staffing choose from; the same words everywhere. */

export const CASE_TYPES = [
  'inappropriate disclosure to the media',
  'social-media misconduct',
  'business interest breach',
  'gifts or hospitality breach',
  'misuse of information systems',
  'corruption intelligence',
  'other',
] as const
export type CaseType = (typeof CASE_TYPES)[number]

export const CASE_SOURCES = [
  'internal',
  'public complaint',
  'confidential report',
  'inspectorate referral',
  'other force',
] as const
export type CaseSource = (typeof CASE_SOURCES)[number]

/** Open: newly opened; continuing: under investigation; closed: finished, with an outcome. */
export const CASE_STATUSES = ['open', 'continuing', 'closed'] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

export const CASE_OUTCOMES = [
  'no case to answer',
  'management action',
  'written warning',
  'final written warning',
  'dismissal',
  'criminal charge',
  'resigned or retired',
] as const
export type CaseOutcome = (typeof CASE_OUTCOMES)[number]

/** Register entries a case may concern. */
export const CASE_LINK_TYPES = ['business-interest', 'gift-hospitality', 'media-contact'] as const
export type CaseLinkType = (typeof CASE_LINK_TYPES)[number]
export const CASE_LINK_LABELS: Record<CaseLinkType, string> = {
  'business-interest': 'Second job (business interest)',
  'gift-hospitality': 'Gift or hospitality',
  'media-contact': 'Media contact',
}

export const REFERRAL_STATUSES = ['awaiting response', 'accepted', 'no action'] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]

/** What the counts need of a case: its type, dates and outcome. */
export interface CaseFacts {
  type: CaseType
  openedOn: string
  closedOn: string | null
  outcome: CaseOutcome | null
}

/** Opened on or before the census day and not closed by it (a case closed on the day is closed). */
export function continuingAt(facts: Pick<CaseFacts, 'openedOn' | 'closedOn'>, census: string): boolean {
  return facts.openedOn <= census && (facts.closedOn === null || facts.closedOn > census)
}

export interface CaseCounts {
  from: string
  to: string
  census: string
  /** Cases opened in the period, both ends included. */
  total: number
  openedByType: Record<CaseType, number>
  /** Of the cases opened in the period, those still continuing at the census date. */
  continuing: number
  continuingByType: Record<CaseType, number>
  /** Outcomes of cases closed in the period. */
  outcomes: Record<CaseOutcome, number>
}

const zeroes = <T extends string>(keys: readonly T[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<T, number>

/**
 * The figures an inspection's data return asks for: cases opened in the period by type, how many of
 * those were still continuing at the census date, and the outcomes of cases closed in the period.
 */
export function countCases(
  cases: readonly CaseFacts[],
  period: { from: string; to: string; census: string },
): CaseCounts {
  const counts: CaseCounts = {
    ...period,
    total: 0,
    openedByType: zeroes(CASE_TYPES),
    continuing: 0,
    continuingByType: zeroes(CASE_TYPES),
    outcomes: zeroes(CASE_OUTCOMES),
  }
  for (const facts of cases) {
    if (facts.openedOn >= period.from && facts.openedOn <= period.to) {
      counts.total++
      counts.openedByType[facts.type]++
      if (continuingAt(facts, period.census)) {
        counts.continuing++
        counts.continuingByType[facts.type]++
      }
    }
    if (facts.closedOn && facts.outcome && facts.closedOn >= period.from && facts.closedOn <= period.to)
      counts.outcomes[facts.outcome]++
  }
  return counts
}
