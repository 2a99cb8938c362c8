import { z } from 'zod'
import { dateField, optionalDateField } from '../../domain/date-input.js'
import { dayField, optionalText, requiredText } from '../../domain/fields.js'
import { MEDIA_CONTACT_METHODS } from '../../domain/registers.js'
import { sortAndPage } from '../../web/lists.js'

/** A media contact, in the order of the form's fields so the error summary follows the page. */
export const contactFields = {
  journalist: requiredText('Enter the journalist’s name', 'Journalist', 200),
  outlet: requiredText('Enter the newspaper, broadcaster or other outlet', 'Outlet', 200),
  contactOn: dateField('Date of the contact'),
  method: z.enum(MEDIA_CONTACT_METHODS, 'Select how the contact was made'),
  purpose: requiredText('Enter the purpose of the contact', 'Purpose', 500),
  discussed: requiredText('Enter what was discussed', 'What was discussed', 5000),
  authorisedBy: optionalText('Authorised by', 200),
}
export const contactSchema = z.object(contactFields)
export const onBehalfSchema = z.object({
  staffNumber: requiredText('Enter the staff number of the member of staff', 'Staff number', 50),
  ...contactFields,
})

export const importRowSchema = z.object({
  staff_number: requiredText('enter the staff number', 'Staff number', 50),
  journalist: requiredText('enter the journalist', 'Journalist', 200),
  outlet: requiredText('enter the outlet', 'Outlet', 200),
  contact_on: dayField('enter the date of the contact', 'must be a real date, like 2011-03-27 or 27/3/2011'),
  method: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(MEDIA_CONTACT_METHODS, `must be one of: ${MEDIA_CONTACT_METHODS.join(', ')}`)),
  purpose: requiredText('enter the purpose', 'Purpose', 500),
  discussed: requiredText('enter what was discussed', 'What was discussed', 5000),
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

export const MEDIA_SORT_KEYS = ['date', 'journalist', 'outlet', 'staff', 'unit', 'method'] as const

/** The list's filters, sorting and page: the page's GET form and the API take the same. */
export const mediaQuerySchema = z
  .object({
    outlet: optionalFilterText('Outlet').meta({ description: 'Part of the outlet’s name' }),
    journalist: optionalFilterText('Journalist').meta({ description: 'Part of the journalist’s name' }),
    unit: optionalFilterText('Unit').meta({ description: 'Part of the member of staff’s unit' }),
    from: optionalDateField('From date').meta({ description: 'First day (2011-04-01)' }),
    to: optionalDateField('To date').meta({ description: 'Last day (2012-03-31)' }),
    q: optionalFilterText('Search text').meta({
      description:
        'Part of the purpose, what was discussed, journalist, outlet, or the member of staff’s name or number',
    }),
    ...sortAndPage(MEDIA_SORT_KEYS, 'date'),
  })
  .superRefine((query, context) => {
    if (query.from && query.to && query.from > query.to)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'To date must be the same as or after the from date',
      })
  })
export type MediaQuery = z.output<typeof mediaQuerySchema>
export const FILTER_FIELDS = ['outlet', 'journalist', 'unit', 'from', 'to', 'q'] as const
