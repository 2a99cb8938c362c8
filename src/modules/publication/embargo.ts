import { z } from 'zod'
import { optionalDateField } from '../../domain/date-input.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'

/** Made once: a format costs more to make than to use, and the demo's clock reads one each time it is read. */
const LONDON_MINUTE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour12: false,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
})

/** A date and time in England and Wales ("2012-12-11" and "00:01") as an instant. */
export function londonInstant(day: string, time: string): Date | undefined {
  const dayMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim())
  const timeMatch = /^(\d{1,2}):(\d{2})$/.exec(time.trim())
  if (!dayMatch || !timeMatch) return undefined
  const [year, month, date] = dayMatch.slice(1).map(Number) as [number, number, number]
  const [hour, minute] = timeMatch.slice(1).map(Number) as [number, number]
  if (hour > 23 || minute > 59 || month < 1 || month > 12 || date < 1) return undefined
  if (date > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  const guess = Date.UTC(year, month - 1, date, hour, minute)
  // London's offset at that moment (GMT or BST), read back through Intl.
  const parts = LONDON_MINUTE.formatToParts(new Date(guess))
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'))
  return new Date(guess - (shown - guess))
}

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
