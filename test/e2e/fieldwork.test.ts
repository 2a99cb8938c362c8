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
import { buildFieldworkCast, type FieldworkCast } from '../support/fieldwork-cast.js'
import type { TwoForces } from '../support/two-forces.js'

describe.skipIf(shouldSkipBrowserTests())('fieldwork, moderation and recommendation progress', () => {
  let session: BrowserSession
  let cast: TwoForces
  let fw: FieldworkCast
  let fieldworkPath: string
  let progressPath: string

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    fw = await buildFieldworkCast(session.testApp.services, cast)
    fieldworkPath = `/inspections/${fw.revisit.id}/forces/cleveland/fieldwork`
    progressPath = `/inspections/${fw.revisit.id}/forces/cleveland/recommendations`
  })
  afterAll(() => session?.close())

  it('an inspector records a finding and proposes a judgement', async () => {
    const { page } = session
    await signInTo(page, fw.lead.email, fieldworkPath)
    expect(await textOf(page.locator('h1'))).toBe('Fieldwork: Cleveland Police')
    await expectAccessible(page)

    const media = page.locator('#area-media')
    await media.getByText('Add a finding on relationships with the media').click()
    await media.getByRole('button', { name: 'Add finding' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Select the kind of finding')
    await expectAccessible(page)
    const again = page.locator('#area-media')
    await again.getByLabel('Strength').check()
    await again.getByLabel('Finding', { exact: true }).fill('Journalists’ calls are logged the same day')
    await again.getByRole('button', { name: 'Add finding' }).click()
    await page.locator('.govuk-notification-banner', { hasText: 'Finding added' }).waitFor()
    expect(await textOf(page.locator('#area-media table'))).toContain(
      'Journalists’ calls are logged the same day',
    )

    await page.getByLabel('Some improvements').check()
    await page.getByLabel('Rationale').fill('Media logging is sound; oversight is still forming')
    await page.getByRole('button', { name: 'Propose judgement' }).click()
    await page.locator('.govuk-notification-banner', { hasText: 'Judgement proposed' }).waitFor()
    expect(await textOf(page.locator('.govuk-inset-text').first())).toContain('You proposed this judgement')
    await expectAccessible(page)
    await signOut(page)
  })

  it('another inspector confirms it', async () => {
    const { page } = session
    await signInTo(page, fw.second.email, fieldworkPath)
    await page.getByRole('button', { name: 'Confirm judgement' }).click()
    await page.locator('.govuk-notification-banner', { hasText: 'Judgement confirmed' }).waitFor()
    const summary = await textOf(page.locator('#judgement-section .govuk-summary-list'))
    expect(summary).toContain('Confirmed')
    expect(summary).toContain('Sean Second-Inspector')
    await expectAccessible(page)
    await signOut(page)
  })

  it('the force reports progress and sees it marked self-reported', async () => {
    const { page } = session
    await signInTo(page, cast.bravo.users['force-caseworker'].email, progressPath)
    await expectAccessible(page)
    await page.getByLabel('Recommendation', { exact: true }).selectOption('REC-C')
    await page.getByLabel('In progress').check()
    await page.getByLabel('Note (optional)').fill('Register review under way')
    await page.getByRole('button', { name: 'Record update' }).click()
    await page
      .locator('.govuk-notification-banner', { hasText: 'Progress update recorded as self-reported' })
      .waitFor()
    const row = page.locator('tr', { hasText: 'REC-C' })
    expect(await textOf(row)).toContain('In progress')
    expect(await textOf(row)).toContain('Self-reported')
    await expectAccessible(page)
    await signOut(page)
  })
})
