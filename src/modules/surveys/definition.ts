import { z } from 'zod'
import { DEFAULT_MINIMUM_BASE } from '../../domain/surveys.js'

/**
 * A survey's definition as the inspectorate writes it (JSON): the survey, its questionnaire versions
 * and its waves. Saving it again adds new versions and waves and leaves the existing ones as they are.
 */

/** A question's code is also its column in a wave's file (as a header is normalised: `q1_problem`). */
const columnCode = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _, starting with a letter')

const answerCode = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be 40 characters or fewer')
  .regex(/^[^\s,]+$/, 'must have no spaces or commas')

const optionSchema = z.object({
  code: answerCode,
  label: z.string().trim().min(1).max(200),
  /** The option's key across versions; its code when not given. */
  trend: answerCode.optional(),
})

const questionSchema = z
  .object({
    code: columnCode,
    text: z.string().trim().min(1).max(1000),
    trend: columnCode.optional(),
    options: z.array(optionSchema).min(2, 'a question needs at least two answer options').max(30),
    headline: z
      .object({ label: z.string().trim().min(1).max(200), options: z.array(answerCode).min(1) })
      .optional(),
  })
  .superRefine((question, context) => {
    const codes = question.options.map((option) => option.code)
    if (new Set(codes).size !== codes.length)
      context.addIssue({ code: 'custom', path: ['options'], message: 'an answer code is given twice' })
    for (const wanted of question.headline?.options ?? [])
      if (!codes.includes(wanted))
        context.addIssue({
          code: 'custom',
          path: ['headline'],
          message: `the headline names ${wanted}, which is not an answer option`,
        })
  })
  .transform((question) => ({
    ...question,
    trend: question.trend ?? question.code,
    options: question.options.map((option) => ({ ...option, trend: option.trend ?? option.code })),
  }))

/** Columns of a wave's file that are not questions. */
export const RESERVED_COLUMNS = ['stratum', 'weight', 'respondent'] as const

const questionnaireSchema = z
  .object({
    version: z.number().int().min(1).max(1000),
    questions: z.array(questionSchema).min(1).max(200),
  })
  .superRefine((questionnaire, context) => {
    const codes = questionnaire.questions.map((question) => question.code)
    if (new Set(codes).size !== codes.length)
      context.addIssue({ code: 'custom', path: ['questions'], message: 'a question code is given twice' })
    for (const code of codes)
      if ((RESERVED_COLUMNS as readonly string[]).includes(code))
        context.addIssue({
          code: 'custom',
          path: ['questions'],
          message: `${code} cannot be a question code`,
        })
  })

const day = z.iso.date('must be a date like 2011-06-30')

const waveSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'must be lower-case letters, digits and hyphens, like 2012'),
  label: z.string().trim().min(1).max(200),
  fieldworkFrom: day.optional(),
  fieldworkTo: day.optional(),
  questionnaireVersion: z.number().int().min(1),
  /** What each respondent's stratum names: a force area (its code) or a region (its name). */
  strata: z.enum(['force', 'region']),
})

export const surveyDefinitionSchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'must be lower-case letters, digits and hyphens, like public-2012'),
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    synthetic: z.boolean().default(false),
    minimumBase: z.number().int().min(1).max(100_000).default(DEFAULT_MINIMUM_BASE),
    questionnaires: z.array(questionnaireSchema).min(1),
    waves: z.array(waveSchema).min(1),
  })
  .superRefine((survey, context) => {
    const versions = survey.questionnaires.map((questionnaire) => questionnaire.version)
    if (new Set(versions).size !== versions.length)
      context.addIssue({ code: 'custom', path: ['questionnaires'], message: 'a version is given twice' })
    const waves = survey.waves.map((wave) => wave.code)
    if (new Set(waves).size !== waves.length)
      context.addIssue({ code: 'custom', path: ['waves'], message: 'a wave code is given twice' })
    for (const wave of survey.waves)
      if (!versions.includes(wave.questionnaireVersion))
        context.addIssue({
          code: 'custom',
          path: ['waves'],
          message: `wave ${wave.code} asks questionnaire version ${wave.questionnaireVersion}, which is not defined`,
        })
  })
  .meta({ id: 'SurveyDefinition' })

export type SurveyDefinition = z.output<typeof surveyDefinitionSchema>
export type SurveyDefinitionInput = z.input<typeof surveyDefinitionSchema>
