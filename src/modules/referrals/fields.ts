import { z } from 'zod'
import { CASE_TYPES, REFERRAL_STATUSES } from '../../domain/cases.js'
import { dateField, optionalDateField } from '../../domain/date-input.js'
import { earlierDateReasonField } from '../../domain/earlier-date.js'

const text = (missing: string, label: string, max: number) =>
  z.string(missing).trim().min(1, missing).max(max, `${label} must be ${max} characters or fewer`)

const optionalText = (label: string, max: number) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .nullable()
    .transform((value) => value || null)

/** A referral from the inspectorate, in the order of the form's fields. */
export const newReferralSchema = z
  .object({
    force: text('Select the force to refer it to', 'Force', 50),
    type: z.enum(CASE_TYPES, 'Select the type of finding'),
    finding: text('Enter what the research found', 'The finding', 5000),
    evidenceUrl: optionalText('The evidence address', 2000).refine(
      (value) => value === null || /^https?:\/\/\S+$/i.test(value),
      'Enter the evidence address as a web address starting http:// or https://',
    ),
    evidence: optionalText('The evidence', 10_000),
    referredOn: dateField('Date of the referral'),
  })
  .superRefine((value, context) => {
    if (!value.evidenceUrl && !value.evidence)
      context.addIssue({
        code: 'custom',
        path: ['evidenceUrl'],
        message: 'Enter the evidence: a web address, a description, or both',
      })
  })

/** Accepting a referral into a case: the case is opened today unless an earlier day is given, with a reason. */
export const acceptSchema = z.object({
  openedOn: optionalDateField('The date the case was opened'),
  earlierDateReason: earlierDateReasonField(),
})

export const noActionSchema = z.object({
  reason: text('Enter why no action will be taken', 'The reason', 5000),
})

export const referralQuerySchema = z.object({
  force: z
    .string()
    .trim()
    .max(50)
    .optional()
    .transform((value) => value || undefined)
    .meta({ description: 'A force’s code (the inspectorate only)' }),
  status: z
    .union([z.enum(REFERRAL_STATUSES), z.literal('')], 'Select a status from the list')
    .optional()
    .transform((value) => value || undefined),
  from: optionalDateField('Referred from').meta({
    description: 'Referred on or after',
  }),
  to: optionalDateField('Referred to').meta({
    description: 'Referred on or before',
  }),
  page: z.coerce
    .number('The page must be a whole number')
    .int('The page must be a whole number')
    .min(1, 'The page must be 1 or more')
    .max(1_000_000, 'The page must be 1,000,000 or less')
    .default(1),
})
export type ReferralQuery = z.output<typeof referralQuerySchema>
export const FILTER_FIELDS = ['force', 'status', 'from', 'to'] as const
