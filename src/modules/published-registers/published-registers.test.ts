import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'

let testApp: TestApp
let clock = new Date('2012-03-01T10:00:00Z')
let cast: TwoForces
let caseworker: Caller
const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [criterion, { concern: 'no' }]),
)
const REGISTER = '/forces/cheshire/published-registers/business-interests'

async function approved(staffNumber: string, nature: string, expiryDate?: string) {
  const interest = await testApp.services.businessInterests.record(caseworker, {
    staffNumber,
    nature,
    category: 'voluntary work',
    paid: 'no',
    conflictDeclaration: 'None',
  })
  await testApp.services.businessInterests.decide(caseworker, interest.id, {
    assessment: noConcerns,
    decision: 'approved',
    expiryDate,
  })
  return interest
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  const forceId = (await testApp.services.forces.references()).find((force) => force.code === 'cheshire')
    ?.id as number
  caseworker = callerFor(
    {
      kind: 'user',
      id: cast.alpha.users['force-caseworker'].id,
      label: 'caseworker',
      role: 'force-caseworker',
      forceId,
      staffMemberId: null,
    },
    null,
  )
  await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cheshire',
    filename: 'seniors.csv',
    rows: [
      {
        line: 2,
        values: {
          staff_number: 'CC0001',
          name: 'Paula Topbrass',
          grade: 'Chief Constable',
          unit: 'Command',
          start_date: '',
          leave_date: '',
        },
      },
      {
        line: 3,
        values: {
          staff_number: 'SUP0001',
          name: 'Sam Middlerank',
          grade: 'Superintendent',
          unit: 'Operations',
          start_date: '',
          leave_date: '',
        },
      },
      {
        line: 4,
        values: {
          staff_number: 'ODD0001',
          name: 'Olly Oddgrade',
          grade: 'Grand Wizard',
          unit: 'Elsewhere',
          start_date: '',
          leave_date: '',
        },
      },
    ],
  })
  // Five constables in one unit; four sergeants, each alone in theirs; one inspector alone in the
  // Professional Standards Department: the disclosure rule's cases.
  const person = (line: number, staffNumber: string, grade: string, unit: string) => ({
    line,
    values: {
      staff_number: staffNumber,
      name: `Person ${staffNumber}`,
      grade,
      unit,
      start_date: '',
      leave_date: '',
    },
  })
  await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cheshire',
    filename: 'more.csv',
    rows: [
      ...['RP01', 'RP02', 'RP03', 'RP04', 'RP05'].map((number, index) =>
        person(index + 2, number, 'Constable', 'Roads Policing'),
      ),
      ...['Custody', 'Training', 'Firearms', 'Dogs'].map((unit, index) =>
        person(index + 7, `SG0${index + 1}`, 'Sergeant', unit),
      ),
      person(11, 'IN01', 'Inspector', 'Professional Standards Department'),
    ],
  })
  for (const number of ['RP01', 'RP02', 'RP03', 'RP04', 'RP05'])
    await approved(number, 'Road safety volunteer')
  for (const number of ['SG01', 'SG02', 'SG03', 'SG04']) await approved(number, 'Youth club helper')
  await approved('IN01', 'Football coach')
  await approved('ALPHA0001', 'Scout leader')
  await approved('CC0001', 'Trustee of a hospice')
  await approved('SUP0001', 'School governor')
  await approved('ODD0001', 'Magic shows')
  await approved('SUP0001', 'Long finished', '2012-03-02')
  const withdrawn = await approved('CC0001', 'Withdrawn interest')
  await testApp.services.businessInterests.withdraw(caseworker, withdrawn.id)
})
afterAll(() => testApp.close())

