import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import {
  confirmActionOf,
  createImportTestApp,
  csvUpload,
  expectProblem,
  expectRefusedUpload,
  forceUserCaller,
  xlsxUpload,
} from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { ValidationError } from '../../domain/errors.js'
import { uploadLimits } from '../../spreadsheets/limits.js'
import { readSpreadsheet } from '../../spreadsheets/read.js'
import { auditEvents } from '../audit/schema.js'
import { PendingImportsService } from '../imports/service.js'
import { acuStaffingImport, STAFFING_IMPORT_COLUMNS } from './import.js'
import { acuStaffing } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let caseworker: Agent
let bravoCaseworker: Agent
/** The test clock: 30 March 2012. */
const now = new Date('2012-03-30T10:00:00Z')
const LIST = '/acu-staffing'

beforeAll(async () => {
  ;({ testApp, cast, alphaId, caseworker, bravoCaseworker } = await createImportTestApp(() => now))
})
afterAll(() => testApp.close())

const staffingCsv = (rows: string[][]) => csvUpload('staffing.csv', STAFFING_IMPORT_COLUMNS, rows)

async function alphaFigures() {
  return testApp.database.db
    .select()
    .from(acuStaffing)
    .where(eq(acuStaffing.forceId, alphaId))
    .orderBy(acuStaffing.asOf)
}

