import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import { TEST_PASSWORD, type TwoForces } from '../support/two-forces.js'

describe.skipIf(shouldSkipBrowserTests())('signing in and out in a browser', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
  })
  afterAll(() => session?.close())

  it('shows a GOV.UK error summary for a wrong password, which links to the field', async () => {
    const { page } = session
    await page.goto('/sign-in')
    await page.getByLabel('Email address').fill(cast.alpha.users['force-admin'].email)
    await page.getByLabel('Password', { exact: true }).fill('not the password at all')
    await page.getByRole('button', { name: 'Sign in' }).click()

    const summary = page.locator('.govuk-error-summary')
    expect(await textOf(summary.locator('h2'))).toBe('There is a problem')
    expect(await textOf(summary.locator('a'))).toMatch(/^Enter a correct email address and password/)
    expect(await page.title()).toBe('Error: Sign in – Probity')
    await expectAccessible(page)
    await summary.locator('a').click()
    expect(
      await page.locator('#email').evaluate((input) => input === input.ownerDocument.activeElement),
    ).toBe(true)
  })

  it("signs in, shows the person their own force's users and not another's, and signs out", async () => {
    const { page } = session
    await page.goto('/admin/users')
    await page.waitForURL('**/sign-in?returnTo=%2Fadmin%2Fusers')
    await page.getByLabel('Email address').fill(cast.alpha.users['force-admin'].email)
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.waitForURL('**/admin/users')
    expect(await textOf(page.locator('h1'))).toBe('Users')
    const names = await page.locator('table.govuk-table tbody th').allTextContents()
    expect(names.map((name) => name.trim()).sort()).toEqual([
      'alphamarker force-admin',
      'alphamarker force-caseworker',
      'alphamarker staff',
    ])
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Your account' }).click()
    const force = page
      .locator('.govuk-summary-list__row')
      .filter({ has: page.locator('dt', { hasText: /^\s*Force\s*$/ }) })
    expect(await textOf(force.locator('.govuk-summary-list__value'))).toBe('Cheshire Constabulary')
    await force.getByRole('link', { name: 'Cheshire Constabulary' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Cheshire Constabulary')

    await page.getByRole('link', { name: 'Your account' }).click()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/sign-in?signedOut=1')
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('You have signed out')

    // The old session is gone: the admin page sends the browser back to sign in.
    await page.goto('/admin/users')
    expect(new URL(page.url()).pathname).toBe('/sign-in')
  })
})
