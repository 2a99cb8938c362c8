import fc from 'fast-check'
import { expect } from 'vitest'
import { numberInWords } from '../../domain/number-words.js'
import {
  type ForceNaming,
  HEADLINE_JUDGEMENTS,
  OPTIONAL_STATEMENTS,
  type OptionalStatement,
  type PressReleaseFacts,
} from '../../domain/press-release-facts.js'
import { translate } from '../../web/i18n/catalogue.js'
import { shippedForces } from './forces.js'
import { welshRegion } from './welsh.js'

/** fast-check generators of press release facts for the forces of the reference list (tests only). */

const FIRST_NAMES = [
  'Roger',
  'Zoë',
  'Denis',
  'Dru',
  'Stephen',
  'Olivia',
  'Mike',
  'Wendy',
  'Matt',
  'Anne-Marie',
]
const LAST_NAMES = [
  'Baker',
  'Billingham',
  "O'Connor",
  'Sharpling',
  'Otter',
  'Pinkney',
  'Cunningham',
  'Williams',
  'Parr',
]
export const REGIONS = [
  'Northern Region',
  'Eastern Region',
  'Western Region',
  'Wales and Western Region',
  'London and South East Region',
  'National team',
]

const pad = (value: number) => String(value).padStart(2, '0')
const day = fc
  .record({
    year: fc.integer({ min: 2008, max: 2016 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
    return `${year}-${pad(month)}-${pad(Math.min(day, last))}`
  })
/** Days at the start or end of a month are common (periods of whole months): weight them. */
const monthStart = fc
  .record({ year: fc.integer({ min: 2008, max: 2016 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${pad(month)}-01`)
const monthEnd = fc
  .record({ year: fc.integer({ min: 2008, max: 2016 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`)

const period = fc
  .tuple(fc.oneof(monthStart, day), fc.oneof(monthEnd, day), fc.constantFrom('both', 'both', 'from', 'to'))
  .map(([a, b, which]) => {
    const [from, to] = a <= b ? [a, b] : [b, a]
    return { from: which === 'to' ? null : from, to: which === 'from' ? null : to }
  })

const count = (max: number) => fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: max }))

export const forceArbitrary: fc.Arbitrary<ForceNaming> = fc.constantFrom(...shippedForces())

export function factsArbitrary(force: ForceNaming): fc.Arbitrary<PressReleaseFacts> {
  return fc
    .record({
      headline: fc.constantFrom(...HEADLINE_JUDGEMENTS, null),
      hmi: fc.option(
        fc
          .tuple(
            fc.constantFrom('', '', '', 'Sir ', 'Dame '),
            fc.constantFrom(...FIRST_NAMES),
            fc.constantFrom(...LAST_NAMES),
          )
          .map(([title, first, last]) => `${title}${first} ${last}`),
      ),
      hmiRegion: fc.option(fc.constantFrom(...REGIONS)),
      period: fc.option(period),
      integrityHealthCheck: fc.option(fc.boolean()),
      media: fc.option(
        count(200).chain((total) =>
          fc.record({ total: fc.constant(total), continuing: fc.option(fc.integer({ min: 0, max: total })) }),
        ),
      ),
      social: fc.option(count(500)),
      jobs: fc.option(
        count(3000).chain((applications) =>
          fc.record({
            applications: fc.constant(applications),
            approved: fc.option(fc.integer({ min: 0, max: applications })),
          }),
        ),
      ),
      change: fc.option(fc.integer({ min: -30, max: 30 })),
      statements: fc.record(
        Object.fromEntries(
          OPTIONAL_STATEMENTS.map((field) => [field, fc.constantFrom(undefined, true, false)]),
        ) as Record<OptionalStatement, fc.Arbitrary<boolean | undefined>>,
      ),
    })
    .map((drawn) => {
      const facts: PressReleaseFacts = {
        force: force.name,
        forceCode: force.code,
        headline: drawn.headline,
        hmi: drawn.hmi,
        hmiRegion: drawn.hmiRegion,
        period: drawn.period,
        integrityHealthCheck: drawn.integrityHealthCheck,
        mediaDisclosureInvestigations: drawn.media && {
          total: drawn.media.total,
          continuing: drawn.media.total === 0 ? 0 : drawn.media.continuing,
        },
        socialMediaCasesReferred: drawn.social,
        secondJobApplications: drawn.jobs && {
          applications: drawn.jobs.applications,
          approved: drawn.jobs.applications === 0 ? 0 : drawn.jobs.approved,
        },
        antiCorruptionUnitStaffChange: drawn.change,
      }
      for (const field of OPTIONAL_STATEMENTS) {
        const value = drawn.statements[field]
        if (value !== undefined) facts[field] = value
      }
      return facts
    })
}

/** Findings an inspector might write: about the topics, but stating none of the facts. */
export const FINDINGS = [
  'The force is introducing new software that will allow more checks on its computer systems.',
  'Officers describe the rules on accepting gifts as clear and easy to follow.',
  'Staff are encouraged to use social media to engage with communities, within clear guidance.',
  'The professional standards department scrutinises every request to take on outside work.',
  'Gifts and hospitality are recorded in a register that is checked every month.',
]

export function quoteArbitrary(facts: PressReleaseFacts): fc.Arbitrary<string[]> {
  const paragraphs = [
    'We found that the police service is making progress, but changes have not been made quickly enough.',
    'HMIC will continue to monitor progress so that the public can be assured that forces are gripping these issues.',
  ]
  // Only a quote under a headline may restate the judgement (the title decides it).
  if (facts.headline) paragraphs.push(`${facts.force} has made some improvements since 2011.`)
  return fc.subarray(paragraphs)
}

/** Whether the facts say enough to be read back as a press release: a headline or two other facts. */
export function isPressReleaseLike(facts: PressReleaseFacts): boolean {
  if (facts.headline) return true
  const stated = [
    facts.hmi ?? facts.hmiRegion,
    facts.integrityHealthCheck,
    facts.mediaDisclosureInvestigations,
    facts.socialMediaCasesReferred,
    facts.secondJobApplications,
    facts.antiCorruptionUnitStaffChange,
    ...OPTIONAL_STATEMENTS.map((field) => facts[field] ?? null),
  ].filter((value) => value !== null).length
  return stated >= 2
}

/** Text as a PDF gives it: lines cut at 60 characters, long words hyphenated across lines. */
export function breakLines(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = []
      let current = ''
      for (const word of line.split(' ')) {
        if ((current + word).length > 60 && current) {
          if (word.length > 9 && !word.includes('-')) {
            const cut = Math.floor(word.length / 2)
            out.push(`${current}${word.slice(0, cut)}-`)
            current = `${word.slice(cut)} `
            continue
          }
          out.push(current.trimEnd())
          current = ''
        }
        current += `${word} `
      }
      out.push(current.trimEnd())
      return out.join('\n')
    })
    .join('\n')
}

