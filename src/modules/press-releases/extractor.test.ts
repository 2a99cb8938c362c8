import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRESS_RELEASE_FIXTURES } from '../../../test/support/fixtures.js'
import { NotAPressReleaseError, unreadableReason } from './document.js'
import { extractPressRelease } from './extractor.js'
import { shippedForces } from './forces.js'
import { breakLines } from './test-support.js'

const forces = shippedForces()
const fixtureNames = fs
  .readdirSync(PRESS_RELEASE_FIXTURES)
  .filter((name) => name.endsWith('.txt'))
  .map((name) => name.slice(0, -'.txt'.length))
const fixtureText = (name: string) =>
  fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${name}.txt`), 'utf8')
const fixtureFacts = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, `${name}.json`), 'utf8'))
const extract = (text: string) => extractPressRelease(text, forces)

describe('the real 2012 press releases', () => {
  it('are all there', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(3)
  })

  for (const name of fixtureNames) {
    it(`${name}.txt extracts to ${name}.json on every field, in its order`, () => {
      const { facts } = extract(fixtureText(name))
      const expected = fixtureFacts(name)
      expect(facts).toEqual(expected)
      expect(JSON.stringify(facts, null, 2)).toBe(JSON.stringify(expected, null, 2))
    })

    it(`${name}.txt: every fact points at the sentence it came from`, () => {
      const text = fixtureText(name)
      const { facts, sources } = extract(text)
      for (const [field, value] of Object.entries(facts)) {
        if (value === null || field === 'force' || field === 'forceCode') continue
        const spans = sources[field as keyof typeof sources]
        expect(spans, field).toBeDefined()
        for (const span of spans ?? []) {
          // The span is the sentence in the original text (the original may have curly quotes or line breaks).
          const original = text.slice(span.start, span.end).replace(/\s+/g, ' ')
          const plain = original.replace(/[“”]/g, '"').replace(/[‘’]/g, "'").replace(/[–—]/g, '-')
          // Markdown emphasis (*Without Fear or Favour*) is read without its asterisks.
          expect(plain.replace(/\*/g, '')).toBe(span.text)
        }
      }
    })

    it(`${name}.txt: reads the same when its lines are broken as text taken from a PDF`, () => {
      expect(extract(breakLines(fixtureText(name))).facts).toEqual(fixtureFacts(name))
    })

    it(`${name}.txt: reads the same without blank lines and with • bullets, and leaves no fact sentence unread`, () => {
      const squeezed = fixtureText(name)
        .replace(/\n\s*\n/g, '\n')
        .replace(/^- /gm, '• ')
      const { facts, uninterpreted } = extract(squeezed)
      expect(facts).toEqual(fixtureFacts(name))
      expect(uninterpreted).toEqual([])
      expect(extract(fixtureText(name)).uninterpreted).toEqual([])
    })

    it(`${name}.txt: reads the same with its findings in reverse order`, () => {
      const text = fixtureText(name)
      const bullets = text.split('\n').filter((line) => line.startsWith('- '))
      const first = text.indexOf(bullets[0] as string)
      const last = text.indexOf(bullets.at(-1) as string) + (bullets.at(-1) as string).length
      const reordered = `${text.slice(0, first)}${[...bullets].reverse().join('\n')}${text.slice(last)}`
      expect(reordered).not.toBe(text)
      expect(extract(reordered).facts).toEqual(fixtureFacts(name))
    })

    it(`${name}.txt: reads the same as HTML and with typographic quotes and dashes`, () => {
      const text = fixtureText(name)
      const typographic = text
        .replace(/"([^"]*)"/g, '“$1”')
        .replace(/'/g, '’')
        .replace(/ - /g, ' – ')
      expect(extract(typographic).facts).toEqual(fixtureFacts(name))
      const html = `<html><body>${text
        .split(/\n\s*\n/)
        .map((block) =>
          block.startsWith('- ')
            ? `<ul>${block
                .split('\n')
                .map((line) => `<li>${line.slice(2).replace(/'/g, '&rsquo;')}</li>`)
                .join('')}</ul>`
            : `<p>${block.replace(/&/g, '&amp;')}</p>`,
        )
        .join('\n')}</body></html>`
      expect(extract(html).facts).toEqual(fixtureFacts(name))
    })
  }
})

