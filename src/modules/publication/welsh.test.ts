import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { TEST_PASSWORD } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { expectSameStatements } from '../press-releases/test-support.js'
import { PUBLIC_CALLER } from './access.js'
import type { ForceFacts } from './facts.js'
import { pdfAvailable } from './pdf.js'
import { PublicationPdfs } from './pdf-store.js'
import { inLanguage, type VersionView } from './present.js'
import { withoutSources } from './sources.js'
import { buildWelshInspection, publishDraft } from './test-support.js'

/**
 * A Welsh force's press release is published in Welsh as well as English (issue P19): one version holds
 * both, with the same facts; the public page shows the reader's language with a link to the other, and
 * each language's files. Another force's documents, and the other documents, are in English only.
 */

const clock = new Date('2012-12-01T09:00:00Z')
let testApp: TestApp
let inspectionId: string

const publication = () => testApp.services.publication

beforeAll(async () => {
  testApp = await createTestApp({ now: () => clock })
  inspectionId = await buildWelshInspection(testApp.services)
})
afterAll(() => testApp.close())

async function latest(forceCode: string | null, kind: string): Promise<VersionView> {
  const documents = await publication().documents(SYSTEM_CALLER, { inspectionId })
  const document = documents.find((d) => d.kind === kind && (d.force?.code ?? null) === forceCode)
  if (!document?.latest) throw new Error(`no ${kind} for ${forceCode}`)
  return document.latest
}

const publish = (versionId: string) => publishDraft(testApp.services, versionId)