// ---------------------------------------------------------------------------------------------------
// A Welsh force's release in both languages

/** The Welsh forces and their names in Welsh, as the forces themselves write them. */
export const WELSH_NAMES: Record<string, string> = {
  gwent: 'Heddlu Gwent',
  'dyfed-powys': 'Heddlu Dyfed-Powys',
  'north-wales': 'Heddlu Gogledd Cymru',
  'south-wales': 'Heddlu De Cymru',
}

// ---------------------------------------------------------------------------------------------------
// Reading the numbers a text states, in each language, without the renderer's help.

const ENGLISH_NUMBER_WORDS = new Map(
  Array.from({ length: 99 }, (_, index) => [numberInWords(index + 1), index + 1] as const),
)
/** Welsh numerals as the release may write them before a noun or "ohonynt", radical and softened. */
const WELSH_NUMBER_WORDS = new Map([
  ['un', 1],
  ['dau', 2],
  ['ddau', 2],
  ['tri', 3],
  ['dri', 3],
  ['chwe', 6],
  ['chwech', 6],
])
/** "yr un ohonynt" (none of them), "pob un" (every one), "y ddau" (both): words, not counts. */
const NOT_A_COUNT = new Set(['yr un', 'pob un', 'bob un', 'y ddau', 'y dau'])

