import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { Marked, type Tokens } from 'marked'
import nunjucks from 'nunjucks'
import { ValidationError } from '../../domain/errors.js'
import { STATEMENT_ITEMS } from '../../domain/inspections.js'
import { capitalise } from '../../domain/number-words.js'
import { OPTIONAL_STATEMENTS } from '../../domain/press-release-facts.js'
import { type Language, LOCALES, translate } from '../../web/i18n/catalogue.js'
import { escapeMarkdown, markdownToText } from '../press-releases/markdown.js'
import {
  createPressOfficeEnvironment,
  defaultPressReleaseTemplate,
  forceNameForms,
  type PressReleaseSources,
  renderPressRelease,
  renderWelshPressRelease,
} from '../press-releases/renderer.js'
import { DEFAULT_PRESS_RELEASE_SETTINGS } from '../press-releases/settings.js'
import { hasWelshPressRelease } from '../press-releases/welsh.js'
import { chartWithTable } from './charts.js'
import {
  type ForceFacts,
  figureTotals,
  headlineDistribution,
  type NationalFacts,
  recommendationProgressNationally,
} from './facts.js'
import { nationalNarrative, wholePercent } from './national-narrative.js'
import type { PublicationKind, PublicationStatus } from './schema.js'
import { type Source, sources, withoutLinks, withSourcesAppendix } from './sources.js'

/** The default templates, shipped with the code; an inspectorate admin's edits are kept in the database. */
const TEMPLATE_FILES: Record<Exclude<PublicationKind, 'press-release'>, URL> = {
  'force-report': new URL('./templates/force-report.md.njk', import.meta.url),
  'national-review': new URL('./templates/national-review.md.njk', import.meta.url),
}

export function defaultTemplate(kind: PublicationKind): string {
  if (kind === 'press-release') return defaultPressReleaseTemplate()
  return fs.readFileSync(TEMPLATE_FILES[kind], 'utf8')
}

export const KIND_LABELS: Record<PublicationKind, string> = {
  'press-release': 'Press release',
  'force-report': 'Force report',
  'national-review': 'National thematic review',
}

/** A template that does not compile or render: the message says where. */
export class TemplateError extends ValidationError {
  constructor(message: string) {
    super({ source: `The template has an error: ${message}` })
  }
}

