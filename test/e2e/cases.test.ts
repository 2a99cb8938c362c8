import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  signInTo,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import type { TwoForces } from '../support/two-forces.js'

describe.skipIf(shouldSkipBrowserTests())('an integrity case in a browser', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
  })
  afterAll(() => session?.close())

  it('links a register entry found by words, with no identifier typed, accessibly', async () => {
    const { page } = session
    await signInTo(page, cast.alpha.users['force-caseworker'].email, `/cases/${cast.alpha.cases.caseId}`)
    await page.getByRole('button', { name: 'Find a record to link' }).click()
    expect(await textOf(page.locator('h1'))).toMatch(
      /^Find a register entry to link to case IC\/2012\/\d{4}$/,
    )
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Search' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Enter words to find the record by')
    await expectAccessible(page)

    await page.getByLabel('Words to search for').fill('alpha0001')
    await page.getByRole('button', { name: 'Search' }).click()
    expect(await textOf(page.locator('h2.govuk-heading-m'))).toBe('3 records match')
    await expectAccessible(page)

    await page
      .getByRole('button', {
        // Chromium reads the visually hidden part as a block of its own, with a space before it.
        name: /^Link this record\s*: alphamarker Reporter, alphamarker Evening News, 1 February 2012$/,
      })
      .click()
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Register entry linked')
    expect(await textOf(page.getByRole('listitem').filter({ hasText: 'Media contact:' }))).toBe(
      'Media contact: alphamarker Reporter, alphamarker Evening News, 1 February 2012',
    )
    await expectAccessible(page)
  })
})
