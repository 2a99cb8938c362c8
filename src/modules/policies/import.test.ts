import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import {
  confirmActionOf,
  createImportTestApp,
  csvUpload,
  expectProblem,
  expectRefusedUpload,
} from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ACKNOWLEDGEMENT_IMPORT_COLUMNS } from './import.js'
import { policyAcknowledgementRequests } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let admin: Agent
let bravoAdmin: Agent
let versionId: string
/** The test clock: the version below is published on 30 March 2012; the imports run on 20 April. */
let now = new Date('2012-03-30T10:00:00Z')
const LIST = '/policies'

beforeAll(async () => {
  ;({ testApp, cast } = await createImportTestApp(() => now))
  const { plan } = await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: cast.alpha.code,
    filename: 'more-staff.csv',
    rows: ['ALPHA0002', 'ALPHA0003'].map((number, index) => ({
      line: index + 2,
      values: {
        staff_number: number,
        name: `Officer ${number}`,
        grade: 'Constable',
        unit: 'Roads',
        start_date: '2005-04-01',
        leave_date: '',
      },
    })),
  })
  const policy = await testApp.services.policies.createPolicy(
    SYSTEM_CALLER,
    { area: 'gifts-hospitality', title: 'Gifts and hospitality policy' },
    plan.force.id,
  )
  const version = await testApp.services.policies.createVersion(SYSTEM_CALLER, policy.id, {
    title: 'Gifts and hospitality',
    body: 'Declare every offer',
    effectiveDate: '2012-03-01',
    owner: 'Head of Professional Standards',
    nationalGuidance: 'no',
  })
  await testApp.services.policies.publish(SYSTEM_CALLER, version.id, {
    audience: 'all',
    deadline: '2012-04-30',
  })
  versionId = version.id
  now = new Date('2012-04-20T10:00:00Z')
  // Signed in on the import's day: a session from three weeks before has expired.
  admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
  bravoAdmin = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
})
afterAll(() => testApp.close())

const ackCsv = (rows: string[][]) =>
  csvUpload(
    'acknowledgements.csv',
    ACKNOWLEDGEMENT_IMPORT_COLUMNS,
    rows.map(([area, version, staffNumber, day]) => [area, version, staffNumber, '', day] as string[]),
  )

async function acknowledged() {
  const rows = await testApp.database.db
    .select()
    .from(policyAcknowledgementRequests)
    .where(eq(policyAcknowledgementRequests.versionId, versionId))
  return rows.map((row) => row.acknowledgedOn)
}

describe('importing acknowledgements of policies', () => {
  it('is linked from the policies page for the force’s administrators, with a template of the columns', async () => {
    expect((await admin.get(LIST)).body).toContain('href="/policies/import"')
    expect((await admin.get(`${LIST}/import`)).statusCode).toBe(200)
    const template = await admin.get(`${LIST}/import/template.csv`)
    expect(template.body.trim()).toBe(ACKNOWLEDGEMENT_IMPORT_COLUMNS.join(','))
  })

  it('reports every bad row with its line and reason, and records nothing', async () => {
    const before = await acknowledged()
    const preview = await expectRefusedUpload(
      admin,
      LIST,
      ackCsv([
        ['gifts-hospitality', '1', 'ALPHA0001', '2012-04-02'],
        ['gifts-hospitality', '2', 'ALPHA0002', '2012-04-02'],
        ['gifts-hospitality', '1', 'NOPE0001', '2012-04-02'],
        ['gifts-hospitality', '1', 'alpha0001', '2012-04-03'],
        ['gifts-hospitality', '1', 'ALPHA0002', '2012-03-01'],
        ['gifts-hospitality', '1', 'ALPHA0003', '2012-04-21'],
        ['gifts-hospitality', 'one', 'ALPHA0003', '30/2/2012'],
      ]),
      6,
    )
    expectProblem(
      preview,
      3,
      'staff_number: ALPHA0002 was not asked to read version 2 of the gifts-hospitality policy',
    )
    expectProblem(preview, 4, 'staff_number: NOPE0001 was not asked')
    expectProblem(preview, 5, 'staff_number: line 2 already gives this acknowledgement')
    expectProblem(preview, 6, 'acknowledged_on: must be on or after the day they were asked, 2012-03-30')
    expectProblem(preview, 7, 'acknowledged_on: must be today or in the past')
    expectProblem(preview, 8, 'version: must be the version’s number, like 2')
    expectProblem(preview, 8, 'acknowledged_on: must be a real date')
    expect(await acknowledged()).toEqual(before)
  })

  it('records each acknowledgement on its day when confirmed, all at once, and finds them unchanged next time', async () => {
    const file = ackCsv([
      ['Gifts-Hospitality', '1', 'alpha0001', '2/4/2012'],
      ['gifts-hospitality', '1', 'ALPHA0002', '2012-04-05'],
      ['gifts-hospitality', '1', 'ALPHA0003', ''],
    ])
    const preview = await admin.upload(`${LIST}/import`, file)
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain('2 April 2012')
    expect(preview.body).toContain('5 April 2012')
    expect(preview.body).toContain('Import 2 rows')
    const action = confirmActionOf(preview, LIST) as string
    expect((await acknowledged()).filter(Boolean)).toEqual([])
    expect((await bravoAdmin.post(action)).statusCode).toBe(404)
    const confirmed = await admin.post(action)
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('2 rows imported from acknowledgements.csv')
    expect((await acknowledged()).sort()).toEqual(['2012-04-02', '2012-04-05', null])
    const [own] = await testApp.database.db
      .select()
      .from(policyAcknowledgementRequests)
      .where(
        and(
          eq(policyAcknowledgementRequests.versionId, versionId),
          eq(policyAcknowledgementRequests.staffMemberId, cast.alpha.roster.staffMemberId),
        ),
      )
    expect(own?.acknowledgedOn).toBe('2012-04-02')
    expect(own?.acknowledgedBy).toBe(cast.alpha.users['force-admin'].id)
    const again = await admin.upload(`${LIST}/import`, file)
    expect(again.body).toContain('There is nothing new to import')
    const changed = await expectRefusedUpload(
      admin,
      LIST,
      ackCsv([['gifts-hospitality', '1', 'ALPHA0002', '2012-04-06']]),
      1,
    )
    expectProblem(changed, 2, 'acknowledged_on: they already acknowledged this version on 2012-04-05')
  })

  it('is for the force’s administrators: caseworkers, staff and the inspectorate are refused, and another force cannot confirm', async () => {
    for (const email of [
      cast.alpha.users['force-caseworker'].email,
      cast.alpha.users.staff.email,
      cast.inspectorateAdmin.email,
    ]) {
      const agent = await signedInAgent(testApp.app, email)
      expect((await agent.get(`${LIST}/import`)).statusCode).toBe(403)
      expect((await agent.upload(`${LIST}/import`, ackCsv([]))).statusCode).toBe(403)
    }
    const pending = cast.alpha.pendingImports['policy-acknowledgements']
    expect((await bravoAdmin.post(`${LIST}/imports/${pending}`)).statusCode).toBe(404)
  })
})
