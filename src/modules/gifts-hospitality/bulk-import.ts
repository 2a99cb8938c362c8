import type { Readable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { PgliteTransaction } from 'drizzle-orm/pglite'
import type { z } from 'zod'
import { type CopyValue, copyRows } from '../../db/bulk-copy.js'
import type { Transaction } from '../../db/tenancy.js'
import { ValidationError } from '../../domain/errors.js'
import { csvRecords } from '../../spreadsheets/csv.js'
import { SpreadsheetError } from '../../spreadsheets/errors.js'
import type { UploadLimits } from '../../spreadsheets/limits.js'
import { checkHeaders } from '../../spreadsheets/read.js'
import { moreProblems, type ProblemList, type RowProblem, reasonOf } from '../../spreadsheets/validate.js'
import { checkStaffRow, type StaffRowsImport } from '../imports/service.js'
import { requireColumns } from '../imports/upload-rows.js'

/**
 * The streaming import of a large CSV file into a register (Issue #11): the file is read once, each
 * row checked by the register's own import rules (the same StaffRowsImport the web preview applies),
 * and the good rows copied into a temporary table as they come; only then, and only when no row was
 * bad, are they moved into the register in one statement, under row-level security.
 */

/** How often (in rows) a streaming import says how far it has got. */
export const PROGRESS_EVERY = 10_000

/** A file with bad rows: the first of them, with its line and reason, and how many. Nothing was written. */
export class ImportProblemsError extends ValidationError {
  /** The first bad rows, by line (PROBLEMS_LISTED of them). */
  readonly problems: RowProblem[]
  /** What follows the list: "and 99,900 more problems", or nothing. */
  readonly more: string

  constructor(
    readonly filename: string,
    problems: ProblemList,
  ) {
    const count = problems.count
    super({
      file: `${count.toLocaleString('en-GB')} bad row${count === 1 ? '' : 's'} in ${filename}: nothing was written`,
    })
    this.problems = problems.listed
    this.more = moreProblems(problems.more)
  }
}

/** What a pass over the file found: data rows, rows to add, rows already on the register, bad rows. */
export interface StreamTally {
  rows: number
  added: number
  unchanged: number
  problems: ProblemList
}

export interface StreamContext<Member> {
  filename: string
  /** The force's staff, keyed by staff number as the roster writes it. */
  staff: ReadonlyMap<string, Member>
  /** The keys (`check.keyOf`) of the records already on the force's register. */
  existing: ReadonlySet<string>
  today: string
  /** The limits of an upload: a file of any length is read, but its rows are held to these. */
  limits: Pick<UploadLimits, 'columns' | 'cellCharacters'>
  onProgress?(rows: number, bytes: number): void
}

/**
 * Reads a CSV file row by row, checks each row, and yields the good ones — mapped by `toCopy` — for
 * copyRows; bad rows and rows already on the register are counted in `tally`. After the first bad
 * row nothing more is yielded (nothing will be written), but every row is still checked so that all
 * the problems are reported, each with the line of the file on which its row starts.
 */
export async function* checkedRows<
  Schema extends z.ZodType<{ staff_number: string }>,
  Row,
  Listed,
  Member extends { id: string; staffNumber: string; name: string },
>(
  source: Readable,
  check: StaffRowsImport<Schema, Row, Listed, Member>,
  context: StreamContext<Member>,
  toCopy: (row: Row) => CopyValue[],
  tally: StreamTally,
): AsyncGenerator<CopyValue[]> {
  const { filename, staff, existing, today, onProgress } = context
  let bytes = 0
  async function* counted(): AsyncGenerator<Buffer | string> {
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      bytes += chunk.length
      yield chunk
    }
  }
  const problems = tally.problems
  let columns: string[] | undefined
  // One object holds each row's values in turn: the schema's output is a new object, so it keeps none.
  const values: Record<string, string> = {}
  try {
    // Only the columns and cells are held to an upload's limits: the command takes a file of any number
    // of rows, so the limits' row count (an upload's) must not reach the reader.
    const { columns: columnLimit, cellCharacters } = context.limits
    for await (const { line, record } of csvRecords(counted(), filename, {
      columns: columnLimit,
      cellCharacters,
    })) {
      if (!columns) {
        columns = checkHeaders(record, filename)
        requireColumns(filename, columns, check.requiredColumns)
        continue
      }
      const rows = ++tally.rows
      if (rows % PROGRESS_EVERY === 0) onProgress?.(rows, bytes)
      for (let index = 0; index < columns.length; index++)
        values[columns[index] as string] = (record[index] ?? '').trim()
      const parsed = check.schema.safeParse(values)
      if (!parsed.success) {
        problems.push({ line, reason: reasonOf(parsed.error) })
        continue
      }
      const member = checkStaffRow(check, parsed.data, staff, today)
      if (typeof member === 'string') {
        problems.push({ line, reason: member })
        continue
      }
      const row = check.toRow(parsed.data, member)
      if (existing.size && existing.has(check.keyOf(row))) {
        tally.unchanged++
        continue
      }
      tally.added++
      if (!problems.count) yield toCopy(row)
    }
  } catch (error) {
    if (error instanceof SpreadsheetError) throw new ValidationError({ file: error.message })
    throw error
  }
  if (!columns) throw new ValidationError({ file: `${filename} is empty` })
  onProgress?.(tally.rows, bytes)
}

