import { ValidationError } from '../../domain/errors.js'
import { STATEMENT_ITEMS } from '../../domain/inspections.js'
import {
  type ForceReferenceList,
  OPTIONAL_STATEMENTS,
  type OptionalStatement,
  type PressReleaseFacts,
  type PressReleaseField,
  parsePressReleaseFacts,
} from '../../domain/press-release-facts.js'

/**
 * The review form of an uploaded document (issue #9): each fact as a GOV.UK input, written back into
 * facts and checked by parsePressReleaseFacts. Form fields are flat names; each knows the fact it
 * belongs to (for the source sentence) and the path of its value in the facts.
 */

export interface ReviewField {
  /** The input's name and id. */
  name: string
  /** The fact's path in PressReleaseFacts, as the checker names problems. */
  path: string
  /** The fact whose source sentences the field links to. */
  fact: PressReleaseField
  label: string
  kind: 'text' | 'count' | 'change' | 'day' | 'choice' | 'yes-no'
}

/** How the form asks each yes/no statement a release may make (OPTIONAL_STATEMENTS). */
const STATEMENT_LABELS: Record<OptionalStatement, string> = {
  counterCorruptionPlan: 'Counter-corruption plan developed',
  policiesReviewed: 'Integrity policies reviewed, and updated or being updated',
  staffToldOfPolicyChanges: 'Staff told of the policy changes',
  mediaPolicyInLineWithGuidance: 'Media policy in line with national guidance',
  informationSecurityChecks: 'Checks in place on information security',
  socialMediaPolicy: 'Social-media policy or guidance produced',
}

export const REVIEW_FIELDS: ReviewField[] = [
  { name: 'forceCode', path: 'forceCode', fact: 'force', label: 'Force', kind: 'choice' },
  { name: 'headline', path: 'headline', fact: 'headline', label: 'Headline judgement', kind: 'choice' },
  { name: 'hmi', path: 'hmi', fact: 'hmi', label: 'HM Inspector', kind: 'text' },
  { name: 'hmiRegion', path: 'hmiRegion', fact: 'hmiRegion', label: 'HM Inspector’s region', kind: 'text' },
  { name: 'periodFrom', path: 'period.from', fact: 'period', label: 'Data period from', kind: 'day' },
  { name: 'periodTo', path: 'period.to', fact: 'period', label: 'Data period to', kind: 'day' },
  {
    name: 'integrityHealthCheck',
    path: 'integrityHealthCheck',
    fact: 'integrityHealthCheck',
    label: 'Integrity health check done',
    kind: 'yes-no',
  },
  {
    name: 'mediaTotal',
    path: 'mediaDisclosureInvestigations.total',
    fact: 'mediaDisclosureInvestigations',
    label: 'Media-disclosure investigations',
    kind: 'count',
  },
  {
    name: 'mediaContinuing',
    path: 'mediaDisclosureInvestigations.continuing',
    fact: 'mediaDisclosureInvestigations',
    label: 'Of which continuing',
    kind: 'count',
  },
  {
    name: 'socialMedia',
    path: 'socialMediaCasesReferred',
    fact: 'socialMediaCasesReferred',
    label: 'Social-media cases referred',
    kind: 'count',
  },
  {
    name: 'jobApplications',
    path: 'secondJobApplications.applications',
    fact: 'secondJobApplications',
    label: 'Second-job applications',
    kind: 'count',
  },
  {
    name: 'jobApproved',
    path: 'secondJobApplications.approved',
    fact: 'secondJobApplications',
    label: 'Of which approved',
    kind: 'count',
  },
  {
    name: 'acuChange',
    path: 'antiCorruptionUnitStaffChange',
    fact: 'antiCorruptionUnitStaffChange',
    label: 'Change in anti-corruption unit staff',
    kind: 'change',
  },
  ...OPTIONAL_STATEMENTS.map(
    (statement): ReviewField => ({
      name: statement,
      path: statement,
      fact: statement,
      label: STATEMENT_LABELS[statement],
      kind: 'yes-no',
    }),
  ),
]

const byPath = new Map(REVIEW_FIELDS.map((field) => [field.path, field]))

const yesNo = (value: boolean | null | undefined) => (value === true ? 'yes' : value === false ? 'no' : '')
const number = (value: number | null | undefined) => (typeof value === 'number' ? String(value) : '')

