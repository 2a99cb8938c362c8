import { z } from 'zod'
import {
  CASE_LINK_TYPES,
  CASE_OUTCOMES,
  CASE_SOURCES,
  CASE_STATUSES,
  CASE_TYPES,
} from '../../domain/cases.js'
import { dateField, optionalDateField } from '../../domain/date-input.js'

import { requiredText } from '../../domain/fields.js'

export { londonToday } from '../../domain/fields.js'

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

/** A date that may be left blank, stored as null. */
const optionalDayField = (label: string) => optionalDateField(label).transform((value) => value ?? null)

const yesNo = z
  .union([z.boolean(), z.string()], 'Select whether the case is confidential')
  .optional()
  .transform((value) => value === true || value === 'yes' || value === 'true')

/** A new case, in the order of the form's fields so the error summary follows the page. */
export const openCaseSchema = z.object({
  type: z.enum(CASE_TYPES, 'Select the type of case'),
  source: z.enum(CASE_SOURCES, 'Select where the case came from'),
  openedOn: dateField('Date opened', 'Enter the date the case was opened'),
  targetDate: optionalDayField('Target date'),
  summary: text('Enter a summary of the case', 'Summary', 5000),
  staffNumber: optionalText('Staff number', 50),
  assignedTo: optionalText('Caseworker', 100),
  confidential: yesNo,
})
export type OpenCaseInput = z.input<typeof openCaseSchema>

export const statusSchema = z.object({
  status: z.enum(['open', 'continuing'], 'Select open or continuing (close a case with its outcome)'),
})

export const closeSchema = z.object({
  outcome: z.enum(CASE_OUTCOMES, 'Select the outcome'),
  closedOn: dateField('Date closed', 'Enter the date the case was closed'),
})

export const noteSchema = z.object({ text: text('Enter the note', 'The note', 10_000) })
export const subjectSchema = z.object({
  staffNumber: text('Enter the staff number of the member of staff', 'Staff number', 50),
})
export const linkSchema = z.object({
  entityType: z.enum(CASE_LINK_TYPES, 'Select what kind of record the case concerns'),
  entityId: z.uuid('Select the record to link, from a search of the registers'),
})

/** At most this many words are looked for: enough for a name, a description and a date. */
const SEARCH_WORDS = 10

/** A search of the force's registers for an entry to link: the words typed, and which register. */
export const registerSearchSchema = z.object({
  q: requiredText('Enter words to find the record by', 'The search', 200).transform((text) =>
    text.split(/\s+/).slice(0, SEARCH_WORDS),
  ),
  register: z
    .union([z.enum(CASE_LINK_TYPES), z.literal('')], 'Select a register from the list')
    .optional()
    .transform((value) => (value ? [value] : [...CASE_LINK_TYPES])),
})
export const userChoiceSchema = z.object({ userId: z.uuid('Select a caseworker') })
export const targetSchema = z.object({
  targetDate: optionalDayField('Target date'),
})

const optionalFilterText = (label: string) =>
  z
    .string()
    .trim()
    .max(200, `${label} must be 200 characters or fewer`)
    .optional()
    .transform((value) => value || undefined)

const optionalChoice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .union([z.enum(values), z.literal('')], message)
    .optional()
    .transform((value) => value || undefined)

export const CASE_SORT_KEYS = ['opened', 'reference', 'type', 'status', 'target'] as const

/** The list's filters, sorting and page: the page's GET form, the exports and the API take the same. */
export const caseQuerySchema = z
  .object({
    force: optionalFilterText('Force').meta({ description: 'A force’s code (the inspectorate only)' }),
    type: optionalChoice(CASE_TYPES, 'Select a type from the list'),
    status: optionalChoice(CASE_STATUSES, 'Select a status from the list'),
    source: optionalChoice(CASE_SOURCES, 'Select a source from the list'),
    mine: z
      .enum(['yes', ''])
      .optional()
      .transform((value) => value === 'yes')
      .meta({ description: '`yes`: only cases assigned to me' }),
    overdue: z
      .enum(['yes', ''])
      .optional()
      .transform((value) => value === 'yes')
      .meta({ description: '`yes`: only cases past their target date and not closed' }),
    from: optionalDateField('Opened from').meta({
      description: 'Opened on or after (2011-09-01 or 1/9/2011)',
    }),
    to: optionalDateField('Opened to').meta({
      description: 'Opened on or before (2012-05-31 or 31/5/2012)',
    }),
    q: optionalFilterText('Search text').meta({
      description: 'Part of the reference, summary, or a subject’s name or staff number',
    }),
    sort: z
      .union([z.enum(CASE_SORT_KEYS), z.literal('')], 'Sort by one of the table’s columns')
      .optional()
      .transform((value) => value || 'opened'),
    order: z
      .union([z.enum(['asc', 'desc']), z.literal('')], 'Order must be asc or desc')
      .optional()
      .transform((value) => value || 'desc'),
    page: z.coerce
      .number('The page must be a whole number')
      .int('The page must be a whole number')
      .min(1, 'The page must be 1 or more')
      .max(1_000_000, 'The page must be 1,000,000 or less')
      .default(1),
  })
  .superRefine((query, context) => {
    if (query.from && query.to && query.from > query.to)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'The to date must be the same as or after the from date',
      })
  })
export type CaseQuery = z.output<typeof caseQuerySchema>
export const FILTER_FIELDS = [
  'force',
  'type',
  'status',
  'source',
  'mine',
  'overdue',
  'from',
  'to',
  'q',
] as const

/** A period and census date for the counts. */
export const countsQuerySchema = z
  .object({
    force: optionalFilterText('Force').meta({ description: 'A force’s code (the inspectorate only)' }),
    from: dateField('First day of the period'),
    to: dateField('Last day of the period'),
    census: optionalDayField('Census date'),
  })
  .superRefine((query, context) => {
    if (query.from && query.to && query.from > query.to)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'The last day must be on or after the first',
      })
  })
