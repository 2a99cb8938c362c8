/**
 * The GOV.UK error summary and inline messages for a form, from a message per field. `ids` maps a
 * field to the id of its input where they differ, so each summary link moves focus to the right place.
 */
export interface FormErrors {
  summary: { text: string; href: string }[]
  fields: Record<string, { text: string }>
}

export function formErrors(
  fieldErrors: Record<string, string>,
  ids: Record<string, string> = {},
): FormErrors {
  const entries = Object.entries(fieldErrors)
  return {
    summary: entries.map(([field, text]) => ({ text, href: `#${ids[field] ?? field}` })),
    fields: Object.fromEntries(entries.map(([field, text]) => [field, { text }])),
  }
}

/**
 * Only a path on this site is a safe place to send someone back to after signing in. Browsers drop
 * tabs and line breaks from a URL, so `/<tab>/evil.example` would reach them as `//evil.example`, another
 * site: any control character sends the person home instead.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])/.test(value)) return '/'
  const hasControlCharacter = [...value].some((character) => {
    const code = character.charCodeAt(0)
    return code < 0x20 || code === 0x7f
  })
  return hasControlCharacter ? '/' : value
}

/** A value as a sentence starts: `approved with conditions` → `Approved with conditions`. */
export function capitalised(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1)
}

/** The items of GOV.UK radios or a select for a fixed list of values, each shown capitalised. */
export function choicesOf(values: readonly string[]): { value: string; text: string }[] {
  return values.map((value) => ({ value, text: capitalised(value) }))
}

/** Each locale's long day, of a stored day (UTC) and of a moment (the day in England and Wales). */
const longDays = new Map<string, { day: Intl.DateTimeFormat; londonDay: Intl.DateTimeFormat }>()
function longDaysIn(locale: string) {
  let formats = longDays.get(locale)
  if (!formats) {
    formats = {
      day: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
      londonDay: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Europe/London' }),
    }
    longDays.set(locale, formats)
  }
  return formats
}

/**
 * A date as people read it everywhere in Probity: 27 March 2012 (in Welsh, with `cy-GB`, 27 Mawrth
 * 2012). Takes a day as stored (2012-03-27), or a moment (a Date or an ISO timestamp), whose day is
 * the one in England and Wales; nothing for no date.
 */
export function formatDay(value: string | Date | null | undefined, locale = 'en-GB'): string {
  if (value === null || value === undefined || value === '') return ''
  const formats = longDaysIn(locale)
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return formats.day.format(new Date(`${value}T00:00:00Z`))
  const moment = new Date(value)
  return Number.isNaN(moment.getTime()) ? String(value) : formats.londonDay.format(moment)
}
