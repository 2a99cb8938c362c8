import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import { TEST_PASSWORD, type TwoForces } from '../support/two-forces.js'

describe.skipIf(shouldSkipBrowserTests())('the staff roster in a browser', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    const rows = Array.from({ length: 55 }, (_, index) => ({
      line: index + 2,
      values: {
        staff_number: `PC${100 + index}`,
        name: `Officer ${index + 1}`,
        grade: index % 3 ? 'Constable' : 'Sergeant',
        unit: index % 2 ? 'Response' : 'Roads Policing',
        start_date: '2001-04-01',
        leave_date: '',
      },
    }))
    await session.testApp.services.roster.importRows(SYSTEM_CALLER, {
      forceCode: 'cheshire',
      filename: 'r.csv',
      rows,
    })
  })
  afterAll(() => session?.close())

  async function signIn(email: string) {
    const { page } = session
    await page.goto('/sign-in')
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-in')
  }

  it('lists, filters and pages the roster accessibly, and opens a member', async () => {
    const { page } = session
    await signIn(cast.alpha.users['force-admin'].email)
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Roster' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Staff roster')
    expect(await textOf(page.locator('caption'))).toBe('Staff 1 to 50 of 56')
    await expectAccessible(page)

    await page.getByLabel('Grade or rank').selectOption('Sergeant')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    expect(await textOf(page.locator('caption'))).toBe('Staff 1 to 19 of 19')
    await page.getByRole('link', { name: 'Officer 1', exact: true }).click()
    expect(await textOf(page.locator('h1'))).toBe('Officer 1')
    await expectAccessible(page)

    // Their integrity picture, and the force's early-intervention lines, which the administrator sets.
    await page.getByRole('link', { name: 'Integrity picture' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Integrity picture: Officer 1')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Your force’s lines and windows' }).click()
    await page.getByLabel('Flag at this many records or more').first().fill('none')
    await page.getByRole('button', { name: 'Save the lines' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('must be a whole number')
    await expectAccessible(page)
  })

  it('checks an upload, shows the bad rows, and imports a good file after confirmation', async () => {
    const { page } = session
    await page.goto('/roster/import')
    await expectAccessible(page)
    const upload = (name: string, csv: string) =>
      page.getByLabel('Roster file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) })

    await upload('bad.csv', 'staff_number,name,grade,unit,start_date,leave_date\nN1,,Constable,Response,,\n')
    await page.getByRole('button', { name: 'Check the file' }).click()
    expect(await textOf(page.locator('#problems caption'))).toBe('1 row has a problem')
    expect(await textOf(page.locator('#problems tbody tr'))).toMatch(/^2\s+name: enter the name$/)
    await expectAccessible(page)

    await page.goto('/roster/import')
    await upload(
      'good.csv',
      'staff_number,name,grade,unit,start_date,leave_date\nPC100,Officer One,Inspector,Response,,\nN1,New Person,PCSO,Response,,\n',
    )
    await page.getByRole('button', { name: 'Check the file' }).click()
    expect(await textOf(page.locator('#updates'))).toContain('Grade or rank: Sergeant → Inspector')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Import 2 changes' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Roster imported')
    await expectAccessible(page)
  })
})