describe('importing the unit’s staffing', () => {
  it('is reached from the staffing page and offers a template', async () => {
    const page = await caseworker.get(LIST)
    expect(page.body).toContain('href="/acu-staffing/import"')
    const form = await caseworker.get(`${LIST}/import`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('as_of, posts_funded, posts_filled, notes')
    const template = await caseworker.get(`${LIST}/import/template.csv`)
    expect(template.statusCode).toBe(200)
    expect(template.body.split('\n')[0]).toBe('as_of,posts_funded,posts_filled,notes')
  })

  it('reports every bad row with its line and reason, and writes nothing', async () => {
    const before = await alphaFigures()
    const preview = await expectRefusedUpload(
      caseworker,
      LIST,
      staffingCsv([
        ['2011-03-31', '6', '5', ''],
        ['2012-04-30', '6', '5', ''],
        ['31/2/2011', '6', '5', ''],
        ['2011-09-30', 'six', '', ''],
        ['31/3/2011', '7', '7', 'again'],
        ['2011-06-30', '2', '90', ''],
      ]),
      5,
    )
    expectProblem(preview, 3, 'as_of: must be today or in the past')
    expectProblem(preview, 4, 'as_of: must be a real date')
    expectProblem(preview, 5, 'posts_funded: Enter the posts funded as full-time equivalents')
    expectProblem(preview, 5, 'posts_filled: enter the posts filled')
    expectProblem(preview, 6, 'as_of: line 2 already gives figures for this date')
    expectProblem(preview, 7, 'posts_filled: look wrong')
    expect(preview.body).not.toMatch(/>\s*2\s*<\/td>\s*<td[^>]*>\s*as_of/)
    expect(await alphaFigures()).toEqual(before)
  })

  it('lists what it would add and replace, writes it all when confirmed, and finds it unchanged next time', async () => {
    const alphaCaseworker = forceUserCaller(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
    await testApp.services.acuStaffing.record(alphaCaseworker, {
      asOf: '2010-03-31',
      postsFunded: '4',
      postsFilled: '4',
    })
    await testApp.services.acuStaffing.record(alphaCaseworker, {
      asOf: '2010-09-30',
      postsFunded: '5',
      postsFilled: '3',
    })
    const file = staffingCsv([
      ['2010-03-31', '4', '4', ''],
      ['30/9/2010', '5', '4.5', 'one more in post'],
      ['2011-03-31', '6', '5.5', ''],
    ])
    const preview = await caseworker.upload(`${LIST}/import`, file)
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toMatch(/Already recorded \(unchanged\)[\s\S]*?>\s*1\s*</)
    expect(preview.body).toContain('Replace 5 funded, 3 filled')
    expect(preview.body).toContain('30 September 2010')
    expect(preview.body).toContain('31 March 2011')
    expect(preview.body).toContain('Import 2 rows')
    const action = confirmActionOf(preview, LIST) as string
    expect((await alphaFigures()).map((row) => row.asOf)).toEqual(['2010-03-31', '2010-09-30'])
    expect((await bravoCaseworker.post(action)).statusCode).toBe(404)
    const confirmed = await caseworker.post(action)
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('2 rows imported from staffing.csv')
    expect(
      (await alphaFigures()).map(({ asOf, postsFunded, postsFilled, notes }) => [
        asOf,
        postsFunded,
        postsFilled,
        notes,
      ]),
    ).toEqual([
      ['2010-03-31', 4, 4, null],
      ['2010-09-30', 5, 4.5, 'one more in post'],
      ['2011-03-31', 6, 5.5, null],
    ])
    expect((await caseworker.post(action)).statusCode).toBe(404)
    const replaced = (await alphaFigures())[1]
    const history = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.entityType, 'acu-staffing'), eq(auditEvents.entityId, replaced?.id as string)),
      )
      .orderBy(auditEvents.seq)
    expect(history.map((event) => event.action)).toEqual(['create', 'update'])
    expect(history[1]?.before).toMatchObject({ postsFilled: 3 })
    expect(history[1]?.after).toMatchObject({ postsFilled: 4.5 })
    // The template holds what is recorded, so sending it back (as Excel) changes nothing.
    const template = await caseworker.get(`${LIST}/import/template.xlsx`)
    const again = await caseworker.upload(`${LIST}/import`, {
      filename: 'template.xlsx',
      data: template.rawPayload,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    })
    expect(again.statusCode).toBe(200)
    expect(again.body).toContain('There is nothing new to import')
    expect(again.body).toMatch(/Already recorded \(unchanged\)[\s\S]*?>\s*3\s*</)
  })

  it('takes an Excel file with real date cells', async () => {
    const file = await xlsxUpload('staffing.xlsx', STAFFING_IMPORT_COLUMNS, [
      [new Date(Date.UTC(2009, 2, 31)), 3, 2, null],
    ])
    const preview = await caseworker.upload(`${LIST}/import`, file)
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain('31 March 2009')
  })

  it('says plainly when a column is missing', async () => {
    const response = await caseworker.upload(
      `${LIST}/import`,
      csvUpload('staffing.csv', ['as_of', 'posts'], [['2011-03-31', '6']]),
    )
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('staffing.csv has no column posts_funded, posts_filled')
  })

  it('reads the file under the upload limits', async () => {
    const limited = acuStaffingImport(
      new PendingImportsService(testApp.database.db, () => now, uploadLimits({ rows: 2 })),
    )
    const caller = forceUserCaller(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
    const file = staffingCsv([
      ['2008-03-31', '1', '1', ''],
      ['2008-06-30', '1', '1', ''],
      ['2008-09-30', '1', '1', ''],
    ])
    await expect(limited.dryRun(caller, file)).rejects.toThrow(ValidationError)
    await expect(limited.dryRun(caller, file)).rejects.toMatchObject({
      fieldErrors: { file: expect.stringContaining('has more than 2 rows') },
    })
  })

  it('is for the force’s caseworkers: staff and other forces are refused, and another force’s template holds only its own', async () => {
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    for (const path of [`${LIST}/import`, `${LIST}/import/template.csv`])
      expect((await staff.get(path)).statusCode).toBe(403)
    expect(
      (await staff.upload(`${LIST}/import`, staffingCsv([['2011-03-31', '6', '5', '']]))).statusCode,
    ).toBe(403)
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    expect((await inspector.get(`${LIST}/import`)).statusCode).toBe(403)
    const bravoTemplate = await bravoCaseworker.get(`${LIST}/import/template.csv`)
    expect(bravoTemplate.body.trim()).toBe('as_of,posts_funded,posts_filled,notes')
    const pending = cast.alpha.pendingImports['acu-staffing']
    expect((await bravoCaseworker.post(`${LIST}/imports/${pending}`)).statusCode).toBe(404)
    const rows = await readSpreadsheet({ filename: 'x.csv', data: Buffer.from(bravoTemplate.body) })
    expect(rows).toEqual([])
  })
})
