import { z } from 'zod'
import { dateField } from '../../domain/date-input.js'
import { dayField, optionalDay, optionalText, requiredText } from '../../domain/fields.js'
import { DONOR_TYPES, GIFT_DISPOSALS, GIFT_KINDS, GIFT_OUTCOMES } from '../../domain/registers.js'

/** "£1,200.50", "1200.5" and 1200.5 all mean 1200.50; undefined when it is not an amount of money. */
export function parseMoney(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim().replace(/^£/, '').replace(/,/g, '').trim()
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(text)) return undefined
  return Number(text)
}

/** The most the register's money columns (numeric(10, 2)) hold: £99,999,999.99. */
const MAX_POUNDS = 99_999_999.99

/** An amount of money, in pounds and pence, that the register can hold. */
export const moneyField = (missing: string, wrong: string) =>
  z.unknown().transform((value, context) => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      context.addIssue({ code: 'custom', message: missing })
      return z.NEVER
    }
    const amount = parseMoney(value)
    if (amount === undefined || amount < 0) {
      context.addIssue({ code: 'custom', message: wrong })
      return z.NEVER
    }
    if (amount > MAX_POUNDS) {
      context.addIssue({ code: 'custom', message: `${wrong}, of no more than £99,999,999.99` })
      return z.NEVER
    }
    return amount
  })

/** A declaration, in the order of the form's fields so the error summary follows the page. */
export const declarationFields = {
  kind: z.enum(GIFT_KINDS, 'Select whether it was a gift or hospitality'),
  description: requiredText('Enter a description of the gift or hospitality', 'Description', 2000),
  donorName: requiredText('Enter who offered it', 'Donor', 200),
  donorType: z.enum(DONOR_TYPES, 'Select what kind of donor offered it'),
  estimatedValue: moneyField(
    'Enter the estimated value in pounds',
    'Enter the estimated value as an amount in pounds, like 25 or 25.50',
  ),
  offeredOn: dateField('Date of the offer'),
  outcome: z.enum(GIFT_OUTCOMES, 'Select whether it was accepted or declined'),
}
export const declarationSchema = z.object(declarationFields)
export type Declaration = z.output<typeof declarationSchema>

/** A caseworker records someone else's declaration: the member of staff by number, then the same. */
export const onBehalfSchema = z.object({
  staffNumber: requiredText('Enter the staff number of the member of staff', 'Staff number', 50),
  ...declarationFields,
})

export const reviewSchema = z.object({
  approver: optionalText('Approver', 200),
  disposal: z
    .union([z.enum(GIFT_DISPOSALS), z.literal('')], 'Select what happened to it')
    .optional()
    .nullable()
    .transform((value) => value || null),
  notes: optionalText('Notes', 2000),
})
export type Review = z.output<typeof reviewSchema>

export const thresholdsSchema = z.object({
  declareFrom: moneyField(
    'Enter the value from which offers must be declared',
    'Enter the declaration threshold as an amount in pounds, like 0 or 10',
  ),
  approvalFrom: moneyField(
    'Enter the value from which approval is needed',
    'Enter the approval threshold as an amount in pounds, like 25',
  ),
})

/** One row of an import of historic records, by its (normalised) column headers. */
export const importRowSchema = z.object({
  staff_number: requiredText('enter the staff number', 'Staff number', 50),
  kind: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(GIFT_KINDS, `must be one of: ${GIFT_KINDS.join(', ')}`)),
  description: requiredText('enter a description', 'Description', 2000),
  donor_name: requiredText('enter the donor', 'Donor', 200),
  donor_type: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(DONOR_TYPES, `must be one of: ${DONOR_TYPES.join(', ')}`)),
  estimated_value: moneyField('enter the estimated value', 'must be an amount in pounds, like 25.50'),
  offered_on: dayField('enter the date offered', 'must be a real date, like 2011-03-27 or 27/3/2011'),
  declared_on: optionalDay('must be a real date, like 2011-03-27 or 27/3/2011'),
  outcome: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(GIFT_OUTCOMES, `must be one of: ${GIFT_OUTCOMES.join(', ')}`)),
  approver: optionalText('Approver', 200),
  disposal: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.enum(GIFT_DISPOSALS, `must be empty or one of: ${GIFT_DISPOSALS.join(', ')}`).optional()),
  notes: optionalText('Notes', 2000),
})

/** Every column an import reads, in the order of the template; the last four may be left out. */
export const IMPORT_COLUMNS = Object.keys(importRowSchema.shape)
export const REQUIRED_IMPORT_COLUMNS = IMPORT_COLUMNS.filter(
  (column) => !['declared_on', 'approver', 'disposal', 'notes'].includes(column),
)
