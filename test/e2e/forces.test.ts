import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  newContext,
  shouldSkipBrowserTests,
  textOf,
} from '../support/browser.js'
import { createTestApp, type TestApp } from '../support/test-app.js'

// Without Chromium (and without PROBITY_E2E=required) this skips and says why; CI requires it.
describe.skipIf(shouldSkipBrowserTests())('forces in a browser', () => {
  let testApp: TestApp | undefined
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    testApp = await createTestApp()
    await testApp.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = testApp.app.server.address() as AddressInfo
    browser = await launchBrowser()
    context = await newContext(browser, `http://127.0.0.1:${port}`)
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await testApp?.close()
  })

  it('lists the 44 forces, links to each force and passes the WCAG A and AA checks', async () => {
    const response = await page.goto('/forces')
    expect(response?.status()).toBe(200)
    expect(await page.title()).toBe('Forces – Probity')
    expect(await textOf(page.locator('h1'))).toBe('Forces')
    expect(await textOf(page.locator('table.govuk-table caption'))).toBe('44 forces')
    expect(await page.locator('table.govuk-table tbody tr').count()).toBe(44)

    const violations = await accessibilityViolations(page)
    expect(violations, `Accessibility violations on /forces:\n${describeViolations(violations)}`).toEqual([])
  })

  it('follows a force link to the force page, which names its HM Inspector and passes the checks', async () => {
    await page.goto('/forces')
    await page.getByRole('link', { name: 'Cheshire Constabulary', exact: true }).click()
    await page.waitForURL('**/forces/cheshire')

    expect(await textOf(page.locator('h1'))).toBe('Cheshire Constabulary')
    expect(await page.title()).toBe('Cheshire Constabulary – Probity')
    const inspector = page.locator('.govuk-summary-list__row', { hasText: 'HM Inspector' })
    expect(await textOf(inspector.locator('.govuk-summary-list__value'))).toBe('Roger Baker')

    const violations = await accessibilityViolations(page)
    expect(
      violations,
      `Accessibility violations on /forces/cheshire:\n${describeViolations(violations)}`,
    ).toEqual([])
  })
})