function numbersIn(text: string, language: 'en' | 'cy'): number[] {
  const tokens = [...text.matchAll(/\d{1,3}(?:,\d{3})+(?!\d)|\d+|[\p{L}]+(?:-[\p{L}]+)*/gu)].map((m) => m[0])
  const found: number[] = []
  for (const [index, token] of tokens.entries()) {
    const word = token.toLowerCase()
    const value = /^\d/.test(token)
      ? Number(token.replace(/,/g, ''))
      : language === 'en'
        ? ENGLISH_NUMBER_WORDS.get(word)
        : NOT_A_COUNT.has(`${tokens[index - 1]?.toLowerCase()} ${word}`)
          ? undefined
          : WELSH_NUMBER_WORDS.get(word)
    if (value !== undefined) found.push(value)
  }
  return found.sort((a, b) => a - b)
}

/** The release before its notes to editors (which are the inspectorate's settings, not the force's facts). */
const body = (markdown: string, notesHeading: string) => markdown.slice(0, markdown.indexOf(notesHeading))
const bullets = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('- '))
const negated = (line: string, language: 'en' | 'cy') =>
  language === 'en' ? /\b(not|no|none)\b|n't/.test(line) : /\b(Nid|nid|Ni|ni|dim)\b/.test(line)

const monthYear = new Intl.DateTimeFormat('cy-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })
const ENGLISH_MONTHS =
  /\b(January|February|March|April|May|June|July|August|September|October|November|December)\b/

/**
 * Every fact a force's English press release states is in its Welsh one: every number (counts, parts,
 * changes, days and years) as often, the same findings one for one each saying or denying the same
 * thing, the force by its Welsh name, the judgement, the inspector and region, the dates with Welsh
 * months. Checked from the facts and the two texts (Markdown, or as the public reads them), not from
 * the renderer's words.
 */
export function expectSameStatements(english: string, welsh: string, facts: PressReleaseFacts): void {
  const en = body(english, '## Notes to editors')
  const cy = body(welsh, '## Nodiadau i olygyddion')
  const context = JSON.stringify(facts)
  expect([context, numbersIn(cy, 'cy')]).toEqual([context, numbersIn(en, 'en')])
  const [enBullets, cyBullets] = [bullets(en), bullets(cy)]
  expect([context, cyBullets.length]).toEqual([context, enBullets.length])
  for (const [index, line] of enBullets.entries())
    expect([context, line, negated(cyBullets[index] as string, 'cy')]).toEqual([
      context,
      line,
      negated(line, 'en'),
    ])
  expect(cy).toContain(WELSH_NAMES[facts.forceCode])
  const title = cy.split('\n')[0] as string
  if (facts.headline) expect(title).toContain(translate('cy', `press-releases.headline.${facts.headline}`))
  else expect(title).toContain('HMIC yn adrodd')
  if (facts.hmi) expect(cy.includes(facts.hmi)).toBe(en.includes(facts.hmi))
  if (facts.hmiRegion)
    expect(cy.includes(welshRegion(facts.hmiRegion) as string)).toBe(en.includes(facts.hmiRegion))
  for (const day of [facts.period?.from, facts.period?.to])
    if (day && en.includes(day.slice(0, 4)))
      expect(cy).toContain(monthYear.format(new Date(`${day}T00:00:00Z`)))
  expect(welsh).not.toMatch(ENGLISH_MONTHS)
}
