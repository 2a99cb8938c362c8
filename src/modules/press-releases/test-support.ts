import fc from 'fast-check'
import {
  type ForceNaming,
  HEADLINE_JUDGEMENTS,
  OPTIONAL_STATEMENTS,
  type OptionalStatement,
  type PressReleaseFacts,
} from '../../domain/press-release-facts.js'
import { shippedForces } from './forces.js'

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
