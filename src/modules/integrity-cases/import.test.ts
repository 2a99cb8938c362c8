import { eq } from 'drizzle-orm'
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
import { auditEvents } from '../audit/schema.js'
import { CASE_IMPORT_COLUMNS } from './import.js'
import { integrityCaseAccess, integrityCaseSubjects, integrityCases } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let caseworker: Agent
let bravoCaseworker: Agent
let existingReference: string
/** The test clock: 30 March 2012. */
const now = new Date('2012-03-30T10:00:00Z')
const LIST = '/cases'

beforeAll(async () => {
  ;({ testApp, cast, alphaId, caseworker, bravoCaseworker } = await createImportTestApp(() => now))
  const [existing] = await testApp.database.db
    .select({ reference: integrityCases.reference })
    .from(integrityCases)
    .where(eq(integrityCases.id, cast.alpha.cases.caseId))
  existingReference = existing?.reference as string
})
afterAll(() => testApp.close())

/** A case as the template's columns take it, with any column given. */
function caseRow(values: Partial<Record<(typeof CASE_IMPORT_COLUMNS)[number], string>>): string[] {
  const row: Record<string, string> = {
    type: 'other',
    source: 'internal',
    opened_on: '2011-05-10',
    summary: 'A historic case',
    ...values,
  }
  return CASE_IMPORT_COLUMNS.map((column) => row[column] ?? '')
}
const casesCsv = (rows: string[][]) => csvUpload('cases.csv', CASE_IMPORT_COLUMNS, rows)

async function alphaCases() {
  return testApp.database.db
    .select()
    .from(integrityCases)
    .where(eq(integrityCases.forceId, alphaId))
    .orderBy(integrityCases.reference)
}

