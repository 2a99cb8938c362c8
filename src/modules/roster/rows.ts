import { z } from 'zod'
import { standardGrade } from '../../domain/grades.js'
import type { SheetRow } from '../../spreadsheets/read.js'
import { type RowProblem, validateRows } from '../../spreadsheets/validate.js'

/** A roster row as the import checked it: what is written for one member of staff. */
export interface RosterRow {
  staffNumber: string
  name: string
  grade: string
  unit: string
  /** ISO dates (YYYY-MM-DD); a blank leave date means still serving. */
  startDate: string | null
  leaveDate: string | null
}

/** The fields a re-import can change, in the order people read them. */
export const ROSTER_FIELDS = ['name', 'grade', 'unit', 'startDate', 'leaveDate'] as const
export type RosterField = (typeof ROSTER_FIELDS)[number]

export const FIELD_LABELS: Record<RosterField | 'staffNumber', string> = {
  staffNumber: 'Staff number',
  name: 'Name',
  grade: 'Grade or rank',
  unit: 'Unit',
  startDate: 'Start date',
  leaveDate: 'Leave date',
}

/** Other names HR systems give the columns, after readSpreadsheet has normalised the headers. */
const COLUMN_ALIASES: Record<string, keyof RosterRow> = {
  staff_number: 'staffNumber',
  staff_no: 'staffNumber',
  collar_number: 'staffNumber',
  payroll_number: 'staffNumber',
  name: 'name',
  full_name: 'name',
  grade: 'grade',
  rank: 'grade',
  grade_or_rank: 'grade',
  unit: 'unit',
  department: 'unit',
  start_date: 'startDate',
  leave_date: 'leaveDate',
}

/** The columns a roster file must have (by their standard names), for the message when one is missing. */
export const REQUIRED_COLUMNS: Record<keyof RosterRow, string> = {
  staffNumber: 'staff_number',
  name: 'name',
  grade: 'grade (or rank)',
  unit: 'unit',
  startDate: 'start_date',
  leaveDate: 'leave_date',
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const UK_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/

/** A real calendar day written as 2012-03-27 or 27/03/2012, as ISO text; undefined if it is not one. */
export function parseRosterDate(text: string): string | undefined {
  const iso = ISO_DAY.exec(text)
  const uk = iso ? undefined : UK_DAY.exec(text)
  const parts = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : undefined
  if (!parts) return undefined
  const [year, month, day] = parts.map(Number) as [number, number, number]
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return undefined
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** Staff numbers are matched without regard to case or surrounding space: `pc1234 ` is `PC1234`. */
export function normaliseStaffNumber(text: string): string {
  return text.trim().toUpperCase()
}

const requiredText = (label: string, max: number) =>
  z.string().trim().min(1, `enter the ${label}`).max(max, `the ${label} must be ${max} characters or fewer`)

const optionalDate = () =>
  z
    .string()
    .trim()
    .transform((value, context) => {
      if (!value) return null
      const day = parseRosterDate(value)
      if (!day) {
        context.addIssue({
          code: 'custom',
          message: `${JSON.stringify(value)} is not a real date: use 2012-03-27 or 27/03/2012`,
        })
        return z.NEVER
      }
      return day
    })

/**
 * One roster row. The grade is stored under its standard name when it is a known rank or band (PC,
 * DCI, Police Staff…), so filters and published registers compare like with like; other grades (a
 * staff pay scale, say) are kept as written.
 */
export const rosterRowSchema = z
  .object({
    staff_number: requiredText('staff number', 50)
      .regex(
        /^([A-Za-z0-9][A-Za-z0-9 ./-]*)?$/,
        'use only letters, numbers, spaces, dots, slashes and hyphens',
      )
      .transform(normaliseStaffNumber),
    name: requiredText('name', 200),
    grade: requiredText('grade or rank', 100).transform((value) => standardGrade(value) ?? value),
    unit: requiredText('unit', 200),
    start_date: optionalDate(),
    leave_date: optionalDate(),
  })
  .superRefine((row, context) => {
    if (row.start_date && row.leave_date && row.leave_date < row.start_date) {
      context.addIssue({
        code: 'custom',
        path: ['leave_date'],
        message: `the leave date ${row.leave_date} is before the start date ${row.start_date}`,
      })
    }
  })
  .transform(
    (row): RosterRow => ({
      staffNumber: row.staff_number,
      name: row.name,
      grade: row.grade,
      unit: row.unit,
      startDate: row.start_date,
      leaveDate: row.leave_date,
    }),
  )

/** A file without one of the columns cannot be imported at all: the message names what is missing. */
export class MissingColumnsError extends Error {}

/** Renames the columns to the standard ones; a file missing a column is refused as a whole. */
function standardColumns(rows: SheetRow[]): SheetRow[] {
  const first = rows[0]
  if (!first) return rows
  const present = new Map<keyof RosterRow, string>()
  for (const header of Object.keys(first.values)) {
    const field = COLUMN_ALIASES[header]
    if (field && !present.has(field)) present.set(field, header)
  }
  const missing = (Object.keys(REQUIRED_COLUMNS) as (keyof RosterRow)[]).filter(
    (field) => !present.has(field),
  )
  if (missing.length) {
    const names = missing.map((field) => REQUIRED_COLUMNS[field])
    throw new MissingColumnsError(
      `The file has no ${names.join(', ')} column${names.length === 1 ? '' : 's'}: the columns are staff_number, name, grade (or rank), unit, start_date, leave_date`,
    )
  }
  const standard: Record<keyof RosterRow, string> = {
    staffNumber: 'staff_number',
    name: 'name',
    grade: 'grade',
    unit: 'unit',
    startDate: 'start_date',
    leaveDate: 'leave_date',
  }
  return rows.map((row) => ({
    line: row.line,
    values: Object.fromEntries(
      [...present].map(([field, header]) => [standard[field], row.values[header] ?? '']),
    ),
  }))
}

export interface CheckedRows {
  valid: { line: number; value: RosterRow }[]
  problems: RowProblem[]
}

/**
 * Checks every row of a roster file: each row on its own, then staff numbers that appear more than
 * once (each later line is reported, naming the line it repeats). Problems come in line order.
 */
export async function checkRosterRows(
  rows: SheetRow[],
  onRow?: (done: number) => void,
): Promise<CheckedRows> {
  const standard = standardColumns(rows)
  const valid: CheckedRows['valid'] = []
  const problems: RowProblem[] = []
  const CHUNK = 500
  for (let start = 0; start < standard.length; start += CHUNK) {
    const checked = await validateRows(standard.slice(start, start + CHUNK), rosterRowSchema)
    valid.push(...checked.valid)
    problems.push(...checked.problems)
    onRow?.(Math.min(start + CHUNK, standard.length))
  }
  // A staff number seen again is a problem on the later line, which names the earlier one: the two
  // lines are both reported, and the bad rows are counted once.
  const firstLine = new Map<string, number>()
  const duplicated = new Set<number>()
  for (const row of valid) {
    const first = firstLine.get(row.value.staffNumber)
    if (first === undefined) {
      firstLine.set(row.value.staffNumber, row.line)
      continue
    }
    duplicated.add(row.line)
    problems.push({
      line: row.line,
      reason: `staff_number: ${row.value.staffNumber} is already on line ${first}`,
    })
  }
  problems.sort((a, b) => a.line - b.line)
  return { valid: valid.filter((row) => !duplicated.has(row.line)), problems }
}