describe('generating a Welsh force’s press release', () => {
  it('writes it in Welsh as well, stating the same facts; every other document in English only', async () => {
    const gwent = await latest('gwent', 'press-release')
    expect(gwent.welshContent).not.toBeNull()
    expect(gwent.welshTitle).toMatch(/^HMIC yn adrodd ar sut y mae Heddlu Gwent/)
    expect(gwent.welshContentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(gwent.welshContentHash).not.toBe(gwent.contentHash)
    const facts = (gwent.facts as ForceFacts).pressRelease
    expect(facts.secondJobApplications).toEqual({ applications: 76, approved: 72 })
    expectSameStatements(withoutSources(gwent.content), withoutSources(gwent.welshContent as string), facts)
    // The figures link to their sources in Welsh too, under a Welsh appendix.
    expect(gwent.welshContent).toContain('## Ffynonellau')
    expect(gwent.welshContent).toMatch(
      /\[76 o geisiadau\]\(\/inspections\/[^)]+#item-second-job-applications /,
    )

    for (const [force, kind] of [
      ['cheshire', 'press-release'],
      ['gwent', 'force-report'],
      [null, 'national-review'],
    ] as const) {
      const version = await latest(force, kind)
      expect([force, kind, version.welshContent, version.welshTitle]).toEqual([force, kind, null, null])
    }
  })

  it('is listed for the inspectorate as in both languages', async () => {
    const email = 'inspector@inspectorate.example'
    await testApp.services.users.create(SYSTEM_CALLER, {
      email,
      name: 'An inspector',
      role: 'inspector',
      password: TEST_PASSWORD,
    })
    const inspector = await signedInAgent(testApp.app, email)
    const page = await inspector.get(`/publications/inspections/${inspectionId}/manage`)
    expect(page.statusCode).toBe(200)
    const rows = [...page.body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) =>
      (m[1] as string)
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    expect(rows.filter((row) => row.includes('(in English and Welsh)'))).toEqual([
      expect.stringMatching(/^Gwent Police Press release \(in English and Welsh\)/),
    ])
  })

  it('changes nothing when generated again from the same records', async () => {
    const outcomes = await publication().generate(SYSTEM_CALLER, inspectionId, { forceCode: 'gwent' })
    expect(outcomes.map((outcome) => outcome.result)).toEqual(['unchanged', 'unchanged'])
  })
})

describe('a Welsh force’s published press release', () => {
  let versionId: string
  let english: Agent
  let welsh: Agent
  beforeAll(async () => {
    const published = await publish((await latest('gwent', 'press-release')).id)
    versionId = published.id
    english = new Agent(testApp.app)
    welsh = new Agent(testApp.app)
  })

  it('holds both languages in its one published version', async () => {
    const { version } = await publication().publicVersion(versionId)
    expect(version.status).toBe('published')
    expect(version.content).toContain('# HMIC reports on how Gwent Police')
    expect(version.welshContent).toContain('# HMIC yn adrodd ar sut y mae Heddlu Gwent')
    const api = await english.get(`/api/publications/${versionId}`)
    expect(api.statusCode).toBe(200)
    const json = JSON.parse(api.body)
    expect(json.content).toBe(version.content)
    expect(json.welsh).toEqual({
      title: version.welshTitle,
      content: version.welshContent,
      contentHash: version.welshContentHash,
    })
  })

  it('is shown in Welsh to a reader who reads Welsh, with a link to the English', async () => {
    for (const page of [
      await welsh.get(`/publications/${versionId}`, { headers: { 'accept-language': 'cy' } }),
      await (async () => {
        const chooser = new Agent(testApp.app)
        expect((await chooser.get(`/publications/${versionId}?lang=cy`)).statusCode).toBe(303)
        return chooser.get(`/publications/${versionId}`)
      })(),
    ]) {
      expect(page.statusCode).toBe(200)
      expect(page.body).toMatch(/<html lang="cy"/)
      expect(page.body).toMatch(/<article class="probity-document" lang="cy">\s*<h1[^>]*>HMIC yn adrodd/)
      expect(page.body).toContain('ymchwiliodd yr heddlu i dri achos')
      expect(page.body).not.toContain('HMIC reports on how')
      expect(page.body).toContain(
        `<a class="govuk-link" href="/publications/${versionId}?lang=en" hreflang="en" lang="en">Read this press release in English</a>`,
      )
      // Each language's files, the Welsh first.
      const downloads = [...page.body.matchAll(/href="\/publications\/[^/]+\/(document[^"]*)"/g)].map(
        (m) => m[1] as string,
      )
      expect(downloads).toEqual([
        'document.md?language=cy',
        'document.txt?language=cy',
        'document.html?language=cy',
        ...(downloads.includes('document.pdf?language=cy') ? ['document.pdf?language=cy'] : []),
        'document.md',
        'document.txt',
        'document.html',
        ...(downloads.includes('document.pdf') ? ['document.pdf'] : []),
      ])
      expect(untranslated(page.body)).toEqual([])
    }
  })

  it('is shown in English otherwise, with a link to the Welsh', async () => {
    for (const headers of [{}, { 'accept-language': 'en-GB,en;q=0.9' }] as Record<string, string>[]) {
      const page = await english.get(`/publications/${versionId}`, { headers })
      expect(page.statusCode).toBe(200)
      expect(page.body).toMatch(/<html lang="en"/)
      expect(page.body).toMatch(
        /<article class="probity-document">\s*<h1[^>]*>HMIC reports on how Gwent Police/,
      )
      expect(page.body).not.toContain('HMIC yn adrodd')
      expect(page.body).toContain(
        `<a class="govuk-link" href="/publications/${versionId}?lang=cy" hreflang="cy" lang="cy">Darllenwch y datganiad hwn i’r wasg yn Gymraeg</a>`,
      )
      expect(page.body).toContain(`href="/publications/${versionId}/document.md"`)
      expect(page.body).toContain(`href="/publications/${versionId}/document.md?language=cy"`)
      // The check of the Welsh page finds the English of this one: it cannot pass for want of looking.
      expect(untranslated(page.body).length).toBeGreaterThan(5)
    }
  })

  it('gives each language’s files to anyone, the Welsh marked as Welsh', async () => {
    const { version } = await publication().publicVersion(versionId)
    const md = await english.get(`/publications/${versionId}/document.md?language=cy`)
    expect(md.statusCode).toBe(200)
    expect(md.body).toBe(version.welshContent)
    expect(md.headers['x-content-sha256']).toBe(version.welshContentHash)
    expect(md.headers['content-disposition']).toContain('gwent-press-release-v1.cy.md')
    const html = await english.get(`/publications/${versionId}/document.html?language=cy`)
    expect(html.body).toMatch(/<html lang="cy"/)
    expect(html.body).toContain('Fersiwn 1. Cyhoeddwyd 1 Rhagfyr 2012')
    expect(html.body).toContain(`SHA-256 y Markdown: <code>${version.welshContentHash}</code>`)
    // The public's copy has the figures without their links to the inspectorate's pages.
    expect(html.body).not.toContain('/data-return#item-')
    const text = await english.get(`/publications/${versionId}/document.txt?language=cy`)
    expect(text.body).toContain('Nodiadau i olygyddion')
    const englishHtml = await english.get(`/publications/${versionId}/document.html`)
    expect(englishHtml.body).toMatch(/<html lang="en-GB"/)
    expect(englishHtml.body).toContain('Version 1. Published 1 December 2012')
  })

  it('has no Welsh files for a document published in English only', async () => {
    const report = await publish((await latest('cheshire', 'press-release')).id)
    expect((await english.get(`/publications/${report.id}/document.md`)).statusCode).toBe(200)
    for (const extension of ['md', 'txt', 'html', 'pdf'])
      expect(
        (await english.get(`/publications/${report.id}/document.${extension}?language=cy`)).statusCode,
      ).toBe(404)
    expect((await english.get(`/publications/${report.id}/document.md?language=fr`)).statusCode).toBe(400)
    const page = await welsh.get(`/publications/${report.id}`, { headers: { 'accept-language': 'cy' } })
    expect(page.body).toMatch(/<html lang="cy"/)
    // English content on a Welsh page says it is English; no link to a Welsh version there is not.
    expect(page.body).toMatch(/<article class="probity-document" lang="en">/)
    expect(page.body).not.toContain('Read this press release in English')
    expect(JSON.parse((await english.get(`/api/publications/${report.id}`)).body).welsh).toBeNull()
  })
})

