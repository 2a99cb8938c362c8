import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import { splitSentences } from './document.js'
import { markdownToHtml, markdownToText } from './markdown.js'
import {
  checkPressReleaseTemplate,
  defaultPressReleaseTemplate,
  forceNameForms,
  PressReleaseTemplateError,
  renderPressRelease,
} from './renderer.js'

const template = defaultPressReleaseTemplate()
const force = { code: 'greater-manchester', name: 'Greater Manchester Police' }
const facts: PressReleaseFacts = {
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
  antiCorruptionUnitStaffChange: 0,
  counterCorruptionPlan: true,
}
const text = (overrides: Partial<PressReleaseFacts>, extra: object = {}) =>
  renderPressRelease(template, { facts: { ...facts, ...overrides }, force, ...extra }, 'text')

describe('the press release renderer', () => {
  it('states every fact, in press style', () => {
    const release = text({})
    expect(release.split('\n')[0]).toBe(
      'Greater Manchester Police has made some improvements in managing integrity risks, inspectors report',
    )
    for (const phrase of [
      'between September 2011 and May 2012',
      'Greater Manchester Police has carried out its own integrity health check',
      'drawn up a counter-corruption plan',
      'investigated 15 cases of information being disclosed inappropriately to the media, three of which were still open',
      'Five cases of possibly inappropriate behaviour on social media',
      'were found by research commissioned by HMIC and have been referred to the force',
      'made 76 applications for permission to take on a second job, 72 of which were approved',
      'anti-corruption unit shows no change since the 2011 inspection',
      'The inspection was led by Roger Baker, HM Inspector of Constabulary for the Northern Region.',
      'Notes to editors',
    ]) {
      expect(release).toContain(phrase)
    }
  })

  it('words zero, one and changes by the context', () => {
    expect(text({ mediaDisclosureInvestigations: { total: 0, continuing: 0 } })).toContain(
      'The force did not investigate any cases of information being disclosed inappropriately to the media.',
    )
    expect(text({ mediaDisclosureInvestigations: { total: 1, continuing: 1 } })).toContain(
      'investigated one case of information being disclosed inappropriately to the media, which was still open',
    )
    expect(text({ mediaDisclosureInvestigations: { total: 1, continuing: 0 } })).toContain(
      ', which had been closed by the time of the inspection.',
    )
    expect(text({ socialMediaCasesReferred: 1 })).toContain('- One case of possibly inappropriate behaviour')
    expect(text({ socialMediaCasesReferred: 1 })).toContain(
      'was found by research commissioned by HMIC and has been',
    )
    expect(text({ socialMediaCasesReferred: 0 })).toContain('Research commissioned by HMIC found no cases')
    expect(text({ socialMediaCasesReferred: 230 })).toContain('- A total of 230 cases of possibly')
    expect(text({ secondJobApplications: { applications: 40, approved: 40 } })).toContain('40 applications')
    expect(text({ secondJobApplications: { applications: 40, approved: 40 } })).toContain(
      'all of which were approved',
    )
    expect(text({ secondJobApplications: { applications: 0, approved: 0 } })).toContain(
      'The force received no applications from officers or staff to take on a second job.',
    )
    expect(text({ antiCorruptionUnitStaffChange: 3 })).toContain('has increased by three members of staff')
    expect(text({ antiCorruptionUnitStaffChange: -1 })).toContain('has reduced by one member of staff')
    expect(text({ integrityHealthCheck: false, counterCorruptionPlan: false })).toMatch(
      /has not carried out an integrity health check[\s\S]*does not yet have a counter-corruption plan/,
    )
  })

  it('leaves out what is not known', () => {
    const release = text({
      headline: null,
      hmi: null,
      hmiRegion: null,
      period: null,
      integrityHealthCheck: null,
      mediaDisclosureInvestigations: null,
      socialMediaCasesReferred: null,
      secondJobApplications: null,
      antiCorruptionUnitStaffChange: null,
      counterCorruptionPlan: undefined,
    })
    expect(release.split('\n')[0]).toBe(
      'Inspectors report on how Greater Manchester Police manages integrity risks',
    )
    for (const absent of [
      'health check',
      'counter-corruption plan',
      'investigated',
      'applications',
      'anti-corruption unit',
      'Inspector of Constabulary',
      'figures',
    ]) {
      expect(release).not.toContain(absent)
    }
  })

  it('writes its own sentences, not those of the 2012 press releases', () => {
    const release = text({}, { quote: ['A quote.'] })
    const ours = new Set(
      release
        .split('\n')
        .flatMap((line) =>
          splitSentences(line).map(([from, to]) => line.slice(from, to).replace(/^- /, '').trim()),
        ),
    )
    for (const file of fs.readdirSync(PRESS_RELEASE_FIXTURES).filter((name) => name.endsWith('.txt'))) {
      const original = fs
        .readFileSync(path.join(PRESS_RELEASE_FIXTURES, file), 'utf8')
        .replace(/[“”]/g, '"')
        .replace(/’/g, "'")
      for (const line of original.split('\n')) {
        for (const [from, to] of splitSentences(line.replace(/^- /, ''))) {
          const sentence = line.replace(/^- /, '').slice(from, to).trim()
          if (sentence.split(' ').length >= 6) expect(ours.has(sentence), sentence).toBe(false)
        }
      }
    }
  })

  it('puts the force first with "the" where its name takes it', () => {
    expect(forceNameForms('Metropolitan Police Service')).toEqual({
      subject: 'The Metropolitan Police Service',
      inText: 'the Metropolitan Police Service',
    })
    expect(forceNameForms('Cheshire Constabulary')).toEqual({
      subject: 'Cheshire Constabulary',
      inText: 'Cheshire Constabulary',
    })
    const met = renderPressRelease(template, {
      facts: { ...facts, force: 'Metropolitan Police Service', forceCode: 'metropolitan' },
      force: { code: 'metropolitan', name: 'Metropolitan Police Service' },
    })
    expect(met).toMatch(/^# The Metropolitan Police Service has made some improvements/)
    expect(met).toContain('when it returned to the Metropolitan Police Service in 2012')
  })

  it("prints the inspectors' findings, the quote and notes as written, in every format", () => {
    const context = {
      facts,
      force,
      findings: ['Staff use *Twitter* & <b>Facebook</b> [well]', '1. Not a list'],
      quote: ['We found progress.', 'We will return.'],
      reportUrl: 'https://example.org/report_2012',
      notes: ['Contact the press office.'],
    }
    const markdown = renderPressRelease(template, context, 'markdown')
    expect(markdown).toContain('- Staff use \\*Twitter\\* & \\<b\\>Facebook\\</b\\> \\[well\\]')
    expect(markdown).toContain('- 1\\. Not a list')
    expect(markdown).toContain(
      'Roger Baker, HM Inspector of Constabulary for the Northern Region, said:\n\n> “We found progress.\n\n> “We will return.”',
    )
    expect(markdown).toContain('https://example.org/report_2012')
    expect(markdown).toContain('4. Contact the press office.')
    const plain = renderPressRelease(template, context, 'text')
    expect(plain).toContain('- Staff use *Twitter* & <b>Facebook</b> [well]')
    expect(plain).toContain('- 1. Not a list')
    const html = renderPressRelease(template, context, 'html')
    expect(html).toContain('<li>Staff use *Twitter* &amp; &lt;b&gt;Facebook&lt;/b&gt; [well]</li>')
    expect(html).toContain(
      '<blockquote class="govuk-inset-text"><p class="govuk-body">“We found progress.</p></blockquote>',
    )
    expect(html).toContain('<em>Revisiting Police Relationships</em>')
    expect(html).not.toContain('<b>')
  })

  it('renders any template given as a string, and reports a broken one clearly', () => {
    expect(
      renderPressRelease('{{ facts.mediaDisclosureInvestigations.continuing | ofWhich(15, "continuing") }}', {
        facts,
        force,
      }),
    ).toBe('three of which were continuing\n')
    expect(() => renderPressRelease('{% if %}', { facts, force })).toThrow(PressReleaseTemplateError)
    expect(() => renderPressRelease('{{ facts.hmi | count("case") }}', { facts, force })).toThrow(
      /The press release template has an error: .*the count filter needs a whole number, got "Roger Baker"/,
    )
    expect(checkPressReleaseTemplate(template)).toEqual([])
    expect(checkPressReleaseTemplate('{% for x in %}')).toHaveLength(1)
  })
})

describe('Markdown conversion', () => {
  it('turns headings, lists, quotes and emphasis into text and HTML', () => {
    const markdown = '# Title\n\nA *b* and **c** \\* d.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n'
    expect(markdownToText(markdown)).toBe(
      'Title\n\nA b and c * d.\n\n- one\n- two\n\n1. first\n2. second\n\nquoted\n',
    )
    expect(markdownToHtml(markdown)).toBe(
      [
        '<h1 class="govuk-heading-l">Title</h1>',
        '<p class="govuk-body">A <em>b</em> and <strong>c</strong> * d.</p>',
        '<ul class="govuk-list govuk-list--bullet">\n  <li>one</li>\n  <li>two</li>\n</ul>',
        '<ol class="govuk-list govuk-list--number">\n  <li>first</li>\n  <li>second</li>\n</ol>',
        '<blockquote class="govuk-inset-text"><p class="govuk-body">quoted</p></blockquote>',
        '',
      ].join('\n'),
    )
  })
})
