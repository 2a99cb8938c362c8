import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  OPTIONAL_STATEMENTS,
  PRESS_RELEASE_FIELDS,
  type PressReleaseFacts,
} from '../../domain/press-release-facts.js'
import { factsArbitrary, forceArbitrary } from '../press-releases/test-support.js'
import { missingFrom, PRESS_RELEASE_FACT_LABELS } from './missing.js'
import { defaultTemplate, renderMarkdown } from './render.js'
import { withoutSources } from './sources.js'
import { forceFactsFor } from './test-support.js'

type StatedFact = keyof typeof PRESS_RELEASE_FACT_LABELS
const FACTS = PRESS_RELEASE_FIELDS.filter((field): field is StatedFact => field in PRESS_RELEASE_FACT_LABELS)

/**
 * Words that only the sentence stating a fact uses: when the fact is missing they must not appear.
 * (The context paragraph speaks of social media and second jobs in general, so those are matched by
 * the bullets' own words.)
 */
const SAID_ONLY_WHEN_STATED: Partial<Record<StatedFact, RegExp>> = {
  integrityHealthCheck: /health check/i,
  mediaDisclosureInvestigations: /disclos/i,
  socialMediaCasesReferred: /research commissioned by HMIC/i,
  secondJobApplications: /permission to take on a second job|applications from officers or staff/i,
  antiCorruptionUnitStaffChange: /anti-corruption unit/i,
  counterCorruptionPlan: /counter-corruption plan/i,
  policiesReviewed: /reviewed its policies/i,
  staffToldOfPolicyChanges: /staff know about|staff have been told/i,
  mediaPolicyInLineWithGuidance: /media policy/i,
  informationSecurityChecks: /information security/i,
  socialMediaPolicy: /social networking sites|behave on social media/i,
  hmi: /, HM Inspector of Constabulary/,
  hmiRegion: /HM Inspector of Constabulary for the/,
}

/** Complete facts (every fact recorded) with the chosen ones taken away, as an inspection may hold them. */
const withMissing = fc.tuple(forceArbitrary, fc.subarray([...FACTS])).chain(([force, missing]) =>
  factsArbitrary(force).map((drawn) => {
    const complete: PressReleaseFacts = {
      ...drawn,
      headline: drawn.headline ?? 'some improvements',
      hmi: drawn.hmi ?? 'Roger Baker',
      hmiRegion: drawn.hmiRegion ?? 'Northern Region',
      period: drawn.period ?? { from: '2011-09-01', to: '2012-05-31' },
      integrityHealthCheck: drawn.integrityHealthCheck ?? true,
      mediaDisclosureInvestigations: drawn.mediaDisclosureInvestigations ?? { total: 4, continuing: 1 },
      socialMediaCasesReferred: drawn.socialMediaCasesReferred ?? 2,
      secondJobApplications: drawn.secondJobApplications ?? { applications: 40, approved: 38 },
      antiCorruptionUnitStaffChange: drawn.antiCorruptionUnitStaffChange ?? -1,
    }
    for (const statement of OPTIONAL_STATEMENTS)
      complete[statement] ??= statement !== 'staffToldOfPolicyChanges'
    const facts = { ...complete } as Record<string, unknown>
    for (const field of missing) {
      if ((OPTIONAL_STATEMENTS as readonly string[]).includes(field)) delete facts[field]
      else facts[field] = null
    }
    return { missing, facts: facts as unknown as PressReleaseFacts }
  }),
)

/** The release as its reader has it: its sentences without their source links or the Sources appendix. */
const releaseText = withoutSources

describe('a press release with facts missing', () => {
  const template = defaultTemplate('press-release')

  it('never prints a placeholder or an empty sentence, says nothing of what is missing, and tells the editor each missing fact', () => {
    fc.assert(
      fc.property(withMissing, ({ missing, facts }) => {
        const document = forceFactsFor(facts)
        const markdown = releaseText(renderMarkdown('press-release', template, document))
        expect(markdown).not.toMatch(/undefined|\bnull\b|NaN|\[object|\{\{|\{%|\}\}/)
        // No empty bullet or sentence, no punctuation with nothing before it, no doubled spaces.
        expect(markdown).not.toMatch(/^\s*[-*>]\s*[“"]?\s*[.,;:]?\s*$/m)
        expect(markdown).not.toMatch(/\s[.,;:](?!\d)|[.,;:]{2}|\S {2,}\S|,\s*\.|^\s*\.\s*$/m)
        expect(markdown).not.toMatch(/\bthe\s+(?:for\b|,|\.)|\bfor the\s*[,.]/i)
        for (const field of missing) {
          const words = SAID_ONLY_WHEN_STATED[field]
          if (words) expect(markdown, `${field} is missing`).not.toMatch(words)
        }
        const told = missingFrom('press-release', document)
        if (!missing.length) expect(told).toEqual([])
        else {
          expect(told).toHaveLength(1)
          const listed = (told[0] as string)
            .replace(/^Not recorded, so not stated: (.*)\.$/, '$1')
            .split('; ')
          expect(listed.sort()).toEqual(missing.map((field) => PRESS_RELEASE_FACT_LABELS[field]).sort())
        }
      }),
      { numRuns: 300 },
    )
  })

  it('states every fact it is given', () => {
    fc.assert(
      fc.property(withMissing, ({ missing, facts }) => {
        const markdown = releaseText(renderMarkdown('press-release', template, forceFactsFor(facts)))
        for (const field of FACTS) {
          const words = SAID_ONLY_WHEN_STATED[field]
          // The HMI's name goes unsaid when the HMI is missing, so the region has no sentence of its own.
          if (!words || missing.includes(field) || (field === 'hmiRegion' && missing.includes('hmi')))
            continue
          expect(markdown, `${field} is recorded`).toMatch(words)
        }
      }),
      { numRuns: 200 },
    )
  })
})