/** A press release of the family, built from parts, so each variant changes one thing. */
function release(parts: { title?: string; findings?: string[]; quote?: string; extra?: string }): string {
  const title =
    parts.title ?? 'Durham Constabulary has made some improvements to how it manages integrity issues'
  const findings = parts.findings ?? []
  return [
    title,
    '',
    'In 2012 HMIC revisited all forces to track progress against these recommendations.',
    '',
    'In Durham Constabulary, HMIC found:',
    '',
    ...findings.map((finding) => `- ${finding}`),
    '',
    parts.quote ?? 'HM Inspector of Constabulary for the Northern Region, Roger Baker QPM, said:',
    '',
    '"The force has made progress, but more needs to be done."',
    '',
    parts.extra ?? '',
    'Notes to editors',
    '',
    '1. HMIC inspects 43 forces; its press office is on 0203 513 0600.',
  ].join('\n')
}

describe('the family of press releases', () => {
  it('reads each headline judgement from the title, whatever the quote says', () => {
    const cases: [string, string][] = [
      ['Durham Constabulary has made good progress in how it identifies integrity issues', 'good progress'],
      ['Durham Constabulary has made improvements to how it manages integrity issues', 'improvements'],
      [
        'Durham Constabulary has made some improvements to how it manages integrity issues',
        'some improvements',
      ],
      ['Durham Constabulary has made limited progress in managing integrity issues', 'limited progress'],
      ['Durham Constabulary makes good progress on integrity, say inspectors', 'good progress'],
    ]
    for (const [title, headline] of cases) {
      const text = release({
        title,
        findings: ['Since 2011 the force has conducted its own integrity health check.'],
        extra: '"Durham Constabulary has made limited progress," he said.',
      })
      expect(extract(text).facts.headline, title).toBe(headline)
    }
  })

  it('reads counts in words and digits, and the part that continued or was approved', () => {
    const cases: [string, Record<string, unknown>][] = [
      [
        'Between September 2011 and May 2012, the force investigated four instances of inappropriate disclosure to the media. One of these was continuing at the time of the inspection.',
        { mediaDisclosureInvestigations: { total: 4, continuing: 1 } },
      ],
      [
        'Between September 2011 and May 2012, the force investigated one instance of inappropriate disclosure to the media. This was continuing at the time of the inspection.',
        { mediaDisclosureInvestigations: { total: 1, continuing: 1 } },
      ],
      [
        'Between September 2011 and May 2012, the force did not investigate any instances of inappropriate disclosures to the media.',
        { mediaDisclosureInvestigations: { total: 0, continuing: 0 } },
      ],
      [
        'There were no investigations into inappropriate disclosure of information to the media between April 2011 and March 2012.',
        {
          mediaDisclosureInvestigations: { total: 0, continuing: 0 },
          period: { from: '2011-04-01', to: '2012-03-31' },
        },
      ],
      [
        'The force investigated twenty-one cases of leaks to the press, none of which were still open when HMIC inspected.',
        { mediaDisclosureInvestigations: { total: 21, continuing: 0 } },
      ],
      [
        'The force investigated 12 cases of unauthorised disclosure to the media; all of them had been concluded by the time of the inspection.',
        { mediaDisclosureInvestigations: { total: 12, continuing: 0 } },
      ],
      [
        'Since September 2011 there have been 76 applications for second jobs made by officers and staff, 72 of which have been approved.',
        {
          secondJobApplications: { applications: 76, approved: 72 },
          period: { from: '2011-09-01', to: null },
        },
      ],
      [
        'Between September 2011 and May 2012 there have been 40 applications for second jobs, all of which were approved.',
        { secondJobApplications: { applications: 40, approved: 40 } },
      ],
      [
        'The force received 120 applications to take on business interests; four were refused.',
        { secondJobApplications: { applications: 120, approved: 116 } },
      ],
      [
        'Of the thirty applications for second jobs received, 28 were approved.',
        { secondJobApplications: { applications: 30, approved: 28 } },
      ],
      [
        'There were 15 requests for secondary employment, none of which were approved.',
        { secondJobApplications: { applications: 15, approved: 0 } },
      ],
      [
        "HMIC's independently commissioned research identified seven cases of what could be considered potentially inappropriate behaviour on Facebook or Twitter by members of staff. These have been referred back to the force",
        { socialMediaCasesReferred: 7 },
      ],
      [
        "HMIC's research did not identify any cases of inappropriate behaviour on social media by the force's staff.",
        { socialMediaCasesReferred: 0 },
      ],
      [
        'Data provided by the force to HMIC shows that there has been no change in the number of staff working in the anti-corruption unit since our 2011 inspection.',
        { antiCorruptionUnitStaffChange: 0 },
      ],
      [
        'The number of staff working in the anti-corruption unit has fallen by two since the 2011 inspection.',
        { antiCorruptionUnitStaffChange: -2 },
      ],
      [
        'Staff in the anti-corruption unit increased from 10 to 13 since 2011.',
        { antiCorruptionUnitStaffChange: 3 },
      ],
      [
        'The anti-corruption unit now has three more members of staff than in 2011.',
        { antiCorruptionUnitStaffChange: 3 },
      ],
      [
        'Between September 2011 and May 2012, there were two investigations into inappropriate disclosure of information to the media; both were continuing at the time of the inspection.',
        { mediaDisclosureInvestigations: { total: 2, continuing: 2 } },
      ],
      [
        'In the period September 2011 to May 2012 the force investigated 15 instances of inappropriate disclosure to the media. Three of these were continuing at the time of inspection.',
        {
          mediaDisclosureInvestigations: { total: 15, continuing: 3 },
          period: { from: '2011-09-01', to: '2012-05-31' },
        },
      ],
      [
        'None of the 12 investigations into leaks to the media was still open when HMIC inspected.',
        { mediaDisclosureInvestigations: { total: 12, continuing: 0 } },
      ],
      [
        'HMIC was told that 25 applications for business interests had been received, of which 20 were approved and five were refused.',
        { secondJobApplications: { applications: 25, approved: 20 } },
      ],
      [
        'All 25 applications for second jobs were approved.',
        { secondJobApplications: { applications: 25, approved: 25 } },
      ],
      [
        'Since September 2011 the force has received 30 applications for second jobs. Of these, 28 were approved.',
        { secondJobApplications: { applications: 30, approved: 28 } },
      ],
      [
        'There has been an increase of two staff in the anti-corruption unit since 2011.',
        { antiCorruptionUnitStaffChange: 2 },
      ],
      [
        'The anti-corruption unit has lost three posts since the 2011 inspection.',
        { antiCorruptionUnitStaffChange: -3 },
      ],
      [
        "Since 2011 the force has conducted its own integrity 'health check' and developed a counter-corruption plan.",
        { integrityHealthCheck: true, counterCorruptionPlan: true },
      ],
      [
        'The force has not yet carried out an integrity health check against the 2011 checklist.',
        { integrityHealthCheck: false },
      ],
      [
        "The force has conducted a force-wide integrity 'health check', using the Self-Assessment Checklist in HMIC's 2011 report, Without Fear or Favour, but has not developed a counter-corruption plan.",
        { integrityHealthCheck: true, counterCorruptionPlan: false },
      ],
    ]
    for (const [finding, expected] of cases) {
      // A headline-less variant would not be a press release: the title gives the judgement.
      const { facts, uninterpreted } = extract(release({ findings: [finding] }))
      expect(facts, finding).toMatchObject(expected)
      expect(uninterpreted, finding).toEqual([])
    }
  })

  it('reads forces named with or without "the", and by a hyphen or a space', () => {
    const finding = ['The force has conducted an integrity health check.']
    const met = extract(
      release({
        title: 'The Metropolitan Police Service has made limited progress on integrity',
        findings: finding,
      }),
    )
    expect(met.facts).toMatchObject({ force: 'Metropolitan Police Service', forceCode: 'metropolitan' })
    const btp = extract(
      release({
        title: 'Inspectors find the British Transport Police has made good progress',
        findings: finding,
      }),
    )
    expect(btp.facts).toMatchObject({ forceCode: 'british-transport', headline: 'good progress' })
    const dyfed = extract(release({ title: 'Dyfed Powys Police has made improvements', findings: finding }))
    expect(dyfed.facts).toMatchObject({ force: 'Dyfed-Powys Police', forceCode: 'dyfed-powys' })
  })

  it('reads inspectors with titles, honours and regions in either order', () => {
    const cases: [string, string | null, string | null][] = [
      [
        'HM Inspector of Constabulary for the Northern Region, Roger Baker QPM, said:',
        'Roger Baker',
        'Northern Region',
      ],
      ["HM Chief Inspector of Constabulary, Sir Denis O'Connor QPM, said:", "Sir Denis O'Connor", null],
      [
        "Her Majesty's Inspector of Constabulary for Wales and the Western Region, Dru Sharpling, said:",
        'Dru Sharpling',
        'Wales and the Western Region',
      ],
      [
        'Zoë Billingham, HM Inspector of Constabulary for the Eastern Region, said:',
        'Zoë Billingham',
        'Eastern Region',
      ],
      ['HM Inspector of Constabulary Roger Baker said:', 'Roger Baker', null],
      ['HM Inspector of Constabulary Dru Sharpling, who led the inspection, said:', 'Dru Sharpling', null],
      ['Roger Baker, HMI for the Northern Region, said:', 'Roger Baker', 'Northern Region'],
    ]
    for (const [line, hmi, region] of cases) {
      const { facts } = extract(
        release({ quote: line, findings: ['The force has conducted a health check.'] }),
      )
      expect({ hmi: facts.hmi, hmiRegion: facts.hmiRegion }, line).toEqual({ hmi, hmiRegion: region })
    }
  })

  it('leaves missing sections null and ignores extra text and the notes to editors', () => {
    const { facts } = extract(
      release({
        findings: ['Since 2011 the force has conducted its own integrity health check.'],
        extra: 'The force also told HMIC that 300 officers attended training on the new policy in 2012.',
      }),
    )
    expect(facts).toEqual({
      force: 'Durham Constabulary',
      forceCode: 'durham',
      headline: 'some improvements',
      hmi: 'Roger Baker',
      hmiRegion: 'Northern Region',
      period: null,
      integrityHealthCheck: true,
      mediaDisclosureInvestigations: null,
      socialMediaCasesReferred: null,
      secondJobApplications: null,
      antiCorruptionUnitStaffChange: null,
    })
  })

  it('reports a staffing change without a number as not read', () => {
    const sentence = 'The number of staff in the anti-corruption unit has increased since 2011.'
    const { facts, uninterpreted } = extract(release({ findings: [sentence] }))
    expect(facts.antiCorruptionUnitStaffChange).toBeNull()
    expect(uninterpreted).toEqual([sentence])
  })

  it('reports the sentences about a fact that it could not read', () => {
    const { facts, uninterpreted } = extract(
      release({
        findings: [
          'Since 2011 the force has conducted its own integrity health check.',
          'Applications for second jobs rose to around a few dozen, roughly 90 per cent of them approved.',
        ],
      }),
    )
    expect(facts.secondJobApplications).toBeNull()
    expect(uninterpreted).toEqual([
      'Applications for second jobs rose to around a few dozen, roughly 90 per cent of them approved.',
    ])
  })

  it('reads Markdown with emphasis, escapes and headings', () => {
    const { facts } = extract(
      [
        '# **Cheshire Constabulary** has made *good progress*',
        '',
        '- The force did **not** investigate any cases of inappropriate disclosure to the media.',
        '- HMIC\\_s research identified *seven* cases on Facebook or Twitter, which have been referred to the force.',
      ].join('\n'),
    )
    expect(facts).toMatchObject({
      forceCode: 'cheshire',
      headline: 'good progress',
      mediaDisclosureInvestigations: { total: 0, continuing: 0 },
      socialMediaCasesReferred: 7,
    })
  })
})

