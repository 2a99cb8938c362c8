import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import { SMALL_SURVEY, WAVE_1, WAVE_2 } from '../../src/modules/surveys/test-support.js'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  signInTo,
  signOut,
  startBrowserSession,
  textOf,
} from '../support/browser.js'
import { TEST_PASSWORD } from '../support/two-forces.js'

/**
 * An inspector brings in a survey's two waves through the pages (a bad file first), reads the results
 * as charts with their tables, and downloads them; axe on every step.
 */
describe.skipIf(shouldSkipBrowserTests())('a survey of the public, wave by wave', () => {
  let session: BrowserSession
  const inspector = 'surveys.inspector@inspectorate.example'

  beforeAll(async () => {
    session = await startBrowserSession()
    const { services } = session.testApp
    await services.users.create(SYSTEM_CALLER, {
      email: inspector,
      name: 'Sam Surveys',
      role: 'inspector',
      password: TEST_PASSWORD,
    })
    await services.surveys.save(SYSTEM_CALLER, SMALL_SURVEY)
  })
  afterAll(() => session?.close())

  async function importWave(label: string, name: string, csv: string) {
    const { page } = session
    await page.getByRole('link', { name: `Import ${label}` }).click()
    expect(await textOf(page.locator('h1'))).toBe(`Import ${label}`)
    await page.getByLabel('File').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByRole('button', { name: 'Import' }).click()
  }

  it('the inspector imports both waves, refused a bad file first with its line', async () => {
    const { page } = session
    await signInTo(page, inspector, '/inspections')
    await page.locator('.govuk-service-navigation').getByRole('link', { name: 'Surveys' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Surveys of the public')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Small test survey' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Small test survey')
    await expectAccessible(page)

    await importWave('First wave', 'wave-1.csv', `${WAVE_1}10,atlantis,1,yes\n`)
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('1 bad row')
    const bad = await textOf(page.locator('table', { hasText: 'Bad rows' }))
    expect(bad).toContain('11')
    expect(bad).toContain('atlantis')
    await expectAccessible(page)

    await page.getByLabel('File').setInputFiles({
      name: 'wave-1.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(WAVE_1),
    })
    await page.getByRole('button', { name: 'Import' }).click()
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
      'First wave: 9 respondents imported',
    )
    await expectAccessible(page)
    await importWave('Second wave', 'wave-2.csv', WAVE_2)
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
      'Second wave: 8 respondents imported',
    )
  })

  it('reads the results as charts with their tables, and downloads them', async () => {
    const { page } = session
    await page.getByRole('link', { name: 'Results: charts and tables' }).click()
    // Counting does not wait for the next page, as reading a locator's text does.
    await page.waitForURL('**/surveys/small/results')
    const main = page.locator('main')
    expect(await main.locator('svg').count()).toBeGreaterThan(0)
    const text = await textOf(main)
    // Wave 2 nationally: yes 4 of 12 by weight, down 22.9 points on wave 1's mapped question.
    expect(text).toContain('33.3%')
    expect(text).toContain('-22.9 points (not significant)')
    expect(await main.locator('table').count()).toBeGreaterThan(0)
    await expectAccessible(page)

    await page.goto('/surveys/small')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the results as CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^survey-small-results-\d{4}-\d{2}-\d{2}\.csv$/)
    const chunks: Buffer[] = []
    for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk))
    const csv = Buffer.concat(chunks).toString('utf8')
    expect(csv.split('\n').length).toBeGreaterThan(2)
    expect(csv).not.toContain('atlantis')
    await signOut(page)
  })
})
