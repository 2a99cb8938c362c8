import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import {
  emptyFacts,
  OPTIONAL_STATEMENTS,
  orderedFacts,
  PRESS_RELEASE_FIELDS,
  type PressReleaseFacts,
} from '../../domain/press-release-facts.js'
import { splitSentences } from './document.js'
import { extractPressRelease } from './extractor.js'
import { shippedForces } from './forces.js'
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
  policiesReviewed: true,
  staffToldOfPolicyChanges: false,
  mediaPolicyInLineWithGuidance: true,
  informationSecurityChecks: true,
  socialMediaPolicy: true,
}
const text = (overrides: Partial<PressReleaseFacts>, extra: object = {}) =>
  renderPressRelease(template, { facts: { ...facts, ...overrides }, force, ...extra }, 'text')

describe('the press release renderer', () => {
  it('is in the form of the 2012 releases: headline, context, findings in order, quote, notes', () => {
    const release = text({}, { hmiHonours: 'QPM' })
    expect(release.split('\n')[0]).toBe(
      'Greater Manchester Police has made some improvements in the way it identifies, monitors and manages integrity issues',
    )
    // The context: the Home Secretary's request quoted, the 2011 finding and concerns, the 2012 revisit.
    for (const phrase of [
      'the Home Secretary asked',
      '"instances of undue influence, inappropriate contractual arrangements and other abuses of power in police relationships with the media and other parties"',
      'did not find evidence that corruption was endemic',
      'clean bill of health',
      'social media',
      'second jobs',
      'In 2012 HMIC went back to every force',
      'In Greater Manchester Police, the inspectors found:',
    ]) {
      expect(release).toContain(phrase)
    }
    // Every fact, as a bullet, in the fixed order.
    const bullets = release.split('\n').filter((line) => line.startsWith('- '))
    const order = [
      'own integrity health check',
      'counter-corruption plan',
      'reviewed its policies',
      'media policy is now in line with national guidance',
      'checks in place on information security',
      'Between September 2011 and May 2012, the force investigated 15 cases of information being disclosed inappropriately to the media, three of which were still open',
      'produced a policy and guidance on how officers and staff should behave on social networking sites',
      'Five cases of possibly inappropriate behaviour on social media',
      'Between September 2011 and May 2012, officers and staff made 76 applications for permission to take on a second job, 72 of which were approved',
      'no change in the number of anti-corruption unit staff since the 2011 inspection',
    ]
    expect(bullets).toHaveLength(order.length)
    for (const [index, phrase] of order.entries()) expect(bullets[index], phrase).toContain(phrase)
    expect(bullets[2]).toContain('needs to do more to make sure staff know about the changes')
    // The quote: judgement, main area for improvement, national finding; the HMI with honours.
    expect(release).toContain('Roger Baker QPM, HM Inspector of Constabulary for the Northern Region, said:')
    expect(release).toContain(
      '“Greater Manchester Police has made some improvements in the way it identifies, monitors and manages integrity issues since HMIC last looked at them in 2011. However, it still needs to do more to make sure its staff know about the changes it has made.',
    )
    expect(release).toContain('the police service is making progress')
    expect(release).toContain('we are concerned that the changes are not being made more quickly')
    // The six notes to editors.
    const notes = release.slice(release.indexOf('Notes to editors'))
    expect(notes.match(/^\d\. /gm)).toEqual(['1. ', '2. ', '3. ', '4. ', '5. ', '6. '])
    for (const phrase of [
      'Revisiting Police Relationships',
      'all 43 forces',
      'British Transport Police (BTP)',
      'National Policing Improvement Agency (NPIA)',
      'at its own request, the Police Service of Northern Ireland (PSNI)',
      'Telephone surveys',
      'criteria of 2011',
      'self-assessments by 44 forces',
      'July and August 2012',
      'repeated, and widened, its surveys',
      'independent inspectorate',
      '0203 513 0600 from 8:30am to 5:30pm, Monday to Friday',
      'out of hours',
      '07836 217 729',
    ]) {
      expect(notes).toContain(phrase)
    }
  })

  it('takes the national finding and the notes to editors from the settings given', () => {
    const release = text(
      {},
      { settings: { nationalFinding: ['Forces are slow.'], notesToEditors: ['One note.', 'Two notes.'] } },
    )
    expect(release).toContain('“Forces are slow.”')
    expect(release).toContain('1. One note.\n2. Two notes.\n')
    expect(release).not.toContain('3. ')
  })

  it('words zero, one and changes by the context', () => {
    expect(text({ mediaDisclosureInvestigations: { total: 0, continuing: 0 } })).toContain(
      'Between September 2011 and May 2012, the force did not investigate any cases of information being disclosed inappropriately to the media.',
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
    expect(text({ secondJobApplications: { applications: 0, approved: 0 }, period: null })).toContain(
      '- The force received no applications from officers or staff to take on a second job.',
    )
    expect(text({ antiCorruptionUnitStaffChange: 3 })).toContain('has increased by three members of staff')
    expect(text({ antiCorruptionUnitStaffChange: -1 })).toContain('has reduced by one member of staff')
    expect(text({ integrityHealthCheck: false, counterCorruptionPlan: false })).toMatch(
      /has not carried out an integrity health check[\s\S]*does not yet have a counter-corruption plan/,
    )
    expect(text({ integrityHealthCheck: false })).toContain(
      'It has still to carry out its own integrity health check.',
    )
  })

  it('says nothing about a fact that is not recorded: no sentence, no claim', () => {
    const bullets = (release: string) => release.split('\n').filter((line) => line.startsWith('- '))
    const full = text({})
    for (const field of PRESS_RELEASE_FIELDS) {
      if (field === 'force' || field === 'forceCode') continue
      const missing = { ...facts, [field]: OPTIONAL_STATEMENTS.includes(field as never) ? undefined : null }
      const release = text(missing)
      // Read back, the release states the other facts and not this one.
      const read = extractPressRelease(release, shippedForces()).facts
      expect(read, field).toEqual(orderedFacts(missing as PressReleaseFacts))
      // A bullet fact takes its bullet with it; nothing else changes in the findings.
      const lost = bullets(full).filter((line) => !bullets(release).includes(line))
      if (!['headline', 'hmi', 'hmiRegion', 'period'].includes(field)) expect(lost, field).toHaveLength(1)
    }
  })

  it('has no finding at all for a force with nothing recorded, and no HMI or judgement', () => {
    const release = text({
      ...emptyFacts(force),
      counterCorruptionPlan: undefined,
      policiesReviewed: undefined,
      staffToldOfPolicyChanges: undefined,
      mediaPolicyInLineWithGuidance: undefined,
      informationSecurityChecks: undefined,
      socialMediaPolicy: undefined,
    })
    expect(release.split('\n')[0]).toBe(
      'HMIC reports on how Greater Manchester Police identifies, monitors and manages integrity issues',
    )
    expect(release.split('\n').filter((line) => line.startsWith('- '))).toEqual([])
    for (const absent of [
      'has not carried out',
      'health check',
      'counter-corruption plan',
      'investigated',
      'applications',
      'anti-corruption unit',
      'Inspector of Constabulary',
      'said:',
      'figures',
    ]) {
      expect(release).not.toContain(absent)
    }
  })

  it('writes its own sentences, not those of the 2012 press releases', () => {
    // The default quote and notes to editors included.
    const release = text({}, { hmiHonours: 'QPM' })
    expect(release).toContain('said:')
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
    expect(met).toContain('In the Metropolitan Police Service, the inspectors found:')
    expect(met).toContain('“The Metropolitan Police Service has made some improvements')
  })

  it("prints the inspectors' findings, the quote and notes as written, in every format", () => {
    const context = {
      facts,
      force,
      findings: ['Staff use *Twitter* & <b>Facebook</b> [well]', '1. Not a list'],
      quote: ['We found progress.', 'We will return.'],
      reportUrl: 'https://example.org/report_2012',
      settings: { nationalFinding: ['Unused.'], notesToEditors: ['Contact the *press office*.'] },
    }
    const markdown = renderPressRelease(template, context, 'markdown')
    expect(markdown).toContain('- Staff use \\*Twitter\\* & \\<b\\>Facebook\\</b\\> \\[well\\]')
    expect(markdown).toContain('- 1\\. Not a list')
    expect(markdown).toContain(
      'Roger Baker, HM Inspector of Constabulary for the Northern Region, said:\n\n> “We found progress.\n\n> “We will return.”',
    )
    expect(markdown).toContain('https://example.org/report_2012')
    expect(markdown).toContain('1. Contact the *press office*.')
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