describe('the published business interests register', () => {
  it('names only those at or above Chief Superintendent by default, and never an unknown grade', async () => {
    const page = await new Agent(testApp.app).get(REGISTER)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Trustee of a hospice')
    expect(page.body).toContain('Paula Topbrass')
    expect(page.body).not.toContain('alphamarker Constable')
    expect(page.body).not.toContain('Sam Middlerank')
    expect(page.body).not.toContain('Olly Oddgrade')
    // Withdrawn ones are not current; the undecided one from the fixture is not approved.
    expect(page.body).not.toContain('Withdrawn interest')
    expect(page.body).not.toContain('weekend driving instructor')
  })

  it('never prints a grade, unit and kind of job that fewer than five people share (issue 26, point 4)', async () => {
    const page = await new Agent(testApp.app).get(REGISTER)
    // The lone inspector of the Professional Standards Department, a superintendent and an unknown
    // grade: three people in all with voluntary work outside the bands shown, so none is published.
    expect(page.body).not.toContain('Professional Standards Department')
    expect(page.body).not.toContain('Football coach')
    expect(page.body).not.toContain('School governor')
    expect(page.body).not.toContain('Magic shows')
    const rows = page.body.split('<tr')
    const row = (nature: string) => rows.find((cells) => cells.includes(nature)) ?? ''
    // Five constables of Roads Policing: shown in full.
    expect(row('Road safety volunteer')).toContain('Roads Policing')
    // The lone constable and four sergeants of four units: a band of grades, without units.
    expect(row('Scout leader')).toContain('Constables and sergeants')
    expect(row('Scout leader')).not.toContain('alphamarker Response')
    expect(row('Youth club helper')).toContain('Not shown')
    expect(page.body).not.toMatch(/Custody|Firearms|Training|Dogs/)
    expect(page.body).toContain(
      '5 entries are shown with less detail (without the unit, with a band of grades, or with the kind of job only) and 4 entries are not published',
    )
  })

  it('publishes the same as CSV', async () => {
    const csv = await new Agent(testApp.app).get(`${REGISTER}.csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trim().split('\n')
    expect(lines[0]).toBe(
      'Name,Grade,Unit,Category,Grade and unit shown as,Nature,Hours per week,Paid,Decision,Decided on',
    )
    expect(lines.find((line) => line.includes('Scout leader'))).toMatch(
      /^Withheld,Constables and sergeants,Not shown,voluntary work,grade band,/,
    )
    expect(lines.find((line) => line.includes('Road safety volunteer'))).toMatch(
      /^Withheld,Constable,Roads Policing,voluntary work,grade and unit,/,
    )
    expect(lines.find((line) => line.includes('Trustee of a hospice'))).toMatch(
      /^Paula Topbrass,Chief Constable,Command/,
    )
    expect(csv.body).not.toContain('alphamarker')
    expect(csv.body).not.toContain('Professional Standards Department')
    expect(lines).toHaveLength(1 + 5 + 5 + 1)
  })

  it('drops an interest once its expiry has passed', async () => {
    expect((await new Agent(testApp.app).get(REGISTER)).body).toContain('4 entries are not published')
    clock = new Date('2012-03-03T10:00:00Z')
    try {
      const page = await new Agent(testApp.app).get(REGISTER)
      expect(page.body).toContain('3 entries are not published')
    } finally {
      clock = new Date('2012-03-01T10:00:00Z')
    }
  })

  it('follows the force administrator’s naming grade, and audits the change', async () => {
    const caseworkerAgent = new Agent(testApp.app)
    await caseworkerAgent.signIn(cast.alpha.users['force-caseworker'].email, TEST_PASSWORD)
    expect((await caseworkerAgent.get('/published-registers/settings')).statusCode).toBe(403)

    const admin = new Agent(testApp.app)
    await admin.signIn(cast.alpha.users['force-admin'].email, TEST_PASSWORD)
    const form = await admin.get('/published-registers/settings')
    expect(form.body).toContain('<option value="Chief Superintendent" selected>')
    expect(
      (await admin.post('/published-registers/settings', { namesFromGrade: 'Emperor' })).statusCode,
    ).toBe(400)
    expect(
      (await admin.post('/published-registers/settings', { namesFromGrade: 'Superintendent' })).statusCode,
    ).toBe(303)
    expect((await admin.get('/published-registers/settings')).body).toContain(
      'The publication settings have been saved',
    )

    const page = await new Agent(testApp.app).get(REGISTER)
    expect(page.body).toContain('Sam Middlerank')
    expect(page.body).toContain('Paula Topbrass')
    expect(page.body).not.toContain('alphamarker Constable')
    expect(page.body).not.toContain('Olly Oddgrade')

    expect(
      (await admin.post('/published-registers/settings', { namesFromGrade: 'Chief Constable' })).statusCode,
    ).toBe(303)
    const stricter = await new Agent(testApp.app).get(REGISTER)
    expect(stricter.body).not.toContain('Sam Middlerank')
    expect(stricter.body).toContain('Paula Topbrass')

    // Another force's setting is its own.
    expect((await new Agent(testApp.app).get('/forces/cleveland/published-registers')).body).toContain(
      'Chief Superintendent and above',
    )
    const audit = await admin.get('/api/audit-events?entityType=publication-settings')
    expect(audit.json<{ total: number }>().total).toBe(2)
  })

  it('lets the force raise the smallest group shown, never lower it below five', async () => {
    const admin = new Agent(testApp.app)
    await admin.signIn(cast.alpha.users['force-admin'].email, TEST_PASSWORD)
    const form = await admin.get('/published-registers/settings')
    expect(form.body).toContain('name="minimumGroup" type="text" value="5"')
    const lower = await admin.post('/published-registers/settings', {
      namesFromGrade: 'Chief Superintendent',
      minimumGroup: '4',
    })
    expect(lower.statusCode).toBe(400)
    expect(lower.body).toContain('The smallest group must be a whole number from 5 to 50')
    expect((await new Agent(testApp.app).get(REGISTER)).body).toContain('Roads Policing')
    const raised = await admin.post('/published-registers/settings', {
      namesFromGrade: 'Chief Superintendent',
      minimumGroup: '6',
    })
    expect(raised.statusCode).toBe(303)
    try {
      const page = await new Agent(testApp.app).get(REGISTER)
      expect(page.body).toContain('at least 6 people share')
      // Five constables of Roads Policing are now too few for their unit to be shown.
      expect(page.body).not.toContain('Roads Policing')
      expect(page.body).toContain('Road safety volunteer')
    } finally {
      await admin.post('/published-registers/settings', { namesFromGrade: 'Chief Superintendent' })
    }
  })

  it('links from the force page, and has a landing page; an unknown force is not found', async () => {
    const forcePage = await new Agent(testApp.app).get('/forces/cheshire')
    expect(forcePage.body).toContain('href="/forces/cheshire/published-registers"')
    const landing = await new Agent(testApp.app).get('/forces/cheshire/published-registers')
    expect(landing.body).toContain('Business interests (second jobs)')
    expect(
      (await new Agent(testApp.app).get('/forces/atlantis/published-registers/business-interests'))
        .statusCode,
    ).toBe(404)
  })

  it('publishes gifts and hospitality with the same naming rule', async () => {
    const forceId = (await testApp.services.forces.references()).find((force) => force.code === 'cheshire')
      ?.id as number
    await testApp.services.giftsHospitality.record(
      SYSTEM_CALLER,
      {
        staffNumber: 'CC0001',
        kind: 'hospitality',
        description: 'Tickets to the county cricket final',
        donorName: 'County Cricket Club',
        donorType: 'partner agency',
        estimatedValue: '120',
        offeredOn: '2012-02-10',
        outcome: 'declined',
      },
      forceId,
    )
    const page = await new Agent(testApp.app).get('/forces/cheshire/published-registers/gifts-hospitality')
    expect(page.statusCode).toBe(200)
    const row = page.body.split('<tr').find((cells) => cells.includes('Tickets to the county cricket final'))
    expect(row).toContain('Paula Topbrass')
    expect(page.body).toContain('Withheld')
    expect(page.body).not.toContain('alphamarker Constable')
  })
})
