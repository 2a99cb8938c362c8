import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { inAudience, otherAreaCode, percent, trendOf } from './rules.js'
import { policyAcknowledgementRequests } from './schema.js'
import type { PoliciesService } from './service.js'

let testApp: TestApp
let cast: TwoForces
let policies: PoliciesService
let alphaId: number
let bravoId: number
let now = new Date('2012-03-01T10:00:00Z')

/** Alpha's extra roster: three more in the Response unit, two in Roads, one Sergeant in Response. */
const EXTRA = [
  ['ALPHA0002', 'Response One', 'Constable', 'alphamarker Response'],
  ['ALPHA0003', 'Response Two', 'Constable', 'alphamarker Response'],
  ['ALPHA0004', 'Response Sergeant', 'Sergeant', 'alphamarker Response'],
  ['ALPHA0005', 'Roads One', 'Constable', 'alphamarker Roads'],
  ['ALPHA0006', 'Roads Two', 'Sergeant', 'alphamarker Roads'],
]
const staffIds: Record<string, string> = {}

function callerOf(
  userId: string,
  role: Role,
  forceId: number | null,
  staffMemberId: string | null = null,
): Caller {
  return callerFor(
    { kind: 'user', id: userId, label: `${role} user`, role, forceId, staffMemberId },
    '127.0.0.1',
  )
}
let admin: Caller
let caseworker: Caller
let responseStaff: Caller
let roadsStaff: Caller
let bravoAdmin: Caller
let bravoCaseworker: Caller
let bravoStaff: Caller
let inspector: Caller

async function staffUser(email: string, staffNumber: string, forceId: number): Promise<Caller> {
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email,
    name: email,
    role: 'staff',
    forceCode: 'cheshire',
    password: 'a long enough password 1',
  })
  return callerOf(user.id, 'staff', forceId, staffIds[staffNumber] as string)
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  policies = testApp.services.policies
  const forces = await testApp.services.forces.references()
  alphaId = forces.find((f) => f.code === 'cheshire')?.id as number
  bravoId = forces.find((f) => f.code === 'cleveland')?.id as number
  await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cheshire',
    filename: 'extra.csv',
    rows: [
      {
        line: 2,
        values: {
          staff_number: 'ALPHA0001',
          name: 'alphamarker Constable',
          grade: 'Constable',
          unit: 'alphamarker Response',
          start_date: '2001-04-01',
          leave_date: '',
        },
      },
      ...EXTRA.map(([number, name, grade, unit], index) => ({
        line: index + 3,
        values: {
          staff_number: number,
          name,
          grade,
          unit,
          start_date: '2005-01-01',
          leave_date: '',
        } as Record<string, string>,
      })),
    ],
  })
  const members = await testApp.services.roster.findByStaffNumbers(SYSTEM_CALLER, alphaId, [
    'ALPHA0001',
    ...EXTRA.map((row) => row[0] as string),
  ])
  for (const [number, member] of members) staffIds[number] = member.id
  admin = callerOf(cast.alpha.users['force-admin'].id, 'force-admin', alphaId)
  caseworker = callerOf(cast.alpha.users['force-caseworker'].id, 'force-caseworker', alphaId)
  responseStaff = callerOf(cast.alpha.users.staff.id, 'staff', alphaId, staffIds.ALPHA0001 as string)
  roadsStaff = await staffUser('roads.one@cheshire.example', 'ALPHA0005', alphaId)
  bravoAdmin = callerOf(cast.bravo.users['force-admin'].id, 'force-admin', bravoId)
  bravoCaseworker = callerOf(cast.bravo.users['force-caseworker'].id, 'force-caseworker', bravoId)
  bravoStaff = callerOf(cast.bravo.users.staff.id, 'staff', bravoId, cast.bravo.roster.staffMemberId)
  const inspectorUser = await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'inspector@inspectorate.example',
    name: 'An Inspector',
    role: 'inspector',
    password: 'a long enough password 1',
  })
  inspector = callerOf(inspectorUser.user.id, 'inspector', null)
})
afterAll(() => testApp.close())

const VERSION = {
  title: 'Gifts and hospitality: what to declare',
  body: 'Declare every offer over £25, accepted or not.',
  effectiveDate: '2012-03-01',
  reviewDate: '2013-03-01',
  owner: 'Head of Professional Standards',
  nationalGuidance: 'yes',
  guidanceName: 'ACPO guidance on gifts and hospitality',
}