/** The facts as the form's values (a blank is "not stated"). */
export function factsToForm(facts: PressReleaseFacts): Record<string, string> {
  return {
    forceCode: facts.forceCode,
    headline: facts.headline ?? '',
    hmi: facts.hmi ?? '',
    hmiRegion: facts.hmiRegion ?? '',
    periodFrom: facts.period?.from ?? '',
    periodTo: facts.period?.to ?? '',
    integrityHealthCheck: yesNo(facts.integrityHealthCheck),
    mediaTotal: number(facts.mediaDisclosureInvestigations?.total),
    mediaContinuing: number(facts.mediaDisclosureInvestigations?.continuing),
    socialMedia: number(facts.socialMediaCasesReferred),
    jobApplications: number(facts.secondJobApplications?.applications),
    jobApproved: number(facts.secondJobApplications?.approved),
    acuChange: number(facts.antiCorruptionUnitStaffChange),
    ...Object.fromEntries(OPTIONAL_STATEMENTS.map((statement) => [statement, yesNo(facts[statement])])),
  }
}

/**
 * The form's values read back into facts and checked; a ValidationError names each problem by the
 * form field's name (so the error summary links to the input).
 */
export function formToFacts(form: Record<string, unknown>, forces: ForceReferenceList): PressReleaseFacts {
  const errors: Record<string, string> = {}
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '')
  const orNull = (name: string) => text(name) || null
  const whole = (name: string, label: string, signed = false): number | null => {
    const written = text(name).replace(/,/g, '')
    if (!written) return null
    if (!(signed ? /^[-+]?\d{1,7}$/ : /^\d{1,7}$/).test(written)) {
      errors[name] = signed
        ? `${label} must be a whole number, negative for a fall (like -2)`
        : `${label} must be a whole number, 0 or more`
      return null
    }
    return Number(written)
  }
  const bool = (name: string): boolean | null =>
    text(name) === 'yes' ? true : text(name) === 'no' ? false : null
  const forceCode = text('forceCode')
  const force = forces.find((entry) => entry.code === forceCode)
  const mediaTotal = whole('mediaTotal', 'Media-disclosure investigations')
  const mediaContinuing = whole('mediaContinuing', 'Continuing investigations')
  const applications = whole('jobApplications', 'Second-job applications')
  const approved = whole('jobApproved', 'Approved applications')
  const input = {
    force: force?.name ?? forceCode,
    forceCode,
    headline: orNull('headline'),
    hmi: orNull('hmi'),
    hmiRegion: orNull('hmiRegion'),
    period:
      text('periodFrom') || text('periodTo') ? { from: orNull('periodFrom'), to: orNull('periodTo') } : null,
    integrityHealthCheck: bool('integrityHealthCheck'),
    mediaDisclosureInvestigations:
      mediaTotal === null ? null : { total: mediaTotal, continuing: mediaContinuing },
    socialMediaCasesReferred: whole('socialMedia', 'Social-media cases referred'),
    secondJobApplications: applications === null ? null : { applications, approved },
    antiCorruptionUnitStaffChange: whole('acuChange', 'The change in anti-corruption unit staff', true),
    ...Object.fromEntries(OPTIONAL_STATEMENTS.map((statement) => [statement, bool(statement)])),
  }
  if (mediaTotal === null && mediaContinuing !== null && !errors.mediaTotal)
    errors.mediaTotal =
      'Enter how many media-disclosure investigations there were, or clear “of which continuing”'
  if (applications === null && approved !== null && !errors.jobApplications)
    errors.jobApplications = 'Enter how many second-job applications there were, or clear “of which approved”'
  if (!force) errors.forceCode = 'Select the force the document is about'
  try {
    const facts = parsePressReleaseFacts(input, forces)
    if (Object.keys(errors).length) throw new ValidationError(errors)
    return facts
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    for (const [path, message] of Object.entries(error.fieldErrors)) {
      const name = byPath.get(path)?.name ?? (path === 'period' ? 'periodFrom' : path)
      errors[name] ??= message
    }
    throw new ValidationError(errors)
  }
}

/** The data-return items a document's facts give, by item code (counts as stated; statements as 1 or 0). */
export function returnValuesOf(facts: PressReleaseFacts): Record<string, number> {
  const values: Record<string, number> = {}
  const put = (code: string, value: number | null | undefined) => {
    if (typeof value === 'number') values[code] = value
  }
  put('second-job-applications', facts.secondJobApplications?.applications)
  put('second-job-approvals', facts.secondJobApplications?.approved)
  put('media-disclosure-investigations', facts.mediaDisclosureInvestigations?.total)
  put('media-disclosure-continuing', facts.mediaDisclosureInvestigations?.continuing)
  put('social-media-referrals', facts.socialMediaCasesReferred)
  put('acu-staff-change', facts.antiCorruptionUnitStaffChange)
  for (const statement of OPTIONAL_STATEMENTS) {
    const stated = facts[statement]
    if (typeof stated === 'boolean') values[STATEMENT_ITEMS[statement]] = stated ? 1 : 0
  }
  return values
}
