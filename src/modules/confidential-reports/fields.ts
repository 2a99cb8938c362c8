import { z } from 'zod'
import { CASE_TYPES } from '../../domain/cases.js'
import { RETENTION_DAYS_RANGE } from '../../domain/confidential-reports.js'
import { optionalText, requiredText } from '../../domain/fields.js'

/** The report form: the account, and a name only when the reporter chose to give one. */
export const reportSchema = z
  .object({
    identity: z.enum(['anonymous', 'named'], 'Choose whether to give your name or stay anonymous'),
    name: optionalText('Your name', 200),
    account: requiredText('Tell us what you want to report', 'Your report', 20_000),
  })
  .superRefine((value, context) => {
    if (value.identity === 'named' && !value.name)
      context.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'Enter your name, or choose to stay anonymous',
      })
  })
  .transform((value) => ({ ...value, name: value.identity === 'named' ? value.name : null }))

export const REPORT_FIELDS = ['identity', 'name', 'account', 'attachments', 'form'] as const

export const replySchema = z.object({ body: requiredText('Enter your answer', 'Your answer', 20_000) })
export const questionSchema = z.object({ body: requiredText('Enter your question', 'The question', 20_000) })
export const closeSchema = z.object({
  reason: requiredText('Enter why the report is closed without a case', 'The reason', 2_000),
})

/** Into a new confidential case (its type and summary) or an open one (its reference). */
export const attachSchema = z.discriminatedUnion(
  'into',
  [
    z.object({
      into: z.literal('new'),
      type: z.enum(CASE_TYPES, 'Choose the type of case'),
      summary: requiredText('Enter a summary for the case', 'The summary', 2_000),
    }),
    z.object({
      into: z.literal('existing'),
      caseReference: requiredText('Enter the case’s reference, such as IC/2012/0007', 'The reference', 50),
    }),
  ],
  { error: 'Choose a new case or an existing one' },
)

export const settingsSchema = z.object({
  retentionDays: z.coerce
    .number({ error: 'Enter the number of days as a whole number' })
    .int('Enter the number of days as a whole number')
    .min(RETENTION_DAYS_RANGE.min, `Keep reports for at least ${RETENTION_DAYS_RANGE.min} days`)
    .max(RETENTION_DAYS_RANGE.max, `Keep reports for at most ${RETENTION_DAYS_RANGE.max} days`),
})