describe('rules', () => {
  it('matches an audience by unit and grade (both when both are named)', () => {
    const member = { unit: 'Roads', grade: 'Sergeant' }
    expect(inAudience({ all: true, units: [], grades: [] }, member)).toBe(true)
    expect(inAudience({ all: false, units: ['Roads'], grades: [] }, member)).toBe(true)
    expect(inAudience({ all: false, units: ['Response'], grades: [] }, member)).toBe(false)
    expect(inAudience({ all: false, units: [], grades: ['Sergeant'] }, member)).toBe(true)
    expect(inAudience({ all: false, units: ['Roads'], grades: ['Constable'] }, member)).toBe(false)
    expect(inAudience({ all: false, units: [], grades: [] }, member)).toBe(false)
  })

  it('names areas a force adds, and writes rates as people read them', () => {
    expect(otherAreaCode('Vetting & Notifiable Associations')).toBe('other-vetting-notifiable-associations')
    expect(percent(1 / 3)).toBe('33.3%')
    expect(percent(0.25)).toBe('25%')
    expect(percent(null)).toBe('–')
  })

  it('draws the trend a day at a time, counting only those asked by each day', () => {
    const trend = trendOf('2012-03-01', '2012-03-03', [
      { requestedOn: '2012-03-01', acknowledgedOn: '2012-03-02' },
      { requestedOn: '2012-03-01', acknowledgedOn: null },
      { requestedOn: '2012-03-03', acknowledgedOn: '2012-03-03' },
    ])
    expect(trend).toEqual([
      { day: '2012-03-01', applicable: 2, acknowledged: 0, rate: 0 },
      { day: '2012-03-02', applicable: 2, acknowledged: 1, rate: 0.5 },
      { day: '2012-03-03', applicable: 3, acknowledged: 2, rate: 2 / 3 },
    ])
    expect(trendOf('2012-01-01', '2012-06-01', []).length).toBeLessThan(30)
  })
})

