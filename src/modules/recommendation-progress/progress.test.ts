import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInAgent } from '../../../test/support/agent.js'
import { buildFieldworkCast, type FieldworkCast } from '../../../test/support/fieldwork-cast.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, type ValidationError } from '../../domain/errors.js'

let testApp: TestApp
let cast: TwoForces
let fw: FieldworkCast
// A clock that stands still: updates recorded at one instant still keep their order.
const now = new Date('2012-07-10T09:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  fw = await buildFieldworkCast(testApp.services, cast)
})
afterAll(() => testApp.close())

const progress = () => testApp.services.recommendationProgress

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a refusal')
}

describe('recommendation progress', () => {
  it('lists a force’s national and own recommendations, with no status yet', async () => {
    const alpha = await progress().forForce(fw.alpha['force-caseworker'], fw.revisit.id, 'cheshire')
    expect(alpha.recommendations.map((r) => r.recommendation.code)).toEqual(['REC-1', 'REC-2', 'REC-9'])
    expect(alpha.recommendations.every((r) => r.current === null)).toBe(true)
    expect(alpha.records).toBe('self-reported')
    const bravo = await progress().forForce(fw.lead.caller, fw.revisit.id, 'cleveland')
    expect(bravo.recommendations.map((r) => r.recommendation.code)).toEqual([
      'REC-1',
      'REC-2',
      'REC-9',
      'REC-C',
    ])
    expect(bravo.records).toBe('inspector-verified')
  })

  it('keeps self-reported and inspector-verified updates apart in one history, the latest current', async () => {
    const caseworker = fw.alpha['force-caseworker']
    await progress().record(caseworker, fw.revisit.id, 'cheshire', {
      recommendation: 'REC-2',
      status: 'in progress',
      note: 'Register drafted',
    })
    const self = await progress().record(caseworker, fw.revisit.id, 'cheshire', {
      recommendation: 'REC-2',
      status: 'implemented',
      note: '',
    })
    expect(self).toMatchObject({ basis: 'self-reported', status: 'implemented', note: null })
    // An inspector verifies, with what they saw.
    const refusal = await rejection(
      progress().record(fw.lead.caller, fw.revisit.id, 'cheshire', {
        recommendation: 'REC-2',
        status: 'in progress',
      }),
    )
    expect((refusal as ValidationError).fieldErrors.note).toMatch(/verifies/)
    await progress().record(fw.lead.caller, fw.revisit.id, 'cheshire', {
      recommendation: 'REC-2',
      status: 'in progress',
      note: 'Register exists but is not yet published',
    })
    const { recommendation } = await progress().one(caseworker, fw.revisit.id, 'cheshire', 'REC-2')
    expect(recommendation.current).toMatchObject({ status: 'in progress', basis: 'inspector-verified' })
    expect(recommendation.history.map((u) => [u.status, u.basis])).toEqual([
      ['in progress', 'inspector-verified'],
      ['implemented', 'self-reported'],
      ['in progress', 'self-reported'],
    ])
    // The clock stood still, yet each update is later than the one before.
    const times = recommendation.history.map((u) => u.recordedAt.getTime())
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(new Set(times).size).toBe(3)
    // Audited in the force's trail (progress is the force's as much as the inspectorate's).
    const events = await testApp.services.audit.history(SYSTEM_CALLER, 'recommendation-progress', self.id)
    expect(events[0]).toMatchObject({ action: 'record', forceId: self.forceId })
  })

  it('refuses staff, other forces, recommendations not made to the force, and unknown statuses', async () => {
    expect(await rejection(progress().forForce(fw.alpha.staff, fw.revisit.id, 'cheshire'))).toBeInstanceOf(
      ForbiddenError,
    )
    expect(
      await rejection(progress().forForce(fw.bravo['force-caseworker'], fw.revisit.id, 'cheshire')),
    ).toBeInstanceOf(NotFoundError)
    expect(
      await rejection(
        progress().record(fw.bravo['force-admin'], fw.revisit.id, 'cheshire', {
          recommendation: 'REC-1',
          status: 'implemented',
        }),
      ),
    ).toBeInstanceOf(NotFoundError)
    const cleveland = await rejection(
      progress().record(fw.alpha['force-caseworker'], fw.revisit.id, 'cheshire', {
        recommendation: 'REC-C',
        status: 'implemented',
      }),
    )
    expect((cleveland as ValidationError).fieldErrors.recommendation).toMatch(/force’s recommendations/)
    const status = await rejection(
      progress().record(fw.alpha['force-caseworker'], fw.revisit.id, 'cheshire', {
        recommendation: 'REC-1',
        status: 'done',
      }),
    )
    expect((status as ValidationError).fieldErrors.status).toBe('Select the status')
    expect(
      await rejection(progress().one(fw.lead.caller, fw.revisit.id, 'cheshire', 'REC-C')),
    ).toBeInstanceOf(NotFoundError)
  })

  it('shows one history for a recommendation carried on into the next framework version', async () => {
    const caseworker = fw.alpha['force-caseworker']
    await progress().record(caseworker, fw.review.id, 'cheshire', {
      recommendation: 'R1',
      status: 'in progress',
      note: 'Media log started (2011)',
    })
    await testApp.services.inspections.setStatus(SYSTEM_CALLER, fw.review.id, 'closed')
    const closed = await rejection(
      progress().record(caseworker, fw.review.id, 'cheshire', {
        recommendation: 'R1',
        status: 'implemented',
      }),
    )
    expect((closed as ValidationError).fieldErrors.form).toMatch(/closed/)
    expect((await progress().forForce(caseworker, fw.review.id, 'cheshire')).records).toBeNull()

    await progress().record(fw.second.caller, fw.revisit.id, 'cheshire', {
      recommendation: 'REC-1',
      status: 'implemented',
      note: 'Saw the media log in use',
    })
    const revisit = await progress().one(caseworker, fw.revisit.id, 'cheshire', 'REC-1')
    expect(
      revisit.recommendation.history.map((u) => [u.recommendationCode, u.frameworkVersion, u.status]),
    ).toEqual([
      ['REC-1', 2, 'implemented'],
      ['R1', 1, 'in progress'],
    ])
    // And the same history from the earlier version's side.
    const review = await progress().one(caseworker, fw.review.id, 'cheshire', 'R1')
    expect(review.recommendation.current).toMatchObject({
      status: 'implemented',
      basis: 'inspector-verified',
    })
    expect(review.recommendation.history).toHaveLength(2)
    // A recommendation without a mapping keeps its own history.
    expect((await progress().one(caseworker, fw.review.id, 'cheshire', 'R3')).recommendation.history).toEqual(
      [],
    )
    // Another force's updates never join it.
    const bravo = await progress().one(fw.lead.caller, fw.revisit.id, 'cleveland', 'REC-1')
    expect(bravo.recommendation.history).toEqual([])
  })

  it('counts statuses per recommendation and per force for the inspectorate, and audits the export', async () => {
    await progress().record(fw.bravo['force-caseworker'], fw.revisit.id, 'cleveland', {
      recommendation: 'REC-C',
      status: 'not started',
    })
    const national = await progress().national(fw.lead.caller, 'fieldwork-revisit')
    expect(national.inspection.code).toBe('fieldwork-revisit')
    const byCode = new Map(national.recommendations.map((r) => [r.recommendation.code, r]))
    expect(byCode.get('REC-1')).toMatchObject({ forces: 2, counts: { implemented: 1, 'no update': 1 } })
    expect(byCode.get('REC-2')).toMatchObject({ forces: 2, counts: { 'in progress': 1, 'no update': 1 } })
    expect(byCode.get('REC-C')).toMatchObject({ forces: 1, counts: { 'not started': 1, 'no update': 0 } })
    const byForce = new Map(national.forces.map((f) => [f.force.code, f]))
    expect(byForce.get('cheshire')).toMatchObject({
      recommendations: 3,
      counts: { implemented: 1, 'in progress': 1, 'no update': 1 },
    })
    expect(byForce.get('cleveland')).toMatchObject({
      recommendations: 4,
      counts: { 'not started': 1, 'no update': 3 },
    })
    expect(national.rows).toHaveLength(7)

    expect(await rejection(progress().national(fw.alpha['force-admin']))).toBeInstanceOf(ForbiddenError)
    expect(await rejection(progress().national(fw.lead.caller, 'no-such-inspection'))).toBeInstanceOf(
      NotFoundError,
    )

    await progress().exportNational(fw.lead.caller, 'fieldwork-revisit', 'csv')
    const { events } = await testApp.services.audit.list(
      SYSTEM_CALLER,
      { entityType: 'recommendation-progress', action: 'export' },
      { offset: 0, limit: 10 },
    )
    expect(events[0]?.after).toMatchObject({
      format: 'csv',
      rows: 7,
      filters: { inspection: 'fieldwork-revisit' },
    })
  })
})

