import { z } from 'zod'
import { MEDIA_CONTACT_METHODS } from '../../domain/registers.js'
import { dayField, isoDay } from '../gifts-hospitality/fields.js'

export { isoDay, londonToday } from '../gifts-hospitality/fields.js'

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

/** A media contact, in the order of the form's fields so the error summary follows the page. */
export const contactFields = {
  journalist: text('Enter the journalist’s name', 'Journalist', 200),
  outlet: text('Enter the newspaper, broadcaster or other outlet', 'Outlet', 200),
  contactOn: dayField(
    'Enter the date of the contact',
    'Enter the date of the contact as a real date, like 27/3/2012',
  ),
  method: z.enum(MEDIA_CONTACT_METHODS, 'Select how the contact was made'),
  purpose: text('Enter the purpose of the contact', 'Purpose', 500),
  discussed: text('Enter what was discussed', 'What was discussed', 5000),
  authorisedBy: optionalText('Authorised by', 200),
}
export const contactSchema = z.object(contactFields)
export const onBehalfSchema = z.object({
  staffNumber: text('Enter the staff number of the member of staff', 'Staff number', 50),
  ...contactFields,
})

export const importRowSchema = z.object({
  staff_number: text('enter the staff number', 'Staff number', 50),
  journalist: text('enter the journalist', 'Journalist', 200),
  outlet: text('enter the outlet', 'Outlet', 200),
  contact_on: dayField('enter the date of the contact', 'must be a real date, like 2011-03-27 or 27/3/2011'),
  method: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(MEDIA_CONTACT_METHODS, `must be one of: ${MEDIA_CONTACT_METHODS.join(', ')}`)),
  purpose: text('enter the purpose', 'Purpose', 500),
  discussed: text('enter what was discussed', 'What was discussed', 5000),
  authorised_by: optionalText('Authorised by', 200),
})
export const IMPORT_COLUMNS = Object.keys(importRowSchema.shape)
export const REQUIRED_IMPORT_COLUMNS = IMPORT_COLUMNS.filter((column) => column !== 'authorised_by')

const optionalFilterText = (label: string) =>
  z
    .string()
    .trim()
    .max(200, `${label} must be 200 characters or fewer`)
    .optional()
    .transform((value) => value || undefined)

const optionalDay = (message: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value?.trim()) return undefined
      const day = isoDay(value)
      if (!day) {
        context.addIssue({ code: 'custom', message })
        return z.NEVER
      }
      return day
    })

export const MEDIA_SORT_KEYS = ['date', 'journalist', 'outlet', 'staff', 'unit', 'method'] as const

/** The list's filters, sorting and page: the page's GET form and the API take the same. */
export const mediaQuerySchema = z
  .object({
    outlet: optionalFilterText('Outlet').meta({ description: 'Part of the outlet’s name' }),
    journalist: optionalFilterText('Journalist').meta({ description: 'Part of the journalist’s name' }),
    unit: optionalFilterText('Unit').meta({ description: 'Part of the member of staff’s unit' }),
    from: optionalDay('Enter the from date as a real date, like 1/4/2011').meta({
      description: 'First day (2011-04-01 or 1/4/2011)',
    }),
    to: optionalDay('Enter the to date as a real date, like 31/3/2012').meta({
      description: 'Last day (2012-03-31 or 31/3/2012)',
    }),
    q: optionalFilterText('Search text').meta({
      description:
        'Part of the purpose, what was discussed, journalist, outlet, or the member of staff’s name or number',
    }),
    sort: z
      .union([z.enum(MEDIA_SORT_KEYS), z.literal('')], 'Sort by one of the table’s columns')
      .optional()
      .transform((value) => value || 'date'),
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
export type MediaQuery = z.output<typeof mediaQuerySchema>
export const FILTER_FIELDS = ['outlet', 'journalist', 'unit', 'from', 'to', 'q'] as const
