import fs from 'node:fs/promises'
import path from 'node:path'
import { ValidationError } from '../domain/errors.js'
import { type CsvSource, csvRecords } from './csv.js'
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

/** Which reader a file needs, by its name; the bytes, where they are already here, must agree. */
export function kindOf(filename: string, data?: Buffer): 'csv' | 'xlsx' {
  const name = filename.toLowerCase()
  const isZip = data?.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
  if (name.endsWith('.xlsx')) {
    if (data && !isZip) throw new SpreadsheetError(`${filename} is not an Excel (.xlsx) workbook`)
    return 'xlsx'
  }
  if (name.endsWith('.csv') || name.endsWith('.txt')) {
    if (isZip) throw new SpreadsheetError(`${filename} is not a text CSV file`)
    return 'csv'
  }
  throw new SpreadsheetError(`${filename} is neither a CSV (.csv) nor an Excel (.xlsx) file`)
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
  const rows = kindOf(file.filename, file.data) === 'csv' ? readCsv(file, limits) : readXlsx(file, limits)
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

/** The limits a file is read under; `rows` is left out where a command streams a file of any length. */
export type SheetLimits = Omit<UploadLimits, 'rows'> & { rows?: number }

/** A file being read: in memory (an upload) or a stream of its bytes (a command's file of any size). */
export interface SheetSource {
  filename: string
  source: CsvSource
}

/** A non-empty row as it is stored: the line (CSV) or row (XLSX) number people see, its cells in order. */
export interface SheetLine {
  line: number
  cells: string[]
}

/** A workbook's bytes gathered from a stream (its directory is at its end), refused past the size limit. */
async function bytesOf(file: SheetSource, maxBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(file.source)) return file.source
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of file.source) {
    const bytes = Buffer.from(chunk)
    size += bytes.length
    if (size > maxBytes) throw new SpreadsheetError(fileTooLarge(file.filename, maxBytes))
    chunks.push(bytes)
  }
  return Buffer.concat(chunks)
}

async function* xlsxLines(file: SheetSource, limits: SheetLimits): AsyncGenerator<SheetLine> {
  const data = await bytesOf(file, limits.bytes)
  kindOf(file.filename, data)
  for await (const { line, cells } of xlsxRows(data, file.filename, limits)) {
    const last = Math.max(0, ...cells.keys())
    if (last) yield { line, cells: Array.from({ length: last }, (_, index) => cells.get(index + 1) ?? '') }
  }
}

async function* csvLines(file: SheetSource, limits: SheetLimits): AsyncGenerator<SheetLine> {
  // The rows are counted by sheetLines, as for a workbook: those with a cell in them.
  for await (const { line, record } of csvRecords(file.source, file.filename, {
    ...limits,
    rows: undefined,
  })) {
    const cells = record.map((cell) => cell.trim())
    if (cells.some((cell) => cell !== '')) yield { line, cells }
  }
}

/**
 * Every non-empty row of a CSV or XLSX file, the header first, as cells in column order: for a reader
 * that maps columns itself. The same limits as spreadsheetRows are checked as the file is read (a
 * CSV streams past the memory of the process; a workbook is gathered, up to the size limit, as its
 * directory is at its end), and the work lets the event loop turn every few milliseconds.
 */
export async function* sheetLines(file: SheetSource, limits: SheetLimits): AsyncGenerator<SheetLine> {
  const kind = kindOf(file.filename, Buffer.isBuffer(file.source) ? file.source : undefined)
  const pace = pacer()
  let rows = -1
  for await (const line of kind === 'csv' ? csvLines(file, limits) : xlsxLines(file, limits)) {
    if (limits.rows !== undefined && ++rows > limits.rows)
      throw new SpreadsheetError(tooManyRows(file.filename, limits.rows))
    await pace()
    yield line
  }
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
