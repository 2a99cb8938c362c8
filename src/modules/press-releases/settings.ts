import { z } from 'zod'
import type { HeadlineJudgement, PressReleaseFacts } from '../../domain/press-release-facts.js'

/**
 * What an inspection's press releases say beyond a force's facts: the HM Inspector's national finding
 * (the second part of every quote) and the notes to editors. An inspectorate administrator edits them
 * per inspection; these defaults are those of the 2012 revisit, in our own words.
 */
export interface PressReleaseSettings {
  /** The national finding the HMI's quote ends with, one paragraph per item. */
  nationalFinding: string[]
  /** The notes to editors, in order (Markdown). */
  notesToEditors: string[]
}

export const DEFAULT_PRESS_RELEASE_SETTINGS: PressReleaseSettings = Object.freeze({
  nationalFinding: [
    'What we found there matches what we saw across England and Wales: the police service is making progress in monitoring and safeguarding its relationships with the media, contractors and others, but we are concerned that the changes are not being made more quickly.',
    'We will therefore go on monitoring and inspecting this work, so that the public can be assured that every force is getting to grips with these vital issues.',
  ],
  notesToEditors: [
    'The national report, *Revisiting Police Relationships*, and the reports on each force are published on the HMIC website, www.hmic.gov.uk.',
    'The 2011 report, *Without Fear or Favour*, answered the Home Secretary’s request that HMIC look at “instances of undue influence, inappropriate contractual arrangements and other abuses of power in police relationships with the media and other parties”. HMIC inspected all 43 forces in England and Wales, the British Transport Police (BTP) and the National Policing Improvement Agency (NPIA), and, at its own request, the Police Service of Northern Ireland (PSNI). Telephone surveys asked the public whether they thought corruption was a problem for the police service, and HMIC also examined how the police use social media. That report is on the HMIC website, www.hmic.gov.uk.',
    'For the 2012 revisit HMIC used the criteria of 2011. It drew on self-assessments by 44 forces (the British Transport Police among them) and on inspection work carried out in July and August 2012. HMIC also repeated, and widened, its surveys of what the public think about the range and type of corruption in the police service, and of how the police use social media.',
    'HMIC is an independent inspectorate that inspects policing in the public interest. It examines how efficient and effective police forces and authorities are at tackling crime and terrorism, improving criminal justice and raising confidence. Besides the 43 police forces of England and Wales, it inspects and regulates other major policing bodies, among them the Serious Organised Crime Agency, the Police Service of Northern Ireland and the British Transport Police.',
    'HMIC’s press office answers enquiries on 0203 513 0600 from 8:30am to 5:30pm, Monday to Friday.',
    'For urgent media enquiries out of hours, call HMIC’s press office on 07836 217 729.',
  ],
}) as PressReleaseSettings

const paragraphs = (label: string, plural: string, most: number) =>
  z
    .array(
      z
        .string(`Each ${label} must be text`)
        .trim()
        .min(1, `A ${label} must not be blank`)
        .max(2000, `A ${label} must be 2,000 characters or fewer`),
      `Give the ${plural}`,
    )
    .min(1, `Give at least one ${label}`)
    .max(most, `Give at most ${most} ${plural}`)

export const pressReleaseSettingsSchema = z.object({
  nationalFinding: paragraphs('paragraph of the national finding', 'paragraphs of the national finding', 5),
  notesToEditors: paragraphs('note to editors', 'notes to editors', 12),
})

const PROGRESS: Record<HeadlineJudgement, string> = {
  'good progress': 'made good progress',
  improvements: 'made improvements',
  'some improvements': 'made some improvements',
  'limited progress': 'made limited progress',
}

/**
 * The areas for improvement a release's quote may name, in the order of its bullets: the fact that,
 * when false, names it, and the sentence (the Welsh is in the catalogue under the fact's name).
 */
export const IMPROVEMENTS: readonly [
  (
    | 'integrityHealthCheck'
    | 'counterCorruptionPlan'
    | 'policiesReviewed'
    | 'staffToldOfPolicyChanges'
    | 'mediaPolicyInLineWithGuidance'
    | 'informationSecurityChecks'
    | 'socialMediaPolicy'
  ),
  string,
][] = [
  ['integrityHealthCheck', 'It has still to carry out its own integrity health check.'],
  ['counterCorruptionPlan', 'It has still to draw up a counter-corruption plan.'],
  ['policiesReviewed', 'It has still to review its policies on integrity.'],
  [
    'staffToldOfPolicyChanges',
    'However, it still needs to do more to make sure its staff know about the changes it has made.',
  ],
  [
    'mediaPolicyInLineWithGuidance',
    'Its media policy has still to be brought into line with national guidance.',
  ],
  ['informationSecurityChecks', 'It has still to put checks on information security in place.'],
  ['socialMediaPolicy', 'It has still to give its staff a policy on how to behave on social media.'],
]

/**
 * The force's main area for improvement, as the facts state it: the first thing the release says is
 * not yet done, in the order of its bullets. Null when the facts state none.
 */
export function mainImprovement(facts: PressReleaseFacts): string | null {
  return IMPROVEMENTS.find(([field]) => facts[field] === false)?.[1] ?? null
}

/**
 * The HM Inspector's quote: the force's headline judgement and its main area for improvement, then the
 * national finding. Empty when there is no judgement to quote.
 */
export function quoteFor(
  facts: PressReleaseFacts,
  subject: string,
  nationalFinding: readonly string[],
): string[] {
  if (!facts.headline) return []
  const improvement = mainImprovement(facts)
  const judgement = `${subject} has ${PROGRESS[facts.headline]} in the way it identifies, monitors and manages integrity issues since HMIC last looked at them in 2011.`
  return [improvement ? `${judgement} ${improvement}` : judgement, ...nationalFinding]
}
