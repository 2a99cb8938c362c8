import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { callerFor, SYSTEM_CALLER } from '../../domain/access.js'

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let bravoCaseworker: Agent
const ids: Record<'PK0001' | 'PK0002' | 'PK0003' | 'BPK001', string> = {
  PK0001: '',
  PK0002: '',
  PK0003: '',
  BPK001: '',
}

const member = (staffNumber: string, name: string, leaveDate = '') => ({
  staff_number: staffNumber,
  name,
  grade: 'Constable',
  unit: 'Response',
  start_date: '2005-04-01',
  leave_date: leaveDate,
})

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-06-15T10:00:00Z') }))
  const rows = (force: string, members: ReturnType<typeof member>[]) =>
    testApp.services.roster.importRows(SYSTEM_CALLER, {
      forceCode: force,
      filename: `${force}.csv`,
      rows: members.map((values, index) => ({ line: index + 2, values })),
    })
  await rows('cheshire', [
    member('PK0001', 'Jane Smithson'),
    member('PK0002', 'John Smithson'),
    member('PK0003', 'Old Smithson', '2010-01-31'),
  ])
  await rows('cleveland', [member('BPK001', 'Jane Smithson')])
  const forces = await testApp.services.forces.references()
  for (const [force, number] of [
    ['cheshire', 'PK0001'],
    ['cheshire', 'PK0002'],
    ['cheshire', 'PK0003'],
    ['cleveland', 'BPK001'],
  ] as const) {
    const forceId = forces.find((f) => f.code === force)?.id as number
    const found = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, forceId, number)
    ids[number] = found?.id as string
  }
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  bravoCaseworker = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

describe('finding a member of staff by name (issue 20, point 4)', () => {
  it('picks the one serving member a name matches, anyone by staff number, and offers several to choose from', async () => {
    const alphaId = (await testApp.services.forces.references()).find((f) => f.code === 'cheshire')?.id ?? 0
    const alpha = callerFor(
      {
        kind: 'user',
        id: cast.alpha.users['force-caseworker'].id,
        label: 'caseworker',
        role: 'force-caseworker',
        forceId: alphaId,
        staffMemberId: null,
      },
      null,
    )
    const { roster } = testApp.services
    expect(await roster.pick(alpha, 'jane smith')).toMatchObject({ member: { staffNumber: 'PK0001' } })
    const several = await roster.pick(alpha, 'Smithson')
    expect('candidates' in several && several.candidates.map((m) => m.staffNumber)).toEqual([
      'PK0001',
      'PK0002',
    ])
    // A leaver is found by their staff number only.
    expect(await roster.pick(alpha, 'pk0003')).toMatchObject({ member: { name: 'Old Smithson' } })
    // Another force's member is never picked, even by their id.
    expect(await roster.pick(alpha, '', ids.BPK001)).toEqual({ candidates: [] })
    expect(await roster.pick(alpha, 'BPK001')).toEqual({ candidates: [] })
    expect(await roster.pick(SYSTEM_CALLER, 'Smithson')).toEqual({ candidates: [] })
  })

  it('records a gift for someone chosen from the names that match, without JavaScript', async () => {
    const declaration = {
      kind: 'gift',
      description: 'Tickets to a football match',
      donorName: 'Acme Vehicle Leasing',
      donorType: 'contractor',
      estimatedValue: '80',
      'offeredOn-day': '2',
      'offeredOn-month': '5',
      'offeredOn-year': '2012',
      outcome: 'declined',
    }
    const form = await caseworker.get('/gifts-hospitality/new')
    expect(form.body).toContain('name="person"')
    expect(form.body).not.toContain('name="staffNumber"')
    const blank = await caseworker.post('/gifts-hospitality/new', { ...declaration, person: '' })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter the name or staff number of the member of staff')
    const nobody = await caseworker.post('/gifts-hospitality/new', { ...declaration, person: 'Nobody Atall' })
    expect(nobody.statusCode).toBe(400)
    expect(nobody.body).toContain('No one in your force has a name or staff number containing “Nobody Atall”')
    const several = await caseworker.post('/gifts-hospitality/new', { ...declaration, person: 'smithson' })
    expect(several.statusCode).toBe(200)
    expect(several.body).toContain('Which member of staff do you mean?')
    expect(several.body).toContain('John Smithson (PK0002)')
    expect(several.body).not.toContain('Old Smithson')
    // What was typed in the rest of the form is kept while they choose.
    expect(several.body).toContain('Tickets to a football match')
    const otherForce = await caseworker.post('/gifts-hospitality/new', {
      ...declaration,
      staffMemberId: ids.BPK001,
    })
    expect(otherForce.statusCode).toBe(400)
    const chosen = await caseworker.post('/gifts-hospitality/new', {
      ...declaration,
      person: 'smithson',
      staffMemberId: ids.PK0002,
    })
    expect(chosen.statusCode).toBe(303)
    const page = await caseworker.get(String(chosen.headers.location))
    expect(page.body).toContain('Declaration recorded for John Smithson')
  })

  it('adds a case’s subject and accepts a referral with its subject chosen by name', async () => {
    const caseId = cast.alpha.cases.caseId
    const several = await caseworker.post(`/cases/${caseId}/subjects`, { person: 'Smithson' })
    expect(several.statusCode).toBe(200)
    expect(several.body).toContain('Jane Smithson (PK0001)')
    const added = await caseworker.post(`/cases/${caseId}/subjects`, { staffMemberId: ids.PK0001 })
    expect(added.statusCode).toBe(303)
    expect((await caseworker.get(`/cases/${caseId}`)).body).toContain('Jane Smithson added as a subject')
    // Another force's caseworker finds neither the case nor anyone through it.
    expect((await bravoCaseworker.post(`/cases/${caseId}/subjects`, { person: 'Smithson' })).statusCode).toBe(
      404,
    )

    const referralId = cast.alpha.cases.referralId
    const choose = await caseworker.post(`/referrals/${referralId}/accept`, {
      person: 'smithson',
      confidential: 'no',
    })
    expect(choose.statusCode).toBe(200)
    expect(choose.body).toContain('Which member of staff do you mean?')
    expect((await testApp.services.referrals.find(SYSTEM_CALLER, referralId)).status).toBe(
      'awaiting response',
    )
    const accepted = await caseworker.post(`/referrals/${referralId}/accept`, {
      staffMemberId: ids.PK0002,
      confidential: 'no',
    })
    expect(accepted.statusCode).toBe(303)
    const referral = await testApp.services.referrals.find(SYSTEM_CALLER, referralId)
    expect((await caseworker.get(`/cases/${referral.caseId}`)).body).toContain('John Smithson')
    const other = await bravoCaseworker.post(`/referrals/${referralId}/accept`, { person: 'Smithson' })
    expect(other.statusCode).toBe(404)
  })
})
