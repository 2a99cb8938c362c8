import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import { buildWelshInspection, publishDraft } from '../../src/modules/publication/test-support.js'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  startBrowserSession,
  textOf,
} from '../support/browser.js'

// Without Chromium (and without PROBITY_E2E=required) this skips and says why; CI requires it.
describe.skipIf(shouldSkipBrowserTests())('a Welsh force’s press release in a browser', () => {
  let session: BrowserSession
  let versionId: string

  beforeAll(async () => {
    session = await startBrowserSession()
    const { services } = session.testApp
    const inspectionId = await buildWelshInspection(services)
    const documents = await services.publication.documents(SYSTEM_CALLER, {
      inspectionId,
      forceCode: 'gwent',
    })
    const draft = documents.find((document) => document.kind === 'press-release')?.latest
    versionId = (await publishDraft(services, draft?.id ?? '')).id
  })
  afterAll(() => session?.close())

  it('is read in English, then in Welsh by its link, then in English again, each passing the checks', async () => {
    const { page } = session
    await page.goto(`/publications/${versionId}`)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await textOf(page.locator('article h1'))).toMatch(/^HMIC reports on how Gwent Police/)
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Darllenwch y datganiad hwn i’r wasg yn Gymraeg' }).click()
    await page.waitForURL(`**/publications/${versionId}`)
    expect(await page.locator('html').getAttribute('lang')).toBe('cy')
    expect(await page.locator('article').getAttribute('lang')).toBe('cy')
    expect(await textOf(page.locator('article h1'))).toMatch(/^HMIC yn adrodd ar sut y mae Heddlu Gwent/)
    expect(await textOf(page.locator('article'))).toContain('76 o geisiadau am ganiatâd i gael ail swydd')
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Read this press release in English' }).click()
    await page.waitForURL(`**/publications/${versionId}`)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await textOf(page.locator('article h1'))).toMatch(/^HMIC reports on how Gwent Police/)
  })
})
