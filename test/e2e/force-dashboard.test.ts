import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  signInTo,
  signOut,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import type { TwoForces } from '../support/two-forces.js'

describe.skipIf(shouldSkipBrowserTests())('the force dashboard', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
  })
  afterAll(() => session?.close())

  it('shows a caseworker their force at a glance, and each figure leads to its list', async () => {
    const { page } = session
    await signInTo(page, cast.alpha.users['force-caseworker'].email, '/dashboard')
    await page.goto('/')
    await page.locator('.govuk-service-navigation').getByRole('link', { name: 'Dashboard' }).click()
    await page.waitForURL('**/dashboard')
    expect(await textOf(page.locator('h1'))).toBe('Force dashboard')
    expect(await textOf(page.locator('#as-at'))).toMatch(/^Figures as at \d{1,2} \w+ \d{4}\.$/)
    const secondJobs = page.locator('#second-jobs')
    expect(await textOf(secondJobs.locator('.govuk-summary-card__title'))).toBe('Second jobs')
    const awaiting = secondJobs.locator('.govuk-summary-list__row', { hasText: 'Awaiting a decision' })
    expect(await textOf(awaiting.locator('.govuk-summary-list__value'))).toBe(
      '1 applications awaiting a decision',
    )
    const cases = page.locator('#integrity-cases')
    expect(await textOf(cases.locator('.govuk-summary-list__row', { hasText: 'Confidential' }))).toContain(
      'Restricted',
    )
    expect(await textOf(cases.locator('#cases-by-type'))).toContain('Inappropriate disclosure to the media')
    await expectAccessible(page)

    await awaiting.getByRole('link').click()
    await page.waitForURL('**/business-interests?status=submitted')
    expect(await textOf(page.locator('main'))).toContain('alphamarker Constable')
    await signOut(page)
  })

  it('lets an inspector choose a force', async () => {
    const { page } = session
    await signInTo(page, cast.inspectorateAdmin.email, '/dashboard')
    expect(await textOf(page.locator('.govuk-inset-text'))).toBe('Select a force to see its figures.')
    await expectAccessible(page)
    await page.getByLabel('Force').selectOption('cleveland')
    await page.getByRole('button', { name: 'Show dashboard' }).click()
    await page.waitForURL('**/dashboard?force=cleveland')
    expect(await textOf(page.locator('.govuk-caption-xl'))).toBe('Cleveland Police')
    const open = page.locator('#integrity-cases .govuk-summary-list__row', { hasText: 'Open' }).first()
    expect(await open.getByRole('link').getAttribute('href')).toBe('/cases?force=cleveland&status=open')
    await expectAccessible(page)
    await signOut(page)
  })
})
