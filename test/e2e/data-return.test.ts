import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  signInTo,
  signOut,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import { TEST_PASSWORD, type TwoForces } from '../support/two-forces.js'

describe.skipIf(shouldSkipBrowserTests())('a force’s data return and the national comparison', () => {
  let session: BrowserSession
  let cast: TwoForces
  let path: string

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    await session.testApp.services.users.create(SYSTEM_CALLER, {
      email: 'inspector@inspectorate.example',
      name: 'Ian Inspector',
      role: 'inspector',
      password: TEST_PASSWORD,
    })
    path = `/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/data-return`
  })
  afterAll(() => session?.close())

  it('the force’s administrator recalculates the return and overrides a value with a reason', async () => {
    const { page } = session
    await signInTo(page, cast.alpha.users['force-admin'].email, path)
    expect(await textOf(page.locator('h1'))).toBe('Data return: Cheshire Constabulary')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Recalculate from records' }).click()
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('recalculated')

    await page.getByRole('link', { name: 'Override Social-media cases referred' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Override the value' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
      'Enter the reason for overriding the value',
    )
    await expectAccessible(page)
    await page.getByLabel('Value').fill('2')
    await page.getByLabel('Reason').fill('A second referral arrived by post and was never entered')
    await page.getByRole('button', { name: 'Override the value' }).click()
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('The value was overridden')
    const row = await textOf(page.locator('#item-social-media-referrals'))
    expect(row).toContain('Overridden')
    expect(row).toContain('Computed: 1')
    expect(row).toContain('A second referral arrived by post and was never entered')
    await signOut(page)
  })

  it('the inspector reads the national comparison: sortable table, chart and the table beside it', async () => {
    const { page } = session
    const comparison = `/inspections/${cast.inspection.id}/comparison`
    await signInTo(page, 'inspector@inspectorate.example', comparison)
    expect(await textOf(page.locator('h1'))).toBe('National comparison of data returns')
    await expect(
      page
        .getByRole('img', { name: /per 1,000 workforce against workforce, with the national rate/ })
        .count(),
    ).resolves.toBe(1)
    expect(await page.getByRole('table', { name: 'The chart’s figures' }).count()).toBe(1)
    expect(await textOf(page.locator('main'))).toContain('“Above the 99.8% limit” means')
    await expectAccessible(page)
    await page.getByLabel('Item to chart').selectOption('social-media-referrals')
    await page.getByRole('button', { name: 'Show' }).click()
    expect(await textOf(page.locator('#chart'))).toBe('Social-media cases referred per 1,000 workforce')
    await page
      .locator('#comparison-counts')
      .getByRole('link', { name: 'Social-media cases referred', exact: true })
      .click()
    // Counting does not wait for the sorted page to arrive.
    await page.waitForURL('**sort=social-media-referrals*')
    expect(await page.locator('#comparison-counts th[aria-sort="ascending"]').count()).toBe(1)
    await expectAccessible(page)
  })
})
