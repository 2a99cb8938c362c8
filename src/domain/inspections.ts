import type { OptionalStatement } from './press-release-facts.js'

/** The closed lists of the inspectorate's work: the same words on every page, export and report. */

/** How a force rates itself against a framework question in its self-assessment. */
export const SELF_ASSESSMENT_RATINGS = ['fully met', 'partly met', 'not met', 'not applicable'] as const
export type SelfAssessmentRating = (typeof SELF_ASSESSMENT_RATINGS)[number]

export const SELF_ASSESSMENT_STATUSES = ['not started', 'in progress', 'submitted'] as const
export type SelfAssessmentStatus = (typeof SELF_ASSESSMENT_STATUSES)[number]

export const FINDING_KINDS = ['strength', 'area for improvement', 'cause of concern'] as const
export type FindingKind = (typeof FINDING_KINDS)[number]

/** The headline judgements of the 2012 revisit, best first; a framework may set its own scale. */
export const DEFAULT_JUDGEMENT_SCALE = [
  'good progress',
  'improvements',
  'some improvements',
  'limited progress',
] as const

/** A proposed judgement stands only when a second inspector confirms it (moderation). */
export const JUDGEMENT_STATUSES = ['proposed', 'confirmed', 'returned'] as const
export type JudgementStatus = (typeof JUDGEMENT_STATUSES)[number]

export const RECOMMENDATION_SCOPES = ['national', 'force'] as const
export type RecommendationScope = (typeof RECOMMENDATION_SCOPES)[number]

export const RECOMMENDATION_STATUSES = ['not started', 'in progress', 'implemented', 'superseded'] as const
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number]

/** Whose word a progress update is: the force's own, or checked by an inspector. */
export const PROGRESS_BASES = ['self-reported', 'inspector-verified'] as const
export type ProgressBasis = (typeof PROGRESS_BASES)[number]

/** What a framework mapping links between two versions, so trends stay comparable. */
export const MAPPING_KINDS = ['area', 'question', 'recommendation'] as const
export type MappingKind = (typeof MAPPING_KINDS)[number]

/** The integrity areas a force keeps policies for; a data return asks for awareness of each. */
export const POLICY_AREAS = [
  { code: 'media-relationships', name: 'Relationships with the media' },
  { code: 'gifts-hospitality', name: 'Gifts and hospitality' },
  { code: 'business-interests', name: 'Business interests' },
  { code: 'social-media', name: 'Social media' },
  { code: 'information-security', name: 'Information security' },
  { code: 'counter-corruption', name: 'Counter-corruption' },
] as const
export type PolicyAreaCode = (typeof POLICY_AREAS)[number]['code']

/**
 * How an item's value reads: a count of things, a change in full-time equivalents (may be negative), a
 * share from 0 to 1 shown as a percentage, or yes (1) / no (0).
 */
export type DataReturnKind = 'count' | 'fte' | 'fte-change' | 'rate' | 'yes-no'

export interface DataReturnItem {
  code: string
  label: string
  /** What exactly is counted, as the force reads it on the return and in the template. */
  definition: string
  kind: DataReturnKind
  /** Whether Probity computes it from the force's own records (otherwise the force supplies it). */
  computed: boolean
}

const awarenessItems: DataReturnItem[] = POLICY_AREAS.map((area) => ({
  code: `policy-awareness-${area.code}`,
  label: `Policy awareness: ${area.name.toLowerCase()}`,
  definition: `Of the staff asked to read the force’s latest ${area.name.toLowerCase()} policy published on or before the census date, the share who had acknowledged it by the census date.`,
  kind: 'rate',
  computed: true,
}))

