import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import type { Role } from '../../domain/roles.js'

let testApp: TestApp
let cast: TwoForces
let reviewId: string
let revisitId: string
let durhamId: number
let inspector: Caller
let durhamCaseworker: Caller
let durhamAdmin: Caller
let alphaCaseworker: Caller
const clock = new Date('2012-09-20T10:00:00Z')

function callerOf(userId: string, role: Role, forceId: number | null): Caller {
  return callerFor(
    { kind: 'user', id: userId, label: `${role} user`, role, forceId, staffMemberId: null },
    '127.0.0.1',
  )
}

async function user(email: string, role: Role, forceCode?: string): Promise<Caller> {
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email,
    name: email.split('@')[0] as string,
    role,
    forceCode,
    password: 'a long enough password 1',
  })
  const forceId = forceCode ? (durhamId as number) : null
  return callerOf(user.id, role, forceId)
}

const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [criterion, { concern: 'no' }]),
)

/**
 * Durham's records, entered through each module's service: the figures its 2012 return must show are
 * 12 applications (9 approved), 4 media-disclosure investigations (1 continuing at the census), 2
 * social-media referrals, 6.5 unit posts filled (5 at the 2011 census: +1.5), and 8 people serving.
 * Each kind also has records that must not count: outside the period, another type, after the census.
 */
async function buildDurhamRecords() {
  const { services } = testApp
  const roster = Array.from({ length: 10 }, (_, index) => ({
    line: index + 2,
    values: {
      staff_number: `DU${String(100 + index)}`,
      name: `Durham Person ${index}`,
      grade: 'Constable',
      unit: 'Response',
      // One starts after the census, one left before it: 8 serving at the census.
      start_date: index === 9 ? '2012-07-01' : '2005-04-01',
      leave_date: index === 8 ? '2012-01-31' : '',
    },
  }))
  const { plan } = await services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'durham',
    filename: 'durham.csv',
    rows: roster,
  })
  expect(plan.problems).toEqual([])
  const apply = (index: number, submittedOn: string) =>
    services.businessInterests.record(SYSTEM_CALLER, {
      forceId: durhamId,
      staffNumber: `DU${100 + (index % 8)}`,
      submittedOn,
      nature: `Second job ${index}`,
      category: 'paid employment',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
  for (let index = 0; index < 12; index++) {
    const application = await apply(index, index < 6 ? '2011-10-03' : '2012-04-16')
    await services.businessInterests.decide(
      SYSTEM_CALLER,
      application.id,
      index < 9
        ? { assessment: noConcerns, decision: 'approved' }
        : { assessment: noConcerns, decision: 'refused', refusalReason: 'Conflicts with duties' },
    )
  }
  await apply(99, '2011-08-31') // the day before the period: not counted
  await apply(98, '2012-06-01') // the day after: not counted

  const open = (type: string, openedOn: string) =>
    services.integrityCases.open(
      SYSTEM_CALLER,
      { type, source: 'internal', openedOn, summary: `A ${type} case` },
      { forceId: durhamId },
    )
  const media = 'inappropriate disclosure to the media'
  for (let index = 0; index < 4; index++) {
    const opened = await open(
      media,
      ['2011-09-05', '2011-10-05', '2011-11-05', '2011-12-05'][index] as string,
    )
    if (index > 0)
      await services.integrityCases.close(SYSTEM_CALLER, opened.id, {
        outcome: 'management action',
        closedOn: index === 3 ? '2012-05-31' : '2012-03-01', // closed on the census day: not continuing
      })
  }
  await open(media, '2011-08-20') // before the period
  await open('social-media misconduct', '2012-01-10') // another type

  const refer = (type: string, referredOn: string) =>
    services.referrals.create(SYSTEM_CALLER, {
      force: 'durham',
      type,
      finding: 'Found by desk research',
      evidence: 'Screenshots',
      referredOn,
    })
  await refer('social-media misconduct', '2012-02-14')
  await refer('social-media misconduct', '2012-08-15') // in fieldwork: still counted
  await refer('social-media misconduct', '2012-09-10') // after fieldwork: not counted
  await refer('inappropriate disclosure to the media', '2012-03-01') // another type

  await services.acuStaffing.record(
    SYSTEM_CALLER,
    { asOf: '2011-03-31', postsFunded: '6', postsFilled: '5' },
    durhamId,
  )
  await services.acuStaffing.record(
    SYSTEM_CALLER,
    { asOf: '2012-05-31', postsFunded: '7', postsFilled: '6.5' },
    durhamId,
  )
  await services.acuStaffing.record(
    SYSTEM_CALLER,
    { asOf: '2012-07-31', postsFunded: '7', postsFilled: '3' },
    durhamId,
  )
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  const forces = await testApp.services.forces.references()
  durhamId = forces.find((force) => force.code === 'durham')?.id as number
  const base = {
    frameworkId: cast.inspection.frameworkId,
    status: 'open',
    forces: ['durham', 'cheshire', 'cleveland', 'northumbria'],
  }
  const review = await testApp.services.inspections.create(SYSTEM_CALLER, {
    ...base,
    code: 'test-review-2011',
    title: 'Review',
    dataFrom: '2010-04-01',
    dataTo: '2011-03-31',
    censusDate: '2011-03-31',
    fieldworkFrom: '',
    fieldworkTo: '',
  })
  reviewId = review.id
  const revisit = await testApp.services.inspections.create(SYSTEM_CALLER, {
    ...base,
    code: 'test-revisit-2012',
    title: 'Revisit',
    dataFrom: '2011-09-01',
    dataTo: '2012-05-31',
    censusDate: '2012-05-31',
    fieldworkFrom: '2012-07-01',
    fieldworkTo: '2012-08-31',
    revisitsId: review.id,
  })
  revisitId = revisit.id
  inspector = await user('inspector@inspectorate.example', 'inspector')
  durhamCaseworker = await user('caseworker@durham.example', 'force-caseworker', 'durham')
  durhamAdmin = await user('admin@durham.example', 'force-admin', 'durham')
  alphaCaseworker = callerOf(
    cast.alpha.users['force-caseworker'].id,
    'force-caseworker',
    forces.find((force) => force.code === 'cheshire')?.id as number,
  )
  await buildDurhamRecords()
})

