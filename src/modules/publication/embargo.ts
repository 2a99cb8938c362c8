import { z } from 'zod'
import { optionalDateField } from '../../domain/date-input.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { londonInstant } from './service.js'

/**
 * The embargo a publisher sets on the publish form: a day (GOV.UK's date input) and a time in UK
 * time (midnight when left blank). Both blank: publish now.
 */
const embargoForm = z.object({
  embargoDay: optionalDateField('Embargo date'),
  embargoTime: z
    .string()
    .trim()
    .max(10, 'Enter the time like 00:01 or 14:30')
    .optional()
    .transform((value) => value || undefined),
})

/** The instant a publisher's embargo ends, or null to publish now; a 400 that says why otherwise. */
export function embargoFrom(values: Record<string, unknown>): Date | null {
  const { embargoDay, embargoTime } = parseOrThrow(embargoForm, values)
  if (!embargoDay) {
    if (embargoTime)
      throw new ValidationError({ embargoDay: 'Enter the embargo date, or leave the time blank' })
    return null
  }
  const instant = londonInstant(embargoDay, embargoTime ?? '00:00')
  if (!instant) throw new ValidationError({ embargoTime: 'Enter the time like 00:01 or 14:30' })
  return instant
}
