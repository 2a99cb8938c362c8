import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  startBrowserSession,
  textOf,
} from '../support/browser.js'

// Without Chromium (and without PROBITY_E2E=required) this skips and says why; CI requires it.
describe.skipIf(shouldSkipBrowserTests())('forces in a browser', () => {
  let session: BrowserSession

  beforeAll(async () => {
    session = await startBrowserSession()
  })
  afterAll(() => session?.close())

  it('lists the 44 forces, links to each force and passes the WCAG A and AA checks', async () => {
    const { page } = session
    const response = await page.goto('/forces')
    expect(response?.status()).toBe(200)
    expect(await page.title()).toBe('Forces – Probity')
    expect(await textOf(page.locator('h1'))).toBe('Forces')
    expect(await textOf(page.locator('table.govuk-table caption'))).toBe('44 forces')
    expect(await page.locator('table.govuk-table tbody tr').count()).toBe(44)
    await expectAccessible(page)
  })

  it('follows a force link to the force page, which names its HM Inspector and passes the checks', async () => {
    const { page } = session
    await page.goto('/forces')
    await page.getByRole('link', { name: 'Cheshire Constabulary', exact: true }).click()
    await page.waitForURL('**/forces/cheshire')

    expect(await textOf(page.locator('h1'))).toBe('Cheshire Constabulary')
    expect(await page.title()).toBe('Cheshire Constabulary – Probity')
    const inspector = page.locator('.govuk-summary-list__row', { hasText: 'HM Inspector' })
    expect(await textOf(inspector.locator('.govuk-summary-list__value'))).toBe('Roger Baker')
    await expectAccessible(page)
  })
})