/** The items of every force's data return, in the order the return and the national table show them. */
export const DATA_RETURN_ITEMS: readonly DataReturnItem[] = [
  {
    code: 'second-job-applications',
    label: 'Second-job applications',
    definition:
      'Applications for a second job or other business interest submitted in the data period, whatever their outcome.',
    kind: 'count',
    computed: true,
  },
  {
    code: 'second-job-approvals',
    label: 'Second-job applications approved',
    definition:
      'Of those applications, the ones approved, with or without conditions (even if later withdrawn or expired).',
    kind: 'count',
    computed: true,
  },
  {
    code: 'media-disclosure-investigations',
    label: 'Media-disclosure investigations',
    definition:
      'Investigations into inappropriate disclosure of information to the media opened in the data period.',
    kind: 'count',
    computed: true,
  },
  {
    code: 'media-disclosure-continuing',
    label: 'Media-disclosure investigations continuing',
    definition: 'Of those investigations, the ones still continuing at the census date.',
    kind: 'count',
    computed: true,
  },
  {
    code: 'social-media-referrals',
    label: 'Social-media cases referred',
    definition:
      'Cases of potentially inappropriate behaviour on social media found by the inspectorate’s research and referred to the force, from the start of the data period to the end of the fieldwork (the census date when there is no fieldwork window).',
    kind: 'count',
    computed: true,
  },
  {
    code: 'acu-posts-filled',
    label: 'Anti-corruption unit posts filled',
    definition: 'Full-time equivalent posts filled in the anti-corruption unit at the census date.',
    kind: 'fte',
    computed: true,
  },
  {
    code: 'acu-staff-change',
    label: 'Anti-corruption unit staff change',
    definition:
      'The change in full-time equivalent posts filled in the anti-corruption unit between the census date of the inspection this one revisits and this census date (0 = no change).',
    kind: 'fte-change',
    computed: true,
  },
  {
    code: 'workforce',
    label: 'Workforce',
    definition:
      'Officers and staff on the force’s roster at the census date (the denominator of rates per 1,000).',
    kind: 'count',
    computed: true,
  },
  ...awarenessItems,
  {
    code: 'counter-corruption-plan',
    label: 'Counter-corruption plan',
    definition: 'Whether the force had a counter-corruption plan at the census date (yes or no).',
    kind: 'yes-no',
    computed: false,
  },
  {
    code: 'policies-reviewed',
    label: 'Integrity policies reviewed',
    definition:
      'Whether the force had reviewed its policies on the inspection’s integrity areas by the census date, and updated them or begun to (yes or no).',
    kind: 'yes-no',
    computed: false,
  },
  {
    code: 'staff-told-of-policy-changes',
    label: 'Staff told of policy changes',
    definition:
      'Whether the inspectors judged that staff had been told enough about the changes to those policies (yes), or that more needs to be done (no).',
    kind: 'yes-no',
    computed: false,
  },
  {
    code: 'media-policy-in-line',
    label: 'Media policy in line with national guidance',
    definition:
      'Whether the force’s media policy was in line with national guidance at the census date (yes or no).',
    kind: 'yes-no',
    computed: false,
  },
  {
    code: 'information-security-checks',
    label: 'Information security checks',
    definition: 'Whether the force had checking mechanisms in place on information security (yes or no).',
    kind: 'yes-no',
    computed: false,
  },
  {
    code: 'social-media-policy',
    label: 'Social media policy',
    definition:
      'Whether the force had produced a policy or guidance on how officers and staff should behave on social media (yes or no).',
    kind: 'yes-no',
    computed: false,
  },
]

/** The data-return item that answers each of the press release's yes/no statements. */
export const STATEMENT_ITEMS: Record<OptionalStatement, string> = {
  counterCorruptionPlan: 'counter-corruption-plan',
  policiesReviewed: 'policies-reviewed',
  staffToldOfPolicyChanges: 'staff-told-of-policy-changes',
  mediaPolicyInLineWithGuidance: 'media-policy-in-line',
  informationSecurityChecks: 'information-security-checks',
  socialMediaPolicy: 'social-media-policy',
}

export type DataReturnItemCode = string

export function dataReturnItem(code: string): DataReturnItem | undefined {
  return DATA_RETURN_ITEMS.find((item) => item.code === code)
}

/**
 * Pairs of items where the second is a part of the first, so it can never exceed it: the return refuses
 * 41 approvals of 40 applications however the figures were entered.
 */
export const DATA_RETURN_PARTS: readonly { whole: string; part: string }[] = [
  { whole: 'second-job-applications', part: 'second-job-approvals' },
  { whole: 'media-disclosure-investigations', part: 'media-disclosure-continuing' },
]