describe('recommendation progress in Welsh', () => {
  it('shows a force’s recommendations and one recommendation in Welsh, the framework’s text marked as English', async () => {
    const base = `/inspections/${fw.revisit.id}/forces/cheshire/recommendations`
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const page = await welsh.get(base)
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/<html lang="cy"/)
    expect(page.body).toContain('Argymhellion: Cheshire Constabulary')
    expect(page.body).toContain('Cofnodi diweddariad')
    expect(page.body).toContain('Hunan-adroddedig')
    expect(page.body).not.toContain('Progress by recommendation')
    const bad = await welsh.post(base, { recommendation: 'REC-2', status: 'finished' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Dewiswch y statws')
    const recorded = await welsh.post(base, { recommendation: 'REC-2', status: 'implemented' })
    expect(recorded.statusCode).toBe(303)
    const after = await welsh.get(String(recorded.headers.location))
    expect(after.body).toContain('Diweddariad cynnydd wedi’i gofnodi fel hunan-adroddedig')
    expect(after.body).toContain('Wedi’i weithredu')
    const one = after.body.match(new RegExp(`href="(${base}/[^"]+)"`))?.[1] ?? ''
    const recommendation = await welsh.get(one)
    expect(recommendation.body).toContain('Statws presennol')
    expect(recommendation.body).not.toContain('Current status')
  })
})