afterAll(async () => {
  await testApp?.close()
})

describe('computing a return from the force’s records', () => {
  it('equals the figures the records give, for the period, census date and revisited census', async () => {
    const { dataReturns } = testApp.services
    const result = await dataReturns.refresh(durhamCaseworker, revisitId, 'durham')
    expect(result.skipped).toEqual([])
    const values = await dataReturns.values(inspector, revisitId, 'durham')
    expect(values).toMatchObject({
      'second-job-applications': 12,
      'second-job-approvals': 9,
      'media-disclosure-investigations': 4,
      'media-disclosure-continuing': 1,
      'social-media-referrals': 2,
      'acu-posts-filled': 6.5,
      'acu-staff-change': 1.5,
      workforce: 8,
      // No policy was published by the census date: not known, never an invented 0.
      'policy-awareness-social-media': null,
      // Not computed: the force supplies it.
      'counter-corruption-plan': null,
    })
    const view = await dataReturns.get(durhamCaseworker, revisitId, 'durham')
    const approvals = view.items.find((item) => item.code === 'second-job-approvals')
    expect(approvals).toMatchObject({ source: 'computed', value: 9, display: '9', override: null })
    expect(approvals?.detail).toMatchObject({ applications: 12, approved: 9, refused: 3 })
    const change = view.items.find((item) => item.code === 'acu-staff-change')
    expect(change).toMatchObject({ display: '+1.5' })
    expect(change?.detail).toMatchObject({ from: '2011-03-31', to: '2012-05-31' })
    const history = await dataReturns.history(durhamCaseworker, revisitId, 'durham')
    expect(history.map((event) => event.action)).toEqual(['recalculate'])
  })

  it('gives no staffing change (not 0) where there is no revisited inspection or no figures', async () => {
    const { dataReturns } = testApp.services
    await dataReturns.refresh(inspector, reviewId, 'durham')
    const review = await dataReturns.values(inspector, reviewId, 'durham')
    expect(review['acu-staff-change']).toBeNull()
    expect(review['acu-posts-filled']).toBe(5)
    await dataReturns.refresh(inspector, revisitId, 'northumbria')
    const empty = await dataReturns.values(inspector, revisitId, 'northumbria')
    expect(empty).toMatchObject({
      'second-job-applications': 0,
      'acu-posts-filled': null,
      'acu-staff-change': null,
      workforce: null,
    })
  })

  it('shows a force only its own return', async () => {
    const { dataReturns } = testApp.services
    await expect(dataReturns.get(alphaCaseworker, revisitId, 'durham')).rejects.toBeInstanceOf(NotFoundError)
    await expect(dataReturns.refresh(alphaCaseworker, revisitId, 'durham')).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(
      dataReturns.override(alphaCaseworker, revisitId, 'durham', {
        item: 'workforce',
        value: '1',
        reason: 'x',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError)
  })
})

describe('overrides', () => {
  it('keeps the computed value beside the override and its reason, and removes it only with a reason', async () => {
    const { dataReturns } = testApp.services
    await expect(
      dataReturns.override(durhamCaseworker, revisitId, 'durham', {
        item: 'workforce',
        value: '9',
        reason: 'x',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError)
    const missingReason = await dataReturns
      .override(durhamAdmin, revisitId, 'durham', { item: 'workforce', value: '9', reason: ' ' })
      .catch((error: unknown) => error)
    expect(missingReason).toBeInstanceOf(ValidationError)
    expect((missingReason as ValidationError).fieldErrors.reason).toMatch(/reason/)

    const overridden = await dataReturns.override(durhamAdmin, revisitId, 'durham', {
      item: 'workforce',
      value: '9',
      reason: 'A transferee joined on the census day after the roster export',
    })
    expect(overridden).toMatchObject({
      value: 9,
      source: 'overridden',
      baseSource: 'computed',
      baseValue: 8,
      override: { value: 9, reason: 'A transferee joined on the census day after the roster export' },
    })
    // Recalculating keeps the override on top of the fresh computed value.
    await dataReturns.refresh(inspector, revisitId, 'durham')
    const again = (await dataReturns.get(inspector, revisitId, 'durham')).items.find(
      (item) => item.code === 'workforce',
    )
    expect(again).toMatchObject({ value: 9, baseValue: 8, source: 'overridden' })

    await expect(
      dataReturns.removeOverride(inspector, revisitId, 'durham', { item: 'workforce', reason: '' }),
    ).rejects.toBeInstanceOf(ValidationError)
    const removed = await dataReturns.removeOverride(inspector, revisitId, 'durham', {
      item: 'workforce',
      reason: 'The transferee is on the next roster export instead',
    })
    expect(removed).toMatchObject({ value: 8, source: 'computed', override: null })
    const events = await dataReturns.history(inspector, revisitId, 'durham')
    const override = events.find((event) => event.action === 'override')
    expect(override?.before).toMatchObject({ item: 'workforce', value: 8, overrideValue: null })
    expect(override?.after).toMatchObject({
      overrideValue: 9,
      overrideReason: expect.stringMatching(/transferee/),
    })
    const removal = events.find((event) => event.action === 'remove-override')
    expect(removal?.after).toMatchObject({
      overrideValue: null,
      reason: expect.stringMatching(/next roster/),
    })
  })

  it('refuses a part above its whole and values of the wrong kind', async () => {
    const { dataReturns } = testApp.services
    const tooMany = await dataReturns
      .override(inspector, revisitId, 'durham', {
        item: 'second-job-approvals',
        value: '13',
        reason: 'Recount',
      })
      .catch((error: unknown) => error)
    expect(tooMany).toBeInstanceOf(ValidationError)
    expect((tooMany as ValidationError).fieldErrors.value).toMatch(
      /cannot be more than second-job applications \(12\)/,
    )
    const fewerWhole = await dataReturns
      .override(inspector, revisitId, 'durham', {
        item: 'media-disclosure-investigations',
        value: '0',
        reason: 'x',
      })
      .catch((error: unknown) => error)
    expect((fewerWhole as ValidationError).fieldErrors.value).toMatch(/cannot be more than/)
    for (const [item, value] of [
      ['second-job-applications', '12.5'],
      ['second-job-applications', '-1'],
      ['acu-posts-filled', '6.555'],
      ['acu-posts-filled', '-2'],
      ['policy-awareness-social-media', '101'],
      ['counter-corruption-plan', 'maybe'],
    ]) {
      const refused = await dataReturns
        .override(inspector, revisitId, 'durham', { item, value, reason: 'Check' })
        .catch((error: unknown) => error)
      expect(refused, `${item} = ${value}`).toBeInstanceOf(ValidationError)
    }
    const values = await dataReturns.values(inspector, revisitId, 'durham')
    expect(values['second-job-approvals']).toBe(9)
  })
})

async function template(rows: [string, string][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Data return')
  sheet.addRow(['Item', 'Label', 'Value'])
  for (const [item, value] of rows) sheet.addRow([item, 'ignored', value])
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

describe('supplying a return without records', () => {
  it('checks an uploaded template (line and reason for each bad row, nothing written), then stores a clean one', async () => {
    const { dataReturns } = testApp.services
    const cleveland = callerOf(
      cast.bravo.users['force-caseworker'].id,
      'force-caseworker',
      (await testApp.services.forces.references()).find((force) => force.code === 'cleveland')?.id as number,
    )
    const downloaded = await dataReturns.template(cleveland, revisitId, 'cleveland')
    const read = new ExcelJS.Workbook()
    await read.xlsx.load(downloaded.data as unknown as ArrayBuffer)
    const rows = read.worksheets[0]?.getSheetValues() as unknown[][]
    expect(rows[1]?.slice(1)).toEqual(['Item', 'Label', 'Definition', 'What to write', 'Value'])
    expect(rows[2]?.[1]).toBe('second-job-applications')

    const bad = await dataReturns.previewUpload(cleveland, revisitId, 'cleveland', {
      filename: 'return.xlsx',
      data: await template([
        ['second-job-applications', '25'],
        ['second-job-approvals', '26'],
        ['media-disclosure-investigations', 'one'],
        ['no-such-item', '3'],
        ['acu-posts-filled', '4.5'],
        ['second-job-applications', '25'],
      ]),
    })
    expect(bad.importId).toBeNull()
    expect(bad.problems).toEqual([
      {
        line: 3,
        reason: expect.stringMatching(/^value: Second-job applications approved \(26\) cannot be more than/),
      },
      { line: 4, reason: 'value: Enter a whole number, 0 or more' },
      { line: 5, reason: 'item: no-such-item is not an item of the data return' },
      { line: 7, reason: 'item: second-job-applications is already on line 2' },
    ])
    expect(await dataReturns.values(cleveland, revisitId, 'cleveland')).toMatchObject({
      'second-job-applications': null,
    })

    const good = await dataReturns.previewUpload(cleveland, revisitId, 'cleveland', {
      filename: 'return.csv',
      data: Buffer.from(
        'item,value\nsecond-job-applications,25\nsecond-job-approvals,25\nacu-posts-filled,4.5\npolicy-awareness-social-media,87.5%\ncounter-corruption-plan,yes\nworkforce,\n',
      ),
    })
    expect(good.problems).toEqual([])
    expect(good.items.map((item) => [item.line, item.code, item.display, item.status])).toEqual([
      [2, 'second-job-applications', '25', 'to supply'],
      [3, 'second-job-approvals', '25', 'to supply'],
      [4, 'acu-posts-filled', '4.5', 'to supply'],
      [5, 'policy-awareness-social-media', '87.5%', 'to supply'],
      [6, 'counter-corruption-plan', 'Yes', 'to supply'],
      [7, 'workforce', '', 'left blank'],
    ])
    expect(good.importId).toBeTruthy()
    // Another force cannot confirm it.
    await expect(
      dataReturns.confirmUpload(alphaCaseworker, revisitId, 'cleveland', good.importId as string),
    ).rejects.toBeInstanceOf(NotFoundError)
    const done = await dataReturns.confirmUpload(cleveland, revisitId, 'cleveland', good.importId as string)
    expect(done.changed).toHaveLength(5)
    const view = await dataReturns.get(inspector, revisitId, 'cleveland')
    const byCode = Object.fromEntries(view.items.map((item) => [item.code, item]))
    expect(byCode['second-job-applications']).toMatchObject({ value: 25, source: 'supplied' })
    expect(byCode['policy-awareness-social-media']).toMatchObject({ value: 0.875, display: '87.5%' })
    expect(byCode['counter-corruption-plan']).toMatchObject({ value: 1, display: 'Yes', source: 'supplied' })
    // Confirming twice writes nothing more.
    await expect(
      dataReturns.confirmUpload(cleveland, revisitId, 'cleveland', good.importId as string),
    ).rejects.toBeInstanceOf(NotFoundError)
    // Recalculating leaves supplied items as the force supplied them.
    const refreshed = await dataReturns.refresh(inspector, revisitId, 'cleveland')
    expect(refreshed.skipped).toContain('second-job-applications')
    expect((await dataReturns.values(inspector, revisitId, 'cleveland'))['second-job-applications']).toBe(25)
  })

  it('takes typed values for the items Probity does not compute', async () => {
    const { dataReturns } = testApp.services
    await expect(
      dataReturns.supply(durhamCaseworker, revisitId, 'durham', { 'counter-corruption-plan': 'perhaps' }),
    ).rejects.toBeInstanceOf(ValidationError)
    await dataReturns.supply(durhamCaseworker, revisitId, 'durham', { 'counter-corruption-plan': 'no' })
    const view = await dataReturns.get(durhamCaseworker, revisitId, 'durham')
    expect(view.items.find((item) => item.code === 'counter-corruption-plan')).toMatchObject({
      value: 0,
      display: 'No',
      source: 'supplied',
    })
    await expect(
      dataReturns.supply(inspector, revisitId, 'durham', { 'counter-corruption-plan': 'yes' }),
    ).rejects.toBeInstanceOf(ForbiddenError)
  })
})

describe('the national comparison', () => {
  it('gives each force in scope its values, rates per 1,000 workforce and where the workforce came from', async () => {
    const { dataReturns } = testApp.services
    const comparison = await dataReturns.comparison(inspector, revisitId)
    expect(comparison.rows.map((row) => row.force.code).sort()).toEqual([
      'cheshire',
      'cleveland',
      'durham',
      'northumbria',
    ])
    const durham = comparison.rows.find((row) => row.force.code === 'durham')
    expect(durham).toMatchObject({ workforce: 8, workforceBasis: 'return' })
    expect(durham?.cells['second-job-applications']?.rate).toBeCloseTo(1500)
    // Northumbria's return has no workforce (no roster): its rates use the reference list's officers.
    const northumbria = comparison.rows.find((row) => row.force.code === 'northumbria')
    const fte = (await testApp.services.forces.find('northumbria'))?.officersFte as number
    expect(northumbria).toMatchObject({ workforce: fte, workforceBasis: 'reference list' })
    expect(northumbria?.cells['second-job-applications']).toMatchObject({ value: 0, rate: 0 })
    // Cheshire has no return values yet: every cell empty.
    const cheshire = comparison.rows.find((row) => row.force.code === 'cheshire')
    expect(cheshire?.known).toBe(0)
    await expect(dataReturns.comparison(alphaCaseworker, revisitId)).rejects.toBeInstanceOf(ForbiddenError)
  })
})
