import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { TEST_PASSWORD } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { allReferences, REFERENCE_ENTITY } from './inspection-reference.js'
import { REFERENCE_ROWS_LIMIT } from './reference-import.js'

/** The forces' regions and HM Inspectors imported from a spreadsheet: a dry run, every bad row, all or nothing. */

let testApp: TestApp
let admin: Agent
let forceAdmin: Agent

const HEADER = 'force,effective_from,region,hmi_name,hmi_honours,confirmed,source_note'
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n')

beforeAll(async () => {
  testApp = await createTestApp({ now: () => new Date('2013-01-10T09:00:00Z') })
  for (const [email, role, forceCode] of [
    ['admin@inspectorate.example', 'inspectorate-admin', undefined],
    ['psd@durham.example', 'force-admin', 'durham'],
  ] as const)
    await testApp.services.users.create(SYSTEM_CALLER, {
      email,
      name: email,
      role,
      forceCode,
      password: TEST_PASSWORD,
    })
  admin = await signedInAgent(testApp.app, 'admin@inspectorate.example')
  forceAdmin = await signedInAgent(testApp.app, 'psd@durham.example')
}, 240_000)
afterAll(() => testApp.close())

const recorded = async () => JSON.stringify(await allReferences(testApp.database.db))

describe('importing the reference data', () => {
  it('is offered from the reference page', async () => {
    const page = await admin.get('/forces/reference')
    expect(page.body).toContain('href="/forces/reference/import"')
    expect((await admin.get('/forces/reference/import')).statusCode).toBe(200)
  })

  it('lists every bad row with its line and reason, and writes nothing', async () => {
    const before = await recorded()
    const response = await admin.upload('/forces/reference/import', {
      filename: 'reference.csv',
      data: csv(
        'durham,2013-01-01,North East,Ann Example,QPM,yes,Press release of 11 December 2012',
        'atlantis,2013-01-01,Nowhere,Nobody,,no,',
        'durham,2013-02-30,North East,Ann Example,,no,',
        'cleveland,2013-01-01,North East,Ann Example,,yes,',
        'cleveland,2013-01-01,,,,maybe,',
        'durham,2013-01-01,North East,Ann Example,QPM,no,',
      ),
    })
    expect(response.statusCode).toBe(400)
    const problems = [
      ...response.body.matchAll(/<th scope="row"[^>]*>\s*(\d+)\s*<\/th>\s*<td[^>]*>([^<]*)</g),
    ].map((match) => `${match[1]}: ${(match[2] as string).trim()}`)
    expect(problems).toEqual([
      '3: force: no force has the code atlantis',
      '4: effective_from: Enter the date it holds from as a real date, like 2012-01-01',
      '5: source_note: Say which source confirms it',
      '6: confirmed: Select whether a published source confirms the region and HM Inspector',
      '7: effective_from: durham from 2013-01-01 is already on line 2',
    ])
    expect(response.body).not.toContain('Import these rows')
    expect(await recorded()).toBe(before)
  })

  it('refuses a file without a required column, or over its limit of rows, while reading it', async () => {
    const noColumn = await admin.upload('/forces/reference/import', {
      filename: 'reference.csv',
      data: 'force,effective_from\ndurham,2013-01-01\n',
    })
    expect(noColumn.statusCode).toBe(400)
    expect(noColumn.body).toContain('reference.csv has no column confirmed')
    const tooLong = await admin.upload('/forces/reference/import', {
      filename: 'long.csv',
      data: csv(...Array.from({ length: REFERENCE_ROWS_LIMIT + 1 }, () => 'durham,2013-01-01,,,,no,')),
    })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.body).toMatch(/more than 2,000 rows/)
  })

  it('shows what a clean file would add and change, writes nothing until confirmed, then all of it, audited', async () => {
    const before = await recorded()
    const file = csv(
      'durham,2013-01-01,North East,Ann Example,QPM,yes,Press release of 11 December 2012',
      'Cleveland,2013-01-01,North East,,,no,',
    )
    const preview = await admin.upload('/forces/reference/import', { filename: 'reference.csv', data: file })
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain('Nothing has been saved yet')
    expect(preview.body).toContain('Ann Example QPM')
    expect(preview.body).toContain('1 January 2013')
    expect(preview.body).not.toContain('>2013-01-01<')
    expect(await recorded()).toBe(before)
    const rows = /name="rows" value="([^"]*)"/.exec(preview.body)?.[1]?.replace(/&quot;/g, '"') as string

    // Rows altered on the way back are checked again: nothing is written.
    const tampered = rows.replace('2013-01-01', 'not-a-day')
    const refused = await admin.post('/forces/reference/import/confirm', {
      filename: 'reference.csv',
      rows: tampered,
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('effective_from: Enter the date it holds from as a real date')
    expect(await recorded()).toBe(before)
    const garbled = await admin.post('/forces/reference/import/confirm', {
      filename: 'reference.csv',
      rows: '{',
    })
    expect(garbled.statusCode).toBe(400)
    expect(await recorded()).toBe(before)

    const confirmed = await admin.post('/forces/reference/import/confirm', {
      filename: 'reference.csv',
      rows,
    })
    expect(confirmed.statusCode).toBe(303)
    expect((await admin.get('/forces/reference')).body).toContain('2 rows of reference.csv saved')
    const references = await testApp.services.forces.referencesOn('2013-06-01')
    expect(references.get('durham')).toMatchObject({
      region: 'North East',
      hmiName: 'Ann Example',
      hmiHonours: 'QPM',
      confirmed: true,
      effectiveFrom: '2013-01-01',
    })
    expect(references.get('cleveland')).toMatchObject({
      region: 'North East',
      hmiName: null,
      confirmed: false,
    })
    const imported = await testApp.services.audit.history(
      SYSTEM_CALLER,
      REFERENCE_ENTITY,
      'durham@2013-01-01',
    )
    expect(imported.map((event) => event.action)).toEqual(['create'])

    // The same file again changes nothing.
    const again = await admin.upload('/forces/reference/import', { filename: 'reference.csv', data: file })
    expect(again.body).toContain('there is nothing to import')
  })

  it('is for inspectorate administrators only', async () => {
    const before = await recorded()
    expect((await forceAdmin.get('/forces/reference/import')).statusCode).toBe(403)
    const upload = await forceAdmin.upload('/forces/reference/import', {
      filename: 'reference.csv',
      data: csv('durham,2014-01-01,North East,Ann Example,,no,'),
    })
    expect(upload.statusCode).toBe(403)
    expect(await recorded()).toBe(before)
  })
})
