import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'

/** The test clock: tests move it on to reach review dates. */
let clock = new Date('2012-03-01T10:00:00Z')
let testApp: TestApp
let cast: TwoForces
let alphaForceId: number
let bravoForceId: number
let caseworker: Caller
let applicant: Caller
let bravoCaseworker: Caller
let inspector: Caller

const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [criterion, { concern: 'no', note: '' }]),
)

function callerOf(
  role: 'force-admin' | 'force-caseworker' | 'staff' | 'inspector',
  forceId: number | null,
  staffMemberId: string | null = null,
): Caller {
  return callerFor(
    { kind: 'user', id: cast.alpha.users['force-caseworker'].id, label: role, role, forceId, staffMemberId },
    '127.0.0.1',
  )
}

async function apply(overrides: Record<string, string> = {}) {
  return testApp.services.businessInterests.apply(applicant, {
    nature: 'Weekend driving instructor',
    category: 'self-employment',
    hoursPerWeek: '6',
    paid: 'yes',
    conflictDeclaration: 'None',
    ...overrides,
  })
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  const forces = await testApp.services.forces.references()
  alphaForceId = forces.find((force) => force.code === 'cheshire')?.id as number
  bravoForceId = forces.find((force) => force.code === 'cleveland')?.id as number
  caseworker = callerOf('force-caseworker', alphaForceId)
  applicant = callerOf('staff', alphaForceId, cast.alpha.roster.staffMemberId)
  bravoCaseworker = callerOf('force-caseworker', bravoForceId)
  inspector = callerOf('inspector', null)
})
afterAll(() => testApp.close())

