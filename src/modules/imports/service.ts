import { and, eq, lt } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import {
  type Actor,
  actingId,
  type Caller,
  forceToChange,
  requireRole,
  userIdOf,
} from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import type { UploadLimits } from '../../spreadsheets/limits.js'
import { pacer } from '../../spreadsheets/pace.js'
import type { SheetRow, UploadedFile } from '../../spreadsheets/read.js'
import type { ProblemList, RowProblem, ValidatedRows } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import { pendingImports } from './schema.js'
import { readUpload, validateUpload } from './upload-checks.js'

/** A pending import is kept this long for the person to confirm it. */
const KEEP_HOURS = 24

/** Rows per insert statement when an import is written. */
export const WRITE_BATCH = 500

const EXPIRED = 'That import has expired or was already confirmed'

/** How a register writes the rows of a confirmed import. */
export interface RegisterImport<Row> {
  /** The name the register's pending imports are kept under. */
  register: string
  /** The audit's entity type for the register's records. */
  entityType: string
  /** Inserts one batch of the pending rows into the force's register. */
  insert(
    tx: Transaction,
    rows: Row[],
    context: { forceId: number; recordedBy: string | null; now: Date; actor: Actor },
  ): Promise<unknown>
}

/** A member of staff as the roster finds them by staff number. */
interface RosterEntry {
  id: string
  staffNumber: string
  name: string
}

/** What checking an upload needs of the roster (src/modules/roster/service.ts). */
export interface StaffNumberLookup<Member extends RosterEntry> {
  /** Keyed by the staff number as the roster writes it (upper case, no surrounding space). */
  findByStaffNumbers(caller: Caller, forceId: number, staffNumbers: string[]): Promise<Map<string, Member>>
}

/**
 * How a register checks an upload of historic records in which each row names a member of staff by
 * number: the row's schema, the register's own rules, and how a record already on it is recognised.
 */
export interface StaffRowsImport<
  Schema extends z.ZodType<{ staff_number: string }>,
  Row,
  Listed,
  Member extends RosterEntry,
> extends RegisterImport<Row> {
  schema: Schema
  requiredColumns: readonly string[]
  /** What the schema cannot see, each as `column: reason`: e.g. a date after today. */
  problemsOf(value: z.output<Schema>, today: string): string[]
  toRow(value: z.output<Schema>, member: Member): Row
  /** The day a record is on: records already on the register are looked up between the file's first and last. */
  dayOf(row: Row): string
  existingKeys(tx: Transaction, forceId: number, days: { from: string; to: string }): Promise<Set<string>>
  /** Equal for a row and the record already on the register that it repeats. */
  keyOf(row: Row): string
  /** What the preview lists of a row it would add. */
  listed(value: z.output<Schema>, row: Row, member: Member): Listed
}

export interface StaffRowsPreview<Listed> {
  filename: string
  rows: number
  create: ({ line: number } & Listed)[]
  unchanged: number
  /** The first problems by line (PROBLEMS_LISTED of them)… */
  problems: RowProblem[]
  /** …out of this many. */
  problemCount: number
  /** Present when there is something to write and nothing wrong: what the confirm button sends. */
  importId?: string
}

/** A cell of a change a preview lists: text, a day (shown as "27 March 2012") or a number. */
export type ShownCell = { text: string } | { day: string } | { number: number }

/** A row an import would write, as its preview lists it (what happens to it and the cells shown), and as kept. */
export interface PendingChange<Row> {
  line: number
  /** What confirming would do with the row, e.g. "Add" or "Replace". */
  action: string
  cells: ShownCell[]
  row: Row
}

/**
 * How a register checks an upload whose rows add to or change its records: the row's schema, and how
 * the rows that pass it compare with what the register holds (read under the caller's row-level
 * security), each a change, a problem (`column: reason`) or a row that would change nothing.
 */
export interface ChangeRowsImport<Schema extends z.ZodType, Row> extends RegisterImport<Row> {
  schema: Schema
  requiredColumns: readonly string[]
  compare(
    tx: Transaction,
    forceId: number,
    rows: { line: number; value: z.output<Schema> }[],
    today: string,
  ): Promise<{ changes: PendingChange<Row>[]; problems: RowProblem[]; unchanged: number }>
}

export interface ChangesPreview {
  filename: string
  rows: number
  create: Omit<PendingChange<unknown>, 'row'>[]
  unchanged: number
  problems: RowProblem[]
  problemCount: number
  importId?: string
}

/**
 * A row that passed its schema, checked against the roster and the register's own rules: the member of
 * staff it names, or why it is bad (`column: reason; …`). The one rule the web preview and the
 * streaming import (gifts-hospitality/bulk-import.ts) both apply.
 */
