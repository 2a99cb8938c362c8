import { z } from 'zod'
import { ValidationError } from './errors.js'

/** The first message for each field (`form` for the whole input), as a form's error summary lists them. */
export function firstMessages(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const messages: Record<string, string> = {}
  for (const issue of issues) messages[String(issue.path[0] ?? 'form')] ??= issue.message
  return messages
}

/**
 * The first message for each field, the schema's and then the rules' beyond it (`extra`), sorted in the
 * order of the form's fields so the error summary follows the page.
 */
export function orderedFieldErrors(
  order: readonly string[],
  issues: readonly z.core.$ZodIssue[],
  extra: Record<string, string> = {},
): Record<string, string> {
  const found = firstMessages(issues)
  for (const [field, message] of Object.entries(extra)) found[field] ??= message
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length)
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => rank(a) - rank(b)))
}

/** Parses input with a schema, or throws a ValidationError with the first message for each field. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new ValidationError(firstMessages(parsed.error.issues))
}

/** A whole number typed into a form, between `min` and `max`, with messages that name it. */
export function wholeNumberField(label: string, min: number, max: number) {
  return z.coerce
    .number(`${label} must be a whole number`)
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be ${min} or more`)
    .max(max, `${label} must be ${max} or fewer`)
}
