import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { passkeys } from '../../src/modules/second-factor/schema.js'
import { loadSingleSignOnSettings } from '../../src/modules/single-sign-on/settings.js'
import {
  expectAccessible,
  newContext,
  shouldSkipBrowserTests,
  textOf,
  workerChromium,
} from '../support/browser.js'
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js'
import { createTestApp, type TestApp } from '../support/test-app.js'
import { buildTwoForces, TEST_PASSWORD, type TwoForces } from '../support/two-forces.js'

// The only double: a clock the test moves, to let a page's passkey challenge expire.
let clockOffsetMs = 0
const now = () => new Date(Date.now() + clockOffsetMs)

/** A free loopback port: the provider must know Probity's callback address before Probity starts. */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

describe.skipIf(shouldSkipBrowserTests())('passkeys and single sign-on in a browser', () => {
  let provider: TestOidcProvider
  let testApp: TestApp
  let cast: TwoForces
  let browser: Browser
  let publicUrl: string
  let page: Page

  beforeAll(async () => {
    const port = await freePort()
    // `localhost`, not 127.0.0.1: WebAuthn refuses an IP address as a site's identity.
    publicUrl = `http://localhost:${port}`
    provider = await startOidcProvider({
      redirectUris: [`${publicUrl}/sign-in/oidc/cheshire/callback`],
      accounts: {
        'new-caseworker': {
          email: 'new.caseworker@cheshire.example',
          email_verified: true,
          name: 'New Caseworker',
          probity_roles: ['force-caseworker'],
        },
      },
    })
    const singleSignOn = loadSingleSignOnSettings({
      PROBITY_PUBLIC_URL: publicUrl,
      PROBITY_OIDC_PROVIDERS: 'cheshire',
      PROBITY_OIDC_CHESHIRE_ISSUER: provider.issuer,
      PROBITY_OIDC_CHESHIRE_CLIENT_ID: provider.clientId,
      PROBITY_OIDC_CHESHIRE_CLIENT_SECRET: provider.clientSecret,
      PROBITY_OIDC_CHESHIRE_NAME: 'Cheshire Constabulary account',
      PROBITY_OIDC_CHESHIRE_ORGANISATION: 'cheshire',
      PROBITY_OIDC_CHESHIRE_ROLE_CLAIM: 'probity_roles',
      PROBITY_OIDC_CHESHIRE_CREATE_USERS: 'true',
    })
    testApp = await createTestApp({ now, adminSecondFactor: 'required', singleSignOn })
    cast = await buildTwoForces(testApp.services)
    await testApp.app.listen({ host: '127.0.0.1', port })
    browser = await workerChromium()
  })
  // Each test in a browser context of its own, signed out.
  beforeEach(async () => {
    page = await (await newContext(browser, publicUrl)).newPage()
  })
  afterEach(() => page.context().close())
  afterAll(async () => {
    await testApp?.close()
    await provider?.close()
  })

  /** Signs in with the password, leaving the browser wherever Probity sends it next. */
  async function signInWithPassword(email: string, goTo: string) {
    await page.goto(goTo)
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  }

  async function signOut() {
    await page.goto('/account')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/sign-in?signedOut=1')
  }

  it('adds a passkey as an administrator’s second factor, then signs in with it', async () => {
    const admin = cast.alpha.users['force-admin']
    // Chrome's virtual authenticator stands in for the person's device (and their touch).
    const devtools = await page.context().newCDPSession(page)
    await devtools.send('WebAuthn.enable')
    const { authenticatorId } = await devtools.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })

    await signInWithPassword(admin.email, '/roster')
    await page.waitForURL('**/account/second-factor?returnTo=%2Froster')
    expect(await textOf(page.locator('.govuk-inset-text'))).toContain('an authenticator app or a passkey')
    await page.getByLabel('Name for a new passkey (optional)').fill('Work laptop')
    await page.getByRole('button', { name: 'Add a passkey' }).click()
    await page.waitForURL('**/account/second-factor/passkeys')
    expect(await textOf(page.locator('.govuk-notification-banner'))).toContain('Your passkey has been added')
    expect(await page.locator('#recovery-codes li').count()).toBe(10)
    await page.getByRole('link', { name: 'Continue' }).click()
    await page.waitForURL('**/roster')
    const { credentials } = await devtools.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)

    await page.goto('/account/second-factor')
    expect(await textOf(page.locator('table tbody th'))).toBe('Work laptop')
    await expectAccessible(page)
    // The only second factor of an administrator stays.
    await page.getByRole('button', { name: 'Remove Work laptop' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain(
      'administrators must keep a second factor',
    )

    // Signing in again: the passkey instead of a code.
    await signOut()
    await signInWithPassword(admin.email, '/roster')
    await page.waitForURL('**/sign-in/second-factor?returnTo=%2Froster')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Use your passkey' }).click()
    await page.waitForURL('**/roster')
    const [stored] = await testApp.database.db.select().from(passkeys).where(eq(passkeys.userId, admin.id))
    expect(stored?.signCount).toBeGreaterThan(0)
    expect(stored?.lastUsedAt).not.toBeNull()

    // A page's challenge expires: left open too long, it asks again, and the next try works.
    await signOut()
    await signInWithPassword(admin.email, '/roster')
    await page.waitForURL('**/sign-in/second-factor?returnTo=%2Froster')
    clockOffsetMs += 6 * 60_000
    await page.getByRole('button', { name: 'Use your passkey' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('open too long')
    await page.getByRole('button', { name: 'Use your passkey' }).click()
    await page.waitForURL('**/roster')

    // A challenge is answered once: the passkey's real answer, sent after the page's first answer
    // (which had none), is refused, and counts as a wrong second factor.
    await signOut()
    await signInWithPassword(admin.email, '/roster')
    await page.waitForURL('**/sign-in/second-factor?returnTo=%2Froster')
    let signedAnswer = ''
    await page.route('**/sign-in/second-factor/passkey', async (route) => {
      signedAnswer = route.request().postData() ?? ''
      const withoutAnswer = new URLSearchParams(signedAnswer)
      withoutAnswer.set('credential', '')
      await route.continue({ postData: withoutAnswer.toString() })
    })
    await page.getByRole('button', { name: 'Use your passkey' }).click()
    expect(await textOf(page.locator('.govuk-error-summary'))).toContain('No passkey came from your browser')
    await page.unroute('**/sign-in/second-factor/passkey')
    const replayed = await page.request.post('/sign-in/second-factor/passkey', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: signedAnswer,
      maxRedirects: 0,
    })
    expect(replayed.status()).toBe(401)
    expect(await replayed.text()).toContain('did not pass Probity')
    await page.reload()
    await page.getByRole('button', { name: 'Use your passkey' }).click()
    await page.waitForURL('**/roster')
  })

  it('signs in through the force’s OpenID Connect provider, with the force and role it gives', async () => {
    await page.goto('/account')
    await page.waitForURL('**/sign-in?returnTo=%2Faccount')
    await page.getByRole('button', { name: 'Sign in with Cheshire Constabulary account' }).click()
    // The provider's own sign-in page (oidc-provider's development form).
    await page.waitForURL(`${provider.issuer}/**`)
    await page.locator('input[name="login"]').fill('new-caseworker')
    await page.locator('input[name="password"]').fill('any password')
    await page.locator('button[type="submit"]').click()
    await page.waitForURL('**/account')
    const row = (label: string) =>
      textOf(
        page
          .locator('.govuk-summary-list__row')
          .filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
          .locator('.govuk-summary-list__value'),
      )
    expect(await row('Force')).toBe('Cheshire Constabulary')
    expect(await row('Role')).toMatch(/^Caseworker/)
    expect(await textOf(page.locator('main'))).toContain('new.caseworker@cheshire.example')
  })
})
