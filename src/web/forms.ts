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
