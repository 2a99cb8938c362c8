import { ValidationError } from '../../domain/errors.js'
import { SpreadsheetError } from '../../spreadsheets/errors.js'
import type { UploadLimits } from '../../spreadsheets/limits.js'
import { type SheetRow, spreadsheetRows, type UploadedFile } from '../../spreadsheets/read.js'

/**
 * An upload's rows as they are read under the limits (spreadsheetRows); a file that is not a
 * spreadsheet, is over a limit, or whose header lacks a required column, is a ValidationError.
 */
export async function* uploadRows(
  file: UploadedFile,
  limits: UploadLimits,
  requiredColumns: readonly string[] = [],
): AsyncGenerator<SheetRow> {
  let first = true
  try {
    for await (const row of spreadsheetRows(file, limits)) {
      if (first) requireColumns(file.filename, Object.keys(row.values), requiredColumns)
      first = false
      yield row
    }
  } catch (error) {
    if (error instanceof SpreadsheetError) throw new ValidationError({ file: error.message })
    throw error
  }
}

/** A file whose header lacks a required column is a ValidationError naming them. */
export function requireColumns(filename: string, columns: readonly string[], required: readonly string[]) {
  const present = new Set(columns)
  const missing = required.filter((column) => !present.has(column))
  if (missing.length) throw new ValidationError({ file: `${filename} has no column ${missing.join(', ')}` })
}
