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
import type { TwoForces } from '../support/two-forces.js'

const NATURE = 'Teaching first aid at a community college on Saturdays'
const CONDITIONS = 'Not while on call, and never in police uniform'

describe.skipIf(shouldSkipBrowserTests())('a second job, from application to the published register', () => {
  let session: BrowserSession
  let cast: TwoForces

  beforeAll(async () => {
    ;({ session, cast } = await startTwoForcesBrowserSession())
    await session.testApp.services.users.linkStaffMember(
      SYSTEM_CALLER,
      cast.alpha.users.staff.id,
      cast.alpha.roster.staffMemberId,
    )
  })
  afterAll(() => session?.close())

  it('a member of staff applies for a second job', async () => {
    const { page } = session
    await signInTo(page, cast.alpha.users.staff.email, '/business-interests/apply')
    expect(await textOf(page.locator('h1'))).toBe('Apply for a second job or business interest')
    await expectAccessible(page)

    // Sent empty first: the error summary names what is missing.
    await page.getByRole('button', { name: 'Send application' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('Describe the business interest')
    await expectAccessible(page)

    await page.getByLabel('What is the business interest?').fill(NATURE)
    await page.getByLabel('Teaching or training').check()
    await page.getByLabel('Employer or business (optional)').fill('Northwich Community College')
    await page.getByLabel('Hours a week (optional)').fill('4')
    await page.getByRole('group', { name: 'Is it paid?' }).getByLabel('Yes').check()
    await page
      .getByLabel('Conflict of interest declaration')
      .fill('None: the college has no dealings with the force')
    await page.getByRole('button', { name: 'Send application' }).click()

    await page.waitForURL('**/business-interests/mine')
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain(
      'Your application has been sent',
    )
    const card = page.locator('.govuk-summary-card', { hasText: NATURE })
    expect(await textOf(card.locator('.govuk-tag'))).toBe('Submitted')
    await expectAccessible(page)
    await signOut(page)
  })

  it('a caseworker assesses it and approves it with conditions', async () => {
    const { page } = session
    await signInTo(page, cast.alpha.users['force-caseworker'].email, '/business-interests')
    await expectAccessible(page)
    await page.getByLabel('Search').fill('community college')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    // Counting does not wait for the filtered page to arrive.
    await page.waitForURL('**/business-interests?*q=community*')
    const rows = page.locator('table.govuk-table tbody tr')
    expect(await rows.count()).toBe(1)
    await rows.first().getByRole('link').click()

    expect(await textOf(page.locator('h1'))).toBe('Application from alphamarker Constable')
    expect(await textOf(page.locator('main'))).toContain(NATURE)
    await expectAccessible(page)

    for (const criterion of [
      'Impartiality',
      'Impact on the force',
      'Current performance',
      'Proportionality to role',
      'Equality',
      'Health and well-being',
    ]) {
      await page
        .getByRole('group', { name: `${criterion}: does it raise a concern?` })
        .getByLabel('No')
        .check()
    }
    await page.getByLabel('Approved with conditions').check()
    // Conditions are required for this decision: leaving them out is refused with a message.
    await page.getByRole('button', { name: 'Record decision' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
      'Enter the conditions of the approval',
    )
    await expectAccessible(page)
    await page.getByLabel('Conditions', { exact: true }).fill(CONDITIONS)
    await page.getByRole('button', { name: 'Record decision' }).click()

    await page.waitForURL(/\/business-interests\/[0-9a-f-]{36}$/)
    expect(await textOf(page.locator('.govuk-notification-banner--success'))).toContain(
      'Decision recorded: approved with conditions',
    )
    expect(await textOf(page.locator('main .govuk-tag').first())).toBe('Approved with conditions')
    expect(await textOf(page.locator('main'))).toContain(CONDITIONS)
    const history = await page.locator('table').last().locator('tbody tr').allTextContents()
    expect(history.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringContaining('create'),
      expect.stringContaining('decide'),
    ])
    await expectAccessible(page)

    // On to the next application waiting (the fixture's), which has yet to be decided.
    await page.getByRole('button', { name: 'Next application waiting' }).click()
    expect(await textOf(page.locator('main'))).toContain('Assess and decide')
    expect(await page.locator('.govuk-notification-banner').count()).toBe(0)
    await expectAccessible(page)
    await signOut(page)
  })

  it('the member of staff sees the decision and its conditions', async () => {
    const { page } = session
    await signInTo(page, cast.alpha.users.staff.email, '/business-interests/mine')
    const card = page.locator('.govuk-summary-card', { hasText: NATURE })
    expect(await textOf(card.locator('.govuk-tag'))).toBe('Approved with conditions')
    const cardText = await textOf(card)
    expect(cardText).toContain(CONDITIONS)
    expect(cardText).toMatch(/Review date \d{1,2} [A-Z][a-z]+ \d{4}/)
    await expectAccessible(page)
    await signOut(page)
  })

  it('the public register keeps it back while fewer than five people share its kind of job', async () => {
    const { page } = session
    await page.goto('/forces/cheshire')
    await page.getByRole('link', { name: 'Published registers' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Published registers')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Business interests (second jobs)' }).click()
    expect(await textOf(page.locator('h1'))).toBe('Business interests register')

    // The only approved teaching job in the force: published, it would point at its holder
    // (src/domain/disclosure.ts), so the register says one entry is held back instead of showing it.
    expect(await page.locator('table.govuk-table tbody tr', { hasText: NATURE }).count()).toBe(0)
    const main = await textOf(page.locator('main'))
    expect(main).toContain('1 entry is not published, as fewer than 5 people share even the kind of job')
    expect(main).not.toContain('alphamarker Constable')
    // The other application is still undecided, so it is not published.
    expect(main).not.toContain('weekend driving instructor')
    await expectAccessible(page)
  })
})
