import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import { extractPressRelease } from '../press-releases/extractor.js'
import { shippedForces } from '../press-releases/forces.js'
import type { ForceFacts } from './facts.js'
import { markdownAsText } from './render.js'
import { withoutLinks } from './sources.js'

/**
 * The acceptance test of the publications: what a press release says is read back by the extractor
 * and must equal the facts, field by field — for the forces of the 2012 fixtures after the demo seed,
 * and for a force whose facts this test enters through the services itself. Facts, not wording.
 */

const FIXTURE_FORCES = ['cheshire', 'cleveland', 'greater-manchester']

let testApp: TestApp
let revisitId: string

beforeAll(async () => {
  ;({ testApp, revisitId } = await createDemoApp())
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

function fixture(code: string): PressReleaseFacts {
  return JSON.parse(
    fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${code}.json`), 'utf8'),
  ) as PressReleaseFacts
}

/** The facts the extractor reads from a version's text (as the press office would send it). */
function extracted(content: string): PressReleaseFacts {
  return extractPressRelease(markdownAsText(content), shippedForces()).facts
}

async function publishedPressRelease(forceCode: string) {
  const documents = await testApp.services.publication.published(revisitId)
  const document = documents.find((d) => d.kind === 'press-release' && d.force?.code === forceCode)
  if (!document?.latest) throw new Error(`no published press release for ${forceCode}`)
  return document.latest
}

describe('the 2012 revisit as the demo publishes it', () => {
  for (const code of FIXTURE_FORCES) {
    it(`${code}: the published press release states every fact of the fixture`, async () => {
      const version = await publishedPressRelease(code)
      expect(extracted(version.content)).toEqual(fixture(code))
      // factsFor, which the report, the national review and the open data read too, gives the same.
      expect(await testApp.services.publication.factsFor(SYSTEM_CALLER, revisitId, code)).toEqual(
        fixture(code),
      )
    })
  }

  it('states the same figures in the report, the national review and the open data', async () => {
    const documents = await testApp.services.publication.published(revisitId)
    const national = documents.find((d) => d.kind === 'national-review')?.latest
    expect(national?.isPublic).toBe(true)
    const openData = async () =>
      (await testApp.app.inject({ url: `/api/publications/inspections/${revisitId}/open-data` })).json<{
        forces: { forceCode: string; figures: Record<string, unknown> }[]
      }>()
    // By default small numbers are withheld: no count from 1 to 5 is shown.
    const guarded = await openData()
    const counts = DATA_RETURN_ITEMS.filter((item) => item.kind === 'count')
    for (const force of guarded.forces)
      for (const item of counts) {
        const figure = force.figures[item.code]
        expect(typeof figure === 'number' && figure >= 1 && figure <= 5).toBe(false)
      }
    expect(guarded.forces.some((force) => Object.values(force.figures).includes('*'))).toBe(true)
    // With suppression off (a reason given), the open data states exactly the report's figures.
    await testApp.services.publication.setSuppression(SYSTEM_CALLER, revisitId, {
      suppressUpTo: '0',
      reason: 'Acceptance test: every figure compared with the report',
    })
    const open = await openData()
    for (const code of FIXTURE_FORCES) {
      const facts = fixture(code)
      const report = documents.find((d) => d.kind === 'force-report' && d.force?.code === code)?.latest
      const reportFacts = report?.facts as ForceFacts
      expect(reportFacts.pressRelease).toEqual(facts)
      const figures = open.forces.find((f) => f.forceCode === code)?.figures
      expect(figures?.['second-job-applications']).toBe(facts.secondJobApplications?.applications)
      expect(figures?.['second-job-approvals']).toBe(facts.secondJobApplications?.approved)
      expect(figures?.['media-disclosure-investigations']).toBe(facts.mediaDisclosureInvestigations?.total)
      expect(figures?.['social-media-referrals']).toBe(facts.socialMediaCasesReferred)
      const table = `| ${facts.force} | ${facts.headline} | ${facts.secondJobApplications?.applications} | ${facts.secondJobApplications?.approved} | ${facts.mediaDisclosureInvestigations?.total} |`
      // Each figure of the table links to its source: read without the links.
      expect(withoutLinks(national?.content ?? '')).toContain(table)
    }
  })
})

describe('a force whose facts are entered here', () => {
  it('gets a press release that states exactly those facts', async () => {
    const { services } = testApp
    const code = 'durham'
    // Two inspectors (one proposes the judgement, the other confirms it), and the force's caseworker.
    const people: Record<string, Caller> = {}
    for (const [key, role, forceCode] of [
      ['lead', 'inspector', undefined],
      ['second', 'inspector', undefined],
      ['caseworker', 'force-caseworker', code],
    ] as const) {
      const { user } = await services.users.create(SYSTEM_CALLER, {
        email: `${key}@acceptance.example`,
        name: `Acceptance ${key}`,
        role,
        forceCode,
        password: 'correct horse battery staple',
      })
      const forceId = forceCode
        ? ((await services.forces.references()).find((f) => f.code === forceCode)?.id ?? null)
        : null
      people[key] = callerFor(
        { kind: 'user', id: user.id, label: user.name, role, forceId, staffMemberId: null },
        null,
      )
    }
    const inspector = people.lead as Caller
    await services.dataReturns.refresh(inspector, revisitId, code)
    const entered: Record<string, number> = {
      'second-job-applications': 3,
      'second-job-approvals': 1,
      'media-disclosure-investigations': 2,
      'media-disclosure-continuing': 0,
      'social-media-referrals': 1,
      'acu-staff-change': -2,
    }
    for (const [item, value] of Object.entries(entered))
      await services.dataReturns.override(inspector, revisitId, code, {
        item,
        value: String(value),
        reason: 'Figures from the force’s own register, checked in fieldwork',
      })
    await services.dataReturns.supply(people.caseworker as Caller, revisitId, code, {
      'counter-corruption-plan': 'yes',
    })
    await services.fieldwork.proposeJudgement(inspector, revisitId, code, {
      judgement: 'limited progress',
      rationale: 'Little has changed since 2011',
    })
    await services.fieldwork.confirmJudgement(people.second as Caller, revisitId, code)

    const expected: PressReleaseFacts = {
      force: 'Durham Constabulary',
      forceCode: code,
      headline: 'limited progress',
      // Durham's region is inferred and its HMI unknown: the release names neither.
      hmi: null,
      hmiRegion: null,
      period: { from: '2011-09-01', to: '2012-05-31' },
      // No self-assessment recorded: the release makes no claim either way.
      integrityHealthCheck: null,
      mediaDisclosureInvestigations: { total: 2, continuing: 0 },
      socialMediaCasesReferred: 1,
      secondJobApplications: { applications: 3, approved: 1 },
      antiCorruptionUnitStaffChange: -2,
      counterCorruptionPlan: true,
    }
    const outcomes = await services.publication.generate(SYSTEM_CALLER, revisitId, { forceCode: code })
    const release = outcomes.find((o) => o.kind === 'press-release')
    const { version } = await services.publication.version(SYSTEM_CALLER, release?.versionId as string)
    expect((version.facts as ForceFacts).pressRelease).toEqual(expected)
    expect(extracted(version.content)).toEqual(expected)
  })
})
