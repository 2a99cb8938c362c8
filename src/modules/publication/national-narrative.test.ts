import { describe, expect, it } from 'vitest'
import { countOf } from '../../domain/number-words.js'
import type { HeadlineJudgement } from '../../domain/press-release-facts.js'
import { type ForceFacts, figuresOf, type NationalFacts, pressReleaseFactsOf } from './facts.js'
import { nationalNarrative } from './national-narrative.js'
import { linksIn, withoutLinks } from './sources.js'
import { SAMPLE_INSPECTION } from './test-support.js'

const inspection = SAMPLE_INSPECTION

function force(
  code: string,
  name: string,
  headline: HeadlineJudgement | null,
  values: Record<string, number>,
): ForceFacts {
  return {
    pressRelease: pressReleaseFactsOf({
      force: { code, name },
      hmi: null,
      region: null,
      period: { from: inspection.dataFrom, to: inspection.dataTo },
      headline,
      selfAssessmentSubmitted: false,
      values,
    }),
    force: { code, name, region: null },
    inspection,
    figures: figuresOf(values),
    findings: [],
    recommendations: [],
    quote: [],
  }
}

describe('the national narrative', () => {
  const forces = [
    force('alpha', 'Alpha Police', 'good progress', {
      'second-job-applications': 12,
      'second-job-approvals': 10,
      'social-media-referrals': 2,
    }),
    force('beta', 'Beta Constabulary', 'limited progress', {
      'second-job-applications': 7,
      'second-job-approvals': 7,
      'social-media-referrals': 0,
    }),
    // Nothing returned and no judgement: nothing may be said about it.
    force('gamma', 'Gamma Police', null, {}),
  ]
  const facts: NationalFacts = { inspection, forces, research: [], surveys: [] }
  const narrative = nationalNarrative(facts)
  const text = [
    ...narrative.introduction,
    ...narrative.judgements,
    ...narrative.figures,
    ...narrative.research,
    ...narrative.surveys,
    ...narrative.recommendations,
  ].join('\n')

  it('sums each figure over the forces that returned it, and says over how many', () => {
    const returnedBy = (code: string) =>
      forces.flatMap((f) => f.figures.filter((figure) => figure.code === code && figure.value !== null))
    const applications = returnedBy('second-job-applications').reduce((s, f) => s + (f.value ?? 0), 0)
    const stated = (key: string) => narrative.stated.find((figure) => figure.key === key)
    expect(stated('second-job-applications')).toMatchObject({ value: applications, forces: 2 })
    expect(stated('second-job-applications:forces')?.value).toBe(returnedBy('second-job-applications').length)
    expect(withoutLinks(text)).toContain(`made ${countOf(applications, 'application')}`)
    expect(stated('judged')?.value).toBe(forces.filter((f) => f.pressRelease.headline).length)
    // Every stated figure is a link to its source.
    const hrefs = linksIn(text).map((link) => link.href)
    for (const figure of narrative.stated) expect(hrefs).toContain(figure.source.href)
  })

  it('says nothing about a force or an item without data, and tells the editor what is missing', () => {
    expect(text).not.toContain('Gamma')
    expect(text).not.toMatch(/investigation|counter-corruption plan|policy|desk research|public/i)
    expect(narrative.stated.some((figure) => figure.key.startsWith('media-disclosure'))).toBe(false)
    expect(narrative.missing).toContain(
      'No force returned media-disclosure investigations: the review says nothing about it.',
    )
    expect(narrative.missing.join('\n')).toContain('Gamma Police has no confirmed headline judgement')
    expect(narrative.missing.join('\n')).toContain('Gamma Police did not return second-job applications')
  })

  it('states nothing at all for an inspection where no force returned anything', () => {
    const empty = nationalNarrative({
      inspection,
      forces: [force('gamma', 'Gamma Police', null, {})],
    })
    expect([...empty.judgements, ...empty.figures, ...empty.research, ...empty.recommendations]).toEqual([])
    expect(empty.missing.length).toBeGreaterThan(3)
  })
})

describe('the survey section', () => {
  const headline = {
    survey: 'Public opinion on police corruption',
    synthetic: true,
    finding: 'think corruption is a problem in the police',
    wave: '2012',
    share: 0.43,
    previous: { wave: '2011', share: 0.38, significant: true },
    href: '/surveys/public-opinion',
  }

  it('quotes the headline share and its change since the last wave, linked, when results exist', () => {
    const [sentence] = nationalNarrative({ inspection, forces: [], surveys: [headline] }).surveys
    expect(withoutLinks(sentence as string)).toContain(
      `${Math.round(headline.share * 100)}% of the public think corruption is a problem in the police, against ${Math.round(headline.previous.share * 100)}% in 2011 (a rise that is statistically significant)`,
    )
    expect(sentence).toContain('synthetic data')
    expect(linksIn(sentence as string).map((link) => link.href)).toEqual([headline.href, headline.href])
  })

  it('has no survey sentence when no results are held', () => {
    expect(nationalNarrative({ inspection, forces: [], surveys: [] }).surveys).toEqual([])
  })
})
