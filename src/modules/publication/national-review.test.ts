import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import { createDemoApp, DEMO_APP_TIMEOUT_MS } from '../../../test/support/demo-app.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { DEMO_PASSWORD } from '../../demo-data.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { countOf, ofWhich } from '../../domain/number-words.js'
import { formatDay } from '../../web/forms.js'
import { DEMO_EXERCISE } from '../desk-research/demo.js'
import type { ForceFacts, NationalFacts } from './facts.js'
import { nationalNarrative, wholePercent } from './national-narrative.js'
import type { PublicationKind } from './schema.js'
import { linksIn, SOURCES_HEADING } from './sources.js'

/**
 * The national review and the force report as the demo publishes them: every national figure is a sum
 * over the forces' own returns (read here force by force), social-media referrals agree with the
 * referrals recorded (and so does the desk-research summary), and every figure links to a page an
 * inspector can open, listed again in the Markdown's sources appendix.
 */

const SOCIAL_MEDIA = 'social-media misconduct'
let testApp: TestApp
let revisitId: string
let inspector: Agent
let researcher: Agent

beforeAll(async () => {
  ;({ testApp, revisitId } = await createDemoApp())
  inspector = await signedInAgent(testApp.app, 'inspector@inspectorate.example', DEMO_PASSWORD)
  researcher = await signedInAgent(testApp.app, 'researcher@inspectorate.example', DEMO_PASSWORD)
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

async function latest(kind: PublicationKind, forceCode?: string) {
  const documents = await testApp.services.publication.documents(SYSTEM_CALLER, { inspectionId: revisitId })
  const document = documents.find((d) => d.kind === kind && (d.force?.code ?? undefined) === forceCode)
  if (!document?.latest) throw new Error(`no ${kind} ${forceCode ?? ''}`)
  return document.latest
}

/** Every force's returned values, read from each force's data return. */
async function returnsByForce(): Promise<Map<string, Record<string, number | null>>> {
  const { services } = testApp
  const byForce = new Map<string, Record<string, number | null>>()
  for (const assessment of await services.inspections.assessments(SYSTEM_CALLER, revisitId)) {
    const view = await services.dataReturns.get(SYSTEM_CALLER, revisitId, assessment.force.code)
    byForce.set(assessment.force.code, Object.fromEntries(view.items.map((item) => [item.code, item.value])))
  }
  return byForce
}

function sumOf(returns: Map<string, Record<string, number | null>>, code: string, alongside?: string) {
  let total = 0
  let forces = 0
  for (const values of returns.values()) {
    const value = values[code]
    if (typeof value !== 'number' || (alongside && typeof values[alongside] !== 'number')) continue
    total += value
    forces += 1
  }
  return { total, forces }
}

/** The body of a document page: the generated document, before its sources appendix. */
function documentBody(html: string): { body: string; appendix: string } {
  const article = /<article class="probity-document">([\s\S]*?)<\/article>/.exec(html)?.[1] ?? ''
  const [body, appendix] = article.split(new RegExp(`<h2[^>]*>${SOURCES_HEADING}</h2>`))
  return { body: body ?? '', appendix: appendix ?? '' }
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December'
const NUMBER_WORDS =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b/i

/** The text of HTML left once links, dates, titles, findings, recommendation codes and charts' drawings are taken out. */
function unlinkedText(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<a [^>]*>[\s\S]*?<\/a>/g, ' ')
    .replace(/<em>[\s\S]*?<\/em>/g, ' ')
    .replace(/<li>\s*<strong>[\s\S]*?<\/li>/g, ' ') // fieldwork findings, in the inspectors' words
    .replace(/<h[1-3][^>]*>[\s\S]*?<\/h[1-3]>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(new RegExp(`\\b(\\d{1,2} )?(${MONTHS}) \\d{4}\\b`, 'g'), ' ')
    .replace(/\b(19|20)\d{2}\b/g, ' ') // years
    .replace(/\b[A-Z]{1,3}\d+:/g, ' ') // recommendation codes
}

/** No number is left unlinked (dates, headings and titles aside): each shown with what surrounds it. */
function expectEveryNumberLinked(html: string) {
  const loose = unlinkedText(html).replace(/\s+/g, ' ')
  const around = (pattern: RegExp) =>
    [...loose.matchAll(new RegExp(pattern.source, 'gi'))].map((match) =>
      loose.slice(Math.max(0, (match.index ?? 0) - 60), (match.index ?? 0) + 30),
    )
  expect(around(/\d+/)).toEqual([])
  expect(around(NUMBER_WORDS)).toEqual([])
}

async function expectSourcesResolve(html: string) {
  const hrefs = new Set(
    [...html.matchAll(/<a class="govuk-link" href="([^"]+)"/g)].map((match) =>
      (match[1] as string).replace(/&amp;/g, '&').replace(/#.*$/, ''),
    ),
  )
  expect(hrefs.size).toBeGreaterThan(0)
  for (const href of hrefs) {
    const response = await inspector.get(href)
    expect(response.statusCode, href).toBe(200)
  }
}

describe('the national review', () => {
  it('states national figures that are sums over the forces’ returns, each linked to its source', async () => {
    const version = await latest('national-review')
    const returns = await returnsByForce()
    const census = (version.facts as NationalFacts).inspection.censusDate
    const comparison = (item: string) => `/inspections/${revisitId}/comparison?item=${item}`
    const linked = (href: string) =>
      linksIn(version.content)
        .filter((link) => link.href === href)
        .map((link) => link.text)

    const applications = sumOf(returns, 'second-job-applications')
    const approvals = sumOf(returns, 'second-job-approvals', 'second-job-applications')
    expect(applications.forces).toBeGreaterThan(0)
    expect(linked(comparison('second-job-applications'))).toContain(
      countOf(applications.total, 'application'),
    )
    expect(linked(comparison('second-job-approvals'))).toContain(
      ofWhich(approvals.total, applications.total, 'approved'),
    )
    const investigations = sumOf(returns, 'media-disclosure-investigations')
    const continuing = sumOf(returns, 'media-disclosure-continuing', 'media-disclosure-investigations')
    expect(linked(comparison('media-disclosure-investigations'))).toContain(
      countOf(investigations.total, 'investigation'),
    )
    expect(linked(comparison('media-disclosure-continuing'))).toContain(
      ofWhich(continuing.total, investigations.total, `still continuing on ${formatDay(census)}`),
    )

    // Social-media referrals: the sum of the returns is the number of referrals recorded in the window.
    const inspection = (version.facts as NationalFacts).inspection
    const { referrals } = await testApp.services.referrals.list(SYSTEM_CALLER, {
      from: inspection.dataFrom,
      to: inspection.fieldworkTo ?? inspection.censusDate,
    })
    const recorded = referrals.filter((referral) => referral.type === SOCIAL_MEDIA).length
    expect(recorded).toBeGreaterThan(0)
    expect(sumOf(returns, 'social-media-referrals').total).toBe(recorded)
    expect(linked(comparison('social-media-referrals'))).toContain(countOf(recorded, 'case'))

    // Every figure the narrative states is a link in the document.
    const narrative = nationalNarrative(version.facts as NationalFacts)
    const hrefs = new Set(linksIn(version.content).map((link) => link.href))
    for (const figure of narrative.stated) expect(hrefs, figure.key).toContain(figure.source.href)
    // Judgements by category: counted from the forces' confirmed judgements.
    const judged = (version.facts as NationalFacts).forces.filter((force) => force.pressRelease.headline)
    expect(narrative.stated.find((figure) => figure.key === 'judged')?.value).toBe(judged.length)
  })

  it('quotes the desk research, whose summary counts the referrals recorded for each force', async () => {
    const version = await latest('national-review')
    const research = (version.facts as NationalFacts).research ?? []
    expect(research.map((exercise) => exercise.code)).toContain(DEMO_EXERCISE)
    const response = await researcher.get(`/api/research/${DEMO_EXERCISE}/summary`)
    expect(response.statusCode).toBe(200)
    const summary = response.json<{
      exercise: { periodFrom: string }
      profilesReviewed: number
      byForce: { force: { code: string }; referred: number }[]
    }>()
    expect(version.content).toContain(countOf(summary.profilesReviewed, 'profile'))
    const { referrals } = await testApp.services.referrals.list(SYSTEM_CALLER, {
      from: summary.exercise.periodFrom,
    })
    for (const code of ['cheshire', 'cleveland', 'greater-manchester']) {
      const recorded = referrals.filter((r) => r.type === SOCIAL_MEDIA && r.force.code === code).length
      expect(recorded, code).toBeGreaterThan(0)
      expect(summary.byForce.find((row) => row.force.code === code)?.referred, code).toBe(recorded)
    }
  })

  it('quotes the surveys’ headline results, each share linked to the survey’s results', async () => {
    const version = await latest('national-review')
    const headlines = await testApp.services.surveys.headlines(SYSTEM_CALLER)
    expect(headlines.length).toBeGreaterThan(0)
    const links = linksIn(version.content)
    for (const headline of headlines) {
      const href = `/surveys/${headline.survey.code}/results`
      const shares = links.filter((link) => link.href === href).map((link) => link.text)
      expect(shares).toContain(wholePercent(headline.share))
      if (headline.previous) expect(shares).toContain(wholePercent(headline.previous.share))
    }
  })

  it('links every figure of its page to a source an inspector can open', async () => {
    const version = await latest('national-review')
    const page = await inspector.get(`/publications/${version.id}`)
    expect(page.statusCode).toBe(200)
    const { body, appendix } = documentBody(page.body)
    expect(appendix).not.toBe('')
    // No number is left unlinked in the narrative and the tables (dates and headings aside).
    expectEveryNumberLinked(body)
    await expectSourcesResolve(body)
  })

  it('has a sources appendix in the Markdown covering every linked figure', async () => {
    const version = await latest('national-review')
    const response = await inspector.get(`/publications/${version.id}/document.md`)
    const [body, appendix] = response.body.split(`## ${SOURCES_HEADING}`)
    const bodyLinks = linksIn(body as string)
    expect(bodyLinks.length).toBeGreaterThan(0)
    const listed = new Set(linksIn(appendix as string).map((link) => link.href))
    for (const link of bodyLinks) expect(listed, link.href).toContain(link.href)
  })
})

describe('the force report', () => {
  it('links every figure to the force’s return and lists the sources', async () => {
    const version = await latest('force-report', 'greater-manchester')
    const facts = version.facts as ForceFacts
    const page = await inspector.get(`/publications/${version.id}`)
    const { body } = documentBody(page.body)
    expectEveryNumberLinked(body)
    await expectSourcesResolve(body)
    const applications = facts.figures.find((f) => f.code === 'second-job-applications')?.value as number
    const returnItem = `/inspections/${revisitId}/forces/greater-manchester/data-return#item-second-job-applications`
    expect(
      linksIn(version.content)
        .filter((link) => link.href === returnItem)
        .map((link) => link.text),
    ).toContain(countOf(applications, 'application'))
    const [markdownBody, appendix] = version.content.split(`## ${SOURCES_HEADING}`)
    const listed = new Set(linksIn(appendix as string).map((link) => link.href))
    for (const link of linksIn(markdownBody as string)) expect(listed).toContain(link.href)
  })
})

describe('the press release', () => {
  it('links its figures to sources an inspector can open, listed in its Markdown; other readers get neither', async () => {
    const version = await latest('press-release', 'greater-manchester')
    expect(version.status).toBe('published')
    const facts = version.facts as ForceFacts
    const returnItem = `/inspections/${revisitId}/forces/greater-manchester/data-return#item-second-job-applications`
    const applications = facts.pressRelease.secondJobApplications?.applications as number
    const [markdownBody, appendix] = version.content.split(`## ${SOURCES_HEADING}`)
    expect(
      linksIn(markdownBody as string)
        .filter((link) => link.href === returnItem)
        .map((link) => link.text),
    ).toEqual([countOf(applications, 'application')])
    const listed = new Set(linksIn(appendix as string).map((link) => link.href))
    expect(listed.size).toBeGreaterThan(0)
    for (const link of linksIn(markdownBody as string)) expect(listed).toContain(link.href)

    const page = await inspector.get(`/publications/${version.id}`)
    const { body, appendix: shownAppendix } = documentBody(page.body)
    expect(shownAppendix).not.toBe('')
    await expectSourcesResolve(body)

    const caseworker = await signedInAgent(testApp.app, 'caseworker@cheshire.example', DEMO_PASSWORD)
    for (const reader of [new Agent(testApp.app), caseworker]) {
      for (const path of [`/publications/${version.id}`, `/publications/${version.id}/document.html`]) {
        const response = await reader.get(path)
        expect(response.statusCode, path).toBe(200)
        expect(response.body, path).toContain(countOf(applications, 'application'))
        expect(response.body, path).not.toContain('href="/inspections/')
        expect(response.body, path).not.toMatch(new RegExp(`<h2[^>]*>${SOURCES_HEADING}</h2>`))
      }
    }
  })
})

describe('a force with missing data', () => {
  it('gets no sentence about what it did not return, and the editor sees what is missing', async () => {
    const [outcome] = await testApp.services.publication.generate(SYSTEM_CALLER, revisitId, {
      forceCode: 'durham',
      kinds: ['force-report'],
    })
    const { version } = await testApp.services.publication.version(
      SYSTEM_CALLER,
      outcome?.versionId as string,
    )
    const facts = version.facts as ForceFacts
    const unreturned = facts.figures.filter((figure) => figure.value === null)
    expect(unreturned.map((figure) => figure.code)).toContain('second-job-applications')
    // The report's figures section says nothing of them; its table says "not returned".
    expect(version.content).not.toMatch(/applied for a second job|applications? to take on a second job/)
    expect(version.content).not.toMatch(/headline judgement/i)
    const page = await inspector.get(`/publications/${version.id}`)
    expect(page.statusCode).toBe(200)
    const notice = /<div class="govuk-inset-text" id="missing">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? ''
    for (const figure of unreturned) expect(notice).toContain(figure.label)
    expect(notice).toContain('No confirmed headline judgement')
  })
})
