import { z } from 'zod'
import { dateField, optionalDateField } from '../../domain/date-input.js'
import {
  type CategoryConfig,
  checkCategories,
  DEFAULT_THRESHOLD,
  type ForceAlias,
} from '../../domain/desk-research.js'
import { earlierDateReasonField } from '../../domain/earlier-date.js'
import { ValidationError } from '../../domain/errors.js'
import { requiredText } from '../../domain/fields.js'

const CODE = /^[a-z0-9][a-z0-9-]{0,49}$/

export const newExerciseSchema = z
  .object({
    code: requiredText('Enter a code for the exercise', 'The code', 50).refine(
      (value) => CODE.test(value),
      'The code must be lower-case letters, digits and hyphens, like social-media-2012',
    ),
    name: requiredText('Enter the name of the exercise', 'The name', 200),
    periodFrom: dateField('Start of the period'),
    periodTo: dateField('End of the period'),
    retainUntil: dateField('Retention date', 'Enter the date until which the personal data is kept'),
    threshold: z.coerce
      .number('The threshold must be a whole number')
      .int('The threshold must be a whole number')
      .min(1, 'The threshold must be 1 or more')
      .max(100, 'The threshold must be 100 or less')
      .default(DEFAULT_THRESHOLD),
  })
  .superRefine((value, context) => {
    if (value.periodTo < value.periodFrom)
      context.addIssue({
        code: 'custom',
        path: ['periodTo'],
        message: 'The end must be on or after the start',
      })
    if (value.retainUntil < value.periodTo)
      context.addIssue({
        code: 'custom',
        path: ['retainUntil'],
        message: 'The retention date must be on or after the end of the period',
      })
  })

export const decisionSchema = z.object({
  decision: z.enum(['confirm', 'dismiss'], 'Select confirm or dismiss'),
  note: z
    .string()
    .trim()
    .max(2000, 'The note must be 2,000 characters or fewer')
    .optional()
    .transform((value) => value || null),
})

/** Referring a profile's instances: dated today unless an earlier day is given, with a reason. */
export const referSchema = z.object({
  referredOn: optionalDateField('The date of the referral'),
  earlierDateReason: earlierDateReasonField(),
})

export const uuidOk = (id: string) => z.uuid().safeParse(id).success

/** An exercise's own categories and terms, checked. */
export function exerciseCategories(config: unknown): CategoryConfig[] {
  try {
    return checkCategories(config)
  } catch (error) {
    throw new ValidationError({ categories: `The categories: ${(error as Error).message}` })
  }
}

/** An exercise's own aliases of forces, checked against the codes of the forces. */
export function exerciseAliases(config: unknown, forceCodes: Set<string>): ForceAlias[] {
  const parsed = z
    .array(z.object({ alias: z.string().trim().min(1).max(100), force: z.string() }))
    .safeParse(config)
  if (!parsed.success)
    throw new ValidationError({ aliases: 'The aliases must be a list of { alias, force }' })
  const unknown = parsed.data.find((alias) => !forceCodes.has(alias.force))
  if (unknown)
    throw new ValidationError({ aliases: `The alias ${unknown.alias} names no force ${unknown.force}` })
  return parsed.data
}
