import { z } from 'zod'
import type { Caller } from '../../domain/access.js'
import { optionalDateField } from '../../domain/date-input.js'
import { ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CATEGORIES, BUSINESS_INTEREST_STATUSES } from '../../domain/registers.js'
import type { ForcesService } from '../forces/service.js'
import { SORTS } from './queries.js'
import { blankToUndefined } from './rules.js'

/** The list's filters, sorting and paging: the page, its downloads and the API take the same. */
export const listQuerySchema = z.object({
  force: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()).meta({
    description: 'A force’s code (inspectorate callers only; a force sees only its own)',
  }),
  status: z.preprocess(
    blankToUndefined,
    z.enum(BUSINESS_INTEREST_STATUSES, 'Select a status from the list').optional(),
  ),
  category: z.preprocess(
    blankToUndefined,
    z.enum(BUSINESS_INTEREST_CATEGORIES, 'Select a category from the list').optional(),
  ),
  unit: z.preprocess(
    blankToUndefined,
    z.string().trim().max(200, 'Unit must be 200 characters or fewer').optional(),
  ),
  from: optionalDateField('Submitted from').meta({
    description: 'Submitted on or after this day (YYYY-MM-DD)',
  }),
  to: optionalDateField('Submitted to').meta({ description: 'Submitted on or before this day (YYYY-MM-DD)' }),
  q: z
    .preprocess(
      blankToUndefined,
      z.string().trim().max(200, 'Search must be 200 characters or fewer').optional(),
    )
    .meta({
      description: 'Part of the name or staff number of the applicant, the nature or the employer',
    }),
  sort: z.preprocess(blankToUndefined, z.enum(SORTS).default('submitted')),
  order: z.preprocess(blankToUndefined, z.enum(['asc', 'desc']).default('desc')),
  page: z.preprocess(
    blankToUndefined,
    z.coerce.number('Page must be a whole number').int().min(1).max(1_000_000).default(1),
  ),
})
type ListQuery = z.output<typeof listQuerySchema>
export const FILTER_FIELDS = ['force', 'status', 'category', 'unit', 'from', 'to', 'q'] as const

/** The force the inspectorate asks about (by code); a force's own people always see their own. */
export async function forceFilter(
  forces: ForcesService,
  caller: Caller,
  code: string | undefined,
): Promise<number | undefined> {
  if (caller.scope.kind !== 'inspectorate' || !code) return undefined
  const force = (await forces.references()).find((candidate) => candidate.code === code)
  if (!force) throw new ValidationError({ force: 'Select a force from the list' })
  return force.id
}

export function filterOf(query: ListQuery, forceId: number | undefined) {
  return {
    forceId,
    status: query.status,
    category: query.category,
    unit: query.unit,
    submittedFrom: query.from,
    submittedTo: query.to,
    search: query.q,
  }
}
