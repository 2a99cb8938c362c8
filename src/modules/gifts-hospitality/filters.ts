import { z } from 'zod'
import { optionalDateField } from '../../domain/date-input.js'
import { DONOR_TYPES, GIFT_KINDS, GIFT_OUTCOMES } from '../../domain/registers.js'
import { sortAndPage } from '../../web/lists.js'
import { parseMoney } from './fields.js'
import type { GiftFilter } from './queries.js'

const choice = <const Values extends readonly [string, ...string[]]>(values: Values, message: string) =>
  z
    .union([z.enum(values), z.literal('')], message)
    .optional()
    .transform((value) => value || undefined)

const optionalMoney = (message: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value?.trim()) return undefined
      const amount = parseMoney(value)
      if (amount === undefined) {
        context.addIssue({ code: 'custom', message })
        return z.NEVER
      }
      return amount
    })

export const GIFT_SORT_KEYS = ['offered', 'declared', 'value', 'donor', 'staff', 'kind', 'outcome'] as const

/** The list's filters, sorting and page, as a query string: the page's GET form and the API take the same. */
export const giftQuerySchema = z
  .object({
    outcome: choice(GIFT_OUTCOMES, 'Select accepted or declined').meta({
      description: 'accepted or declined',
    }),
    kind: choice(GIFT_KINDS, 'Select gift or hospitality').meta({ description: 'gift or hospitality' }),
    donorType: choice(DONOR_TYPES, 'Select a kind of donor from the list').meta({
      description: `One of: ${DONOR_TYPES.join(', ')}`,
    }),
    flagged: z
      .union([z.literal('yes'), z.literal('')], 'Flagged donors only must be yes or empty')
      .optional()
      .transform((value) => value === 'yes')
      .meta({ description: '`yes`: only donors that are suppliers, contractors or the media' }),
    valueFrom: optionalMoney('Enter the lowest value as an amount in pounds, like 25').meta({
      description: 'Lowest estimated value, £',
    }),
    valueTo: optionalMoney('Enter the highest value as an amount in pounds, like 500').meta({
      description: 'Highest estimated value, £',
    }),
    offeredFrom: optionalDateField('Offered from').meta({ description: 'First day offered (2011-04-01)' }),
    offeredTo: optionalDateField('Offered to').meta({ description: 'Last day offered (2012-03-31)' }),
    q: z
      .string()
      .trim()
      .max(200, 'Search text must be 200 characters or fewer')
      .optional()
      .transform((value) => value || undefined)
      .meta({ description: 'Part of the description, donor, or the member of staff’s name, number or unit' }),
    ...sortAndPage(GIFT_SORT_KEYS, 'offered'),
  })
  .superRefine((query, context) => {
    if (query.valueFrom !== undefined && query.valueTo !== undefined && query.valueFrom > query.valueTo)
      context.addIssue({
        code: 'custom',
        path: ['valueTo'],
        message: 'The highest value must be the same as or more than the lowest',
      })
    if (query.offeredFrom && query.offeredTo && query.offeredFrom > query.offeredTo)
      context.addIssue({
        code: 'custom',
        path: ['offeredTo'],
        message: 'Offered to must be the same as or after offered from',
      })
  })

export type GiftQuery = z.output<typeof giftQuerySchema>

export const FILTER_FIELDS = [
  'outcome',
  'kind',
  'donorType',
  'flagged',
  'valueFrom',
  'valueTo',
  'offeredFrom',
  'offeredTo',
  'q',
] as const

export function toGiftFilter(query: GiftQuery): GiftFilter {
  return {
    outcome: query.outcome,
    kind: query.kind,
    donorType: query.donorType,
    flaggedOnly: query.flagged,
    valueFrom: query.valueFrom,
    valueTo: query.valueTo,
    offeredFrom: query.offeredFrom,
    offeredTo: query.offeredTo,
    search: query.q,
  }
}
