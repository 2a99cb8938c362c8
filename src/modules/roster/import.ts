import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { SheetRow, UploadedFile } from '../../spreadsheets/read.js'
import { listProblems, type RowProblem } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { type PendingImportsService, WRITE_BATCH } from '../imports/service.js'
import { STAFF_MEMBER_ENTITY, type StaffMemberRow, selectByStaffNumbers, upsertMembers } from './queries.js'
import {
  checkRosterRows,
  FIELD_LABELS,
  MissingColumnsError,
  ROSTER_FIELDS,
  type RosterField,
  type RosterRow,
} from './rows.js'
import type { RosterService } from './service.js'

/** The name under which roster imports wait in the pending imports, and the audit's entity type. */
export const ROSTER_REGISTER = 'roster'
export const ROSTER_IMPORT_ENTITY = 'roster-import'

export interface FieldChange {
  field: RosterField
  label: string
  before: string
  after: string
}

/** What an import would do, found without writing anything. */
export interface RosterPlan {
  force: ForceReference
  filename: string
  /** Data rows in the file. */
  rows: number
  toAdd: { line: number; row: RosterRow }[]
  toUpdate: { line: number; id: string; row: RosterRow; changes: FieldChange[] }[]
  unchanged: number
  /** The first bad rows, in line order (PROBLEMS_LISTED of them); any at all and nothing is written. */
  problems: RowProblem[]
  /** How many rows are bad in all. */
  problemCount: number
  /** The rows that passed, to write when the import is confirmed. */
  valid: { line: number; value: RosterRow }[]
}

export interface RosterImportResult {
  force: ForceReference
  filename: string
  added: number
  updated: number
  unchanged: number
}

export type ImportProgress = (phase: 'checking' | 'writing', done: number, total: number) => void

const IMPORTERS = ['force-admin', 'inspectorate-admin'] as const

function changesBetween(before: StaffMemberRow, after: RosterRow): FieldChange[] {
  return ROSTER_FIELDS.filter((field) => (before[field] ?? null) !== (after[field] ?? null)).map((field) => ({
    field,
    label: FIELD_LABELS[field],
    before: before[field] ?? '',
    after: after[field] ?? '',
  }))
}

/**
 * Imports of a force's roster from HR: a file checked against the roster as it stands, then — all of it
 * or none of it — written, from an upload confirmed on the web or at once from the command line.
 */
export class RosterImport {
  constructor(
    private readonly db: Database,
    private readonly roster: RosterService,
    private readonly forces: ForcesService,
    private readonly pendingImports: PendingImportsService,
    private readonly now: () => Date,
  ) {}

  /**
   * The force an import is for: a force administrator's own (naming another is refused); an
   * inspectorate administrator (or the command line) names it.
   */
  async forceForImport(caller: Caller, forceCode: string | undefined): Promise<ForceReference> {
    requireRole(caller, ...IMPORTERS)
    const code = forceCode?.trim() || undefined
    if (caller.scope.kind === 'force') {
      const own = await this.roster.forceFor(caller, undefined)
      if (code && code !== own.code) throw new ForbiddenError('You can import only your own force’s roster')
      return own
    }
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (!code) throw new ValidationError({ force: 'Select the force whose roster this is' })
    const force = (await this.forces.references()).find((candidate) => candidate.code === code)
    if (!force) throw new ValidationError({ force: `No force has the code ${JSON.stringify(code)}` })
    return force
  }

  /** What importing these rows would do: nothing is written. */
  async plan(
    caller: Caller,
    force: ForceReference,
    filename: string,
    sheetRows: SheetRow[],
    onProgress?: ImportProgress,
  ): Promise<RosterPlan> {
    requireRole(caller, ...IMPORTERS)
    if (!sheetRows.length) throw new ValidationError({ file: `${filename} has no rows of staff` })
    let checked: Awaited<ReturnType<typeof checkRosterRows>>
    try {
      checked = await checkRosterRows(sheetRows, (done) => onProgress?.('checking', done, sheetRows.length))
    } catch (error) {
      if (error instanceof MissingColumnsError) throw new ValidationError({ file: error.message })
      throw error
    }
    const existing = await inScope(this.db, caller.scope, (tx) => selectByStaffNumbers(tx, force.id))
    return {
      ...this.diff(existing, checked.valid),
      force,
      filename,
      rows: sheetRows.length,
      valid: checked.valid,
      ...listProblems(checked.problems),
    }
  }

  private diff(existing: StaffMemberRow[], valid: { line: number; value: RosterRow }[]) {
    const byNumber = new Map(existing.map((row) => [row.staffNumber, row]))
    const toAdd: RosterPlan['toAdd'] = []
    const toUpdate: RosterPlan['toUpdate'] = []
    let unchanged = 0
    for (const { line, value } of valid) {
      const before = byNumber.get(value.staffNumber)
      if (!before) {
        toAdd.push({ line, row: value })
        continue
      }
      const changes = changesBetween(before, value)
      if (changes.length) toUpdate.push({ line, id: before.id, row: value, changes })
      else unchanged++
    }
    return { toAdd, toUpdate, unchanged }
  }

