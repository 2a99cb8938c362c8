import fs from 'node:fs'
import nunjucks from 'nunjucks'
import { ValidationError } from '../../domain/errors.js'
import {
  type CountStyle,
  capitalise,
  changeBy,
  countOf,
  ofWhich,
  pressNumber,
  verbFor,
} from '../../domain/number-words.js'
import {
  type ForceNaming,
  orderedFacts,
  type PressReleaseFacts,
  type PressReleaseField,
} from '../../domain/press-release-facts.js'
import { type Source, sourced } from '../publication/sources.js'
import { escapeMarkdown, markdownToHtml, markdownToText } from './markdown.js'
import { formatPeriod } from './periods.js'
import { DEFAULT_PRESS_RELEASE_SETTINGS, type PressReleaseSettings, quoteFor } from './settings.js'
import {
  createWelshEnvironment,
  inWelsh,
  welshForceName,
  welshProgress,
  welshQuoteFor,
  welshRegion,
} from './welsh.js'

/** The default template, shipped with the code; an inspectorate admin edits a copy kept in the database. */
export const DEFAULT_PRESS_RELEASE_TEMPLATE = new URL('./templates/press-release.md.njk', import.meta.url)

/** The source of the default press release template. */
export function defaultPressReleaseTemplate(): string {
  return fs.readFileSync(DEFAULT_PRESS_RELEASE_TEMPLATE, 'utf8')
}

/** The Welsh template, for a Welsh force's release in Welsh: shipped with the code, not edited as data. */
const WELSH_PRESS_RELEASE_TEMPLATE = new URL('./templates/press-release.cy.md.njk', import.meta.url)
let welshTemplate: string | undefined
function welshPressReleaseTemplate(): string {
  welshTemplate ??= fs.readFileSync(WELSH_PRESS_RELEASE_TEMPLATE, 'utf8')
  return welshTemplate
}

export const PRESS_RELEASE_FORMATS = ['markdown', 'text', 'html'] as const
export type PressReleaseFormat = (typeof PRESS_RELEASE_FORMATS)[number]

/** What a press release is written from. Strings are plain text: the renderer escapes them for Markdown. */
export interface PressReleaseContext {
  facts: PressReleaseFacts
  /** The force as the reference list (or forces table) names it, e.g. "Cheshire Constabulary". */
  force: ForceNaming
  /** Extra findings the press office adds, in order, stated after the facts. */
  findings?: readonly string[]
  /** The HMI's honours as the release names them after their name ("QPM"), when recorded. */
  hmiHonours?: string | null
  /** The inspector's quote, one paragraph per item; by default built from the facts and the national finding. */
  quote?: readonly string[]
  reportUrl?: string | null
  /** The inspection's settings (national finding, notes to editors); the 2012 defaults when not given. */
  settings?: PressReleaseSettings
  /**
   * Where each stated fact is counted from (a published document's figures link to them); none for the
   * press office's preview. Keyed by the fact, with `mediaContinuing` and `secondJobApprovals` for the parts.
   */
  sources?: PressReleaseSources
}

export type PressReleaseSources = Partial<
  Record<PressReleaseField | 'mediaContinuing' | 'secondJobApprovals', Source>
>

/** Forces whose name takes "the" in running text. */
const NAMED_WITH_THE = /^(Metropolitan|British Transport|City of London) /

/** The force's name as a sentence subject and inside a sentence: "The Metropolitan Police Service". */
export function forceNameForms(name: string): { subject: string; inText: string } {
  const bare = name.replace(/^the\s+/i, '')
  if (!NAMED_WITH_THE.test(bare)) return { subject: bare, inText: bare }
  return { subject: `The ${bare}`, inText: `the ${bare}` }
}

/** A template that cannot be compiled or rendered: the message says where. */
export class PressReleaseTemplateError extends ValidationError {
  constructor(message: string) {
    super({ template: `The press release template has an error: ${message}` })
  }
}

