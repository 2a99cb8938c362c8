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

const longDay = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' })

/** A day stored as 2012-03-27, as people read it: 27 March 2012 (nothing for no day). */
export function formatDay(day: string | null): string {
  return day ? longDay.format(new Date(`${day}T00:00:00Z`)) : ''
}
