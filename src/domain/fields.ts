import { z } from 'zod'

/**
 * Fields that several registers' forms, filters and imports read alike: text, and days written the
 * way people in England and Wales write them.
 */

export interface Day {
  year: number
  month: number
  day: number
}

/**
 * The years a day may fall in. Records go back to the oldest serving officer's start and forward to a
 * policy's review; anything outside is a typing slip, and PostgreSQL cannot store some of it (year 0).
 */
export const EARLIEST_YEAR = 1900
export const LATEST_YEAR = 2100

const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
const UK_DAY = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/

/** A calendar day written as 2012-03-27 or 27/3/2012, if it is a real one between 1900 and 2100. */
export function parseDay(text: string): Day | undefined {
  const iso = ISO_DAY.exec(text)
  const uk = iso ? undefined : UK_DAY.exec(text)
  const parts = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : undefined
  if (!parts) return undefined
  const [year, month, day] = parts.map(Number) as [number, number, number]
  if (year < EARLIEST_YEAR || year > LATEST_YEAR || month < 1 || month > 12 || day < 1) return undefined
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  return { year, month, day }
}

/** A real calendar day written as 2012-03-27 or 27/3/2012, as 2012-03-27; undefined when it is not one. */
export function isoDay(text: string): string | undefined {
  const day = parseDay(text.trim())
  if (!day) return undefined
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${day.year}-${pad(day.month)}-${pad(day.day)}`
}

// Made once: a formatter costs more to make than to use, and today is asked for on most requests.
const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** Today's date in England and Wales, where the forces are, as 2012-03-27. */
export function londonToday(now: Date): string {
  return londonDay.format(now)
}

/**
 * Whether PostgreSQL can store the text: it refuses the NUL character, and half of a UTF-16 surrogate
 * pair (a broken character, as a cut-off emoji leaves) is not text at all. Such text is refused rather
 * than silently changed, so what is stored is always what was sent.
 */
export function isStorableText(text: string): boolean {
  // In a `u` pattern a whole surrogate pair is one code point, so \p{Cs} matches only a lone half.
  return !/[\0\p{Cs}]/u.test(text)
}

/** What to tell someone whose `label` is not storable text. */
export const unstorableTextMessage = (label: string) =>
  `${label} contains a character that cannot be stored (a NUL or a broken character): remove it`

/** Text that must be given: `missing` when it is blank. */
export const requiredText = (missing: string, label: string, max: number) =>
  z
    .string(missing)
    .trim()
    .min(1, missing)
    .max(max, `${label} must be ${max} characters or fewer`)
    .refine(isStorableText, unstorableTextMessage(label))

/** Text that may be left blank, stored as null. */
export const optionalText = (label: string, max: number) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .refine(isStorableText, unstorableTextMessage(label))
    .optional()
    .nullable()
    .transform((value) => value || null)

/** A day that must be given, as 2012-03-27: `missing` when blank, `wrong` when it is not a real day. */
export const dayField = (missing: string, wrong: string) =>
  z.unknown().transform((value, context) => {
    if (typeof value !== 'string' || value.trim() === '') {
      context.addIssue({ code: 'custom', message: missing })
      return z.NEVER
    }
    const day = isoDay(value)
    if (!day) {
      context.addIssue({ code: 'custom', message: wrong })
      return z.NEVER
    }
    return day
  })

/** A day that may be left out (a list's filter, an import's optional column), as 2012-03-27. */
export const optionalDay = (wrong: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value?.trim()) return undefined
      const day = isoDay(value)
      if (!day) {
        context.addIssue({ code: 'custom', message: wrong })
        return z.NEVER
      }
      return day
    })
