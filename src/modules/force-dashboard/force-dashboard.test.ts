import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import type { ForceReference } from '../forces/service.js'
import { type ForceDashboard, financialYearOf } from './service.js'

let clock = new Date('2012-06-15T11:00:00Z')
let testApp: TestApp
let cast: TwoForces
let alpha: ForceReference
let bravo: ForceReference
let caseworker: Caller
let bravoCaseworker: Caller
let inspector: Caller
let staff: Caller

const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [criterion, { concern: 'no', note: '' }]),
)

function callerOf(
  role: 'force-caseworker' | 'staff' | 'inspector',
  forceId: number | null,
  userId = cast.alpha.users['force-caseworker'].id,
): Caller {
  return callerFor({ kind: 'user', id: userId, label: role, role, forceId, staffMemberId: null }, '127.0.0.1')
}

const figures = (caller: Caller, force: ForceReference): Promise<ForceDashboard> =>
  testApp.services.forceDashboard.figures(caller, force)

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  const forces = await testApp.services.forces.references()
  alpha = forces.find((force) => force.code === 'cheshire') as ForceReference
  bravo = forces.find((force) => force.code === 'cleveland') as ForceReference
  caseworker = callerOf('force-caseworker', alpha.id)
  bravoCaseworker = callerOf('force-caseworker', bravo.id, cast.bravo.users['force-caseworker'].id)
  inspector = callerOf('inspector', null, cast.inspectorateAdmin.id)
  staff = callerOf('staff', alpha.id, cast.alpha.users.staff.id)
})
afterAll(() => testApp.close())

describe('financial years', () => {
  it('run from 1 April to 31 March', () => {
    expect(financialYearOf('2012-03-31')).toEqual({
      from: '2011-04-01',
      to: '2012-03-31',
      label: '2011 to 2012',
    })
    expect(financialYearOf('2012-04-01')).toEqual({
      from: '2012-04-01',
      to: '2013-03-31',
      label: '2012 to 2013',
    })
  })
})

