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

/** The press release's facts that are not recorded: its bullets and quote say nothing of them. */
function pressReleaseMissing(facts: ForceFacts): string[] {
  const release = facts?.pressRelease
  if (!release) return []
  const unstated = Object.entries(release)
    .filter(([, value]) => value === null)
    .map(([field]) => field)
  return unstated.length ? [`Not recorded, so not stated: ${unstated.join(', ')}.`] : []
}
