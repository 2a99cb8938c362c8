import type { Page } from 'playwright-core'
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

async function signIn(page: Page, email: string) {
  await page.context().clearCookies()
  await page.goto('/sign-in')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
}

// Without Chromium (and without PROBITY_E2E=required) this skips and says why; CI requires it.
describe.skipIf(shouldSkipBrowserTests())('gifts and hospitality in a browser', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    await session.testApp.services.users.linkStaffMember(
      SYSTEM_CALLER,
      cast.alpha.users.staff.id,
      cast.alpha.roster.staffMemberId,
    )
  })
  afterAll(() => session?.close())

  it('a member of staff declares a gift from a supplier, first with a mistake', async () => {
    const { page } = session
    await signIn(page, cast.alpha.users.staff.email)
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Your declarations' })
      .click()
    await page.getByRole('link', { name: 'Declare a gift or hospitality' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Declare a gift or hospitality')
    await expectAccessible(page)

    await page.getByRole('button', { name: 'Declare' }).click()
    const summary = page.locator('.govuk-error-summary')
    expect(await textOf(summary)).toContain('Select whether it was a gift or hospitality')
    expect(await page.title()).toBe('Error: Declare a gift or hospitality – Probity')
    await expectAccessible(page)

    await page.getByLabel('Gift', { exact: true }).check()
    await page.getByLabel('Description').fill('Hamper of food and wine at Christmas')
    await page.getByLabel('Who offered it').fill('Bluelight Radio Supplies Ltd')
    await page.getByLabel('Supplier').check()
    await page.getByLabel('Estimated value').fill('120')
    const offered = page.getByRole('group', { name: 'Date of the offer' })
    await offered.getByLabel('Day').fill('18')
    await offered.getByLabel('Month').fill('12')
    await offered.getByLabel('Year').fill('2011')
    await page.getByLabel('Accepted').check()
    await page.getByRole('button', { name: 'Declare' }).click()

    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Declaration recorded')
    expect(await textOf(page.locator('h1'))).toBe('Gift from Bluelight Radio Supplies Ltd')
    expect(await textOf(page.locator('main'))).toContain('Flagged donor: supplier')
    await expectAccessible(page)
  })

  it('a caseworker sees it flagged in the register and records its disposal', async () => {
    const { page } = session
    await signIn(page, cast.alpha.users['force-caseworker'].email)
    await page
      .getByRole('navigation', { name: 'Main menu' })
      .getByRole('link', { name: 'Gifts and hospitality' })
      .click()
    await page.getByLabel('Suppliers, contractors and the media only').check()
    await page.getByRole('button', { name: 'Apply filters' }).click()
    const row = page.locator('tbody tr', { hasText: 'Bluelight Radio Supplies Ltd' })
    expect(await textOf(row)).toContain('Flagged donor: supplier')
    expect(await textOf(row)).toContain('Needs approval')
    await expectAccessible(page)

    await row.getByRole('link', { name: 'alphamarker Constable' }).click()
    await page.getByLabel('Approved by').fill('Supt Morgan')
    await page.getByLabel('Donated').check()
    await page.getByLabel('Notes').fill('Given to the food bank')
    await page.getByRole('button', { name: 'Save' }).click()

    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Approval and disposal saved')
    const disposal = page.locator('.govuk-summary-list__row', { hasText: 'Disposal' })
    expect(await textOf(disposal.locator('.govuk-summary-list__value'))).toBe('Donated')
    expect(await textOf(page.locator('main'))).toContain('disposal: – → donated')
    await expectAccessible(page)
  })

  it('the caseworker exports the register as the filters show it', async () => {
    const { page } = session
    await page.goto('/gifts-hospitality?flagged=yes')
    await expectAccessible(page)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const stream = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(Buffer.from(chunk))
    const csv = Buffer.concat(chunks).toString('utf8')
    expect(csv.split('\n')[0]).toContain('Offered on')
    const row = csv.split('\n').find((line) => line.includes('Bluelight Radio Supplies Ltd'))
    expect(row).toContain('2011-12-18')
    expect(row).toContain('donated')
  })
})
