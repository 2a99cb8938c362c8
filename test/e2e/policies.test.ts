import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import {
  type BrowserSession,
  expectAccessible,
  fillDate,
  shouldSkipBrowserTests,
  signInTo,
  signOut,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import { TEST_PASSWORD, type TwoForces } from '../support/two-forces.js'

const UNIT = 'alphamarker Response'
const ROADS_EMAIL = 'roads.officer@cheshire.example'

describe.skipIf(shouldSkipBrowserTests())(
  'a new version of the social-media policy, published to one unit',
  () => {
    let session: BrowserSession
    let cast: TwoForces
    /** The serving staff of the unit: the one in the cast plus three more. */
    const unitSize = 4

    beforeAll(async () => {
      ;({ session, cast } = await startTwoForcesBrowserSession())
      const { services } = session.testApp
      const people = [
        ['ALPHA0102', 'Response Two', 'Constable', UNIT],
        ['ALPHA0103', 'Response Three', 'Sergeant', UNIT],
        ['ALPHA0104', 'Response Four', 'Police Staff', UNIT],
        ['ALPHA0201', 'Roads One', 'Constable', 'alphamarker Roads'],
        ['ALPHA0202', 'Roads Two', 'Constable', 'alphamarker Roads'],
      ]
      const { plan } = await services.roster.importRows(SYSTEM_CALLER, {
        forceCode: cast.alpha.code,
        filename: 'more-staff.csv',
        rows: people.map(([staff_number, name, grade, unit], index) => ({
          line: index + 2,
          values: { staff_number, name, grade, unit, start_date: '2005-01-01', leave_date: '' } as Record<
            string,
            string
          >,
        })),
      })
      await services.users.linkStaffMember(
        SYSTEM_CALLER,
        cast.alpha.users.staff.id,
        cast.alpha.roster.staffMemberId,
      )
      await services.users.linkStaffMember(
        SYSTEM_CALLER,
        cast.bravo.users.staff.id,
        cast.bravo.roster.staffMemberId,
      )
      const roads = await services.roster.findByStaffNumber(SYSTEM_CALLER, plan.force.id, 'ALPHA0201')
      const { user } = await services.users.create(SYSTEM_CALLER, {
        email: ROADS_EMAIL,
        name: 'Roads One',
        role: 'staff',
        forceCode: cast.alpha.code,
        password: TEST_PASSWORD,
      })
      await services.users.linkStaffMember(SYSTEM_CALLER, user.id, roads?.id as string)
    })
    afterAll(() => session?.close())

    /** The dashboard's row for version 2, as a reader sees its cells. */
    async function versionTwoRow(page: Page): Promise<string[]> {
      await page.goto('/policies/awareness')
      expect(await textOf(page.locator('h1'))).toBe('Policy awareness')
      const row = page.locator('#versions tbody tr', {
        hasText: 'alphamarker social media policy, version 2',
      })
      expect(await row.count()).toBe(1)
      return (await row.locator('td, th').allTextContents()).map((cell) => cell.replace(/\s+/g, ' ').trim())
    }

    it('the force admin drafts version 2 and publishes it to one unit', async () => {
      const { page } = session
      await signInTo(page, cast.alpha.users['force-admin'].email, '/policies')
      expect(await textOf(page.locator('h1'))).toBe('Policies')
      await expectAccessible(page)
      await page.getByRole('link', { name: 'alphamarker social media policy' }).click()
      await page.getByRole('button', { name: 'Add a version' }).click()
      expect(await textOf(page.locator('h1'))).toBe('New version (version 2)')
      await expectAccessible(page)

      // Saved without a date first: the error summary says what is missing.
      await page.getByRole('button', { name: 'Save draft' }).click()
      expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
        'Enter the date the version takes effect',
      )
      await expectAccessible(page)

      await page.getByLabel('Title', { exact: true }).fill('Use of social media (revised)')
      await page
        .getByLabel('Policy text')
        .fill('Never post about operations, victims or witnesses, even after arrests.')
      await fillDate(page, 'Effective date', ['1', '4', '2012'])
      await page.getByLabel('Owner').fill('Head of Professional Standards')
      await page
        .getByRole('group', { name: 'Is it in line with national guidance?' })
        .getByLabel('Yes')
        .check()
      await page
        .getByLabel('Which national guidance?', { exact: false })
        .fill('ACPO guidance on the safe use of social media')
      await page.getByRole('button', { name: 'Save draft' }).click()
      await page.waitForURL(/\/policies\/versions\/[0-9a-f-]{36}$/)
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Draft saved')
      expect(await textOf(page.locator('main'))).toContain('Effective date 1 April 2012')
      expect(await textOf(page.locator('h1'))).toContain('Version 2: Use of social media (revised)')
      await expectAccessible(page)

      await page.getByLabel('Staff in chosen units or grades').check()
      await page.getByRole('group', { name: 'Units' }).getByLabel(UNIT, { exact: true }).check()
      await fillDate(page, 'Deadline to acknowledge it', ['31', '12', '2099'])
      await page.getByRole('group', { name: 'Restrict it to the staff asked?' }).getByLabel('Yes').check()
      await page.getByRole('button', { name: 'Publish' }).click()
      // The same page again, now with the banner: wait for it rather than for the address.
      await page
        .locator('.govuk-notification-banner', {
          hasText: `Published: ${unitSize} members of staff asked to acknowledge it`,
        })
        .waitFor()
      await expectAccessible(page)

      const cells = await versionTwoRow(page)
      expect(cells).toEqual(expect.arrayContaining([`Units: ${UNIT}`, String(unitSize), '0', '0%']))
      await expectAccessible(page)
      await signOut(page)
    })

    it('a member of staff of that unit sees it and acknowledges it', async () => {
      const { page } = session
      await signInTo(page, cast.alpha.users.staff.email, '/policies/mine')
      const toRead = page.locator('table', { has: page.locator('caption', { hasText: 'To read' }) })
      await expectAccessible(page)
      await toRead.getByRole('link', { name: 'alphamarker social media policy, version 2' }).click()
      expect(await textOf(page.locator('h1'))).toContain('Version 2: Use of social media (revised)')
      expect(await textOf(page.locator('main'))).toContain('Never post about operations')
      await expectAccessible(page)

      // Sent without the tick: nothing is recorded and the page says why.
      await page.getByRole('button', { name: 'Acknowledge' }).click()
      expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
        'Confirm that you have read and understood the policy',
      )
      await expectAccessible(page)
      await page.getByLabel('I have read and understood this policy').check()
      await page.getByRole('button', { name: 'Acknowledge' }).click()
      await page.waitForURL('**/policies/mine')
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
        'your acknowledgement has been recorded',
      )
      const done = page.locator('table', { has: page.locator('caption', { hasText: 'Done' }) })
      expect(await textOf(done)).toContain('alphamarker social media policy, version 2')
      await expectAccessible(page)
      await signOut(page)
    })

    it('staff of another unit or another force are not asked and cannot open it', async () => {
      const { page } = session
      await signInTo(page, ROADS_EMAIL, '/policies/mine')
      // Version 1 went to everyone on the roster when it was published, before this officer joined.
      expect(await textOf(page.locator('main'))).toContain('Nothing waiting for you')
      expect(await textOf(page.locator('main'))).not.toContain('alphamarker social media policy, version 2')
      const forceId = (await session.testApp.services.forces.references()).find(
        (f) => f.code === 'cheshire',
      )?.id
      const figures = await session.testApp.services.policies.awareness(SYSTEM_CALLER, forceId)
      const v2 = figures.find((row) => row.number === 2 && row.area === 'social-media')
      const response = await page.goto(`/policies/versions/${v2?.versionId}`)
      expect(response?.status()).toBe(404)
      await signOut(page)

      await signInTo(page, cast.bravo.users.staff.email, '/policies/mine')
      expect(await textOf(page.locator('main'))).not.toContain('alphamarker')
      expect((await page.goto(`/policies/versions/${v2?.versionId}`))?.status()).toBe(404)
      await page.goto('/policies/mine')
      await signOut(page)
    })

    it('the dashboard’s rate goes from 0% to 1 in N', async () => {
      const { page } = session
      await signInTo(page, cast.alpha.users['force-caseworker'].email, '/policies')
      const cells = await versionTwoRow(page)
      expect(cells).toEqual(expect.arrayContaining([String(unitSize), '1', `${100 / unitSize}%`]))
      await page.getByRole('link', { name: 'alphamarker social media policy, version 2' }).click()
      expect(await textOf(page.locator('h1'))).toBe('Awareness of alphamarker social media policy, version 2')
      const chart = page.getByRole('img', { name: /share of staff asked who acknowledged it/ })
      expect(await chart.count()).toBe(1)
      expect(await textOf(page.locator('main'))).toContain(`${UNIT} ${unitSize} 1 0`)
      await expectAccessible(page)
    })
  },
)
