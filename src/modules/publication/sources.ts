/**
 * A figure with its source: every number a report or review states links to the page that lists the
 * records or the return item it counts, so a reader can trace it back. In the Markdown a figure is an
 * inline link (`[40 applications](/inspections/…#item-second-job-applications "…")`); the "Sources"
 * appendix is built from those links after the template has run, so it covers every figure by
 * construction, whatever an administrator's template states.
 */

/** Where a figure comes from: a page of Probity (site-relative) and what it is, in words. */
export interface Source {
  href: string
  title: string
}

function escapeTitle(title: string): string {
  return title.replace(/[\\"]/g, (character) => `\\${character}`).replace(/\s+/g, ' ')
}

/** The figure's words as a Markdown link to its source (the words as given when there is none). */
export function sourced(text: string, source: Source | null | undefined): string {
  if (!source?.href) return text
  return `[${text}](${source.href} "${escapeTitle(source.title)}")`
}

/** The pages figures come from, by what they count. */
export const sources = {
  /** One force's data-return item: the return shows the value, how it was computed and from what. */
  returnItem(inspectionId: string, forceCode: string, itemCode: string, title: string): Source {
    return {
      href: `/inspections/${inspectionId}/forces/${forceCode}/data-return#item-${itemCode}`,
      title,
    }
  },
  /** Every force's value of one item side by side: what a national total or rate is summed from. */
  comparison(inspectionId: string, itemCode: string, title: string): Source {
    return { href: `/inspections/${inspectionId}/comparison?item=${encodeURIComponent(itemCode)}`, title }
  },
  /** The inspection's forces, their self-assessments and headline judgements. */
  inspection(inspectionId: string, title: string): Source {
    return { href: `/inspections/${inspectionId}`, title }
  },
  /** One force's self-assessment against the inspection's checklist, and its sign-off. */
  selfAssessment(inspectionId: string, forceCode: string, title: string): Source {
    return { href: `/inspections/${inspectionId}/forces/${forceCode}/self-assessment`, title }
  },
  /** One force's evidence, findings and headline judgement. */
  fieldwork(inspectionId: string, forceCode: string, title: string): Source {
    return { href: `/inspections/${inspectionId}/forces/${forceCode}/fieldwork`, title }
  },
  /** One force's progress against the recommendations. */
  forceRecommendations(inspectionId: string, forceCode: string, title: string): Source {
    return { href: `/inspections/${inspectionId}/forces/${forceCode}/recommendations`, title }
  },
  /** Every force's progress against the recommendations of an inspection. */
  nationalRecommendations(inspectionCode: string, title: string): Source {
    return { href: `/recommendations?inspection=${encodeURIComponent(inspectionCode)}`, title }
  },
  /** A public-opinion survey's results, wave by wave. */
  survey(surveyCode: string, title: string): Source {
    return { href: `/surveys/${encodeURIComponent(surveyCode)}/results`, title }
  },
  /** A desk-research exercise's summary figures. */
  research(exerciseCode: string, title: string): Source {
    return { href: `/api/research/${encodeURIComponent(exerciseCode)}/summary`, title }
  },
}

/** `[text](href "title")` with escapes inside the text and the title; relative and absolute pages. */
const LINK = /\[((?:\\.|[^\]\\])+)\]\(([^()\s]+)(?: "((?:\\.|[^"\\])*)")?\)/g

export interface FigureLink {
  text: string
  href: string
  title: string
}

/** The links of a Markdown text in order: a figure's words, where they point and what that is. */
export function linksIn(markdown: string): FigureLink[] {
  return [...markdown.matchAll(LINK)].map((match) => ({
    text: match[1] as string,
    href: match[2] as string,
    title: (match[3] ?? '').replace(/\\(.)/g, '$1'),
  }))
}

/** Links replaced by their words, for the plain-text rendering. */
export function withoutLinks(markdown: string): string {
  return markdown.replace(LINK, (_match, text: string) => text)
}

export const SOURCES_HEADING = 'Sources'
/** The appendix's heading and lead in a Welsh document (the pages' titles are the inspectorate's, in English). */
const APPENDIX = {
  en: {
    heading: SOURCES_HEADING,
    lead: 'Each figure above links to the records or the return item it counts:',
  },
  cy: {
    heading: 'Ffynonellau',
    lead: 'Mae pob ffigur uchod yn cysylltu â’r cofnodion neu’r eitem yn y ffurflen ddata y mae’n ei chyfrif:',
  },
}

/**
 * The Markdown with a "Sources" appendix listing, for each page a figure links to, the page and the
 * figures that link to it. Nothing is added when the document links no figure.
 */
export function withSourcesAppendix(markdown: string, language: 'en' | 'cy' = 'en'): string {
  const byHref = new Map<string, { title: string; texts: string[] }>()
  for (const link of linksIn(markdown)) {
    const entry = byHref.get(link.href) ?? { title: link.title || link.href, texts: [] }
    if (!entry.texts.includes(link.text)) entry.texts.push(link.text)
    byHref.set(link.href, entry)
  }
  if (!byHref.size) return markdown
  const lines = [...byHref].map(
    ([href, entry]) =>
      `- [${entry.title.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`)}](${href}): ${entry.texts.join('; ')}`,
  )
  const { heading, lead } = APPENDIX[language]
  return `${markdown.trimEnd()}\n\n## ${heading}\n\n${lead}\n\n${lines.join('\n')}\n`
}

/**
 * The document as a reader who cannot open the sources (a force, the public) has it: the figures
 * without their links, and without the Sources appendix that lists them.
 */
export function withoutSources(markdown: string): string {
  const appendix = Math.max(
    ...Object.values(APPENDIX).map(({ heading }) => markdown.lastIndexOf(`\n## ${heading}\n`)),
  )
  const body = appendix === -1 ? markdown : `${markdown.slice(0, appendix).trimEnd()}\n`
  return withoutLinks(body)
}
