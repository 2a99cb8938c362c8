import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/demo-data.js'
import { SYSTEM_CALLER } from '../../src/domain/access.js'
import type { Role } from '../../src/domain/roles.js'
import { headerNavigation } from '../../src/web/navigation.js'
import {
  type BrowserSession,
  expectAccessible,
  shouldSkipBrowserTests,
  startBrowserSession,
} from '../support/browser.js'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../support/demo-app.js'

/**
 * At 390 px (a phone) no page is wider than the screen: wide tables and charts scroll inside their own
 * box. Each role's working areas and the pages the issue found overflowing are visited as that role.
 */

let session: BrowserSession
/** Pages beyond the header's areas, by role: the national comparison, the national review, a case… */
const extraPages: Partial<Record<Role, string[]>> = {}

beforeAll(async () => {
  if (shouldSkipBrowserTests()) return
  session = await startBrowserSession(() => createDemoTestApp())
  const { services } = session.testApp
  const [revisit] = (await services.inspections.list(SYSTEM_CALLER)).filter((i) => i.status !== 'closed')
  const published = await services.publication.published()
  const versionOf = (kind: string) =>
    published.find((document) => document.kind === kind)?.versions.find((version) => version.isPublic)?.id
  const inspection = revisit?.id ?? ''
  extraPages.inspector = [
    `/inspections/${inspection}`,
    `/inspections/${inspection}/comparison`,
    `/publications/inspections/${inspection}/manage`,
    `/publications/${versionOf('national-review')}`,
    `/publications/${versionOf('press-release')}`,
    '/gifts-hospitality?force=cheshire',
    '/forces/cheshire',
  ]
  extraPages['force-caseworker'] = [`/inspections/${inspection}`, '/cases/overdue']
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => session?.close())

/** The header's links for a role, as the layout draws them. */
function headerOf(role: Role): string[] {
  const forceId = role.startsWith('force') || role === 'staff' ? 1 : null
  const principal = { kind: 'user', id: role, label: role, role, forceId, staffMemberId: null } as const
  return headerNavigation('/', principal).map((item) => item.href)
}

async function signIn(page: Page, email: string) {
  await page.context().clearCookies()
  await page.goto('/sign-in')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => url.pathname !== '/sign-in')
}

/** The first record a register's table links to, so a record's own page is visited too. */
async function firstRecordOf(page: Page, list: string): Promise<string | undefined> {
  await page.goto(list)
  return (
    (await page.locator('.govuk-table tbody a').first().getAttribute('href', { timeout: 2000 })) ?? undefined
  )
}

/** How wide the page is against the window: the test's own types have no DOM, so the browser is asked in text. */
async function widthOf(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  await page.waitForFunction('document.fonts.status === "loaded"')
  return page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  )
}

describe.skipIf(shouldSkipBrowserTests())('at 390 px wide', () => {
  for (const role of ['inspector', 'force-caseworker', 'staff', 'researcher', 'force-admin'] as const) {
    it(`no page of a ${role}'s is wider than the screen`, { timeout: 240_000 }, async () => {
      const { page } = session
      await page.setViewportSize({ width: 390, height: 844 })
      const user = DEMO_USERS.find((candidate) => candidate.role === role)
      await signIn(page, user?.email ?? '')
      const pages = ['/', ...headerOf(role), ...(extraPages[role] ?? [])]
      if (role === 'force-caseworker')
        for (const list of ['/cases', '/gifts-hospitality', '/business-interests']) {
          const record = await firstRecordOf(page, list)
          if (record) pages.push(record)
        }
      const tooWide: string[] = []
      for (const path of pages) {
        const response = await page.goto(path)
        expect(response?.status(), path).toBe(200)
        const { scrollWidth, innerWidth } = await widthOf(page)
        if (scrollWidth > innerWidth) tooWide.push(`${path}: ${scrollWidth} px`)
      }
      expect(tooWide).toEqual([])
    })
  }

  it('keeps the pages this change touched accessible, the header on one line on a desktop', {
    timeout: 180_000,
  }, async () => {
    const { page } = session
    await signIn(page, 'inspector@inspectorate.example')
    for (const path of extraPages.inspector ?? []) {
      await page.goto(path)
      await expectAccessible(page)
    }
    await signIn(page, 'caseworker@cheshire.example')
    await page.setViewportSize({ width: 1024, height: 800 })
    await page.goto('/')
    await expectAccessible(page)
    const tops = await page
      .locator('.govuk-service-navigation__item')
      .evaluateAll((items) => items.map((item) => Math.round(item.getBoundingClientRect().top)))
    expect(tops.length).toBeGreaterThan(5)
    expect(new Set(tops).size, 'the header’s items share one line').toBe(1)
    // The refusal a researcher gets, with its reason and a way back.
    await signIn(page, 'researcher@inspectorate.example')
    await page.goto('/business-interests/import')
    await expectAccessible(page)
  })
})