describe('bad input', () => {
  const refused = (text: string) => {
    try {
      extract(text)
    } catch (error) {
      expect(error).toBeInstanceOf(NotAPressReleaseError)
      return (error as Error).message
    }
    throw new Error('the text was read as a press release')
  }

  it('refuses an empty document', () => {
    expect(refused('')).toBe('This is not a press release: the document is empty.')
    expect(refused(' \n\n \t')).toBe('This is not a press release: the document is empty.')
  })

  it('refuses binary content', () => {
    expect(refused('\u0001\u0002\u0003PK\u0000\u0000abc\u0004')).toMatch(/binary file/)
    expect(unreadableReason(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))).toMatch(/ZIP, Word or spreadsheet/)
    expect(unreadableReason(Buffer.from('%PDF-1.4\n...'))).toMatch(/PDF file/)
    expect(unreadableReason(new Uint8Array([0xff, 0xfe, 0xfd, 0x41]))).toBe('it is not UTF-8 text')
    expect(unreadableReason(new Uint8Array([0x41, 0x00, 0x42]))).toBe('it is a binary file, not text')
    expect(unreadableReason(new Uint8Array([]))).toBe('the file is empty')
    expect(unreadableReason(Buffer.from(fixtureText(fixtureNames[0] as string)))).toBeNull()
  })

  it('refuses a document of another kind', () => {
    expect(refused(fs.readFileSync(path.join(PRESS_RELEASE_FIXTURES, 'README.md'), 'utf8'))).toBe(
      'This does not look like a force press release: it names no force of the reference list.',
    )
    expect(
      refused(
        'Cheshire Constabulary is recruiting police community support officers.\n\nApply by 1 March 2013 on our website.',
      ),
    ).toBe(
      'This does not look like a force press release: it names Cheshire Constabulary but states no headline judgement and none of the figures of one.',
    )
  })
})