/** Nunjucks passes keyword arguments as a last object marked __keywords. */
function keywords(args: unknown[]): Record<string, unknown> {
  const last = args.at(-1)
  if (last && typeof last === 'object' && '__keywords' in last) return last as Record<string, unknown>
  return {}
}

function asCount(value: unknown, filter: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new Error(`the ${filter} filter needs a whole number, got ${JSON.stringify(value)}`)
  }
  return value
}

/**
 * A Nunjucks environment with the press office's filters (number, count, verb, ofWhich, changeBy,
 * period, capitalise): every published document words its figures through these.
 */
export function createPressOfficeEnvironment(): nunjucks.Environment {
  // Markdown, not HTML: values are escaped for Markdown before rendering, so no HTML autoescape.
  const environment = new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: false,
    trimBlocks: false,
    lstripBlocks: false,
  })
  environment.addFilter('number', (value: unknown, ...args: unknown[]) =>
    pressNumber(asCount(value, 'number'), { start: Boolean(keywords(args).start) }),
  )
  environment.addFilter('count', (value: unknown, singular: unknown, ...args: unknown[]) => {
    const options = keywords(args)
    const style: CountStyle = { start: Boolean(options.start) }
    if (typeof options.zero === 'string') style.zero = options.zero
    if (typeof options.plural === 'string') style.plural = options.plural
    return countOf(asCount(value, 'count'), String(singular), style)
  })
  environment.addFilter('verb', (value: unknown, singular?: unknown, plural?: unknown) =>
    verbFor(
      asCount(value, 'verb'),
      typeof singular === 'string' ? singular : 'was',
      typeof plural === 'string' ? plural : 'were',
    ),
  )
  environment.addFilter('ofWhich', (value: unknown, whole: unknown, predicate: unknown) =>
    ofWhich(asCount(value, 'ofWhich'), asCount(whole, 'ofWhich'), String(predicate)),
  )
  environment.addFilter('changeBy', (value: unknown, singular?: unknown, plural?: unknown) =>
    changeBy(
      asCount(value, 'changeBy'),
      typeof singular === 'string' ? singular : undefined,
      typeof plural === 'string' ? plural : undefined,
    ),
  )
  environment.addFilter('period', (value: unknown) =>
    value && typeof value === 'object' ? formatPeriod(value as PressReleaseFacts['period'] & object) : '',
  )
  environment.addFilter('capitalise', (value: unknown) => capitalise(String(value ?? '')))
  // A figure's words linked to where it is counted from: `{{ n | count('case') | source(sources.x) }}`;
  // the words alone when there is no source.
  environment.addFilter('source', (text: unknown, source: unknown) =>
    sourced(String(text ?? ''), source as Source | undefined),
  )
  return environment
}

const environments = { en: createPressOfficeEnvironment(), cy: createWelshEnvironment() }

/** Compiled templates by language and source: the defaults and a few admins' copies are rendered again and again. */
const compiled = new Map<string, nunjucks.Template>()
function compile(source: string, language: 'en' | 'cy'): nunjucks.Template {
  const key = `${language}:${source}`
  let template = compiled.get(key)
  if (!template) {
    template = nunjucks.compile(source, environments[language])
    if (compiled.size >= 20) compiled.delete(compiled.keys().next().value as string)
    compiled.set(key, template)
  }
  return template
}

/** Every string escaped for Markdown, so names and findings print as written. */
function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeMarkdown(value) as T
  if (Array.isArray(value)) return value.map(escapeStrings) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeStrings(inner)])) as T
  }
  return value
}

/** Tidies the template's output: no trailing spaces, at most one blank line between blocks. */
function tidy(markdown: string): string {
  return `${markdown
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`
}