describe('a Welsh force’s press release as PDFs', () => {
  // Queued printing waits for an installation that can print (Chromium), though this test's printer is its own.
  it.skipIf(!pdfAvailable())(
    'is printed in each language, with and without source links, and each served as printed',
    async () => {
      const { version } = await publication().version(
        SYSTEM_CALLER,
        (await latest('gwent', 'press-release')).id,
      )
      // A printer that gives back the HTML it was given, so the stored bytes say what was printed.
      const printed: string[] = []
      const pdfs = new PublicationPdfs(
        testApp.database.db,
        publication(),
        () => clock,
        async (documents) => {
          printed.push(...documents)
          return documents.map((html) => Buffer.from(html))
        },
      )
      pdfs.prepare([version.id])
      await pdfs.idle()
      expect(printed.map((html) => html.match(/<html lang="([^"]+)"/)?.[1]).sort()).toEqual([
        'cy',
        'cy',
        'en-GB',
        'en-GB',
      ])
      expect(
        (await pdfs.status(SYSTEM_CALLER, inspectionId)).find((s) => s.version.id === version.id)?.state,
      ).toBe('ready')
      for (const language of ['en', 'cy'] as const) {
        const pdf = await pdfs.pdf(PUBLIC_CALLER, inLanguage(version, language), { sourceLinks: false })
        expect(pdf.toString()).toContain(language === 'cy' ? '<html lang="cy"' : '<html lang="en-GB"')
      }
      // Served from the store: nothing printed again.
      expect(printed).toHaveLength(4)
    },
  )
})

/** The page's English, where its language is Welsh: the interface's words and the English release's. */
function untranslated(html: string): string[] {
  const visible = html
    .slice(html.indexOf('<body'))
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    // Elements marked as English (the link to the English release, the header's switch) say so.
    .replace(/<(a|span|p)\b[^>]*\slang="en"[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&rsquo;/g, '’')
    .replace(/\s+/g, ' ')
  return [
    // Words of the release in English, and of the page around it.
    'HMIC reports on how',
    'the inspectors found',
    'Notes to editors',
    'applications for permission',
    'Gwent Police',
    'Downloads',
    'Plain text',
    'Versions',
    'Content hash',
    'In English',
    'In Welsh',
    'Press release',
    ' the ',
    ' and ',
    ' of ',
  ].filter((english) => visible.includes(english))
}
