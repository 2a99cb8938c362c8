import fs from 'node:fs'
import path from 'node:path'
import { govukFrontendDist } from '../../web/views.js'
import type { VersionView } from './present.js'
import { chartsFor, markdownAsText, markdownToHtml, standaloneHtml } from './render.js'
import { withoutSources } from './sources.js'

let govukCss: string | undefined
function govukStylesheet(): string {
  govukCss ??= fs.readFileSync(path.join(govukFrontendDist, 'govuk', 'govuk-frontend.min.css'), 'utf8')
  return govukCss
}

/**
 * The body of a version's page: its Markdown as GOV.UK HTML, with the national review's charts. Its
 * figures link to the inspectorate's own pages (returns, the comparison, research); for a reader who
 * cannot open those (a force, the public) the figures are shown without their links or the appendix
 * that lists them.
 */
export function versionHtml(
  version: VersionView,
  options: { sourceLinks: boolean } = { sourceLinks: true },
): string {
  const content = options.sourceLinks ? version.content : withoutSources(version.content)
  return markdownToHtml(content, chartsFor(version.kind, version.facts, options))
}

/** The version as one HTML file that stands alone (download, and the source of its PDF). */
export function versionDocument(
  version: VersionView,
  options: { sourceLinks: boolean } = { sourceLinks: true },
): string {
  return standaloneHtml({
    title: version.title,
    body: versionHtml(version, options),
    hash: version.contentHash,
    version: version.version,
    status: version.status,
    publishedAt: version.publishedAt,
    govukCss: govukStylesheet(),
    language: version.language,
  })
}

export function versionText(version: VersionView): string {
  return markdownAsText(version.content)
}

/** A file name for a version's download: `cheshire-press-release-v1.pdf`, `gwent-press-release-v1.cy.pdf` in Welsh. */
export function fileName(version: VersionView, extension: string): string {
  const language = version.language === 'en' ? '' : `.${version.language}`
  return `${version.force?.code ?? 'national'}-${version.kind}-v${version.version}${language}.${extension}`
}