/** Renders the press release from a template source (the default or an admin's copy) in one format. */
export function renderPressRelease(
  templateSource: string,
  context: PressReleaseContext,
  format: PressReleaseFormat = 'markdown',
): string {
  const names = forceNameForms(context.force.name)
  const settings = context.settings ?? DEFAULT_PRESS_RELEASE_SETTINGS
  const quote = context.quote ?? quoteFor(context.facts, names.subject, settings.nationalFinding)
  return run(templateSource, 'en', format, {
    ...commonData(context),
    force: escapeStrings({ code: context.force.code, name: context.force.name, ...names }),
    quote: escapeStrings(quote.filter((paragraph) => paragraph.trim() !== '')),
    // The inspectorate writes its notes in Markdown (the titles of reports in italics).
    notes: settings.notesToEditors.filter((note) => note.trim() !== ''),
  })
}

/**
 * A Welsh force's press release in Welsh, from the shipped Welsh template: the same facts as the English
 * one, the force's names, the quote and the notes in Welsh (notes and national finding an administrator
 * has reworded have no Welsh in the catalogue and stay as written).
 */
export function renderWelshPressRelease(
  context: Omit<PressReleaseContext, 'quote'>,
  format: PressReleaseFormat = 'markdown',
): string {
  const name = welshForceName(context.force.code, context.force.name)
  const settings = context.settings ?? DEFAULT_PRESS_RELEASE_SETTINGS
  const quote = welshQuoteFor(context.facts, name, settings.nationalFinding)
  return run(welshPressReleaseTemplate(), 'cy', format, {
    ...commonData(context),
    force: escapeStrings({ code: context.force.code, name, subject: name, inText: name }),
    progress: context.facts.headline ? welshProgress(context.facts.headline) : null,
    region: context.facts.hmiRegion ? escapeMarkdown(welshRegion(context.facts.hmiRegion) ?? '') : null,
    quote: escapeStrings(quote.filter((paragraph) => paragraph.trim() !== '')),
    notes: inWelsh(settings.notesToEditors.filter((note) => note.trim() !== '')),
  })
}

/** What both languages' templates are given alike. */
function commonData(context: Omit<PressReleaseContext, 'quote'>) {
  const hmi = context.facts.hmi && [context.facts.hmi, context.hmiHonours?.trim()].filter(Boolean).join(' ')
  return {
    facts: escapeStrings(orderedFacts(context.facts)),
    findings: escapeStrings([...(context.findings ?? [])].filter((finding) => finding.trim() !== '')),
    hmi: hmi ? escapeMarkdown(hmi) : null,
    // A URL is printed as written: escaping would put backslashes into it.
    reportUrl: context.reportUrl?.trim() || null,
    sources: context.sources ?? {},
  }
}

function run(
  templateSource: string,
  language: 'en' | 'cy',
  format: PressReleaseFormat,
  data: Record<string, unknown>,
): string {
  let markdown: string
  try {
    markdown = tidy(compile(templateSource, language).render(data))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new PressReleaseTemplateError(message.replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' '))
  }
  if (format === 'text') return markdownToText(markdown)
  if (format === 'html') return markdownToHtml(markdown)
  return markdown
}

/** Problems with a template source (an admin's edit), found by rendering it for sample facts; [] when fine. */
export function checkPressReleaseTemplate(templateSource: string): string[] {
  const force = { code: 'cheshire', name: 'Cheshire Constabulary' }
  const sample: PressReleaseFacts = {
    force: force.name,
    forceCode: force.code,
    headline: 'some improvements',
    hmi: 'Roger Baker',
    hmiRegion: 'Northern Region',
    period: { from: '2011-09-01', to: '2012-05-31' },
    integrityHealthCheck: true,
    mediaDisclosureInvestigations: { total: 15, continuing: 3 },
    socialMediaCasesReferred: 5,
    secondJobApplications: { applications: 76, approved: 72 },
    antiCorruptionUnitStaffChange: -2,
    counterCorruptionPlan: true,
    policiesReviewed: true,
    staffToldOfPolicyChanges: false,
    mediaPolicyInLineWithGuidance: true,
    informationSecurityChecks: true,
    socialMediaPolicy: true,
  }
  try {
    renderPressRelease(templateSource, {
      facts: sample,
      force,
      findings: ['A finding.'],
    })
    return []
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)]
  }
}
