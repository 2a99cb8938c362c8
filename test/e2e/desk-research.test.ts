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

const RESEARCHER = 'researcher@inspectorate.example'
const EXPORT = [
  'platform,profile_handle,display_name,profile_text,post_id,date,text,url',
  'twitter,@CheshireCopper,PC Copper,Response officer with Cheshire Police. Views my own,t100,2012-01-12,Another night with the scumbags of Runcorn,https://twitter.example/CheshireCopper/t100',
  'twitter,@CheshireCopper,PC Copper,Response officer with Cheshire Police. Views my own,t101,2012-01-13,Lovely walk by the canal,https://twitter.example/CheshireCopper/t101',
  'facebook,@teesbobby,Bobby,Cleveland Police. First-class team,f200,2012-02-01,Passed my sergeant exam,https://facebook.example/teesbobby/f200',
  'instagram,quiet.pc,Quiet,Public servant. Views my own,q300,2012-02-03,Lovely sunset,',
].join('\n')

describe.skipIf(shouldSkipBrowserTests())(
  'desk research: flag, confirm, refer, and the force sees it',
  () => {
    let session: BrowserSession
    let cast: TwoForces

    beforeAll(async () => {
      ;({ session, cast } = await startTwoForcesBrowserSession())
      await session.testApp.services.users.create(SYSTEM_CALLER, {
        email: RESEARCHER,
        name: 'Rita Researcher',
        role: 'researcher',
        password: TEST_PASSWORD,
      })
    })
    afterAll(() => session?.close())

    it('a researcher creates an exercise and imports an export', async () => {
      const { page } = session
      await signInTo(page, RESEARCHER, '/research/new')
      await expectAccessible(page)
      await page.getByLabel('Code').fill('social-media-2012')
      await page.getByLabel('Name').fill('Social media review 2012')
      for (const [legend, day, month, year] of [
        ['Start of the period', '1', '9', '2011'],
        ['End of the period', '31', '3', '2012'],
        ['Keep the personal data until', '31', '12', '2099'],
      ] as const) {
        const date = page.getByRole('group', { name: legend })
        await date.getByLabel('Day').fill(day)
        await date.getByLabel('Month').fill(month)
        await date.getByLabel('Year').fill(year)
      }
      await page.getByRole('button', { name: 'Create exercise' }).click()
      await page.waitForURL('**/research/social-media-2012')
      await expectAccessible(page)

      await page.getByRole('link', { name: 'Import profiles and posts' }).click()
      await expectAccessible(page)
      await page
        .getByLabel('File')
        .setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(EXPORT) })
      await page.getByRole('button', { name: 'Import' }).click()
      await page.waitForURL('**/research/social-media-2012')
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
        'Import finished: 4 posts read, 1 flagged',
      )
      const figures = await textOf(page.locator('table').first())
      expect(figures).toContain('Profiles reviewed 3')
      expect(figures).toContain('Posts flagged 1')
    })

    it('attributes the profile that named no force', async () => {
      const { page } = session
      await page.getByRole('link', { name: 'Attribute profiles to forces' }).click()
      await page.waitForURL('**/research/social-media-2012/attribution')
      expect(await textOf(page.locator('table'))).toContain('quiet.pc')
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Attribute' }).click()
      expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Select the force from the list')
      await expectAccessible(page)
      await page.getByLabel('Force of quiet.pc').selectOption({ label: 'Cleveland Police' })
      await page.getByRole('button', { name: 'Attribute' }).click()
      await page.waitForURL('**/research/social-media-2012/attribution')
      expect(await textOf(page.locator('main'))).toContain('No profile is waiting')
      await page.goto('/research/social-media-2012/forces/cleveland')
      expect(await textOf(page.locator('main'))).toContain('Profiles reviewed 2')
      await expectAccessible(page)
      await page.goto('/research')
      await expectAccessible(page)
      await page.getByRole('link', { name: 'Social media review 2012' }).click()
    })

    it('reviews the flagged post with the matched words marked, confirms and refers it', async () => {
      const { page } = session
      await page.getByRole('link', { name: 'Review flagged posts' }).click()
      await page.waitForURL('**/research/social-media-2012/review')
      expect(await textOf(page.locator('mark'))).toBe('scumbags')
      expect(await textOf(page.locator('table'))).not.toContain('Lovely walk by the canal')
      await expectAccessible(page)
      await page.getByRole('link', { name: 'Post t100 of @CheshireCopper' }).click()
      expect(await textOf(page.locator('mark'))).toBe('scumbags')
      expect(await textOf(page.locator('main'))).toContain(
        'Offensive or discriminatory language (3): scumbag*',
      )
      await expectAccessible(page)
      await page.goBack()
      await page.getByLabel('Note on post t100 (optional)').fill('Derogatory about the public')
      await page.getByRole('button', { name: 'Confirm post t100' }).click()
      await page.waitForURL('**/research/social-media-2012/review')
      expect(await textOf(page.locator('main'))).toContain('No pending posts')

      await page.goto('/research/social-media-2012/referrals')
      await expectAccessible(page)
      const row = page.locator('tr', { hasText: '@CheshireCopper' })
      expect(await textOf(row)).toContain('Cheshire Constabulary')
      await row.getByRole('link', { name: /Refer to force/ }).click()
      expect(await textOf(page.locator('h1'))).toBe('Refer @CheshireCopper to Cheshire Constabulary')
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Refer to the force' }).click()
      await page.waitForURL('**/research/social-media-2012/referrals')
      expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
        'Referred 1 instance to the force',
      )
      await expectAccessible(page)

      await page.goto('/research/social-media-2012')
      const figures = await textOf(page.locator('table').first())
      expect(figures).toContain('Potentially inappropriate instances (confirmed) 1')
      expect(figures).toContain('Profiles with instances 1')
      await signOut(page)
    })

    it('the force’s caseworker sees the referral; the other force does not', async () => {
      const { page } = session
      await signInTo(page, cast.alpha.users['force-caseworker'].email, '/referrals')
      const table = await textOf(page.locator('table', { hasText: 'Finding' }))
      expect(table).toContain('Social-media misconduct')
      expect(table).toContain('@CheshireCopper')
      await expectAccessible(page)
      await page.locator('tr', { hasText: '@CheshireCopper' }).getByRole('link').click()
      const referral = await textOf(page.locator('main'))
      expect(referral).toContain('https://twitter.example/CheshireCopper/t100')
      expect(referral).toContain('Another night with the scumbags of Runcorn')
      await expectAccessible(page)
      await page.goto('/research')
      expect(await textOf(page.locator('h1'))).not.toBe('Desk research')
      await signOut(page)

      await signInTo(page, cast.bravo.users['force-caseworker'].email, '/referrals')
      expect(await textOf(page.locator('main'))).not.toContain('@CheshireCopper')
      await signOut(page)
    })
  },
)
