import type { z } from 'zod'
import { ValidationError } from './errors.js'

/** Parses input with a schema, or throws a ValidationError with the first message for each field. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message
  throw new ValidationError(errors)
}