export function checkStaffRow<
  Schema extends z.ZodType<{ staff_number: string }>,
  Row,
  Listed,
  Member extends RosterEntry,
>(
  check: StaffRowsImport<Schema, Row, Listed, Member>,
  value: z.output<Schema>,
  staff: ReadonlyMap<string, Member>,
  today: string,
): Member | string {
  const member = staff.get(value.staff_number.trim().toUpperCase())
  const reasons = check.problemsOf(value, today)
  if (member && !reasons.length) return member
  const unknown = `staff_number: no member of staff with number ${value.staff_number} on the roster`
  return (member ? reasons : [unknown, ...reasons]).join('; ')
}

/**
 * The flow every register's import follows: an upload is checked (the dry run) and its valid rows kept
 * here; nothing reaches the register until the person confirms, and then all of it in one transaction.
 * Rows are the register's own validated values (JSON), so confirming re-reads nothing from the file.
 */
export class PendingImportsService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    /** How much one upload may hold: every register's import reads its file through readUpload below. */
    readonly limits: UploadLimits,
  ) {}

  /** An upload's rows under the limits, read on the checking thread (upload-checks.ts). */
  readUpload(file: UploadedFile, requiredColumns: readonly string[] = []): Promise<SheetRow[]> {
    return readUpload(file, this.limits, requiredColumns)
  }

  /**
   * An upload's rows checked against the register's row schema on the checking thread: the valid rows'
   * values, and the bad rows' problems in a ProblemList — however many rows are bad, only the first
   * problems are kept.
   */
  validateUpload<Schema extends z.ZodType>(
    file: UploadedFile,
    check: { register: string; requiredColumns: readonly string[]; schema: Schema },
  ): Promise<ValidatedRows<z.output<Schema>, ProblemList>> {
    return validateUpload(file, this.limits, check.requiredColumns, check.register)
  }

  async save(
    caller: Caller,
    forceId: number,
    register: string,
    filename: string,
    rows: unknown[],
  ): Promise<string> {
    return inScope(this.db, caller.scope, async (tx) => {
      await tx
        .delete(pendingImports)
        .where(lt(pendingImports.createdAt, new Date(this.now().getTime() - KEEP_HOURS * 3_600_000)))
      const [saved] = await tx
        .insert(pendingImports)
        .values({ forceId, register, filename, rows, createdBy: userIdOf(caller), createdAt: this.now() })
        .returning({ id: pendingImports.id })
      if (!saved) throw new Error('insert returned no row')
      return saved.id
    })
  }

  /**
   * Takes a pending import out, inside the caller's transaction, so the rows are applied and the
   * pending import removed together — a second confirmation finds nothing to apply.
   */
  async take(
    tx: Transaction,
    register: string,
    importId: string,
  ): Promise<{ forceId: number; filename: string; rows: unknown[] }> {
    if (!z.uuid().safeParse(importId).success) throw new NotFoundError(EXPIRED)
    const [taken] = await tx
      .delete(pendingImports)
      .where(and(eq(pendingImports.id, importId), eq(pendingImports.register, register)))
      .returning()
    if (!taken) throw new NotFoundError(EXPIRED)
    return { forceId: taken.forceId, filename: taken.filename, rows: taken.rows }
  }

  /**
   * The dry run of an upload in which each row names a member of staff: every row checked against the
   * schema, the roster and the register's rules, each bad one reported with its line and reason, rows
   * already on the register counted, and the rest kept for confirmation only when nothing is wrong.
   */
  async previewStaffRows<
    Schema extends z.ZodType<{ staff_number: string }>,
    Row,
    Listed,
    Member extends RosterEntry,
  >(
    caller: Caller,
    forceId: number,
    file: UploadedFile,
    roster: StaffNumberLookup<Member>,
    check: StaffRowsImport<Schema, Row, Listed, Member>,
  ): Promise<StaffRowsPreview<Listed>> {
    const { valid, problems, rows } = await this.validateUpload(file, check)
    const today = londonToday(this.now())
    const staff = await roster.findByStaffNumbers(caller, forceId, [
      ...new Set(valid.map((row) => row.value.staff_number)),
    ])
    const pace = pacer()
    const checked: { line: number; value: z.output<Schema>; row: Row; member: Member }[] = []
    // The first and last day of the file's records, found as they are checked: sorting 100,000 days
    // held the event loop for over 100 ms on the (busy) development machine.
    let from: string | undefined
    let to: string | undefined
    for (const { line, value } of valid) {
      await pace()
      const member = checkStaffRow(check, value, staff, today)
      if (typeof member === 'string') {
        problems.push({ line, reason: member })
        continue
      }
      const row = check.toRow(value, member)
      const day = check.dayOf(row)
      if (from === undefined || day < from) from = day
      if (to === undefined || day > to) to = day
      checked.push({ line, value, row, member })
    }
    const existing =
      from !== undefined && to !== undefined
        ? await inScope(this.db, caller.scope, (tx) => check.existingKeys(tx, forceId, { from, to }))
        : new Set<string>()
    const preview: StaffRowsPreview<Listed> = {
      filename: file.filename,
      rows,
      create: [],
      unchanged: 0,
      ...problems.report(),
    }
    const pending: Row[] = []
    for (const { line, value, row, member } of checked) {
      await pace()
      if (existing.has(check.keyOf(row))) {
        preview.unchanged++
        continue
      }
      pending.push(row)
      preview.create.push({ line, ...check.listed(value, row, member) })
    }
    if (!problems.count && pending.length)
      preview.importId = await this.save(caller, forceId, check.register, file.filename, pending)
    return preview
  }

  /**
   * The dry run of an upload that adds to or changes a register's records: every row checked against
   * the schema and the register (ChangeRowsImport.compare), each bad one reported with its line and
   * reason, and the changes kept for confirmation only when nothing is wrong.
   */
  async previewChanges<Schema extends z.ZodType, Row>(
    caller: Caller,
    forceId: number,
    file: UploadedFile,
    check: ChangeRowsImport<Schema, Row>,
  ): Promise<ChangesPreview> {
    const { valid, problems, rows } = await this.validateUpload(file, check)
    const today = londonToday(this.now())
    // As the caller, named: rules about named people (a confidential case) see what the caller sees.
    const compared = await inScope(
      this.db,
      caller.scope,
      (tx) => check.compare(tx, forceId, valid, today),
      actingId(caller),
    )
    for (const problem of compared.problems) problems.push(problem)
    const preview: ChangesPreview = {
      filename: file.filename,
      rows,
      create: compared.changes.map(({ row: _kept, ...shown }) => shown).sort((a, b) => a.line - b.line),
      unchanged: compared.unchanged,
      ...problems.report(),
    }
    if (!problems.count && compared.changes.length)
      preview.importId = await this.save(
        caller,
        forceId,
        check.register,
        file.filename,
        compared.changes.map((change) => change.row),
      )
    return preview
  }

  /**
   * Writes a checked import into its register: every row or none, in batches in one transaction, with
   * one audit event for the whole import.
   */
  async confirm<Row>(
    caller: Caller,
    importId: string,
    target: RegisterImport<Row>,
  ): Promise<{ created: number; filename: string }> {
    const now = this.now()
    return inScope(
      this.db,
      caller.scope,
      async (tx) => {
        const taken = await this.take(tx, target.register, importId)
        if (caller.scope.kind === 'force' && taken.forceId !== caller.scope.forceId)
          throw new NotFoundError(EXPIRED)
        const rows = taken.rows as Row[]
        const context = { forceId: taken.forceId, recordedBy: userIdOf(caller), now, actor: caller.actor }
        for (let start = 0; start < rows.length; start += WRITE_BATCH)
          await target.insert(tx, rows.slice(start, start + WRITE_BATCH), context)
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId: taken.forceId,
            entityType: target.entityType,
            entityId: null,
            action: 'import',
            after: { filename: taken.filename, created: rows.length },
          },
          now,
        )
        return { created: rows.length, filename: taken.filename }
      },
      actingId(caller),
    )
  }
}

/**
 * A force's import into one of its registers (ChangeRowsImport), for the roles that may create the
 * register's records: the dry run and the confirmation, each into the caller's own force only.
 */
export class ForceRegisterImport<Schema extends z.ZodType, Row> {
  constructor(
    private readonly pendingImports: PendingImportsService,
    private readonly roles: readonly Role[],
    private readonly check: ChangeRowsImport<Schema, Row>,
  ) {}

  /** What the file would change, or every bad row with its line and reason; writes nothing. */
  dryRun(caller: Caller, file: UploadedFile): Promise<ChangesPreview> {
    requireRole(caller, ...this.roles)
    return this.pendingImports.previewChanges(caller, forceToChange(caller), file, this.check)
  }

  /** Writes a checked import: every row or none, in one transaction. */
  confirm(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    requireRole(caller, ...this.roles)
    forceToChange(caller)
    return this.pendingImports.confirm(caller, importId, this.check)
  }
}
