import { existsSync } from 'node:fs'

const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell'

/**
 * Debian's Chromium, as the browser tests use it: no browser is downloaded. Its headless build
 * (package chromium-headless-shell) when installed, as it prints a document in half the CPU of the
 * whole browser (package chromium), which is used otherwise; PROBITY_CHROMIUM names another.
 */
export const CHROMIUM_PATH =
  process.env.PROBITY_CHROMIUM ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium')

export class PdfUnavailableError extends Error {
  constructor() {
    super(
      `PDFs are printed by headless Chromium, which is missing at ${CHROMIUM_PATH}: install it (apt-get install chromium-headless-shell) or set PROBITY_CHROMIUM`,
    )
  }
}

export function pdfAvailable(): boolean {
  return existsSync(CHROMIUM_PATH)
}

/**
 * Prints whole HTML documents to A4 PDFs with their print stylesheet, in one headless Chromium that
 * is closed afterwards. Nothing is fetched: the documents stand alone (styles inlined).
 */
export async function printPdfs(documents: readonly string[]): Promise<Buffer[]> {
  if (!pdfAvailable()) throw new PdfUnavailableError()
  // Loaded when first needed: it takes most of a second, which every process (and every test file)
  // that prints nothing would otherwise pay on start.
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
    ],
  })
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true })
    const pdfs: Buffer[] = []
    for (const html of documents) {
      const page = await context.newPage()
      await page.setContent(html, { waitUntil: 'load' })
      await page.emulateMedia({ media: 'print' })
      pdfs.push(
        await page.pdf({
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: false,
          preferCSSPageSize: true,
        }),
      )
      await page.close()
    }
    return pdfs
  } finally {
    await browser.close()
  }
}

export async function printPdf(html: string): Promise<Buffer> {
  const [pdf] = await printPdfs([html])
  return pdf as Buffer
}
