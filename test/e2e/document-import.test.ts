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

const RELEASE = `Cleveland Police has made some improvements to how it manages integrity issues

In Cleveland Police, HMIC found:

- Cleveland Police received 25 applications for second jobs between September 2011 and May 2012, of which 21 were approved.
- The force has referred 3 cases involving social media to its professional standards department.

Her Majesty's Inspector of Constabulary for the Northern Region, Roger Baker, said: "The force has made some improvements."
`

describe.skipIf(shouldSkipBrowserTests())('importing a published document', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    await session.testApp.services.users.create(SYSTEM_CALLER, {
      email: 'importer@inspectorate.example',
      name: 'Ivy Importer',
      role: 'inspector',
      password: TEST_PASSWORD,
    })
  })
  afterAll(() => session?.close())

  it('an inspector uploads a press release, reviews it, corrects a figure and imports it', async () => {
    const { page } = session
    await page.goto('/document-imports')
    await page.waitForURL('**/sign-in?returnTo=*')
    await page.getByLabel('Email address').fill('importer@inspectorate.example')
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL('**/document-imports')
    expect(await textOf(page.locator('h1'))).toBe('Import published documents')
    await expectAccessible(page)

    // Nothing chosen: the errors link to the fields.
    await page.getByRole('button', { name: 'Read the documents' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Select the inspection')
    await expectAccessible(page)

    await page.getByLabel('Inspection to import into').selectOption({ label: 'Two forces revisit' })
    await page
      .getByLabel('Documents', { exact: true })
      .setInputFiles([{ name: 'cleveland-2012.txt', mimeType: 'text/plain', buffer: Buffer.from(RELEASE) }])
    await page.getByRole('button', { name: 'Read the documents' }).click()
    await page.waitForURL(/\/document-imports\/[0-9a-f-]{36}$/)
    expect(await textOf(page.locator('h1'))).toBe('Review cleveland-2012.txt')
    await expectAccessible(page)

    // The source sentence of the second-job figures is marked, and the fact links to it.
    const link = page.locator('a[href="#source-secondJobApplications-0"]').first()
    await link.click()
    await page.waitForURL('**#source-secondJobApplications-0')
    expect(await textOf(page.locator('#source-secondJobApplications-0').locator('xpath=..'))).toContain(
      'received 25 applications for second jobs',
    )
    await expect(page.getByLabel('Second-job applications').inputValue()).resolves.toBe('25')

    await page.getByLabel('Second-job applications').fill('27')
    await page.getByRole('button', { name: 'Import as the force’s assessment' }).click()
    await page.waitForURL('**?done=imported')
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
      'The facts were imported into Cleveland Police’s assessment',
    )
    await expectAccessible(page)

    await page.getByRole('link', { name: 'the force’s data return' }).click()
    await page.waitForURL(`**/inspections/${cast.inspection.id}/forces/cleveland/data-return`)
    const row = await textOf(page.locator('#item-second-job-applications'))
    expect(row).toContain('27')
    expect(row).toContain('Imported from cleveland-2012.txt')
    expect(await textOf(page.locator('#item-second-job-approvals'))).toContain('21')
  }, 120_000)
})
