import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessibilityViolations,
  expectAccessible,
  newContext,
  shouldSkipBrowserTests,
  workerChromium,
} from '../support/browser.js'

/** The check every browser test relies on must itself fail on a page that breaks a rule. */
describe.skipIf(shouldSkipBrowserTests())('the accessibility check', () => {
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    context = await newContext(await workerChromium(), 'http://127.0.0.1')
    page = await context.newPage()
  })
  afterAll(() => context?.close())

  const pageWith = (body: string) =>
    page.setContent(
      `<!DOCTYPE html><html lang="en"><head><title>A page</title></head><body><main><h1>A page</h1>${body}</main></body></html>`,
    )

  it('names the rule and the element a page breaks, each time it is asked', async () => {
    for (const image of ['first', 'second']) {
      await pageWith(`<img id="${image}" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`)
      const violations = await accessibilityViolations(page)
      expect(violations.map((violation) => violation.id)).toEqual(['image-alt'])
      expect(violations[0]?.nodes.map((node) => node.target.join(' '))).toEqual([`#${image}`])
      await expect(expectAccessible(page)).rejects.toThrow(/image-alt/)
    }
  })

  it('passes the same page once it keeps the rule', async () => {
    await pageWith('<img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
    await expect(accessibilityViolations(page)).resolves.toEqual([])
  })
})
