import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { countStaff, generatedRow, pageText, rosterCsv } from './test-support.js'

let testApp: TestApp
let cast: TwoForces
let alphaForceId: number

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-06-01T09:00:00Z') }))
  alphaForceId = (await testApp.services.roster.forceForImport(SYSTEM_CALLER, 'cheshire')).id
})
afterAll(() => testApp.close())

async function signedIn(email: string): Promise<Agent> {
  const agent = await signedInAgent(testApp.app, email)
  await agent.get('/roster/import')
  return agent
}

const importIdOf = (html: string) => html.match(/action="\/roster\/import\/([0-9a-f-]{36})\/confirm"/)?.[1]

describe('the acceptance test: a 10,000-row CSV with 3 bad rows', () => {
  const ROWS = 10_000
  const rows = Array.from({ length: ROWS }, (_, index) => generatedRow(index + 1))
  // Line numbers count the header as line 1, so row i (from 0) is on line i + 2.
  const badDateIndex = 1233
  const missingNameIndex = 5677
  const duplicateIndex = 8999
  const broken = rows.map((row) => [...row])
  ;(broken[badDateIndex] as string[])[4] = '31/02/2001'
  ;(broken[missingNameIndex] as string[])[1] = ''
  ;(broken[duplicateIndex] as string[])[0] = (rows[42] as string[])[0] as string

  it('reports exactly the 3 bad rows with their lines and reasons, and writes nothing', async () => {
    const admin = await signedIn(cast.alpha.users['force-admin'].email)
    const before = await countStaff(testApp.database.db)
    const response = await admin.upload('/roster/import', {
      filename: 'hr-export.csv',
      data: rosterCsv(broken),
    })
    expect(response.statusCode).toBe(200)
    const text = pageText(response.body)
    expect(text).toContain('3 rows have problems')
    const problems = [
      ...response.body.matchAll(
        /<th scope="row" class="govuk-table__header">(\d+)<\/th>\s*<td class="govuk-table__cell">([^<]*)<\/td>/g,
      ),
    ].map((match) => ({ line: Number(match[1]), reason: match[2] }))
    expect(problems).toEqual([
      {
        line: badDateIndex + 2,
        reason: 'start_date: &quot;31/02/2001&quot; is not a real date: use 2012-03-27 or 27/03/2012',
      },
      { line: missingNameIndex + 2, reason: 'name: enter the name' },
      { line: duplicateIndex + 2, reason: 'staff_number: GEN000043 is already on line 44' },
    ])
    // No confirm button, and nothing in the database.
    expect(importIdOf(response.body)).toBeUndefined()
    expect(await countStaff(testApp.database.db)).toBe(before)
  })

  it('imports all 10,000 rows once they are fixed, in one confirmed transaction', async () => {
    const admin = await signedIn(cast.alpha.users['force-admin'].email)
    const before = await countStaff(testApp.database.db, alphaForceId)
    const preview = await admin.upload('/roster/import', {
      filename: 'hr-export-fixed.csv',
      data: rosterCsv(rows),
    })
    expect(preview.statusCode).toBe(200)
    const text = pageText(preview.body)
    expect(text).toContain('To add 10,000')
    expect(text).toContain('Rows with problems 0')
    // The dry run wrote nothing.
    expect(await countStaff(testApp.database.db, alphaForceId)).toBe(before)

    const importId = importIdOf(preview.body) as string
    expect(importId).toBeDefined()
    const confirmed = await admin.post(`/roster/import/${importId}/confirm`)
    expect(confirmed.statusCode).toBe(200)
    expect(pageText(confirmed.body)).toContain('Added 10,000')
    expect(await countStaff(testApp.database.db, alphaForceId)).toBe(before + ROWS)

    // A second confirmation of the same import finds nothing to apply.
    const again = await admin.post(`/roster/import/${importId}/confirm`)
    expect(again.statusCode).toBe(404)
    expect(await countStaff(testApp.database.db, alphaForceId)).toBe(before + ROWS)

    // Staff numbers match in any case; "PC" is stored as the standard rank; 03/03/2001 as an ISO date.
    const first = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'gen000001')
    expect(first).toMatchObject({ name: 'Person 1 Generated', grade: 'Constable', startDate: '2001-03-02' })
    const second = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'GEN000002')
    expect(second).toMatchObject({ startDate: '2001-03-03', leaveDate: null, serving: true })
  }, 120_000)

  it('updates changed rows by staff number on re-import, showing what changes first', async () => {
    const admin = await signedIn(cast.alpha.users['force-admin'].email)
    const before = await countStaff(testApp.database.db, alphaForceId)
    const changed = rows.map((row) => [...row])
    ;(changed[9] as string[])[3] = 'Anti-Corruption Unit' // GEN000010 moves unit
    ;(changed[98] as string[])[5] = '2012-05-31' // GEN000099 leaves
    ;(changed[4999] as string[])[2] = 'Sergeant' // GEN005000 is promoted (was Constable)
    const preview = await admin.upload('/roster/import', {
      filename: 'hr-export-june.csv',
      data: rosterCsv(changed),
    })
    const text = pageText(preview.body)
    expect(text).toContain('To add 0')
    expect(text).toContain('To update 3')
    expect(text).toContain('Unchanged 9,997')
    expect(text).toContain('GEN000010 Person 10 Generated Unit: Roads Policing → Anti-Corruption Unit')
    expect(text).toContain('GEN000099 Person 99 Generated Leave date: – → 2012-05-31')
    expect(text).toContain('GEN005000 Person 5000 Generated Grade or rank: Constable → Sergeant')
    const member = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'GEN000010')
    expect(member?.unit).toBe('Roads Policing')

    const confirmed = await admin.post(`/roster/import/${importIdOf(preview.body)}/confirm`)
    expect(pageText(confirmed.body)).toContain('Updated 3')
    expect(await countStaff(testApp.database.db, alphaForceId)).toBe(before)
    const moved = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'GEN000010')
    expect(moved?.unit).toBe('Anti-Corruption Unit')
    const left = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'GEN000099')
    expect(left).toMatchObject({ leaveDate: '2012-05-31', serving: false })

    // The change is in the member's history page.
    const caseworker = await signedIn(cast.alpha.users['force-caseworker'].email)
    const history = pageText((await caseworker.get(`/roster/${moved?.id}`)).body)
    expect(history).toContain('Unit: Roads Policing → Anti-Corruption Unit')
    expect(history).toContain(cast.alpha.users['force-admin'].email)
  }, 120_000)
})

