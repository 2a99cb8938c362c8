import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { seedDemoData } from '../../demo-data.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

/** The headline the force's real press release states. */
function fixtureHeadline(code: string): string {
  const facts = JSON.parse(readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${code}.json`), 'utf8'))
  return (facts as { headline: string }).headline
}

let testApp: TestApp
beforeAll(async () => {
  testApp = await createDemoTestApp()
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

describe('demo fieldwork', () => {
  it('confirms each fixture force’s headline, moderated by a second inspector, once however often it runs', async () => {
    const revisit = await testApp.services.inspections.findByCode(SYSTEM_CALLER, 'revisit-2012')
    if (!revisit) throw new Error('the inspections demo made no revisit')
    const findingsBefore = new Map<string, number>()
    for (const code of ['cheshire', 'cleveland', 'greater-manchester']) {
      const assessment = await testApp.services.inspections.assessment(SYSTEM_CALLER, revisit.id, code)
      const judgement = await testApp.services.fieldwork.judgementOf(SYSTEM_CALLER, assessment)
      expect(judgement?.status).toBe('confirmed')
      expect(judgement?.judgement).toBe(fixtureHeadline(code))
      expect(judgement?.proposedByLabel).toContain('inspector@inspectorate.example')
      expect(judgement?.moderatedByLabel).toContain('lead.inspector@inspectorate.example')
      const findings = await testApp.services.fieldwork.findingsFor(SYSTEM_CALLER, assessment)
      expect(new Set(findings.map((f) => f.kind))).toContain('strength')
      expect(new Set(findings.map((f) => f.kind))).toContain('area for improvement')
      findingsBefore.set(code, findings.length)
    }
    const cheshire = await testApp.services.recommendationProgress.forForce(
      SYSTEM_CALLER,
      revisit.id,
      'cheshire',
    )
    const bases = new Set(cheshire.recommendations.flatMap((r) => r.history.map((u) => u.basis)))
    expect(bases).toEqual(new Set(['self-reported', 'inspector-verified']))
    const updates = cheshire.recommendations.flatMap((r) => r.history).length

    await seedDemoData(testApp.services)
    for (const [code, count] of findingsBefore) {
      const assessment = await testApp.services.inspections.assessment(SYSTEM_CALLER, revisit.id, code)
      expect((await testApp.services.fieldwork.findingsFor(SYSTEM_CALLER, assessment)).length).toBe(count)
    }
    const again = await testApp.services.recommendationProgress.forForce(
      SYSTEM_CALLER,
      revisit.id,
      'cheshire',
    )
    expect(again.recommendations.flatMap((r) => r.history).length).toBe(updates)
    const history = await testApp.services.fieldwork.judgementHistory(
      SYSTEM_CALLER,
      await testApp.services.inspections.assessment(SYSTEM_CALLER, revisit.id, 'cheshire'),
    )
    expect(history.map((e) => e.action)).toEqual(['propose', 'confirm'])
  })
})
