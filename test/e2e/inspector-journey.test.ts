import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  signInTo,
  startTwoForcesBrowserSession,
  textOf,
} from '../support/browser.js'
import { TEST_PASSWORD, type TwoForces } from '../support/two-forces.js'

/**
 * An everyday journey (issue 20): an inspector goes from the inspection to the national comparison, to a
 * force's data return and on to the press release published from it, by following links only, and
 * every page on the way passes axe.
 */
describe.skipIf(shouldSkipBrowserTests())(
  'an inspector from the inspection to a force’s published release',
  () => {
    let session: BrowserSession
    let cast: TwoForces
    let releaseId: string

    beforeAll(async () => {
      ;({ session, cast } = await startTwoForcesBrowserSession())
      const { services } = session.testApp
      await services.users.create(SYSTEM_CALLER, {
        email: 'inspector@inspectorate.example',
        name: 'Ian Inspector',
        role: 'inspector',
        password: TEST_PASSWORD,
      })
      // Alpha's press release, taken through the whole workflow and published.
      const [outcome] = await services.publication.generate(SYSTEM_CALLER, cast.inspection.id, {
        forceCode: cast.alpha.code,
        kinds: ['press-release'],
      })
      releaseId = outcome?.versionId as string
      await services.publication.sendForCheck(SYSTEM_CALLER, releaseId)
      await services.publication.approve(SYSTEM_CALLER, releaseId)
      await services.publication.publish(SYSTEM_CALLER, releaseId)
    }, 180_000)
    afterAll(() => session?.close())

    it('follows links from the inspection to the comparison, the return and the published press release', async () => {
      const { page } = session
      await signInTo(page, 'inspector@inspectorate.example', `/inspections/${cast.inspection.id}`)
      await expectAccessible(page)

      await page.getByRole('link', { name: 'National comparison' }).click()
      await page.waitForURL(`**/inspections/${cast.inspection.id}/comparison`)
      await expectAccessible(page)

      await page
        .locator('table')
        .getByRole('link', { name: 'Cheshire Constabulary', exact: true })
        .first()
        .click()
      await page.waitForURL(`**/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/data-return`)
      expect(await textOf(page.locator('h1'))).toBe('Data return: Cheshire Constabulary')
      await expectAccessible(page)

      await page.getByRole('link', { name: 'Press release', exact: true }).click()
      await page.waitForURL(`**/publications/${releaseId}`)
      expect(await textOf(page.locator('main'))).toContain('Cheshire Constabulary')
      await expectAccessible(page)
    }, 180_000) // four pages, each checked by axe
  },
)
