import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'

/** A file that cannot be read as a spreadsheet at all; the message says why in plain words. */
export class SpreadsheetError extends Error {}

/** One data row, keyed by the normalised header, with the line (CSV) or row (XLSX) number people see. */
export interface SheetRow {
  line: number
  values: Record<string, string>
}

export interface UploadedFile {
  filename: string
  data: Buffer
}

export const MAX_ROWS = 1_000_000

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
    if (isZip || file.data.includes(0)) throw new SpreadsheetError(`${file.filename} is not a text CSV file`)
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

function readCsv(file: UploadedFile): SheetRow[] {
  const text = file.data.toString('utf8').replace(/^\uFEFF/, '')
  if (!text.trim()) throw new SpreadsheetError(`${file.filename} is empty`)
  let records: { record: string[]; info: { lines: number }; raw: string }[]
  try {
    records = parse(text, {
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as typeof records
  } catch (error) {
    throw new SpreadsheetError(`${file.filename} is not valid CSV: ${(error as Error).message}`)
  }
  const [header, ...data] = records
  if (!header) throw new SpreadsheetError(`${file.filename} is empty`)
  const columns = checkHeaders(header.record, file.filename)
  if (data.length > MAX_ROWS) throw new SpreadsheetError(`${file.filename} has more than ${MAX_ROWS} rows`)
  // `lines` counts to the end of the record; a quoted value may span lines, and people look for its start.
  return data.map(({ record, info, raw }) => ({
    line: info.lines - (raw.replace(/^[\r\n]+|[\r\n]+$/g, '').match(/\n/g)?.length ?? 0),
    values: Object.fromEntries(columns.map((column, index) => [column, (record[index] ?? '').trim()])),
  }))
}

/** A cell of a workbook as the text an import reads: dates as days, formulas as their results. */
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

async function readXlsx(file: UploadedFile): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(file.data as unknown as ArrayBuffer)
  } catch {
    throw new SpreadsheetError(`${file.filename} could not be opened as an Excel workbook`)
  }
  const sheet = workbook.worksheets[0]
  if (!sheet || sheet.rowCount === 0) throw new SpreadsheetError(`${file.filename} has no rows`)
  const headerRow = sheet.getRow(1)
  const headers: string[] = []
  for (let column = 1; column <= headerRow.cellCount; column++)
    headers.push(cellText(headerRow.getCell(column).value))
  const columns = checkHeaders(headers, file.filename)
  const rows: SheetRow[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return
    const values = Object.fromEntries(
      columns.map((column, index) => [column, cellText(row.getCell(index + 1).value)]),
    )
    if (Object.values(values).some((value) => value !== '')) rows.push({ line: rowNumber, values })
  })
  if (rows.length > MAX_ROWS) throw new SpreadsheetError(`${file.filename} has more than ${MAX_ROWS} rows`)
  return rows
}

/** Reads the first sheet of a CSV or XLSX upload into rows; the first row is the header. */
export async function readSpreadsheet(file: UploadedFile): Promise<SheetRow[]> {
  if (file.data.length === 0) throw new SpreadsheetError(`${file.filename} is empty`)
  return kindOf(file) === 'csv' ? readCsv(file) : readXlsx(file)
}