describe('the force dashboard’s figures', () => {
  it('counts what the two forces’ records hold, as at today by the service clock', async () => {
    const dashboard = await figures(caseworker, alpha)
    expect(dashboard.asAt).toBe('2012-06-15')
    expect(dashboard.financialYear.label).toBe('2012 to 2013')
    expect(dashboard.secondJobs).toEqual({
      currentApproved: 0,
      currentApprovedWithConditions: 0,
      awaitingDecision: 1,
      reviewsDue: 0,
      reviewWindowDays: 30,
      appealsOpen: 0,
    })
    // The fixture's gift (January 2012) and media contact (February 2012) are last financial year's.
    expect(dashboard.giftsHospitality).toEqual({ offered: 0, accepted: 0, declined: 0, valueAccepted: 0 })
    expect(dashboard.mediaContacts).toEqual({ contacts: 0 })
    expect(dashboard.integrityCases).toMatchObject({ notClosed: 2, open: 2, continuing: 0, confidential: 1 })
    expect(dashboard.integrityCases.byType).toEqual(
      expect.arrayContaining([
        { type: 'inappropriate disclosure to the media', open: 1, continuing: 0 },
        { type: 'corruption intelligence', open: 1, continuing: 0 },
      ]),
    )
    expect(dashboard.referrals).toEqual({ awaiting: 1, socialMediaAwaiting: 1 })
    expect(dashboard.acuStaffing).toBeNull()
    expect(dashboard.policyAwareness).toEqual({
      currentVersions: 1,
      applicable: 1,
      acknowledged: 0,
      rate: 0,
      overdueAcknowledgements: 0,
      overdueStaff: 0,
    })
  })

  it('moves a second job from awaiting a decision to current when it is approved, and counts its review', async () => {
    const before = (await figures(caseworker, alpha)).secondJobs
    const application = await testApp.services.businessInterests.record(caseworker, {
      staffNumber: 'ALPHA0001',
      nature: 'Coaching a youth football team',
      category: 'voluntary work',
      paid: 'no',
      conflictDeclaration: 'None',
    })
    const applied = (await figures(caseworker, alpha)).secondJobs
    expect(applied.awaitingDecision).toBe(before.awaitingDecision + 1)
    await testApp.services.businessInterests.decide(caseworker, application.id, {
      assessment: noConcerns,
      decision: 'approved',
      reviewDate: '2012-07-01',
    })
    const approved = (await figures(caseworker, alpha)).secondJobs
    expect(approved.currentApproved).toBe(applied.currentApproved + 1)
    expect(approved.awaitingDecision).toBe(applied.awaitingDecision - 1)
    expect(approved.reviewsDue).toBe(applied.reviewsDue + 1)
    // Bravo's figures never move with Alpha's records.
    expect((await figures(bravoCaseworker, bravo)).secondJobs).toMatchObject({
      currentApproved: 0,
      awaitingDecision: 1,
      reviewsDue: 0,
    })
  })

  it('counts this financial year’s gifts, accepted and declined, with the value accepted, and media contacts', async () => {
    const gift = (outcome: string, value: string, offeredOn: string) =>
      testApp.services.giftsHospitality.record(caseworker, {
        staffNumber: 'ALPHA0001',
        kind: 'gift',
        description: 'A bottle of wine',
        donorName: 'A grateful member of the public',
        donorType: 'public',
        estimatedValue: value,
        offeredOn,
        outcome,
      })
    await gift('accepted', '40.50', '2012-05-01')
    await gift('declined', '100', '2012-06-01')
    await gift('accepted', '999', '2012-03-31') // last financial year
    await testApp.services.mediaContacts.create(caseworker, {
      staffNumber: 'ALPHA0001',
      journalist: 'A reporter',
      outlet: 'Evening News',
      contactOn: '2012-04-02',
      method: 'telephone',
      purpose: 'Appeal for witnesses',
      discussed: 'The appeal',
    })
    const dashboard = await figures(caseworker, alpha)
    expect(dashboard.giftsHospitality).toEqual({ offered: 2, accepted: 1, declined: 1, valueAccepted: 40.5 })
    expect(dashboard.mediaContacts).toEqual({ contacts: 1 })
    expect((await figures(bravoCaseworker, bravo)).giftsHospitality.offered).toBe(0)
  })

  it('counts cases past their target date, and stops counting a case once it is closed', async () => {
    const opened = await testApp.services.integrityCases.open(caseworker, {
      type: 'misuse of information systems',
      source: 'internal',
      openedOn: '2012-06-01',
      summary: 'Looked up a neighbour on the police national computer',
    })
    await testApp.services.integrityCases.setTarget(caseworker, opened.id, { targetDate: '2012-06-20' })
    expect((await figures(caseworker, alpha)).integrityCases.pastTarget).toBe(0)
    clock = new Date('2012-06-25T11:00:00Z')
    const late = (await figures(caseworker, alpha)).integrityCases
    expect(late.pastTarget).toBe(1)
    expect(late.notClosed).toBe(3)
    const overdueList = await testApp.services.integrityCases.overdue(caseworker)
    expect(overdueList).toHaveLength(late.pastTarget)
    await testApp.services.integrityCases.close(caseworker, opened.id, {
      outcome: 'management action',
      closedOn: '2012-06-25',
    })
    const closed = (await figures(caseworker, alpha)).integrityCases
    expect(closed).toMatchObject({ notClosed: 2, pastTarget: 0 })
    expect(closed.byType.find((row) => row.type === 'misuse of information systems')).toEqual({
      type: 'misuse of information systems',
      open: 0,
      continuing: 0,
    })
  })

  it('shows the latest unit staffing on or before today', async () => {
    await testApp.services.acuStaffing.record(caseworker, {
      asOf: '2011-03-31',
      postsFunded: '6',
      postsFilled: '5',
    })
    await testApp.services.acuStaffing.record(caseworker, {
      asOf: '2012-03-31',
      postsFunded: '5',
      postsFilled: '4.5',
    })
    expect((await figures(caseworker, alpha)).acuStaffing).toEqual({
      asOf: '2012-03-31',
      postsFunded: 5,
      postsFilled: 4.5,
    })
    expect((await figures(bravoCaseworker, bravo)).acuStaffing).toBeNull()
  })

  it('counts acknowledgements of current versions, and staff past a deadline', async () => {
    const policy = await testApp.services.policies.createPolicy(
      SYSTEM_CALLER,
      { area: 'media-relationships', title: 'Media relationships' },
      alpha.id,
    )
    const version = await testApp.services.policies.createVersion(SYSTEM_CALLER, policy.id, {
      title: 'Talking to the media',
      body: 'Only authorised spokespeople',
      effectiveDate: '2012-06-01',
      owner: 'Head of Corporate Communications',
      nationalGuidance: 'no',
    })
    await testApp.services.policies.publish(SYSTEM_CALLER, version.id, {
      audience: 'all',
      deadline: '2012-06-30',
      restricted: 'no',
    })
    const asked = (await figures(caseworker, alpha)).policyAwareness
    expect(asked).toMatchObject({ currentVersions: 2, applicable: 2, acknowledged: 0, overdueStaff: 0 })
    clock = new Date('2012-07-02T11:00:00Z')
    const late = (await figures(caseworker, alpha)).policyAwareness
    expect(late).toMatchObject({ overdueAcknowledgements: 1, overdueStaff: 1 })
  })
  // pg queues a query sent while its client runs another, and warns that pg 9 will refuse it: the
  // registers' counts share one transaction, so one connection, and must be sent one at a time.
  it.runIf(process.env.DATABASE_URL)('sends its queries on a connection one at a time', async () => {
    const query = pg.Client.prototype.query
    const running = new Map<pg.Client, number>()
    let sent = 0
    let overlapping = 0
    pg.Client.prototype.query = function observed(this: pg.Client, ...args: Parameters<typeof query>) {
      const result = (query as (...args: unknown[]) => unknown).apply(this, args)
      if (!(result instanceof Promise)) return result
      const before = running.get(this) ?? 0
      sent++
      if (before > 0) overlapping++
      running.set(this, before + 1)
      return result.finally(() => running.set(this, (running.get(this) ?? 1) - 1))
    } as typeof query
    try {
      await figures(caseworker, alpha)
    } finally {
      pg.Client.prototype.query = query
    }
    expect(sent).toBeGreaterThan(6)
    expect(overlapping).toBe(0)
  })
})