describe('policies', () => {
  let giftsPolicyId: string
  let unitVersionId: string

  it('a force admin adds a policy for an area, once per area; caseworkers may not', async () => {
    const policy = await policies.createPolicy(admin, { area: 'gifts-hospitality', title: 'Gifts policy' })
    giftsPolicyId = policy.id
    expect(policy).toMatchObject({
      forceId: alphaId,
      area: 'gifts-hospitality',
      areaName: 'Gifts and hospitality',
    })
    await expect(policies.createPolicy(admin, { area: 'gifts-hospitality', title: 'Again' })).rejects.toThrow(
      ValidationError,
    )
    await expect(
      policies.createPolicy(caseworker, { area: 'business-interests', title: 'X' }),
    ).rejects.toThrow(ForbiddenError)
    const other = await policies.createPolicy(admin, {
      area: 'other',
      areaName: 'Vetting',
      title: 'Vetting policy',
    })
    expect(other.area).toBe('other-vetting')
    const library = await policies.library(caseworker)
    expect(library.map((area) => area.area)).toEqual([
      'media-relationships',
      'gifts-hospitality',
      'business-interests',
      'social-media',
      'information-security',
      'counter-corruption',
      'other-vetting',
    ])
  })

  it('refuses a version without text or document, or naming no guidance when in line with it', async () => {
    const error = await policies
      .createVersion(admin, giftsPolicyId, { ...VERSION, body: '', guidanceName: '' })
      .catch((e) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(Object.keys(error.fieldErrors)).toEqual(['body', 'guidanceName'])
  })

  it('publishes to one unit: only its serving staff are asked, by the deadline', async () => {
    const draft = await policies.createVersion(admin, giftsPolicyId, VERSION)
    expect(draft).toMatchObject({ number: 1, status: 'draft' })
    unitVersionId = draft.id
    await policies.addQuestion(admin, draft.id, {
      question: 'Which offers must you declare?',
      options: 'Only accepted ones\nEvery offer over £25\nNone',
      answer: '2',
    })
    // Staff do not see drafts.
    await expect(policies.findVersion(responseStaff, draft.id)).rejects.toThrow(NotFoundError)
    const refused = await policies
      .publish(admin, draft.id, { audience: 'chosen', deadline: '2012-03-31' })
      .catch((e) => e)
    expect(refused.fieldErrors).toEqual({ units: 'Select at least one unit or grade, or choose all staff' })
    const { version, asked } = await policies.publish(admin, draft.id, {
      audience: 'chosen',
      units: 'alphamarker Response',
      deadline: '2012-03-31',
      restricted: 'yes',
    })
    expect(version).toMatchObject({ status: 'published', publishedOn: '2012-03-01', restricted: true })
    expect(asked).toBe(4)
    const requests = await testApp.database.db
      .select()
      .from(policyAcknowledgementRequests)
      .where(eq(policyAcknowledgementRequests.versionId, draft.id))
    expect(requests.map((request) => request.staffMemberId).sort()).toEqual(
      ['ALPHA0001', 'ALPHA0002', 'ALPHA0003', 'ALPHA0004'].map((number) => staffIds[number]).sort(),
    )
    expect(requests.every((request) => request.dueOn === '2012-03-31')).toBe(true)
    // Published versions are fixed.
    await expect(
      policies.addQuestion(admin, draft.id, { question: 'Q', options: 'a\nb', answer: '1' }),
    ).rejects.toThrow(ValidationError)
  })

  it('publishes by grade across units', async () => {
    const policy = await policies.createPolicy(admin, { area: 'business-interests', title: 'Second jobs' })
    const draft = await policies.createVersion(admin, policy.id, { ...VERSION, title: 'Sergeants' })
    const { asked } = await policies.publish(admin, draft.id, {
      audience: 'chosen',
      grades: ['Sergeant'],
      deadline: '2012-04-30',
    })
    expect(asked).toBe(2)
  })

  it('staff of the unit see it in their list; staff of another unit or force are not asked and cannot open it', async () => {
    const mine = await policies.mine(responseStaff)
    expect(mine.policies.find((entry) => entry.versionId === unitVersionId)).toMatchObject({
      state: 'to read',
      dueOn: '2012-03-31',
    })
    expect((await policies.findVersion(responseStaff, unitVersionId)).request).not.toBeNull()
    const roads = await policies.mine(roadsStaff)
    expect(roads.policies.some((entry) => entry.versionId === unitVersionId)).toBe(false)
    await expect(policies.findVersion(roadsStaff, unitVersionId)).rejects.toThrow(NotFoundError)
    await expect(policies.acknowledge(roadsStaff, unitVersionId, { read: 'yes', q0: '1' })).rejects.toThrow(
      NotFoundError,
    )
    await expect(policies.findVersion(bravoStaff, unitVersionId)).rejects.toThrow(NotFoundError)
    expect(
      (await policies.mine(bravoStaff)).policies.some((entry) => entry.versionId === unitVersionId),
    ).toBe(false)
    // Caseworkers and the inspectorate read it.
    expect((await policies.findVersion(caseworker, unitVersionId)).version.number).toBe(1)
    expect((await policies.findVersion(inspector, unitVersionId)).version.number).toBe(1)
  })

  it('an unrestricted version is readable by any of the force’s staff, but only those asked acknowledge it', async () => {
    const policy = await policies.createPolicy(admin, { area: 'information-security', title: 'Info sec' })
    const draft = await policies.createVersion(admin, policy.id, { ...VERSION, title: 'Open to all' })
    await policies.publish(admin, draft.id, {
      audience: 'chosen',
      units: ['alphamarker Response'],
      deadline: '2012-03-31',
    })
    expect((await policies.findVersion(roadsStaff, draft.id)).request).toBeNull()
    await expect(policies.acknowledge(roadsStaff, draft.id, { read: 'yes' })).rejects.toThrow(ForbiddenError)
    await expect(policies.findVersion(bravoStaff, draft.id)).rejects.toThrow(NotFoundError)
  })

  it('a wrong comprehension answer is not recorded; the right one with the tick is, once, and audited', async () => {
    const wrong = await policies
      .acknowledge(responseStaff, unitVersionId, { read: 'yes', q0: '0' })
      .catch((e) => e)
    expect(wrong).toBeInstanceOf(ValidationError)
    expect(wrong.fieldErrors.q0).toContain('not the right answer')
    const unticked = await policies.acknowledge(responseStaff, unitVersionId, { q0: '1' }).catch((e) => e)
    expect(Object.keys(unticked.fieldErrors)).toEqual(['read'])
    expect(
      (await policies.awareness(caseworker)).find((row) => row.versionId === unitVersionId),
    ).toMatchObject({
      applicable: 4,
      acknowledged: 0,
      rate: 0,
    })
    now = new Date('2012-03-05T09:30:00Z')
    const done = await policies.acknowledge(responseStaff, unitVersionId, { read: 'yes', q0: '1' })
    expect(done).toMatchObject({ acknowledgedOn: '2012-03-05', answers: [1] })
    const again = await policies.acknowledge(responseStaff, unitVersionId, { read: 'yes', q0: '1' })
    expect(again.acknowledgedAt).toEqual(done.acknowledgedAt)
    expect(
      (await policies.awareness(caseworker)).find((row) => row.versionId === unitVersionId),
    ).toMatchObject({
      applicable: 4,
      acknowledged: 1,
      rate: 0.25,
    })
    const history = await testApp.services.audit.history(caseworker, 'policy-version', unitVersionId)
    expect(history.map((event) => event.action)).toEqual(['create', 'add-question', 'publish', 'acknowledge'])
    expect(
      (await policies.mine(responseStaff)).policies.find((p) => p.versionId === unitVersionId)?.state,
    ).toBe('done')
  })

  it('the rate at a census date counts the latest version published by then and acknowledgements by then', async () => {
    const byArea = async (census: string) =>
      (await policies.awarenessByArea(inspector, alphaId, census)).find(
        (row) => row.area === 'gifts-hospitality',
      )
    expect(await byArea('2012-02-28')).toMatchObject({
      versionId: null,
      version: null,
      applicable: 0,
      rate: null,
    })
    expect(await byArea('2012-03-04')).toMatchObject({ version: 1, applicable: 4, acknowledged: 0, rate: 0 })
    expect(await byArea('2012-03-05')).toMatchObject({
      version: 1,
      applicable: 4,
      acknowledged: 1,
      rate: 0.25,
    })
    // Version 2 to all staff, published later: from its day the area's figure is version 2's.
    now = new Date('2012-03-10T12:00:00Z')
    const second = await policies.createVersion(admin, giftsPolicyId, { ...VERSION, title: 'Version 2' })
    await policies.publish(admin, second.id, { audience: 'all', deadline: '2012-04-10' })
    expect(await byArea('2012-03-09')).toMatchObject({ version: 1, acknowledged: 1 })
    const after = await byArea('2012-03-10')
    expect(after).toMatchObject({ version: 2, versionId: second.id, acknowledged: 0, rate: 0 })
    expect(after?.applicable).toBe(6)
    // Every area is there by its stable code, with the force's own after the six.
    const all = await policies.awarenessByArea(SYSTEM_CALLER, alphaId, '2012-03-10')
    expect(all.map((row) => row.area).slice(0, 6)).toEqual([
      'media-relationships',
      'gifts-hospitality',
      'business-interests',
      'social-media',
      'information-security',
      'counter-corruption',
    ])
    expect(all.find((row) => row.area === 'media-relationships')).toMatchObject({ rate: null, applicable: 0 })
    // Caseworkers of the force read it; another force's people and staff do not.
    await expect(policies.awarenessByArea(caseworker, alphaId, '2012-03-10')).resolves.toHaveLength(7)
    await expect(policies.awarenessByArea(bravoCaseworker, alphaId, '2012-03-10')).rejects.toThrow(
      NotFoundError,
    )
    await expect(policies.awarenessByArea(responseStaff, alphaId, '2012-03-10')).rejects.toThrow(
      ForbiddenError,
    )
  })

  it('lists the overdue by unit for managers, and the trend and overdue by unit per version', async () => {
    now = new Date('2012-04-02T12:00:00Z')
    const overdue = await policies.reminders(caseworker)
    const forVersion = overdue.filter((entry) => entry.versionId === unitVersionId)
    expect(forVersion.map((entry) => entry.name).sort()).toEqual([
      'Response One',
      'Response Sergeant',
      'Response Two',
    ])
    expect(forVersion[0]).toMatchObject({ unit: 'alphamarker Response', dueOn: '2012-03-31', daysOverdue: 2 })
    const roadsOnly = await policies.reminders(caseworker, undefined, { unit: 'alphamarker Roads' })
    expect(roadsOnly.every((entry) => entry.unit === 'alphamarker Roads')).toBe(true)
    await expect(policies.reminders(responseStaff)).rejects.toThrow(ForbiddenError)
    await expect(policies.reminders(bravoCaseworker, alphaId)).rejects.toThrow(NotFoundError)
    expect(
      (await policies.reminders(bravoCaseworker)).some((entry) => entry.versionId === unitVersionId),
    ).toBe(false)

    const detail = await policies.versionAwareness(caseworker, unitVersionId)
    expect(detail.overdueByUnit).toEqual([
      { unit: 'alphamarker Response', overdue: 3, applicable: 4, acknowledged: 1 },
    ])
    expect(detail.trend[0]).toMatchObject({ day: '2012-03-01', rate: 0 })
    expect(detail.trend.find((point) => point.day === '2012-03-05')).toMatchObject({
      acknowledged: 1,
      rate: 0.25,
    })
    expect(detail.trend.at(-1)?.day).toBe('2012-04-02')
  })

  it('asks joiners who now fit the audience when the audience is refreshed', async () => {
    await testApp.services.roster.importRows(SYSTEM_CALLER, {
      forceCode: 'cheshire',
      filename: 'joiner.csv',
      rows: [
        {
          line: 2,
          values: {
            staff_number: 'ALPHA0007',
            name: 'Response Joiner',
            grade: 'Constable',
            unit: 'alphamarker Response',
            start_date: '2012-04-01',
            leave_date: '',
          },
        },
      ],
    })
    expect(await policies.refreshAudience(admin, unitVersionId)).toEqual({ asked: 1 })
    expect(await policies.refreshAudience(admin, unitVersionId)).toEqual({ asked: 0 })
    const figures = (await policies.awareness(caseworker)).find((row) => row.versionId === unitVersionId)
    expect(figures).toMatchObject({ applicable: 5, acknowledged: 1 })
    // The census figure before the joiner was asked stays as it was.
    const census = (await policies.awarenessByArea(caseworker, alphaId, '2012-03-31')).find(
      (row) => row.area === 'business-interests',
    )
    expect(census?.applicable).toBe(2)
  })

  it('keeps another force’s policies from a force: not found, and nothing changed', async () => {
    await expect(policies.findPolicy(bravoCaseworker, giftsPolicyId)).rejects.toThrow(NotFoundError)
    await expect(policies.findVersion(bravoAdmin, unitVersionId)).rejects.toThrow(NotFoundError)
    await expect(policies.versionAwareness(bravoCaseworker, unitVersionId)).rejects.toThrow(NotFoundError)
    await expect(policies.createVersion(bravoAdmin, giftsPolicyId, VERSION)).rejects.toThrow(NotFoundError)
    await expect(
      policies.addQuestion(bravoAdmin, cast.alpha.policies.versionId, {
        question: 'Q',
        options: 'a\nb',
        answer: '1',
      }),
    ).rejects.toThrow(NotFoundError)
    await expect(policies.refreshAudience(bravoAdmin, unitVersionId)).rejects.toThrow(NotFoundError)
    await expect(policies.document(bravoStaff, unitVersionId)).rejects.toThrow(NotFoundError)
    expect((await policies.library(bravoCaseworker)).some((area) => area.policy?.id === giftsPolicyId)).toBe(
      false,
    )
    await expect(policies.library(inspector)).rejects.toThrow(ValidationError)
    expect(
      (await policies.library(inspector, alphaId)).some((area) => area.policy?.id === giftsPolicyId),
    ).toBe(true)
  })

  it('stores a document with the version and gives it back only to who may read the version', async () => {
    const policy = await policies.createPolicy(admin, {
      area: 'counter-corruption',
      title: 'Counter-corruption',
    })
    const pdf = Buffer.from('%PDF-1.4 counter-corruption policy')
    const refused = await policies
      .createVersion(
        admin,
        policy.id,
        { ...VERSION, body: '' },
        { filename: 'policy.exe', type: undefined, data: pdf },
      )
      .catch((e) => e)
    expect(refused.fieldErrors).toEqual({ document: expect.stringContaining('PDF') })
    const draft = await policies.createVersion(
      admin,
      policy.id,
      { ...VERSION, body: '' },
      { filename: 'counter-corruption.pdf', type: 'application/pdf', data: pdf },
    )
    expect(draft).toMatchObject({ documentName: 'counter-corruption.pdf', documentSize: pdf.length })
    await policies.publish(admin, draft.id, {
      audience: 'chosen',
      units: ['alphamarker Roads'],
      deadline: '2012-05-01',
      restricted: 'yes',
    })
    const served = await policies.document(roadsStaff, draft.id)
    expect(served.type).toBe('application/pdf')
    expect(Buffer.compare(served.data, pdf)).toBe(0)
    await expect(policies.document(responseStaff, draft.id)).rejects.toThrow(NotFoundError)
  })
})
