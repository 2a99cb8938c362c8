import { z } from 'zod'
import { ValidationError } from './errors.js'
import { isoDay } from './fields.js'

/**
 * The facts a force's press release states (Revisiting Police Relationships, 2012), in the shape of
 * the fixtures' JSON and in their field order. `null` means the document does not say.
 */

/** The headline judgements, from best to worst. */
export const HEADLINE_JUDGEMENTS = [
  'good progress',
  'improvements',
  'some improvements',
  'limited progress',
] as const
export type HeadlineJudgement = (typeof HEADLINE_JUDGEMENTS)[number]

/** What the facts need to know of a force: its code and its name as the force writes it. */
export interface ForceNaming {
  code: string
  name: string
}
/** The forces a press release may be about (the reference list, or the forces table). */
export type ForceReferenceList = readonly ForceNaming[]

export interface PressReleaseFacts {
  force: string
  forceCode: string
  headline: HeadlineJudgement | null
  hmi: string | null
  hmiRegion: string | null
  /** The data period (ISO days); one end may be unknown ("since September 2011"). */
  period: { from: string | null; to: string | null } | null
  integrityHealthCheck: boolean | null
  mediaDisclosureInvestigations: { total: number; continuing: number | null } | null
  socialMediaCasesReferred: number | null
  secondJobApplications: { applications: number; approved: number | null } | null
  /** Change in anti-corruption unit staff since the 2011 inspection: positive up, negative down, 0 none. */
  antiCorruptionUnitStaffChange: number | null
  /** Present only when the document says whether the force developed a counter-corruption plan. */
  counterCorruptionPlan?: boolean
  /** Present only when stated: the force reviewed its integrity policies and has updated them or is updating them. */
  policiesReviewed?: boolean
  /** Present only when stated: staff have been told of the policy changes (false: more needs to be done). */
  staffToldOfPolicyChanges?: boolean
  /** Present only when stated: the force's media policy is in line with national guidance. */
  mediaPolicyInLineWithGuidance?: boolean
  /** Present only when stated: the force has checks in place on information security. */
  informationSecurityChecks?: boolean
  /** Present only when stated: the force has produced a policy or guidance on behaviour on social media. */
  socialMediaPolicy?: boolean
}

/** The optional statements: yes/no facts a press release states only when the force's data says. */
export const OPTIONAL_STATEMENTS = [
  'counterCorruptionPlan',
  'policiesReviewed',
  'staffToldOfPolicyChanges',
  'mediaPolicyInLineWithGuidance',
  'informationSecurityChecks',
  'socialMediaPolicy',
] as const
export type OptionalStatement = (typeof OPTIONAL_STATEMENTS)[number]

/** The field names in the fixtures' order. */
export const PRESS_RELEASE_FIELDS = [
  'force',
  'forceCode',
  'headline',
  'hmi',
  'hmiRegion',
  'period',
  'integrityHealthCheck',
  'mediaDisclosureInvestigations',
  'socialMediaCasesReferred',
  'secondJobApplications',
  'antiCorruptionUnitStaffChange',
  ...OPTIONAL_STATEMENTS,
] as const
export type PressReleaseField = (typeof PRESS_RELEASE_FIELDS)[number]

const count = (label: string) =>
  z
    .number(`${label} must be a number`)
    .int(`${label} must be a whole number`)
    .min(0, `${label} cannot be negative`)

const text = (label: string) =>
  z
    .string(`${label} must be text`)
    .trim()
    .min(1, `${label} must not be blank`)
    .max(200, `${label} is too long`)

const day = (label: string) =>
  z
    .string(`${label} must be a date written as 2012-05-31`)
    .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && isoDay(value) === value, {
      message: `${label} must be a real date written as 2012-05-31`,
    })

/** An optional yes/no statement: absent when the document does not say; null is read as absent. */
const statement = (label: OptionalStatement) =>
  z
    .boolean(`${label} must be true or false, or left out`)
    .nullable()
    .optional()
    .transform((value) => value ?? undefined)

/** The shape alone, without the reference list: what any facts object must look like. */
export const pressReleaseFactsShape = z
  .object({
    force: text('force'),
    forceCode: z.string('forceCode must be text'),
    headline: z
      .enum(HEADLINE_JUDGEMENTS, {
        error: `headline must be one of ${HEADLINE_JUDGEMENTS.map((value) => `"${value}"`).join(', ')}, or null`,
      })
      .nullable(),
    hmi: text('hmi').nullable(),
    hmiRegion: text('hmiRegion').nullable(),
    period: z
      .object(
        { from: day('period.from').nullable(), to: day('period.to').nullable() },
        'period must be an object with from and to, or null',
      )
      .nullable(),
    integrityHealthCheck: z.boolean('integrityHealthCheck must be true, false or null').nullable(),
    mediaDisclosureInvestigations: z
      .object(
        {
          total: count('mediaDisclosureInvestigations.total'),
          continuing: count('mediaDisclosureInvestigations.continuing').nullable(),
        },
        'mediaDisclosureInvestigations must be an object with total and continuing, or null',
      )
      .nullable(),
    socialMediaCasesReferred: count('socialMediaCasesReferred').nullable(),
    secondJobApplications: z
      .object(
        {
          applications: count('secondJobApplications.applications'),
          approved: count('secondJobApplications.approved').nullable(),
        },
        'secondJobApplications must be an object with applications and approved, or null',
      )
      .nullable(),
    antiCorruptionUnitStaffChange: z
      .number('antiCorruptionUnitStaffChange must be a number')
      .int('antiCorruptionUnitStaffChange must be a whole number')
      .nullable(),
    // Absent when the document does not say; null is read as absent.
    ...Object.fromEntries(OPTIONAL_STATEMENTS.map((field) => [field, statement(field)])),
  })
  .strict()
  .superRefine((facts, context) => {
    const media = facts.mediaDisclosureInvestigations
    if (media && media.continuing !== null && media.continuing > media.total) {
      context.addIssue({
        code: 'custom',
        path: ['mediaDisclosureInvestigations', 'continuing'],
        message: `mediaDisclosureInvestigations: ${media.continuing} continuing is more than the ${media.total} investigated`,
      })
    }
    const jobs = facts.secondJobApplications
    if (jobs && jobs.approved !== null && jobs.approved > jobs.applications) {
      context.addIssue({
        code: 'custom',
        path: ['secondJobApplications', 'approved'],
        message: `secondJobApplications: ${jobs.approved} approved is more than the ${jobs.applications} applications`,
      })
    }
    const period = facts.period
    if (period?.from && period.to && period.from > period.to) {
      context.addIssue({
        code: 'custom',
        path: ['period'],
        message: `period: from ${period.from} is after to ${period.to}`,
      })
    }
    if (period && period.from === null && period.to === null) {
      context.addIssue({
        code: 'custom',
        path: ['period'],
        message: 'period: give from or to, or write null',
      })
    }
  })