describe('applying and deciding', () => {
  it('takes an application from a linked member of staff, dated today, as submitted', async () => {
    const interest = await apply()
    expect(interest).toMatchObject({
      status: 'submitted',
      submittedOn: '2012-03-01',
      hoursPerWeek: 6,
      paid: 'yes',
    })
    expect(interest.staffMember.id).toBe(cast.alpha.roster.staffMemberId)
    const mine = await testApp.services.businessInterests.mine(applicant)
    expect(mine.map((row) => row.id)).toContain(interest.id)
  })

  it('refuses an account that is not linked to the roster, and reports every missing field', async () => {
    await expect(
      testApp.services.businessInterests.apply(callerOf('staff', alphaForceId, null), { nature: 'x' }),
    ).rejects.toBeInstanceOf(ForbiddenError)
    const error = await testApp.services.businessInterests
      .apply(applicant, {})
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ValidationError)
    expect(Object.keys((error as ValidationError).fieldErrors)).toEqual(
      expect.arrayContaining(['nature', 'category', 'paid', 'conflictDeclaration']),
    )
  })

  it('requires every criterion, conditions for a conditional approval and a reason for a refusal', async () => {
    const interest = await apply()
    const decide = (input: Parameters<typeof testApp.services.businessInterests.decide>[2]) =>
      testApp.services.businessInterests
        .decide(caseworker, interest.id, input)
        .catch((error: unknown) => error)
    const noCriteria = (await decide({ decision: 'approved' })) as ValidationError
    expect(Object.keys(noCriteria.fieldErrors)).toContain('concern-impartiality')
    const noConditions = (await decide({
      assessment: noConcerns,
      decision: 'approved with conditions',
    })) as ValidationError
    expect(noConditions.fieldErrors).toEqual({ conditions: 'Enter the conditions of the approval' })
    const noReason = (await decide({ assessment: noConcerns, decision: 'refused' })) as ValidationError
    expect(noReason.fieldErrors).toEqual({ refusalReason: 'Enter the reason for refusing' })
    expect((await testApp.services.businessInterests.find(caseworker, interest.id)).status).toBe('submitted')
  })

  it('approves with conditions, with a review in 12 months by default, and keeps the history', async () => {
    const interest = await apply()
    const decided = await testApp.services.businessInterests.decide(caseworker, interest.id, {
      assessment: { ...noConcerns, 'health and well-being': { concern: 'yes', note: 'Long hours' } },
      decision: 'approved with conditions',
      conditions: 'No more than 8 hours a week',
    })
    expect(decided).toMatchObject({
      status: 'approved with conditions',
      conditions: 'No more than 8 hours a week',
      decidedOn: '2012-03-01',
      reviewDate: '2013-03-01',
      expiryDate: null,
    })
    expect(decided.assessment?.['health and well-being']).toEqual({ concern: true, note: 'Long hours' })
    const { history } = await testApp.services.businessInterests.detail(caseworker, interest.id)
    expect(history.map((event) => event.action)).toEqual(['create', 'decide'])
    // A decided application cannot be decided again.
    await expect(
      testApp.services.businessInterests.decide(caseworker, interest.id, {
        assessment: noConcerns,
        decision: 'approved',
      }),
    ).rejects.toBeInstanceOf(ValidationError)
  })

  it('hides one force’s applications from another force and refuses the inspectorate any change', async () => {
    const interest = await apply()
    await expect(
      testApp.services.businessInterests.find(bravoCaseworker, interest.id),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      testApp.services.businessInterests.decide(bravoCaseworker, interest.id, {
        assessment: noConcerns,
        decision: 'approved',
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect((await testApp.services.businessInterests.find(inspector, interest.id)).id).toBe(interest.id)
    await expect(
      testApp.services.businessInterests.decide(inspector, interest.id, {
        assessment: noConcerns,
        decision: 'approved',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError)
    const other = callerOf('staff', alphaForceId, null)
    await expect(testApp.services.businessInterests.find(other, interest.id)).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(testApp.services.businessInterests.withdraw(other, interest.id)).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })
})

describe('appeals and withdrawal', () => {
  it('lets the applicant appeal a refusal once; upheld, it becomes approved with conditions', async () => {
    const interest = await apply({ nature: 'Door supervisor at a night club', category: 'security work' })
    await testApp.services.businessInterests.decide(caseworker, interest.id, {
      assessment: { ...noConcerns, impartiality: { concern: 'yes', note: 'Licensed premises' } },
      decision: 'refused',
      refusalReason: 'Conflicts with licensing duties',
    })
    await expect(
      testApp.services.businessInterests.appeal(applicant, interest.id, {}),
    ).rejects.toBeInstanceOf(ValidationError)
    await expect(
      testApp.services.businessInterests.appeal(caseworker, interest.id, { grounds: 'not mine' }),
    ).rejects.toBeInstanceOf(NotFoundError)
    const appealed = await testApp.services.businessInterests.appeal(applicant, interest.id, {
      grounds: 'Club is outside the force area',
    })
    expect(appealed).toMatchObject({ appealStatus: 'lodged', status: 'refused', canAppeal: false })
    await expect(
      testApp.services.businessInterests.appeal(applicant, interest.id, { grounds: 'again' }),
    ).rejects.toBeInstanceOf(ValidationError)
    const missing = await testApp.services.businessInterests
      .decideAppeal(caseworker, interest.id, { outcome: 'upheld', status: 'approved with conditions' })
      .catch((error: unknown) => error)
    expect((missing as ValidationError).fieldErrors).toMatchObject({
      reason: expect.any(String),
      conditions: expect.any(String),
    })
    const upheld = await testApp.services.businessInterests.decideAppeal(caseworker, interest.id, {
      outcome: 'upheld',
      status: 'approved with conditions',
      conditions: 'Only outside the force area',
      reason: 'The club is in another force area',
    })
    expect(upheld).toMatchObject({
      status: 'approved with conditions',
      appealStatus: 'upheld',
      conditions: 'Only outside the force area',
      refusalReason: null,
      reviewDate: '2013-03-01',
    })
  })

  it('dismisses an appeal, leaving the decision as it was', async () => {
    const interest = await apply()
    await testApp.services.businessInterests.decide(caseworker, interest.id, {
      assessment: noConcerns,
      decision: 'approved with conditions',
      conditions: 'Not in uniform',
    })
    await testApp.services.businessInterests.appeal(applicant, interest.id, {
      grounds: 'Condition unnecessary',
    })
    const dismissed = await testApp.services.businessInterests.decideAppeal(caseworker, interest.id, {
      outcome: 'dismissed',
      reason: 'The condition is proportionate',
    })
    expect(dismissed).toMatchObject({
      status: 'approved with conditions',
      conditions: 'Not in uniform',
      appealStatus: 'dismissed',
    })
  })

  it('withdraws a pending or approved application, but not a refused one', async () => {
    const pending = await apply()
    expect((await testApp.services.businessInterests.withdraw(applicant, pending.id)).status).toBe(
      'withdrawn',
    )
    await expect(testApp.services.businessInterests.withdraw(applicant, pending.id)).rejects.toBeInstanceOf(
      ValidationError,
    )
    const approved = await apply()
    await testApp.services.businessInterests.decide(caseworker, approved.id, {
      assessment: noConcerns,
      decision: 'approved',
    })
    expect(await testApp.services.businessInterests.withdraw(applicant, approved.id)).toMatchObject({
      status: 'withdrawn',
      withdrawnOn: '2012-03-01',
    })
    const refused = await apply()
    await testApp.services.businessInterests.decide(caseworker, refused.id, {
      assessment: noConcerns,
      decision: 'refused',
      refusalReason: 'No',
    })
    await expect(testApp.services.businessInterests.withdraw(applicant, refused.id)).rejects.toBeInstanceOf(
      ValidationError,
    )
  })
})

describe('reviews due', () => {
  it('lists approved interests whose review or expiry falls within the window or has passed', async () => {
    const soon = await apply({ nature: 'Review soon' })
    await testApp.services.businessInterests.decide(caseworker, soon.id, {
      assessment: noConcerns,
      decision: 'approved',
      reviewDate: '2012-03-20',
    })
    const expiring = await apply({ nature: 'Expiring soon' })
    await testApp.services.businessInterests.decide(caseworker, expiring.id, {
      assessment: noConcerns,
      decision: 'approved',
      reviewDate: '2013-01-01',
      expiryDate: '2012-04-15',
    })
    const due = async (days?: number) =>
      (await testApp.services.businessInterests.reviewsDue(caseworker, { days })).map((row) => row.nature)
    expect(await due(30)).toContain('Review soon')
    expect(await due(30)).not.toContain('Expiring soon')
    expect(await due(60)).toEqual(expect.arrayContaining(['Review soon', 'Expiring soon']))
    // Months later the review is overdue: still listed, whatever the window.
    clock = new Date('2012-06-01T10:00:00Z')
    expect(await due(0)).toEqual(expect.arrayContaining(['Review soon', 'Expiring soon']))
    await testApp.services.businessInterests.markExpired(caseworker, expiring.id)
    expect(await due(0)).not.toContain('Expiring soon')
    expect(await testApp.services.businessInterests.reviewsDue(bravoCaseworker)).toEqual([])
    clock = new Date('2012-03-01T10:00:00Z')
  })
})

describe('counts for a period', () => {
  it('counts applications submitted in the period by outcome and category', async () => {
    // A fresh period, entered by a caseworker for historic records.
    const record = (nature: string, category: string, submittedOn: string) =>
      testApp.services.businessInterests.record(caseworker, {
        staffNumber: 'alpha0001',
        submittedOn,
        nature,
        category,
        paid: 'yes',
        conflictDeclaration: 'None',
      })
    const a = await record('A', 'paid employment', '2010-04-01')
    const b = await record('B', 'paid employment', '2010-06-30')
    const c = await record('C', 'voluntary work', '2010-09-01')
    const d = await record('D', 'security work', '2011-01-31')
    await record('E', 'other', '2010-12-31')
    await record('Outside', 'other', '2010-03-31')
    await testApp.services.businessInterests.decide(caseworker, a.id, {
      assessment: noConcerns,
      decision: 'approved',
    })
    await testApp.services.businessInterests.decide(caseworker, b.id, {
      assessment: noConcerns,
      decision: 'approved with conditions',
      conditions: 'Weekends only',
    })
    await testApp.services.businessInterests.decide(caseworker, c.id, {
      assessment: noConcerns,
      decision: 'refused',
      refusalReason: 'Too many hours',
    })
    await testApp.services.businessInterests.withdraw(caseworker, d.id)

    const counts = await testApp.services.businessInterests.counts(caseworker, alphaForceId, {
      from: '2010-04-01',
      to: '2011-01-31',
    })
    expect(counts).toEqual({
      applications: 5,
      approved: 2,
      approvedWithConditions: 1,
      refused: 1,
      withdrawn: 1,
      pending: 1,
      byCategory: {
        'paid employment': { applications: 2, approved: 2, refused: 0 },
        'voluntary work': { applications: 1, approved: 0, refused: 1 },
        'security work': { applications: 1, approved: 0, refused: 0 },
        other: { applications: 1, approved: 0, refused: 0 },
      },
    })
    expect(
      await testApp.services.businessInterests.counts(inspector, alphaForceId, {
        from: '2010-04-01',
        to: '2011-01-31',
      }),
    ).toEqual(counts)
    await expect(
      testApp.services.businessInterests.counts(bravoCaseworker, alphaForceId, {
        from: '2010-04-01',
        to: '2011-01-31',
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      testApp.services.businessInterests.counts(caseworker, alphaForceId, {
        from: '2012-02-01',
        to: '2011-01-01',
      }),
    ).rejects.toBeInstanceOf(ValidationError)
    expect(SYSTEM_CALLER.scope.kind).toBe('inspectorate')
  })
})