/** The press release's filters, so reports word figures the same way, and the report's own. */
function createEnvironment(): nunjucks.Environment {
  const environment = createPressOfficeEnvironment()
  environment.addFilter('figure', (value: unknown, kind?: unknown) => {
    if (typeof value !== 'number') return 'not returned'
    if (kind === 'rate') return wholePercent(value)
    if (kind === 'yes-no') return value === 1 ? 'yes' : 'no'
    if (kind === 'fte-change' && value > 0) return `+${value}`
    return new Intl.NumberFormat('en-GB').format(value)
  })
  environment.addFilter('day', (value: unknown) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return ''
    return new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${value}T00:00:00Z`))
  })
  return environment
}

const environment = createEnvironment()

/** Every string escaped for Markdown, so names and findings print as written and cannot inject markup. */
function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeMarkdown(value) as T
  if (Array.isArray(value)) return value.map(escapeStrings) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeStrings(inner)])) as T
  }
  return value
}

function tidy(markdown: string): string {
  return `${markdown
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`
}

function groupedFindings(facts: ForceFacts) {
  const areas: { area: string; findings: { kind: string; text: string }[] }[] = []
  for (const finding of facts.findings) {
    let area = areas.find((entry) => entry.area === finding.area)
    if (!area) {
      area = { area: finding.area, findings: [] }
      areas.push(area)
    }
    area.findings.push({ kind: finding.kind, text: finding.text })
  }
  return areas
}

/** The pages a force's figures are counted from: its data-return items, fieldwork and recommendations. */
function forceSources(facts: ForceFacts) {
  const { inspection, force } = facts
  return {
    items: Object.fromEntries(
      facts.figures.map((figure) => [
        figure.code,
        sources.returnItem(
          inspection.id,
          force.code,
          figure.code,
          `${force.name}’s data return: ${figure.label}`,
        ),
      ]),
    ) as Record<string, Source>,
    judgement: sources.fieldwork(inspection.id, force.code, `${force.name}: findings and headline judgement`),
    recommendations: sources.forceRecommendations(
      inspection.id,
      force.code,
      `${force.name}: progress against the recommendations`,
    ),
  }
}

/**
 * Where each fact a press release states is counted from: its data-return item (the figures and the
 * yes/no statements) or the force's self-assessment (the integrity health check).
 */
function pressReleaseSources(facts: ForceFacts): PressReleaseSources {
  const { items } = forceSources(facts)
  const { inspection, force } = facts
  const statements = Object.fromEntries(
    OPTIONAL_STATEMENTS.map((statement) => [statement, items[STATEMENT_ITEMS[statement]]]),
  )
  return {
    ...statements,
    integrityHealthCheck: sources.selfAssessment(
      inspection.id,
      force.code,
      `${force.name}’s self-assessment against the checklist`,
    ),
    mediaDisclosureInvestigations: items['media-disclosure-investigations'],
    mediaContinuing: items['media-disclosure-continuing'],
    socialMediaCasesReferred: items['social-media-referrals'],
    secondJobApplications: items['second-job-applications'],
    secondJobApprovals: items['second-job-approvals'],
    antiCorruptionUnitStaffChange: items['acu-staff-change'],
  }
}

function forceReportData(facts: ForceFacts) {
  const figures = Object.fromEntries(facts.figures.map((figure) => [figure.code, figure.value]))
  return {
    sources: forceSources(facts),
    force: escapeStrings({ ...facts.force, ...forceNameForms(facts.force.name) }),
    facts: escapeStrings(facts.pressRelease),
    inspection: escapeStrings(facts.inspection),
    figures,
    figureList: escapeStrings(facts.figures),
    areas: escapeStrings(groupedFindings(facts)),
    recommendations: escapeStrings(facts.recommendations),
    quote: escapeStrings(facts.quote),
  }
}

function nationalData(facts: NationalFacts) {
  const { inspection } = facts
  const comparison = (code: string, label: string) =>
    sources.comparison(inspection.id, code, `${label}: every force’s data return side by side`)
  return {
    inspection: escapeStrings(inspection),
    forceCount: facts.forces.length,
    forces: facts.forces.map((force) => ({
      ...escapeStrings(force.force),
      headline: force.pressRelease.headline,
      figures: Object.fromEntries(force.figures.map((figure) => [figure.code, figure.value])),
      sources: forceSources(force),
    })),
    headlines: escapeStrings(headlineDistribution(facts.forces)),
    judgementSource: sources.inspection(inspection.id, 'Every force’s headline judgement'),
    totals: figureTotals(facts.forces).map((total) => ({
      ...escapeStrings(total),
      source: comparison(total.code, total.label),
    })),
    recommendations: escapeStrings(recommendationProgressNationally(facts.forces)),
    recommendationSource: sources.nationalRecommendations(
      inspection.code,
      'Every force’s progress against the recommendations',
    ),
    // Sentences built from escaped names, with their figures already linked.
    narrative: nationalNarrative(facts),
  }
}

/** Compiled templates by source: the defaults and a few admins' edits are rendered for every force. */
const compiled = new Map<string, nunjucks.Template>()
function compile(source: string): nunjucks.Template {
  let template = compiled.get(source)
  if (!template) {
    template = nunjucks.compile(source, environment)
    if (compiled.size >= 20) compiled.delete(compiled.keys().next().value as string)
    compiled.set(source, template)
  }
  return template
}

function run(source: string, data: Record<string, unknown>): string {
  try {
    return tidy(compile(source).render(data))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new TemplateError(message.replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' '))
  }
}

/** The first heading of the Markdown, as the document's title. */
export function titleOf(markdown: string, fallback: string): string {
  const heading = /^#\s+(.+)$/m.exec(markdown)
  return heading ? (heading[1] as string).replace(/\\(.)/g, '$1').trim() : fallback
}

export type DocumentFacts = ForceFacts | NationalFacts

/** The Markdown of one document from its template source and its facts. */
export function renderMarkdown(kind: PublicationKind, source: string, facts: DocumentFacts): string {
  if (kind === 'national-review')
    return withSourcesAppendix(run(source, nationalData(facts as NationalFacts)))
  const force = facts as ForceFacts
  if (kind === 'force-report') return withSourcesAppendix(run(source, forceReportData(force)))
  return asTemplateError(() =>
    withSourcesAppendix(
      renderPressRelease(source, {
        ...pressReleaseContext(force),
        // Fieldwork findings are for the report: the release states the facts the inspectorate publishes.
        quote: force.quote,
      }),
    ),
  )
}

/**
 * The document in Welsh as well, for a Welsh force's press release (from the shipped Welsh template and
 * the same facts); null for every other document, published in English only.
 */
export function renderWelshMarkdown(kind: PublicationKind, facts: DocumentFacts): string | null {
  if (kind !== 'press-release') return null
  const force = facts as ForceFacts
  if (!hasWelshPressRelease(force.force.code)) return null
  return asTemplateError(() => withSourcesAppendix(renderWelshPressRelease(pressReleaseContext(force)), 'cy'))
}

/** What a force's release is written from, in either language. */
function pressReleaseContext(force: ForceFacts) {
  return {
    facts: force.pressRelease,
    force: { code: force.force.code, name: force.force.name },
    hmiHonours: force.hmiHonours ?? null,
    settings: force.notesToEditors && {
      ...DEFAULT_PRESS_RELEASE_SETTINGS,
      notesToEditors: force.notesToEditors,
    },
    sources: pressReleaseSources(force),
  }
}

/** The press office's template error as the publication's. */
function asTemplateError(render: () => string): string {
  try {
    return render()
  } catch (error) {
    if (error instanceof ValidationError)
      throw new TemplateError(
        Object.values(error.fieldErrors)
          .join('; ')
          .replace(/^.*?error: /, ''),
      )
    throw error
  }
}

export function contentHash(markdown: string): string {
  return createHash('sha256').update(markdown, 'utf8').digest('hex')
}

// ---------------------------------------------------------------------------------------------------
// Markdown → HTML (GOV.UK classes) and plain text

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  )
}

const HEADING_CLASSES: Record<number, string> = {
  1: 'govuk-heading-xl',
  2: 'govuk-heading-l',
  3: 'govuk-heading-m',
}

function markedFor(charts: Record<string, string>): Marked {
  return new Marked({
    gfm: true,
    renderer: {
      // Raw HTML in a template is shown as text, never run.
      html({ text }) {
        return escapeHtml(text)
      },
      heading({ tokens, depth }) {
        return `<h${depth} class="${HEADING_CLASSES[depth] ?? 'govuk-heading-s'}">${this.parser.parseInline(tokens)}</h${depth}>\n`
      },
      paragraph({ tokens, text }) {
        const chart = /^\[\[chart:([\w:-]+)\]\]$/.exec(text.trim())
        if (chart) return `${charts[chart[1] as string] ?? ''}\n`
        return `<p class="govuk-body">${this.parser.parseInline(tokens)}</p>\n`
      },
      list(token: Tokens.List) {
        const items = token.items.map((item) => `<li>${this.parser.parse(item.tokens)}</li>`).join('\n')
        const tag = token.ordered ? 'ol' : 'ul'
        const kind = token.ordered ? 'number' : 'bullet'
        return `<${tag} class="govuk-list govuk-list--${kind}">\n${items}\n</${tag}>\n`
      },
      blockquote({ tokens }) {
        return `<blockquote class="govuk-inset-text">${this.parser.parse(tokens)}</blockquote>\n`
      },
      link({ href, tokens }) {
        const text = this.parser.parseInline(tokens)
        if (!/^(https?:\/\/|\/|#)/i.test(href)) return text
        return `<a class="govuk-link" href="${escapeHtml(href)}">${text}</a>`
      },
      image({ text }) {
        return escapeHtml(text)
      },
      table(token: Tokens.Table) {
        const head = token.header
          .map(
            (cell, index) =>
              `<th scope="col" class="govuk-table__header${token.align[index] === 'right' ? ' govuk-table__header--numeric' : ''}">${this.parser.parseInline(cell.tokens)}</th>`,
          )
          .join('')
        const rows = token.rows
          .map(
            (row) =>
              `<tr class="govuk-table__row">${row
                .map(
                  (cell, index) =>
                    `<td class="govuk-table__cell${token.align[index] === 'right' ? ' govuk-table__cell--numeric' : ''}">${this.parser.parseInline(cell.tokens)}</td>`,
                )
                .join('')}</tr>`,
          )
          .join('\n')
        // A wide table scrolls in its own labelled box on a narrow screen (src/web/public/application.css).
        const label = escapeHtml(`Table: ${token.header.map((cell) => cell.text).join(', ')}`)
        return `<div class="app-table-scroll" role="region" aria-label="${label}" tabindex="0"><table class="govuk-table"><thead class="govuk-table__head"><tr class="govuk-table__row">${head}</tr></thead><tbody class="govuk-table__body">${rows}</tbody></table></div>\n`
      },
    },
  })
}

/** The charts a national review may place with `[[chart:NAME]]` on a line of its own. */
export function chartsFor(
  kind: PublicationKind,
  facts: DocumentFacts,
  options: { sourceLinks: boolean } = { sourceLinks: true },
): Record<string, string> {
  if (kind !== 'national-review') return {}
  const national = facts as NationalFacts
  const charts: Record<string, string> = {
    headlines: chartWithTable(
      'Forces by headline judgement',
      ['Headline judgement', 'Forces'],
      headlineDistribution(national.forces).map((row) => ({
        label: capitalise(row.headline),
        value: row.count,
        href: options.sourceLinks ? sources.inspection(national.inspection.id, '').href : undefined,
      })),
    ),
  }
  for (const total of figureTotals(national.forces)) {
    charts[`figure:${total.code}`] = chartWithTable(
      `${total.label} by force`,
      ['Force', total.label],
      national.forces.flatMap((force) => {
        const value = force.figures.find((figure) => figure.code === total.code)?.value ?? null
        if (value === null) return []
        const { href } = sources.returnItem(national.inspection.id, force.force.code, total.code, '')
        return [{ label: force.force.name, value, href: options.sourceLinks ? href : undefined }]
      }),
    )
  }
  return charts
}

/** The document as an HTML fragment with GOV.UK Frontend classes; charts drawn from its facts. */
export function markdownToHtml(markdown: string, charts: Record<string, string> = {}): string {
  return markedFor(charts).parse(markdown, { async: false }) as string
}

/** The document as plain text (press releases are sent by email as text). */
export function markdownAsText(markdown: string): string {
  return markdownToText(withoutLinks(markdown.replace(/^\[\[chart:[\w:-]+\]\]$/gm, '')))
}

const PRINT_CSS = fs.readFileSync(new URL('./assets/publication.css', import.meta.url), 'utf8')

/**
 * A whole HTML document for download and for printing to PDF: GOV.UK Frontend's stylesheet (inlined,
 * so the file stands alone) and our print rules, with the content hash in the footer, in the
 * document's language.
 */
export function standaloneHtml(input: {
  title: string
  body: string
  hash: string
  version: number
  status: PublicationStatus
  publishedAt: Date | null
  govukCss: string
  language?: Language
}): string {
  const language = input.language ?? 'en'
  // The English status as it always read ("Draft (not published)"); the Welsh from the catalogue.
  const status =
    language === 'en' ? capitalise(input.status) : translate(language, `publication.status.${input.status}`)
  const footer = {
    version: translate(language, 'publication.document.version', { version: input.version }),
    when: input.publishedAt
      ? translate(language, 'publication.document.published', {
          when: londonDateTime(language).format(input.publishedAt),
        })
      : translate(language, 'publication.document.notPublished', { status }),
    hash: translate(language, 'publication.document.hash'),
  }
  return `<!DOCTYPE html>
<html lang="${language === 'en' ? 'en-GB' : language}" class="govuk-template govuk-template--rebranded">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<style>${input.govukCss}</style>
<style>${PRINT_CSS}</style>
</head>
<body class="govuk-template__body govuk-frontend-supported">
<main class="govuk-main-wrapper govuk-width-container probity-document" id="main-content">
${input.body}
<footer class="probity-document__footer govuk-body-s">
<p>${escapeHtml(footer.version)} ${escapeHtml(footer.when)}.</p>
<p>${escapeHtml(footer.hash)} <code>${escapeHtml(input.hash)}</code></p>
</footer>
</main>
</body>
</html>
`
}

/** A moment as the footer of a document gives it, in London time. */
function londonDateTime(language: Language): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/London',
  })
}

export const PUBLICATION_CSS = PRINT_CSS
