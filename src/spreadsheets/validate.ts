import type { z } from 'zod'
import type { SheetRow } from './read.js'

export interface RowProblem {
  line: number
  reason: string
}

export interface ValidatedRows<Value> {
  valid: { line: number; value: Value }[]
  problems: RowProblem[]
}

/**
 * Checks every row against the schema and keeps going, so one upload reports every bad row with its
 * line number and what is wrong (`column: message`), not just the first.
 */
export function validateRows<Schema extends z.ZodType>(
  rows: SheetRow[],
  schema: Schema,
): ValidatedRows<z.output<Schema>> {
  const result: ValidatedRows<z.output<Schema>> = { valid: [], problems: [] }
  for (const row of rows) {
    const parsed = schema.safeParse(row.values)
    if (parsed.success) {
      result.valid.push({ line: row.line, value: parsed.data })
    } else {
      result.problems.push({ line: row.line, reason: reasonOf(parsed.error) })
    }
  }
  return result
}

/** Why a row failed its schema, as an import reports it: `column: message`, each separated by `; `. */
export function reasonOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}