describe('who sees which force’s dashboard', () => {
  it('shows a force its own, and refuses it another force’s', async () => {
    const dashboards = testApp.services.forceDashboard
    expect((await dashboards.forceFor(caseworker))?.code).toBe('cheshire')
    expect((await dashboards.forceFor(caseworker, 'CHESHIRE'))?.code).toBe('cheshire')
    await expect(dashboards.forceFor(bravoCaseworker, 'cheshire')).rejects.toBeInstanceOf(NotFoundError)
    await expect(dashboards.dashboard(bravoCaseworker, 'cheshire')).rejects.toBeInstanceOf(NotFoundError)
    // The registers' services check the force again, whatever the dashboard asked.
    await expect(figures(bravoCaseworker, alpha)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('lets the inspectorate read any force’s, chosen by code', async () => {
    const dashboards = testApp.services.forceDashboard
    expect(await dashboards.dashboard(inspector)).toBeNull()
    const seen = await dashboards.dashboard(inspector, 'cheshire')
    expect(seen).toEqual(await figures(caseworker, alpha))
    await expect(dashboards.dashboard(inspector, 'atlantis')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('refuses members of staff who do not read the registers', async () => {
    await expect(testApp.services.forceDashboard.dashboard(staff)).rejects.toBeInstanceOf(ForbiddenError)
    await expect(figures(staff, alpha)).rejects.toBeInstanceOf(ForbiddenError)
  })
})
