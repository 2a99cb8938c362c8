import { stringify } from 'csv-stringify/sync'

export interface Column<Record> {
  header: string
  value: (record: Record) => string | number | boolean | Date | null | undefined
}

/**
 * A cell that starts with = + - @ (or a tab or carriage return) would run as a formula when the file
 * is opened in a spreadsheet program; a leading apostrophe makes it plain text (OWASP's advice).
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

function cell(value: string | number | boolean | Date | null | undefined): string | number {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') return value
  return neutraliseFormula(value)
}

export function toCsv<Record>(columns: Column<Record>[], records: Iterable<Record>): string {
  const rows = [columns.map((column) => column.header)]
  for (const record of records) rows.push(columns.map((column) => String(cell(column.value(record)))))
  return stringify(rows)
}

export async function toXlsx<Record>(
  sheetName: string,
  columns: Column<Record>[],
  records: Iterable<Record>,
): Promise<Buffer> {
  // Loaded when first needed: half a second that processes writing no workbook need not pay.
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31))
  sheet.addRow(columns.map((column) => column.header)).font = { bold: true }
  for (const record of records) sheet.addRow(columns.map((column) => cell(column.value(record))))
  sheet.columns.forEach((column) => {
    column.width = 20
  })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