describe('roster imports', () => {
  it('checks leave dates against start dates, required fields and formats, and names missing columns', async () => {
    const admin = await signedIn(cast.alpha.users['force-admin'].email)
    const response = await admin.upload('/roster/import', {
      filename: 'small.csv',
      data: rosterCsv([
        ['S1', 'Ann Early', 'Constable', 'Response', '2010-05-01', '2009-01-01'],
        ['S2', 'Bob', '', 'Response', '2010-13-01', ''],
        ['', 'No Number', 'Constable', 'Response', '', ''],
      ]),
    })
    const text = pageText(response.body)
    expect(text).toContain('2 leave_date: the leave date 2009-01-01 is before the start date 2010-05-01')
    expect(text).toContain('3 grade: enter the grade or rank; start_date: "2010-13-01" is not a real date')
    expect(text).toContain('4 staff_number: enter the staff number')

    const noUnit = await admin.upload('/roster/import', {
      filename: 'no-unit.csv',
      data: 'staff_number,name,rank,start_date,leave_date\nS1,Ann,PC,,\n',
    })
    expect(noUnit.statusCode).toBe(400)
    expect(pageText(noUnit.body)).toContain('The file has no unit column')
  })

  it('re-renders the form with an error when no file is chosen, or the file is not a spreadsheet', async () => {
    const admin = await signedIn(cast.alpha.users['force-admin'].email)
    const none = await admin.upload('/roster/import', null)
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('govuk-error-summary')
    expect(none.body).toContain('href="#file"')
    const pdf = await admin.upload('/roster/import', { filename: 'roster.pdf', data: '%PDF' })
    expect(pdf.statusCode).toBe(400)
    expect(pageText(pdf.body)).toContain('neither a CSV (.csv) nor an Excel (.xlsx) file')
  })

  it('imports an XLSX workbook with a rank column and real date cells', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Staff')
    sheet.addRow(['Staff number', 'Full name', 'Rank', 'Unit', 'Start date', 'Leave date'])
    sheet.addRow(['xl001', 'Xena Lowe', 'DCI', 'Major Crime', new Date(Date.UTC(1999, 8, 1)), null])
    sheet.addRow(['XL002', 'Yusuf Lane', 'Police Staff', 'Finance', '01/10/2004', '30/04/2012'])
    const data = Buffer.from(await workbook.xlsx.writeBuffer())
    const admin = await signedIn(cast.alpha.users['force-admin'].email)
    const preview = await admin.upload('/roster/import', {
      filename: 'roster.xlsx',
      data,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    })
    expect(pageText(preview.body)).toContain('To add 2')
    await admin.post(`/roster/import/${importIdOf(preview.body)}/confirm`)
    const xena = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'XL001')
    expect(xena).toMatchObject({ name: 'Xena Lowe', grade: 'Chief Inspector', startDate: '1999-09-01' })
    const yusuf = await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'XL002')
    expect(yusuf).toMatchObject({ startDate: '2004-10-01', leaveDate: '2012-04-30', serving: false })
  })

  it('has an inspectorate admin name the force, and imports into that force only', async () => {
    const admin = await signedIn(cast.inspectorateAdmin.email)
    const csv = rosterCsv([['INSP1', 'bravomarker Imported', 'Sergeant', 'Response', '', '']])
    const noForce = await admin.upload('/roster/import', { filename: 'r.csv', data: csv })
    expect(noForce.statusCode).toBe(400)
    expect(pageText(noForce.body)).toContain('Select the force whose roster this is')

    const bravoId = (await testApp.services.roster.forceForImport(SYSTEM_CALLER, 'cleveland')).id
    const before = await countStaff(testApp.database.db, bravoId)
    const preview = await admin.upload(
      '/roster/import',
      { filename: 'r.csv', data: csv },
      { force: 'cleveland' },
    )
    expect(pageText(preview.body)).toContain('Cleveland')
    await admin.post(`/roster/import/${importIdOf(preview.body)}/confirm`)
    expect(await countStaff(testApp.database.db, bravoId)).toBe(before + 1)
    expect(
      await testApp.services.roster.findByStaffNumber(SYSTEM_CALLER, alphaForceId, 'INSP1'),
    ).toBeUndefined()
  })

  it("refuses caseworkers, and does not let one force confirm another force's import", async () => {
    const caseworker = await signedIn(cast.alpha.users['force-caseworker'].email)
    expect((await caseworker.get('/roster/import')).statusCode).toBe(403)

    const bravoAdmin = await signedIn(cast.bravo.users['force-admin'].email)
    const confirm = await bravoAdmin.post(`/roster/import/${cast.alpha.roster.pendingImportId}/confirm`)
    expect(confirm.statusCode).toBe(404)
    // Alpha's import is still there for Alpha to confirm.
    const alphaAdmin = await signedIn(cast.alpha.users['force-admin'].email)
    const mine = await alphaAdmin.post(`/roster/import/${cast.alpha.roster.pendingImportId}/confirm`)
    expect(mine.statusCode).toBe(200)
    const member = await testApp.services.roster.find(SYSTEM_CALLER, cast.alpha.roster.staffMemberId)
    expect(member.name).toBe('alphamarker Renamed')
  })
})
