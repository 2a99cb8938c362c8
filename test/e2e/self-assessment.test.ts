import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import { addToRoster } from '../../src/modules/self-assessments/test-support.js'
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

describe.skipIf(shouldSkipBrowserTests())(
  'a force’s self-assessment, from draft to the inspector’s table',
  () => {
    let session: BrowserSession
    let cast: TwoForces
    let base: string

    beforeAll(async () => {
      ;({ session, cast } = await startTwoForcesBrowserSession())
      base = `/inspections/${cast.inspection.id}/forces/${cast.bravo.code}/self-assessment`
      await addToRoster(session.testApp.services, cast.bravo.code, [
        ['RK0001', 'Robert Kerrigan', 'Deputy Chief Constable'],
        ['SS0001', 'Sally Stand-in', 'Chief Superintendent'],
      ])
    })
    afterAll(() => session?.close())

    it('a force user answers every question and submits it with a chief officer’s sign-off', async () => {
      const { page } = session
      const view = await session.testApp.services.selfAssessments.get(
        SYSTEM_CALLER,
        cast.inspection.id,
        cast.bravo.code,
      )
      await signInTo(page, cast.bravo.users['force-admin'].email, base)
      expect(await textOf(page.locator('h1'))).toBe('Self-assessment')
      expect(await textOf(page.locator('.govuk-summary-list').first())).toContain('Not started')
      await expectAccessible(page)

      await page.getByRole('link', { name: view.areas[0]?.area.title }).click()
      for (const [index, area] of view.areas.entries()) {
        await page.waitForURL(`**${base}/areas/${area.area.code}`)
        expect(await textOf(page.locator('h1'))).toBe(area.area.title)
        if (index === 0) await expectAccessible(page)
        for (const { question } of area.questions) {
          await page
            .getByRole('group', { name: `Rating for ${question.code}` })
            .getByLabel('Fully met')
            .check()
          await page
            .getByLabel(`Evidence for ${question.code}`)
            .fill(`Board minutes covering ${question.code}`)
        }
        const last = index === view.areas.length - 1
        await page.getByRole('button', { name: last ? 'Save as draft' : 'Save and continue' }).click()
      }
      await page.waitForURL(`**${base}`)
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('saved as a draft')
      expect(await textOf(page.locator('.govuk-summary-list').first())).toContain(
        `${view.total} of ${view.total}`,
      )

      await page.getByRole('link', { name: 'Check and submit' }).click()
      await page.waitForURL(`**${base}/submit`)
      await expectAccessible(page)
      // Sent without a sign-off first: the error summary says what is missing.
      await page.getByRole('button', { name: 'Submit the self-assessment' }).click()
      const summary = await textOf(page.locator('.govuk-error-summary'))
      expect(summary).toContain('Select the chief officer signing off')
      expect(summary).toContain('Confirm that the chief officer has approved the self-assessment')
      await expectAccessible(page)

      // A chief superintendent is not offered until the force administrator delegates to her.
      expect(await page.getByLabel(/Sally Stand-in/).count()).toBe(0)
      await page.getByLabel('Robert Kerrigan, Deputy Chief Constable').check()
      await page.getByLabel('The chief officer named has read and approved this self-assessment').check()
      await page.getByRole('button', { name: 'Submit the self-assessment' }).click()
      await page.waitForURL(`**${base}`)
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Self-assessment submitted')
      const details = await textOf(page.locator('.govuk-summary-list').first())
      expect(details).toContain('Submitted')
      expect(details).toContain('Robert Kerrigan, Deputy Chief Constable')
      // Read-only now: no more forms to answer.
      expect(await page.getByRole('link', { name: 'Check and submit' }).count()).toBe(0)
      await expectAccessible(page)
      await signOut(page)
    }, 180_000)

    it('the force administrator delegates sign-off, and revokes it after being asked', async () => {
      const { page } = session
      await signInTo(page, cast.bravo.users['force-admin'].email, base)
      await page.getByRole('link', { name: 'Who can sign off self-assessments' }).click()
      await page.waitForURL('**/self-assessments/sign-off')
      expect(await textOf(page.locator('main'))).toContain('Robert Kerrigan')
      await expectAccessible(page)
      await page.getByRole('link', { name: 'Delegate sign-off to a member of staff' }).click()
      await page.getByLabel('Find the member of staff').fill('Stand-in')
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByLabel('Sally Stand-in, Chief Superintendent').check()
      // Ending far ahead, so it is still in force (and revocable) whatever today is.
      const dates = { validFrom: ['1', '6', '2012'], validTo: ['31', '12', '2099'] } as const
      for (const [name, label] of [
        ['validFrom', 'Start date'],
        ['validTo', 'End date'],
      ] as const) {
        const group = page.getByRole('group', { name: label })
        const [day, month, year] = dates[name]
        await group.getByLabel('Day').fill(day)
        await group.getByLabel('Month').fill(month)
        await group.getByLabel('Year').fill(year)
      }
      await page.getByLabel('Reason').fill('The chief officers are on leave')
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Record the delegation' }).click()
      await page.waitForURL('**/self-assessments/sign-off')
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Delegation recorded')
      expect(await textOf(page.locator('main'))).toContain('1 June 2012 to 31 December 2099')
      await page.getByRole('link', { name: /Revoke the delegation to Sally Stand-in/ }).click()
      expect(await textOf(page.locator('h1'))).toBe('Are you sure you want to revoke this delegation?')
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Yes, revoke the delegation' }).click()
      await page.waitForURL('**/self-assessments/sign-off')
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Delegation revoked')
      await signOut(page)
    }, 60_000)

    it('the inspector sees it submitted in the table of all forces', async () => {
      const { page } = session
      await signInTo(page, cast.inspectorateAdmin.email, `/inspections/${cast.inspection.id}`)
      const row = page.locator('table.govuk-table tbody tr', { hasText: 'Cleveland' })
      expect(await textOf(row.locator('.govuk-tag'))).toBe('Submitted')
      expect(await textOf(row)).toContain('Robert Kerrigan, Deputy Chief Constable')
      const alphaRow = page.locator('table.govuk-table tbody tr', { hasText: 'Cheshire' })
      expect(await textOf(alphaRow.locator('.govuk-tag'))).toBe('In progress')
      await expectAccessible(page)

      await page.getByLabel('Self-assessment status').selectOption('submitted')
      await page.getByRole('button', { name: 'Apply filter' }).click()
      await page.waitForURL('**?status=submitted')
      expect(await page.locator('table.govuk-table tbody tr').count()).toBe(1)

      await page.getByRole('link', { name: /Cleveland/ }).click()
      expect(await textOf(page.locator('.govuk-task-list'))).toContain('Submitted')
      await expectAccessible(page)
      await page.getByRole('link', { name: 'Self-assessment' }).click()
      expect(await textOf(page.locator('main'))).toContain('Board minutes covering media-1')
      await expectAccessible(page)
    }, 60_000)

    it('the inspectorate’s framework and inspection pages are accessible', async () => {
      const { page } = session
      await page.goto(`/frameworks/${cast.inspection.frameworkId}`)
      expect(await textOf(page.locator('main'))).toContain('Relationships with the media and others')
      await expectAccessible(page)
      await page.goto(`/frameworks/${cast.inspection.frameworkId}/mappings`)
      await expectAccessible(page)
      await page.goto('/frameworks/import')
      await expectAccessible(page)
      await page.goto('/inspections/new')
      await page.getByRole('button', { name: 'Set up the inspection' }).click()
      expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Enter a title')
      await expectAccessible(page)
      await page.goto('/inspections')
      await expectAccessible(page)
    }, 60_000)
  },
)