/** The schema with the rule that the force is one of `forces`. */
export function pressReleaseFactsSchema(forces: ForceReferenceList) {
  const codes = new Set(forces.map((force) => force.code))
  return pressReleaseFactsShape.superRefine((facts, context) => {
    if (!codes.has(facts.forceCode)) {
      context.addIssue({
        code: 'custom',
        path: ['forceCode'],
        message: `forceCode "${facts.forceCode}" is not a force in the reference list`,
      })
    }
  })
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.join('.')
  // Our own messages already name the field; zod's built-in ones (unknown keys) do not.
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
  if (path && issue.code !== 'custom' && valueAt(input, issue.path) === undefined) {
    return path === 'force' || path === 'forceCode'
      ? `${path} is missing`
      : `${path} is missing: write null when it is not known`
  }
  return issue.message
}

export type FactsCheck =
  | { success: true; facts: PressReleaseFacts }
  | { success: false; problems: { field: string; message: string }[] }

/** Checks facts against the shape and the reference list; every problem with its field and a clear message. */
export function checkPressReleaseFacts(input: unknown, forces: ForceReferenceList): FactsCheck {
  const parsed = pressReleaseFactsSchema(forces).safeParse(input)
  if (parsed.success)
    return { success: true, facts: impliedFacts(orderedFacts(parsed.data as PressReleaseFacts)) }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { success: false, problems: [{ field: 'facts', message: 'the facts must be a JSON object' }] }
  }
  return {
    success: false,
    problems: parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || 'facts',
      message: issueMessage(issue, input),
    })),
  }
}

/** The facts, or a ValidationError with the first message for each field. */
export function parsePressReleaseFacts(input: unknown, forces: ForceReferenceList): PressReleaseFacts {
  const checked = checkPressReleaseFacts(input, forces)
  if (checked.success) return checked.facts
  const messages: Record<string, string> = {}
  for (const problem of checked.problems) messages[problem.field] ??= problem.message
  throw new ValidationError(messages)
}

/** A copy with the fields in the fixtures' order, the optional statements only when stated. */
export function orderedFacts(facts: PressReleaseFacts): PressReleaseFacts {
  const ordered: PressReleaseFacts = {
    force: facts.force,
    forceCode: facts.forceCode,
    headline: facts.headline,
    hmi: facts.hmi,
    hmiRegion: facts.hmiRegion,
    period: facts.period && { from: facts.period.from, to: facts.period.to },
    integrityHealthCheck: facts.integrityHealthCheck,
    mediaDisclosureInvestigations: facts.mediaDisclosureInvestigations && {
      total: facts.mediaDisclosureInvestigations.total,
      continuing: facts.mediaDisclosureInvestigations.continuing,
    },
    socialMediaCasesReferred: facts.socialMediaCasesReferred,
    secondJobApplications: facts.secondJobApplications && {
      applications: facts.secondJobApplications.applications,
      approved: facts.secondJobApplications.approved,
    },
    antiCorruptionUnitStaffChange: facts.antiCorruptionUnitStaffChange,
  }
  for (const field of OPTIONAL_STATEMENTS) {
    const value = facts[field]
    if (typeof value === 'boolean') ordered[field] = value
  }
  return ordered
}

/** What a zero implies: no investigations means none continuing; no applications means none approved. */
function impliedFacts(facts: PressReleaseFacts): PressReleaseFacts {
  if (facts.mediaDisclosureInvestigations?.total === 0) facts.mediaDisclosureInvestigations.continuing = 0
  if (facts.secondJobApplications?.applications === 0) facts.secondJobApplications.approved = 0
  return facts
}

/** Facts about a force that state nothing yet. */
export function emptyFacts(force: ForceNaming): PressReleaseFacts {
  return {
    force: force.name,
    forceCode: force.code,
    headline: null,
    hmi: null,
    hmiRegion: null,
    period: null,
    integrityHealthCheck: null,
    mediaDisclosureInvestigations: null,
    socialMediaCasesReferred: null,
    secondJobApplications: null,
    antiCorruptionUnitStaffChange: null,
  }
}
