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

describe.skipIf(shouldSkipBrowserTests())('monitoring states of forces in a browser', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    await session.testApp.services.users.create(SYSTEM_CALLER, {
      email: 'lead.inspector@inspectorate.example',
      name: 'Lena Lead-Inspector',
      role: 'inspector',
      password: TEST_PASSWORD,
    })
  })
  afterAll(() => session?.close())

  it('an inspector evaluates the rules, another confirms the change, and the rules refuse a bad line', async () => {
    const { page } = session
    await signInTo(page, cast.inspectorateAdmin.email, '/monitoring')
    expect(await textOf(page.locator('h1'))).toBe('Monitoring of forces')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Evaluate the rules now' }).click()
    await page.locator('.govuk-notification-banner', { hasText: 'changes of state proposed' }).waitFor()
    await signOut(page)

    await signInTo(page, 'lead.inspector@inspectorate.example', '/forces/cheshire/monitoring')
    expect(await textOf(page.locator('h2', { hasText: 'Proposed' }))).toBe('Proposed: Scan to Engage')
    await page.getByRole('button', { name: 'Save the decision' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
      'Choose whether to confirm or reject the change',
    )
    await expectAccessible(page)
    await page.getByLabel('Confirm the change to Engage').check()
    await page.getByLabel('Yes').check()
    await page.getByRole('button', { name: 'Save the decision' }).click()
    await page.locator('.govuk-notification-banner', { hasText: 'confirmed and published' }).waitFor()
    expect(await textOf(page.locator('.govuk-body-l'))).toMatch(/^Engage since/)
    await expectAccessible(page)

    await page.goto('/monitoring/rules')
    await expectAccessible(page)
    await page.getByLabel('A policy area acknowledged by fewer than this percentage').fill('0')
    await page.getByRole('button', { name: 'Save the rules' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('The percentage must be 1 or more')
    await expectAccessible(page)
  })
})