describe('importing historic cases', () => {
  it('is linked from the cases list for caseworkers, with a template of the columns', async () => {
    expect((await caseworker.get(LIST)).body).toContain('href="/cases/import"')
    const form = await caseworker.get(`${LIST}/import`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(CASE_IMPORT_COLUMNS.join(', '))
    const template = await caseworker.get(`${LIST}/import/template.csv`)
    expect(template.body.trim()).toBe(CASE_IMPORT_COLUMNS.join(','))
  })

  it('reports every bad row with its line and reason, and opens no case', async () => {
    const before = await alphaCases()
    const preview = await expectRefusedUpload(
      caseworker,
      LIST,
      casesCsv([
        caseRow({ type: 'shoplifting' }),
        caseRow({ opened_on: '2012-04-02' }),
        caseRow({ subjects: 'ALPHA0001; NOPE0001' }),
        caseRow({ outcome: 'dismissal' }),
        caseRow({ outcome: 'dismissal', closed_on: '2011-05-01', status: 'continuing' }),
        caseRow({ reference: 'IC/2010/0001' }),
        caseRow({ reference: 'IC/old/1' }),
        caseRow({ reference: 'PSD-1', summary: 'First' }),
        caseRow({ reference: 'psd-1', summary: 'Second' }),
        caseRow({ reference: existingReference }),
        caseRow({ opened_on: '31/2/2011', confidential: 'maybe' }),
      ]),
      10,
    )
    expectProblem(preview, 2, 'type: must be one of: inappropriate disclosure to the media')
    expectProblem(preview, 3, 'opened_on: must be today or in the past')
    expectProblem(preview, 4, 'subjects: no member of staff with number NOPE0001 on the roster')
    expectProblem(preview, 5, 'closed_on: enter the date a closed case was closed')
    expectProblem(preview, 6, 'status: a case with an outcome is closed')
    expectProblem(preview, 6, 'closed_on: must be on or after opened_on')
    expectProblem(preview, 7, 'reference: an IC/ reference carries the year the case was opened, 2011')
    expectProblem(preview, 8, 'reference: must be like IC/2011/0042')
    expectProblem(preview, 10, 'reference: line 9 has the same case')
    expectProblem(preview, 11, `reference: ${existingReference} is already another case, opened 2012-02-03`)
    expectProblem(preview, 12, 'opened_on: must be a real date')
    expectProblem(preview, 12, 'confidential: must be empty, yes or no')
    expect(await alphaCases()).toEqual(before)
  })

  it('opens every case of a clean file when confirmed, with its subjects, and finds them unchanged next time', async () => {
    const before = await alphaCases()
    const file = casesCsv([
      caseRow({
        summary: 'Leak of a custody image',
        type: 'Inappropriate disclosure to the media',
        subjects: 'alpha0001',
        outcome: 'written warning',
        closed_on: '2/9/2011',
      }),
      caseRow({ reference: 'PSD-2010-7', opened_on: '2010-11-30', status: 'continuing', summary: 'Vetting' }),
      caseRow({ opened_on: '2011-08-01', summary: 'Informant handling', confidential: 'yes' }),
    ])
    const preview = await caseworker.upload(`${LIST}/import`, file)
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain('Add as PSD-2010-7')
    expect(preview.body).toContain('10 May 2011')
    expect(preview.body).toContain('30 November 2010')
    expect(preview.body).toContain('closed: written warning')
    expect(preview.body).not.toContain('Informant handling')
    expect(preview.body).toContain('Import 3 rows')
    const action = confirmActionOf(preview, LIST) as string
    expect(await alphaCases()).toEqual(before)
    expect((await bravoCaseworker.post(action)).statusCode).toBe(404)
    const confirmed = await caseworker.post(action)
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('3 rows imported from cases.csv')
    const added = (await alphaCases()).filter((row) => !before.some((old) => old.id === row.id))
    expect(
      added.map(({ reference, status, outcome, openedOn, closedOn, confidential }) => ({
        reference,
        status,
        outcome,
        openedOn,
        closedOn,
        confidential,
      })),
    ).toEqual([
      {
        reference: 'IC/2011/0001',
        status: 'closed',
        outcome: 'written warning',
        openedOn: '2011-05-10',
        closedOn: '2011-09-02',
        confidential: false,
      },
      {
        reference: 'IC/2011/0002',
        status: 'open',
        outcome: null,
        openedOn: '2011-08-01',
        closedOn: null,
        confidential: true,
      },
      {
        reference: 'PSD-2010-7',
        status: 'continuing',
        outcome: null,
        openedOn: '2010-11-30',
        closedOn: null,
        confidential: false,
      },
    ])
    const [leak, secret] = added
    const subjects = await testApp.database.db
      .select()
      .from(integrityCaseSubjects)
      .where(eq(integrityCaseSubjects.caseId, leak?.id as string))
    expect(subjects.map((subject) => subject.staffMemberId)).toEqual([cast.alpha.roster.staffMemberId])
    const named = await testApp.database.db
      .select()
      .from(integrityCaseAccess)
      .where(eq(integrityCaseAccess.caseId, secret?.id as string))
    expect(named.map((access) => access.userId)).toEqual([cast.alpha.users['force-caseworker'].id])
    const page = await caseworker.get(`${LIST}/${leak?.id}`)
    expect(page.body).toContain('10 May 2011')
    expect(page.body).toContain('alphamarker Constable')
    const [audit] = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, secret?.id as string))
    expect(audit?.after).toEqual({ reference: 'IC/2011/0002', confidential: true, changed: ['subjects'] })
    expect((await caseworker.post(action)).statusCode).toBe(404)
    const again = await caseworker.upload(`${LIST}/import`, file)
    expect(again.body).toContain('There is nothing new to import')
    expect(again.body).toMatch(/Already recorded \(unchanged\)[\s\S]*?>\s*3\s*</)
  })

  it('refuses the second of two imports of one case, checked before either was confirmed, and writes nothing', async () => {
    const file = casesCsv([caseRow({ reference: 'PSD-TWICE-1', summary: 'Imported by two people at once' })])
    const first = confirmActionOf(await caseworker.upload(`${LIST}/import`, file), LIST) as string
    const second = confirmActionOf(await caseworker.upload(`${LIST}/import`, file), LIST) as string
    expect((await caseworker.post(first)).statusCode).toBe(200)
    const before = await alphaCases()
    const refused = await caseworker.post(second)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Case PSD-TWICE-1 was recorded after the file was checked')
    expect(await alphaCases()).toEqual(before)
  })

  it('is for the force’s caseworkers: staff and the inspectorate are refused, and another force cannot confirm', async () => {
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    for (const agent of [staff, inspector]) {
      expect((await agent.get(`${LIST}/import`)).statusCode).toBe(403)
      expect((await agent.upload(`${LIST}/import`, casesCsv([caseRow({})]))).statusCode).toBe(403)
    }
    const pending = cast.alpha.pendingImports['integrity-cases']
    expect((await bravoCaseworker.post(`${LIST}/imports/${pending}`)).statusCode).toBe(404)
    expect((await alphaCases()).some((row) => row.summary.includes('pending case'))).toBe(false)
  })
})
