import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import { STATEMENT_ITEMS } from '../../domain/inspections.js'
import { OPTIONAL_STATEMENTS, type PressReleaseFacts } from '../../domain/press-release-facts.js'
import { extractPressRelease } from '../press-releases/extractor.js'
import { shippedForces } from '../press-releases/forces.js'
import { factsArbitrary, forceArbitrary } from '../press-releases/test-support.js'
import { defaultTemplate, markdownAsText, renderMarkdown } from './render.js'
import { linksIn, SOURCES_HEADING, withoutLinks } from './sources.js'
import { forceFactsFor, SAMPLE_INSPECTION } from './test-support.js'

/** A published press release's figures link to what they count, as reports and the review do. */

const template = defaultTemplate('press-release')
const forces = shippedForces()
const fixture = (name: string): PressReleaseFacts =>
  JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${name}.json`), 'utf8'))

const itemHref = (forceCode: string, item: string) =>
  `/inspections/${SAMPLE_INSPECTION.id}/forces/${forceCode}/data-return#item-${item}`

describe('a published press release’s sources', () => {
  it('links each figure and statement of the Cheshire release to its data-return item, and lists them in a Sources appendix', () => {
    const facts = fixture('cheshire')
    const markdown = renderMarkdown('press-release', template, forceFactsFor(facts))
    const links = linksIn(markdown.slice(0, markdown.indexOf(`## ${SOURCES_HEADING}`)))
    const hrefs = links.map((link) => link.href)
    const code = facts.forceCode
    for (const item of [
      'media-disclosure-investigations',
      'social-media-referrals',
      'second-job-applications',
      'second-job-approvals',
      'acu-staff-change',
      ...OPTIONAL_STATEMENTS.map((statement) => STATEMENT_ITEMS[statement]),
    ])
      expect(hrefs, item).toContain(itemHref(code, item))
    expect(hrefs).toContain(`/inspections/${SAMPLE_INSPECTION.id}/forces/${code}/self-assessment`)
    expect(links.find((link) => link.href === itemHref(code, 'second-job-applications'))?.text).toBe(
      `${facts.secondJobApplications?.applications} applications`,
    )
    const appendix = markdown.slice(markdown.indexOf(`## ${SOURCES_HEADING}`))
    expect(appendix).toContain(
      `- [Cheshire Constabulary’s data return: Second-job applications](${itemHref(code, 'second-job-applications')}): ${facts.secondJobApplications?.applications} applications`,
    )
    // The appendix comes after the notes to editors: the release itself ends as it did.
    expect(markdown.indexOf('## Notes to editors')).toBeLessThan(markdown.indexOf(`## ${SOURCES_HEADING}`))
  })

  it('links no fact that is not stated, and reads back to the same facts from its Markdown and its text', () => {
    fc.assert(
      fc.property(
        forceArbitrary.chain((force) => factsArbitrary(force)),
        (facts) => {
          const markdown = renderMarkdown('press-release', template, forceFactsFor(facts))
          const hrefs = new Set(linksIn(markdown).map((link) => link.href))
          const code = facts.forceCode
          expect(hrefs.has(itemHref(code, 'second-job-applications'))).toBe(
            facts.secondJobApplications !== null,
          )
          expect(hrefs.has(itemHref(code, 'acu-staff-change'))).toBe(
            facts.antiCorruptionUnitStaffChange !== null,
          )
          for (const statement of OPTIONAL_STATEMENTS)
            expect(hrefs.has(itemHref(code, STATEMENT_ITEMS[statement])), statement).toBe(
              facts[statement] !== undefined,
            )
          for (const text of [markdown, markdownAsText(markdown), withoutLinks(markdown)])
            expect(extractPressRelease(text, forces).facts).toEqual(facts)
        },
      ),
      { numRuns: 60 },
    )
  })
})