/** The columns of gifts_hospitality an import fills from the file (the rest are the import's own). */
export const IMPORTED_COLUMNS = [
  'id',
  'force_id',
  'staff_member_id',
  'kind',
  'description',
  'donor_name',
  'donor_type',
  'estimated_value',
  'offered_on',
  'declared_on',
  'outcome',
  'approver',
  'disposal',
  'notes',
] as const

/** Copied columns: all but the id, which the temporary table's default draws. */
export const COPIED_COLUMNS = IMPORTED_COLUMNS.slice(1)

export const IMPORT_TABLE = 'gifts_hospitality_import'

/**
 * The import's own table, created in the caller's transaction by its role (probity_app inside
 * inScope), so that role owns it and may COPY into it; it has no row-level security, and goes at the
 * end of the transaction, committed or not.
 */
export async function createImportTable(tx: Transaction): Promise<void> {
  await tx.execute(
    sql.raw(`create temp table ${IMPORT_TABLE} (like gifts_hospitality including defaults) on commit drop`),
  )
}

/**
 * COPYs rows into the import table. PostgreSQL lets the table's owner (probity_app) COPY FROM STDIN; the
 * embedded PGlite reads COPY's data from a server-side file ('/dev/blob'), which only a superuser may,
 * so there the load runs as the embedded database's own role and probity_app is taken up again after.
 * Only the temporary table is loaded that way: the register itself is written by moveIntoRegister.
 */
export async function copyIntoImportTable(
  tx: Transaction,
  rows: Iterable<readonly CopyValue[]> | AsyncIterable<readonly CopyValue[]>,
): Promise<number> {
  const embedded = tx instanceof PgliteTransaction
  if (embedded) await tx.execute(sql`set local role none`)
  const copied = await copyRows(tx, IMPORT_TABLE, COPIED_COLUMNS, rows)
  if (embedded) await tx.execute(sql`set local role probity_app`)
  return copied
}

/**
 * Moves the rows of the import table into the register in one statement, then empties it, as the
 * transaction's role: inside inScope that is probity_app with the caller's force set, so row-level
 * security refuses any row for another force, and the foreign keys any member of staff not on that
 * force's roster.
 */
export async function moveIntoRegister(
  tx: Transaction,
  recorded: { by: string | null; at: Date },
): Promise<number> {
  const columns = IMPORTED_COLUMNS.join(', ')
  const at = recorded.at.toISOString()
  const result = (await tx.execute(sql`
    insert into gifts_hospitality (${sql.raw(columns)}, declared_by, created_at, updated_at)
    select ${sql.raw(columns)}, ${recorded.by}::uuid, ${at}::timestamptz, ${at}::timestamptz
    from ${sql.raw(IMPORT_TABLE)}`)) as unknown as { rowCount?: number | null; affectedRows?: number }
  await tx.execute(sql.raw(`truncate ${IMPORT_TABLE}`))
  return Number(result.rowCount ?? result.affectedRows ?? 0)
}
