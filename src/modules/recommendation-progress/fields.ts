import { z } from 'zod'
import { optionalText } from '../../domain/fields.js'
import { RECOMMENDATION_STATUSES } from '../../domain/inspections.js'

/** A progress update, in the order of the form's fields. */
export const progressUpdateSchema = z.object({
  recommendation: z
    .string('Select the recommendation')
    .trim()
    .min(1, 'Select the recommendation')
    .max(100, 'Select the recommendation'),
  status: z.enum(RECOMMENDATION_STATUSES, 'Select the status'),
  note: optionalText('The note', 5000),
})

export const PROGRESS_FIELDS = ['recommendation', 'status', 'note'] as const

/** The national progress page's filter: which inspection. */
export const nationalQuerySchema = z.object({
  inspection: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((value) => value || undefined)
    .meta({ description: 'The inspection, by code or id (the latest open one when left out)' }),
})