  /**
   * The dry run of an upload: reads and checks the file, and when every row is good and something
   * would change, keeps the rows for the person to confirm (`importId`).
   */
  async preview(
    caller: Caller,
    input: { forceCode?: string; file: UploadedFile },
  ): Promise<{ plan: RosterPlan; importId: string | null }> {
    const force = await this.forceForImport(caller, input.forceCode)
    const rows = await this.pendingImports.readUpload(input.file)
    const plan = await this.plan(caller, force, input.file.filename, rows)
    const worthConfirming = !plan.problems.length && plan.toAdd.length + plan.toUpdate.length > 0
    const importId = worthConfirming
      ? await this.pendingImports.save(
          caller,
          force.id,
          ROSTER_REGISTER,
          input.file.filename,
          plan.valid.map(({ value }) => value),
        )
      : null
    return { plan, importId }
  }

  /** Applies a previewed import, in one transaction: all of it or none of it. */
  async confirm(caller: Caller, importId: string): Promise<RosterImportResult> {
    requireRole(caller, ...IMPORTERS)
    const byId = await this.forces.byId()
    return inScope(this.db, caller.scope, async (tx) => {
      const pending = await this.pendingImports.take(tx, ROSTER_REGISTER, importId)
      const { scope } = caller
      if (scope.kind !== 'inspectorate' && !(scope.kind === 'force' && scope.forceId === pending.forceId))
        throw new NotFoundError('That import has expired or was already confirmed')
      const force = byId.get(pending.forceId)
      if (!force) throw new NotFoundError('No such force')
      const rows = pending.rows as RosterRow[]
      return this.write(tx, caller, force, pending.filename, rows, importId)
    })
  }

  /**
   * Checks and, unless it is a dry run or any row is bad, writes a whole file in one transaction: the
   * command line's import, and how the demo data and tests fill a roster.
   */
  async importRows(
    caller: Caller,
    input: { forceCode: string | undefined; filename: string; rows: SheetRow[] },
    options: { dryRun?: boolean; onProgress?: ImportProgress } = {},
  ): Promise<{ plan: RosterPlan; result: RosterImportResult | null }> {
    const force = await this.forceForImport(caller, input.forceCode)
    const plan = await this.plan(caller, force, input.filename, input.rows, options.onProgress)
    if (plan.problems.length || options.dryRun) return { plan, result: null }
    const rows = plan.valid.map(({ value }) => value)
    const result = await inScope(this.db, caller.scope, (tx) =>
      this.write(tx, caller, force, input.filename, rows, null, options.onProgress),
    )
    return { plan, result }
  }

  /** Adds new members and updates changed ones (by staff number), auditing each update and the whole. */
  private async write(
    tx: Transaction,
    caller: Caller,
    force: ForceReference,
    filename: string,
    rows: RosterRow[],
    importId: string | null,
    onProgress?: ImportProgress,
  ): Promise<RosterImportResult> {
    const now = this.now()
    const existing = await selectByStaffNumbers(tx, force.id)
    const { toAdd, toUpdate, unchanged } = this.diff(
      existing,
      rows.map((value, index) => ({ line: index, value })),
    )
    const before = new Map(existing.map((row) => [row.staffNumber, row]))
    const changed = [...toAdd.map(({ row }) => row), ...toUpdate.map(({ row }) => row)]
    onProgress?.('writing', 0, changed.length)
    for (let start = 0; start < changed.length; start += WRITE_BATCH) {
      const written = await upsertMembers(tx, force.id, changed.slice(start, start + WRITE_BATCH), now)
      for (const after of written) {
        const previous = before.get(after.staffNumber)
        // A change to someone already on the roster is recorded on their history one by one; people
        // added are counted in the import's own event (thousands of events would make a first import
        // of a whole force take minutes).
        if (!previous) continue
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId: force.id,
            entityType: STAFF_MEMBER_ENTITY,
            entityId: after.id,
            action: 'update',
            before: previous,
            after,
          },
          now,
        )
      }
      onProgress?.('writing', Math.min(start + WRITE_BATCH, changed.length), changed.length)
    }
    const result = { filename, added: toAdd.length, updated: toUpdate.length, unchanged }
    await appendAuditEvent(
      tx,
      caller.actor,
      {
        forceId: force.id,
        entityType: ROSTER_IMPORT_ENTITY,
        entityId: importId,
        action: 'import',
        after: result,
      },
      now,
    )
    return { force, ...result }
  }
}
