import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type axe from 'axe-core'
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { CHROMIUM_PATH } from '../../src/modules/publication/pdf.js'
import { createTestApp, type TestApp } from './test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from './two-forces.js'

/**
 * Why browser tests must be skipped on this machine, or undefined when they must run. They skip only
 * when Chromium is missing and PROBITY_E2E is not `required`; CI sets it, so there a missing browser
 * fails the run instead of passing it quietly.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined
  if (process.env.PROBITY_E2E === 'required') return undefined
  return `${CHROMIUM_PATH} is missing: install Debian's chromium-headless-shell (or chromium) to run browser tests (PROBITY_E2E=required makes this an error)`
}

/** Skips with the reason printed once, so a laptop without Chromium sees why its browser tests did not run. */
export function shouldSkipBrowserTests(): boolean {
  const reason = browserSkipReason()
  if (reason) console.warn(`Skipping browser tests: ${reason}`)
  return reason !== undefined
}

/** Debian's headless Chromium, the one that prints PDFs (pdf.ts), with nothing that talks to the network on its own or needs a GPU or a sandbox. */
async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium-headless-shell fonts-liberation)`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Containers often give /dev/shm only 64 MB, which crashes Chromium's renderers.
      '--disable-dev-shm-usage',
    ],
  })
}

let workerBrowser: Promise<Browser> | undefined

/**
 * The Chromium of this test worker, launched by the first browser test that runs in it (a launch costs
 * about two seconds of CPU, and a worker runs many browser files in turn). Tests share nothing through
 * it: each session has a context of its own (cookies, storage, pages). Playwright closes it when the
 * worker ends; one that has died is launched again.
 */
export async function workerChromium(): Promise<Browser> {
  const running = await workerBrowser?.catch(() => undefined)
  if (running?.isConnected()) return running
  workerBrowser = launchBrowser()
  return workerBrowser
}

/**
 * A fresh browser context for one app. The app's Content-Security-Policy would refuse the injected
 * axe-core script, so the context bypasses CSP; tests that check CSP itself should make their own.
 */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, bypassCSP: true })
}

export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

/**
 * axe-core's minified build, served to the page from an address of this worker's own rather than sent
 * as text over the DevTools connection: Chromium then keeps the script, compiled, between a browser
 * context's checks, where text is sent and compiled afresh each time (about 300 ms a check; 40 ms so).
 */
let axeScriptAddress: Promise<string> | undefined

function axeScript(): Promise<string> {
  axeScriptAddress ??= new Promise((resolve, reject) => {
    const script = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'))
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'text/javascript',
        'cache-control': 'max-age=3600, immutable',
      })
      response.end(script)
    })
    // It serves for as long as the worker runs browser tests, without keeping the worker alive.
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/axe.min.js`)
    })
  })
  return axeScriptAddress
}

/** The WCAG 2.0, 2.1 and 2.2 A and AA rules that axe-core finds broken on the page, [] when none. */
export async function accessibilityViolations(page: Page): Promise<axe.Result[]> {
  await page.addScriptTag({ url: await axeScript() })
  const results = await page.evaluate(
    (tags) =>
      (globalThis as unknown as { axe: typeof axe }).axe.run({
        runOnly: { type: 'tag', values: tags },
        // Only violations are read: the passes and the rest are then not collected node by node.
        resultTypes: ['violations'],
      }),
    wcagTags,
  )
  return results.violations
}

/** Violations as readable lines for a failure message: rule, impact, help and each failing element. */
export function describeViolations(violations: axe.Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map(
        (node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
      )
      return [`${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}`, ...nodes].join('\n')
    })
    .join('\n')
}

/** An element's text with the template's whitespace collapsed, as a reader sees it; '' when it is empty. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

/** Fills a GOV.UK date input (the group its legend names) with a day, a month and a year. */
export async function fillDate(
  page: Page,
  legend: string,
  [day, month, year]: readonly [string, string, string],
) {
  const group = page.getByRole('group', { name: legend })
  await group.getByLabel('Day').fill(day)
  await group.getByLabel('Month').fill(month)
  await group.getByLabel('Year').fill(year)
}

export interface BrowserSession {
  testApp: TestApp
  page: Page
  close(): Promise<void>
}

/**
 * The real app served on a loopback port over a fresh test database (or another test app, such as
 * the demo's), and a browser page pointed at it.
 */
export async function startBrowserSession(
  createApp: () => Promise<TestApp> = createTestApp,
): Promise<BrowserSession> {
  const testApp = await createApp()
  await testApp.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = testApp.app.server.address() as AddressInfo
  const browser = await workerChromium().catch(async (error) => {
    await testApp.close()
    throw error
  })
  const context = await newContext(browser, `http://127.0.0.1:${port}`)
  return {
    testApp,
    page: await context.newPage(),
    async close() {
      await context.close()
      await testApp.close()
    },
  }
}

/** A browser session over the two forces (two-forces.ts), and their ids. */
export async function startTwoForcesBrowserSession(): Promise<{ session: BrowserSession; cast: TwoForces }> {
  let cast!: TwoForces
  const session = await startBrowserSession(async () => {
    const twoForces = await createTwoForcesTestApp()
    cast = twoForces.cast
    return twoForces.testApp
  })
  return { session, cast }
}

/** Fails with a readable list when the page breaks a WCAG 2.2 A or AA rule that axe-core checks. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await accessibilityViolations(page)
  if (violations.length) {
    throw new Error(`Accessibility violations on ${page.url()}:\n${describeViolations(violations)}`)
  }
}

/**
 * Opens a page that needs signing in, signs in on the sign-in page it is sent to, and waits to be
 * back on it: the way a person following a link does.
 */
export async function signInTo(page: Page, email: string, goTo: string, password = TEST_PASSWORD) {
  await page.goto(goTo)
  await page.waitForURL('**/sign-in?returnTo=*')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`**${goTo}`)
}

export async function signOut(page: Page) {
  await page.getByRole('link', { name: 'Your account' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL('**/sign-in?signedOut=1')
}
