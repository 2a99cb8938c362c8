import type { PressReleaseField } from '../../domain/press-release-facts.js'
import type { ForceFacts, NationalFacts } from './facts.js'
import { nationalNarrative } from './national-narrative.js'
import type { PublicationKind } from './schema.js'

/**
 * What a draft does not state because its data is missing, for the editor: nothing is asserted from
 * missing data, so the document is silent where this list speaks.
 */
export function missingFrom(kind: PublicationKind, facts: unknown): string[] {
  if (kind === 'national-review') {
    const national = facts as NationalFacts
    return Array.isArray(national?.forces) ? nationalNarrative(national).missing : []
  }
  if (kind === 'press-release') return pressReleaseMissing(facts as ForceFacts)
  const force = facts as ForceFacts
  if (!Array.isArray(force?.figures)) return []
  const missing: string[] = []
  const unreturned = force.figures.filter((figure) => figure.value === null).map((figure) => figure.label)
  if (unreturned.length) missing.push(`Not returned, so not stated: ${unreturned.join('; ')}.`)
  if (!force.pressRelease.headline) missing.push('No confirmed headline judgement.')
  if (!force.recommendations.some((recommendation) => recommendation.status))
    missing.push('No progress recorded against the recommendations.')
  return missing
}

/** Each fact a press release may state, as the editor is told it is missing. */
export const PRESS_RELEASE_FACT_LABELS: Record<Exclude<PressReleaseField, 'force' | 'forceCode'>, string> = {
  headline: 'the headline judgement',
  hmi: 'the HM Inspector',
  hmiRegion: 'the HM Inspector’s region',
  period: 'the data period',
  integrityHealthCheck: 'whether the force carried out an integrity health check',
  mediaDisclosureInvestigations: 'media-disclosure investigations',
  socialMediaCasesReferred: 'social-media cases referred',
  secondJobApplications: 'second-job applications',
  antiCorruptionUnitStaffChange: 'the change in anti-corruption unit staff',
  counterCorruptionPlan: 'whether the force has a counter-corruption plan',
  policiesReviewed: 'whether the force reviewed its integrity policies',
  staffToldOfPolicyChanges: 'whether staff were told of the policy changes',
  mediaPolicyInLineWithGuidance: 'whether the media policy is in line with national guidance',
  informationSecurityChecks: 'whether there are checks on information security',
  socialMediaPolicy: 'whether the force produced a social-media policy',
}

/**
 * The press release's facts that are not recorded (null, or an optional statement left out): its
 * bullets and quote say nothing of them.
 */
function pressReleaseMissing(facts: ForceFacts): string[] {
  const release = facts?.pressRelease
  if (!release) return []
  const unstated = Object.entries(PRESS_RELEASE_FACT_LABELS)
    .filter(([field]) => (release as unknown as Record<string, unknown>)[field] == null)
    .map(([, label]) => label)
  return unstated.length ? [`Not recorded, so not stated: ${unstated.join('; ')}.`] : []
}
