import fs from 'node:fs/promises'
import path from 'node:path'
import type ExcelJS from 'exceljs'
import { ValidationError } from '../domain/errors.js'
import { csvRecords } from './csv.js'
import { fileTooLarge, SpreadsheetError, tooManyRows } from './errors.js'
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './limits.js'
import { pacer } from './pace.js'
import { xlsxRows } from './xlsx.js'

export { SpreadsheetError } from './errors.js'

/** One data row, keyed by the normalised header, with the line (CSV) or row (XLSX) number people see. */
export interface SheetRow {
  line: number
  values: Record<string, string>
}

export interface UploadedFile {
  filename: string
  data: Buffer
}

/** `Staff number` and `staff_number` both become `staff_number`. */
export function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
}

function kindOf(file: UploadedFile): 'csv' | 'xlsx' {
  const name = file.filename.toLowerCase()
  const isZip = file.data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  if (name.endsWith('.xlsx')) {
    if (!isZip) throw new SpreadsheetError(`${file.filename} is not an Excel (.xlsx) workbook`)
    return 'xlsx'
  }
  if (name.endsWith('.csv') || name.endsWith('.txt')) {
    if (isZip) throw new SpreadsheetError(`${file.filename} is not a text CSV file`)
    return 'csv'
  }
  throw new SpreadsheetError(`${file.filename} is neither a CSV (.csv) nor an Excel (.xlsx) file`)
}

/** The header row's columns, normalised; no header at all, or a column twice, is a SpreadsheetError. */
export function checkHeaders(headers: string[], filename: string): string[] {
  const normalised = headers.map(normaliseHeader)
  if (normalised.every((header) => header === '')) throw new SpreadsheetError(`${filename} has no header row`)
  const seen = new Set<string>()
  for (const header of normalised) {
    if (header && seen.has(header)) throw new SpreadsheetError(`${filename} has the column ${header} twice`)
    seen.add(header)
  }
  return normalised
}

async function* readCsv(file: UploadedFile, limits: UploadLimits): AsyncGenerator<SheetRow> {
  let columns: string[] | undefined
  for await (const { line, record } of csvRecords(file.data, file.filename, limits)) {
    if (!columns) {
      columns = checkHeaders(record, file.filename)
      continue
    }
    yield {
      line,
      values: Object.fromEntries(columns.map((column, index) => [column, (record[index] ?? '').trim()])),
    }
  }
  if (!columns) throw new SpreadsheetError(`${file.filename} is empty`)
}

/** A cell of a workbook as ExcelJS reads it, as the text an import reads: dates as days, formulas as their results. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
    if ('richText' in value) return value.richText.map((part) => part.text).join('')
    if ('text' in value) return String(value.text)
    if ('error' in value) return ''
  }
  return String(value).trim()
}

async function* readXlsx(file: UploadedFile, limits: UploadLimits): AsyncGenerator<SheetRow> {
  let columns: string[] | undefined
  let rows = 0
  for await (const { line, cells } of xlsxRows(file.data, file.filename, limits)) {
    if (!columns) {
      if (line !== 1) throw new SpreadsheetError(`${file.filename} has no header row`)
      const last = Math.max(0, ...cells.keys())
      columns = checkHeaders(
        Array.from({ length: last }, (_, index) => cells.get(index + 1) ?? ''),
        file.filename,
      )
      continue
    }
    if (!cells.size) continue
    if (++rows > limits.rows) throw new SpreadsheetError(tooManyRows(file.filename, limits.rows))
    const values = Object.fromEntries(columns.map((column, index) => [column, cells.get(index + 1) ?? '']))
    if (Object.values(values).some((value) => value !== '')) yield { line, values }
  }
  if (!columns) throw new SpreadsheetError(`${file.filename} has no rows`)
}

/**
 * The first sheet of a CSV or XLSX upload, row by row; the first row is the header. The file is
 * read as a stream and checked against the limits as it goes, so one over a limit is refused there
 * (a SpreadsheetError naming the limit); and the work lets the event loop turn every few milliseconds.
 */
export async function* spreadsheetRows(
  file: UploadedFile,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): AsyncGenerator<SheetRow> {
  if (file.data.length === 0) throw new SpreadsheetError(`${file.filename} is empty`)
  const pace = pacer()
  const rows = kindOf(file) === 'csv' ? readCsv(file, limits) : readXlsx(file, limits)
  for await (const row of rows) {
    await pace()
    yield row
  }
}

/** Every row of a CSV or XLSX upload (see spreadsheetRows). */
export async function readSpreadsheet(
  file: UploadedFile,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): Promise<SheetRow[]> {
  const rows: SheetRow[] = []
  for await (const row of spreadsheetRows(file, limits)) rows.push(row)
  return rows
}

/** A file a command is given, read into memory only when it is within the limit of an upload. */
export async function readLocalFile(file: string, maxBytes: number): Promise<UploadedFile> {
  const filename = path.basename(file)
  try {
    const stat = await fs.stat(file)
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    if (stat.size > maxBytes) throw new ValidationError({ file: fileTooLarge(filename, maxBytes) })
    return { filename, data: await fs.readFile(file) }
  } catch (error) {
    if (error instanceof ValidationError) throw error
    throw new ValidationError({ file: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}` })
  }
}
