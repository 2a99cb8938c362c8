import { z } from 'zod'
import { EARLIEST_YEAR, isoDay, LATEST_YEAR } from './fields.js'

/**
 * Dates as people enter them: GOV.UK's date input (day, month and year in three fields, sent as
 * `NAME-day`, `NAME-month` and `NAME-year`), with the Design System's error messages. The JSON API,
 * links and files keep sending one text value (2012-03-27), which the same fields read.
 */

export type DatePart = 'day' | 'month' | 'year'
export type DateParts = Record<DatePart, string>

const PARTS: readonly DatePart[] = ['day', 'month', 'year']

/** The three fields of a date input as the form sent them (`values` holds them under `NAME-day`…). */
export function datePartsOf(values: Record<string, unknown>, name: string): DateParts | undefined {
  if (!PARTS.some((part) => `${name}-${part}` in values)) return undefined
  const text = (part: DatePart) => {
    const value = values[`${name}-${part}`]
    return typeof value === 'string' ? value.trim() : ''
  }
  return { day: text('day'), month: text('month'), year: text('year') }
}

export function isDateParts(value: unknown): value is DateParts {
  return (
    typeof value === 'object' &&
    value !== null &&
    PARTS.every((part) => typeof (value as Record<string, unknown>)[part] === 'string')
  )
}

function listed(parts: DatePart[]): string {
  return parts.length === 1 ? (parts[0] as string) : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

export type DateReading =
  | { day: string }
  | { blank: true }
  | { problem: string /** The fields to mark as wrong. */; parts: DatePart[] }

/**
 * Reads a date from a date input's fields or from text (2012-03-27 or 27/3/2012). `label` names the
 * date as the messages start, like "Date of the offer".
 */
export function readDate(value: unknown, label: string): DateReading {
  if (value === undefined || value === null) return { blank: true }
  if (typeof value === 'string') {
    if (!value.trim()) return { blank: true }
    const day = isoDay(value)
    if (day) return { day }
    return { problem: `${label} must be a real date, like 2012-03-27`, parts: [...PARTS] }
  }
  if (!isDateParts(value)) return { problem: `${label} must be a real date`, parts: [...PARTS] }
  const missing = PARTS.filter((part) => value[part] === '')
  if (missing.length === PARTS.length) return { blank: true }
  if (missing.length > 0) return { problem: `${label} must include a ${listed(missing)}`, parts: missing }
  const notNumbers = PARTS.filter((part) => !/^\d{1,4}$/.test(value[part]))
  if (notNumbers.length > 0) return { problem: `${label} must be a real date`, parts: notNumbers }
  if (!/^\d{4}$/.test(value.year))
    return { problem: `${label} must have a year with 4 numbers`, parts: ['year'] }
  const year = Number(value.year)
  if (year < EARLIEST_YEAR || year > LATEST_YEAR)
    return {
      problem: `${label} must be between ${EARLIEST_YEAR} and ${LATEST_YEAR}`,
      parts: ['year'],
    }
  const day = isoDay(`${value.year}-${value.month}-${value.day}`)
  if (!day) {
    const month = Number(value.month)
    return { problem: `${label} must be a real date`, parts: month < 1 || month > 12 ? ['month'] : ['day'] }
  }
  return { day }
}

/** What a date field takes: a date input's three fields, or one text value (2012-03-27). */
const dateValue = (label: string, missing: string) =>
  z.union([z.string().max(40), z.object({ day: z.string(), month: z.string(), year: z.string() })], {
    error: (issue) =>
      issue.input === undefined || issue.input === null ? missing : `${label} must be a real date`,
  })

/**
 * A date that must be given, as 2012-03-27, from a date input or text. `label` starts the messages
 * ("Date of the offer must include a month"); a blank one says `missing`, by default "Enter date of
 * the offer".
 */
export const dateField = (label: string, missing = `Enter ${lowerFirst(label)}`) =>
  dateValue(label, missing).transform((value, context) => {
    const reading = readDate(value, label)
    if ('day' in reading) return reading.day
    context.addIssue({ code: 'custom', message: 'blank' in reading ? missing : reading.problem })
    return z.NEVER
  })

/** A date that may be left blank (undefined), as 2012-03-27, from a date input or text. */
export const optionalDateField = (label: string) =>
  dateValue(label, '')
    .optional()
    .transform((value, context): string | undefined => {
      const reading = readDate(value, label)
      if ('day' in reading) return reading.day
      if ('blank' in reading) return undefined
      context.addIssue({ code: 'custom', message: reading.problem })
      return z.NEVER
    })

/**
 * A form's or query's values with each date input's three fields gathered under the date's name
 * (`offeredOn-day`… → `offeredOn: { day, month, year }`), as `dateField` reads them; other values
 * are kept as they are.
 */
export function gatherDateInputs(values: Record<string, unknown>): Record<string, unknown> {
  const gathered: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(values)) {
    const match = /^(.+)-(day|month|year)$/.exec(key)
    if (!match) {
      gathered[key] ??= value
      continue
    }
    const name = match[1] as string
    gathered[name] = datePartsOf(values, name)
  }
  return gathered
}

/** The fields a date input marks as wrong for `value` (as read, or as typed) under `message`. */
export function datePartsInError(value: unknown, hasError: boolean): DatePart[] {
  if (!hasError) return []
  const reading = readDate(value, '')
  return 'parts' in reading ? reading.parts : [...PARTS]
}

/**
 * A date's three fields for a date input: as typed (the parts, or `year-month-day` as a list's links
 * carry them), or from a stored date (2012-03-27, shown as 27 3 2012).
 */
export function datePartsForInput(value: unknown): DateParts {
  if (isDateParts(value)) return value
  const pieces = typeof value === 'string' ? /^([^-]*)-([^-]*)-([^-]*)$/.exec(value) : null
  if (!pieces) return { day: '', month: '', year: '' }
  const [, year, month, day] = pieces as unknown as [string, string, string, string]
  const unpadded = (text: string) => (/^\d+$/.test(text) ? String(Number(text)) : text)
  return { day: unpadded(day), month: unpadded(month), year }
}

/** A date input's value as one line of text for a link: the date when it is one, else what was typed. */
export function dateInputText(value: DateParts): string {
  const reading = readDate(value, '')
  if ('day' in reading) return reading.day
  if ('blank' in reading) return ''
  return `${value.year}-${value.month}-${value.day}`
}
