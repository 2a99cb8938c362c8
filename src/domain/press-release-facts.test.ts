import { describe, expect, it } from 'vitest'
import { ValidationError } from './errors.js'
import {
  checkPressReleaseFacts,
  emptyFacts,
  orderedFacts,
  PRESS_RELEASE_FIELDS,
  type PressReleaseFacts,
  parsePressReleaseFacts,
} from './press-release-facts.js'

const forces = [
  { code: 'cheshire', name: 'Cheshire Constabulary' },
  { code: 'cleveland', name: 'Cleveland Police' },
]

const cheshire: PressReleaseFacts = {
  force: 'Cheshire Constabulary',
  forceCode: 'cheshire',
  headline: 'improvements',
  hmi: 'Roger Baker',
  hmiRegion: 'Northern Region',
  period: { from: '2011-09-01', to: '2012-05-31' },
  integrityHealthCheck: true,
  mediaDisclosureInvestigations: { total: 0, continuing: 0 },
  socialMediaCasesReferred: 7,
  secondJobApplications: { applications: 40, approved: 40 },
  antiCorruptionUnitStaffChange: 0,
  counterCorruptionPlan: true,
  policiesReviewed: true,
  staffToldOfPolicyChanges: false,
  mediaPolicyInLineWithGuidance: true,
  informationSecurityChecks: true,
  socialMediaPolicy: true,
}

const problems = (input: unknown) => {
  const checked = checkPressReleaseFacts(input, forces)
  return checked.success ? [] : checked.problems.map((problem) => `${problem.field}: ${problem.message}`)
}

describe('press release facts', () => {
  it('accepts facts in the fixtures shape and keeps their field order', () => {
    const shuffled = Object.fromEntries(Object.entries(cheshire).reverse())
    const checked = checkPressReleaseFacts(shuffled, forces)
    expect(checked).toEqual({ success: true, facts: cheshire })
    if (checked.success) expect(Object.keys(checked.facts)).toEqual([...PRESS_RELEASE_FIELDS])
  })

  it('leaves counterCorruptionPlan out unless it is stated', () => {
    const { counterCorruptionPlan: _, ...without } = cheshire
    const checked = checkPressReleaseFacts(without, forces)
    expect(checked.success && 'counterCorruptionPlan' in checked.facts).toBe(false)
    const asNull = checkPressReleaseFacts({ ...without, counterCorruptionPlan: null }, forces)
    expect(asNull.success && 'counterCorruptionPlan' in asNull.facts).toBe(false)
    const asFalse = checkPressReleaseFacts({ ...without, counterCorruptionPlan: false }, forces)
    expect(asFalse.success && asFalse.facts.counterCorruptionPlan).toBe(false)
  })

  it('accepts null for what is not known, and a period open at one end', () => {
    const unknown = { ...emptyFacts(forces[1] as (typeof forces)[number]) }
    expect(checkPressReleaseFacts(unknown, forces).success).toBe(true)
    expect(problems({ ...cheshire, period: { from: '2011-09-01', to: null } })).toEqual([])
  })

  it('fills in what a zero implies', () => {
    const checked = checkPressReleaseFacts(
      {
        ...cheshire,
        mediaDisclosureInvestigations: { total: 0, continuing: null },
        secondJobApplications: { applications: 0, approved: null },
      },
      forces,
    )
    expect(checked.success && checked.facts.mediaDisclosureInvestigations).toEqual({
      total: 0,
      continuing: 0,
    })
    expect(checked.success && checked.facts.secondJobApplications).toEqual({ applications: 0, approved: 0 })
  })

  it('refuses broken rules with clear messages', () => {
    expect(problems({ ...cheshire, mediaDisclosureInvestigations: { total: 3, continuing: 5 } })).toEqual([
      'mediaDisclosureInvestigations.continuing: mediaDisclosureInvestigations: 5 continuing is more than the 3 investigated',
    ])
    expect(problems({ ...cheshire, secondJobApplications: { applications: 3, approved: 4 } })).toEqual([
      'secondJobApplications.approved: secondJobApplications: 4 approved is more than the 3 applications',
    ])
    expect(problems({ ...cheshire, socialMediaCasesReferred: -1 })).toEqual([
      'socialMediaCasesReferred: socialMediaCasesReferred cannot be negative',
    ])
    expect(problems({ ...cheshire, socialMediaCasesReferred: 2.5 })).toEqual([
      'socialMediaCasesReferred: socialMediaCasesReferred must be a whole number',
    ])
    expect(problems({ ...cheshire, socialMediaCasesReferred: 'seven' })).toEqual([
      'socialMediaCasesReferred: socialMediaCasesReferred must be a number',
    ])
    expect(problems({ ...cheshire, forceCode: 'atlantis' })).toEqual([
      'forceCode: forceCode "atlantis" is not a force in the reference list',
    ])
    expect(problems({ ...cheshire, headline: 'excellent' })).toEqual([
      'headline: headline must be one of "good progress", "improvements", "some improvements", "limited progress", or null',
    ])
    expect(problems({ ...cheshire, period: { from: '2012-05-31', to: '2011-09-01' } })).toEqual([
      'period: period: from 2012-05-31 is after to 2011-09-01',
    ])
    expect(problems({ ...cheshire, period: { from: '2011-02-30', to: null } })).toEqual([
      'period.from: period.from must be a real date written as 2012-05-31',
    ])
    expect(problems({ ...cheshire, antiCorruptionUnitStaffChange: 1.5 })).toEqual([
      'antiCorruptionUnitStaffChange: antiCorruptionUnitStaffChange must be a whole number',
    ])
    expect(problems({ ...cheshire, extra: 1 })).toEqual(['facts: unknown field extra'])
    const { hmi: _, ...withoutHmi } = cheshire
    expect(problems(withoutHmi)).toEqual(['hmi: hmi is missing: write null when it is not known'])
    expect(problems([])).toEqual(['facts: the facts must be a JSON object'])
  })

  it('throws a ValidationError naming each field', () => {
    expect(() => parsePressReleaseFacts({ ...cheshire, forceCode: 'atlantis' }, forces)).toThrow(
      ValidationError,
    )
    try {
      parsePressReleaseFacts({ ...cheshire, socialMediaCasesReferred: -1, forceCode: 'x' }, forces)
    } catch (error) {
      expect((error as ValidationError).fieldErrors).toEqual({
        socialMediaCasesReferred: 'socialMediaCasesReferred cannot be negative',
        forceCode: 'forceCode "x" is not a force in the reference list',
      })
    }
  })

  it('orders any facts object as the fixtures do', () => {
    const reversed = Object.fromEntries(Object.entries(cheshire).reverse()) as unknown as PressReleaseFacts
    expect(JSON.stringify(orderedFacts(reversed))).toBe(JSON.stringify(cheshire))
  })
})
