import { stringify } from 'csv-stringify/sync'
import { Random } from '../national-dataset/random.js'
import type { SurveyDefinitionInput } from './definition.js'

/**
 * A synthetic survey, made up to show the capability: two waves of a telephone survey of the public
 * on corruption in the police, modelled on the 2011 and 2012 surveys but with invented answers. The
 * same seed always gives the same respondents (pure-rand's xoroshiro128+, no clock, no Math.random).
 */

export const SYNTHETIC_SURVEY_CODE = 'public-attitudes-synthetic'

const PROBLEM_OPTIONS = [
  { code: 'big', label: 'A big problem' },
  { code: 'fairly_big', label: 'A fairly big problem' },
  { code: 'not_very_big', label: 'Not a very big problem' },
  { code: 'not_at_all', label: 'Not a problem at all' },
  { code: 'dont_know', label: 'Don’t know' },
]
const PROBLEM_HEADLINE = {
  label: 'think corruption is a problem in the police',
  options: ['big', 'fairly_big'],
}
const TRUST_OPTIONS = [
  { code: 'complete', label: 'Complete trust' },
  { code: 'fair', label: 'A fair amount of trust' },
  { code: 'not_much', label: 'Not very much trust' },
  { code: 'none', label: 'No trust at all' },
  { code: 'dont_know', label: 'Don’t know' },
]
const YES_NO = [
  { code: 'yes', label: 'Yes' },
  { code: 'no', label: 'No' },
  { code: 'dont_know', label: 'Don’t know' },
]

/** The synthetic survey: version 1 asked in 2011; version 2 (2012) rewords the first question and adds one. */
export function syntheticSurvey(): SurveyDefinitionInput {
  const trust = {
    code: 'q_trust',
    text: 'How much do you trust the police in your area to act with integrity?',
    options: TRUST_OPTIONS,
  }
  const report = {
    code: 'q_report',
    text: 'If you knew that a police officer was acting corruptly, would you report it?',
    options: YES_NO,
  }
  return {
    code: SYNTHETIC_SURVEY_CODE,
    name: 'Public attitudes to police integrity (synthetic demonstration data)',
    description:
      'SYNTHETIC DATA, made up for demonstration: not the results of any real survey. Two waves modelled on the telephone surveys of the public run for the 2011 review and its 2012 revisit.',
    synthetic: true,
    minimumBase: 100,
    questionnaires: [
      {
        version: 1,
        questions: [
          {
            code: 'q_problem',
            text: 'How much of a problem do you think corruption is in the police in England and Wales?',
            options: PROBLEM_OPTIONS,
            headline: PROBLEM_HEADLINE,
          },
          trust,
          report,
        ],
      },
      {
        version: 2,
        questions: [
          {
            // Reworded in 2012; mapped to the 2011 question so the trend holds.
            code: 'q1_problem',
            trend: 'q_problem',
            text: 'To what extent, if at all, do you think corruption is a problem in the police in England and Wales?',
            options: PROBLEM_OPTIONS,
            headline: PROBLEM_HEADLINE,
          },
          trust,
          report,
          {
            code: 'q_media',
            text: 'Do you think that police officers are too close to the media?',
            options: YES_NO,
          },
        ],
      },
    ],
    waves: [
      {
        code: '2011',
        label: '2011 (synthetic)',
        fieldworkFrom: '2011-06-01',
        fieldworkTo: '2011-07-15',
        questionnaireVersion: 1,
        strata: 'force',
      },
      {
        code: '2012',
        label: '2012 (synthetic)',
        fieldworkFrom: '2012-04-02',
        fieldworkTo: '2012-05-18',
        questionnaireVersion: 2,
        strata: 'force',
      },
    ],
  }
}

/** The shares each answer is drawn with: [option, weight], nudged by wave and region. */
function answerShares(wave: 1 | 2, regionIndex: number) {
  const tilt = (regionIndex % 3) - 1
  return {
    problem: [
      ['big', 20 - 3 * (wave - 1) + 2 * tilt],
      ['fairly_big', 32 - 2 * (wave - 1)],
      ['not_very_big', 30 + 3 * (wave - 1)],
      ['not_at_all', 10 + 2 * (wave - 1) - tilt],
      ['dont_know', 8],
    ],
    trust: [
      ['complete', 14],
      ['fair', 48 + (wave - 1) * 2],
      ['not_much', 22 - tilt],
      ['none', 9],
      ['dont_know', 7],
    ],
    report: [
      ['yes', 78],
      ['no', 12],
      ['dont_know', 10],
    ],
    media: [
      ['yes', 41 + tilt * 3],
      ['no', 39],
      ['dont_know', 20],
    ],
  } as const
}

export interface SyntheticForce {
  code: string
  region: string
  /** A proxy for its population: respondents are drawn equally across forces, then weighted back. */
  size: number
}

/**
 * The respondents of one synthetic wave as CSV rows (header first), in the questionnaire's columns:
 * every force sampled alike, each respondent weighted by their force's size over its sample, with a
 * little non-response noise, so the weights vary as a real survey's do. One in forty skips a question.
 */
export function* syntheticRows(
  wave: 1 | 2,
  respondents: number,
  forces: readonly SyntheticForce[],
  seed = 2012,
): Generator<string[]> {
  const random = Random.stream(seed, wave)
  const regions = [...new Set(forces.map((force) => force.region))].sort()
  const totalSize = forces.reduce((sum, force) => sum + force.size, 0)
  const problemColumn = wave === 1 ? 'q_problem' : 'q1_problem'
  const columns = [
    'respondent',
    'stratum',
    'weight',
    problemColumn,
    'q_trust',
    'q_report',
    ...(wave === 2 ? ['q_media'] : []),
  ]
  yield columns
  for (let index = 0; index < respondents; index++) {
    const force = forces[index % forces.length] as SyntheticForce
    const shares = answerShares(wave, regions.indexOf(force.region))
    const designWeight = (force.size / totalSize) * forces.length
    const weight = designWeight * Math.exp(random.normal() * 0.3)
    const answer = (choices: readonly (readonly [string, number])[]) =>
      random.chance(0.025) ? '' : random.weighted(choices)
    const row = [
      String(index + 1),
      force.code,
      weight.toFixed(4),
      answer(shares.problem),
      answer(shares.trust),
      answer(shares.report),
    ]
    if (wave === 2) row.push(answer(shares.media))
    yield row
  }
}

/** A synthetic wave as the text of a CSV file. */
export function syntheticCsv(
  wave: 1 | 2,
  respondents: number,
  forces: readonly SyntheticForce[],
  seed?: number,
): string {
  const lines: string[] = []
  for (const row of syntheticRows(wave, respondents, forces, seed)) lines.push(stringify([row]))
  return lines.join('')
}
