import type { Readable } from 'node:stream'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, forceToChange, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import { ProblemList } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import type { PendingImportsService, StaffRowsImport, StaffRowsPreview } from '../imports/service.js'
import { GIFT_KEEPERS } from './access.js'
import {
  checkedRows,
  copyIntoImportTable,
  createImportTable,
  ImportProblemsError,
  moveIntoRegister,
  type StreamTally,
} from './bulk-import.js'
import { importRowSchema, REQUIRED_IMPORT_COLUMNS } from './fields.js'
import {
  GIFT_ENTITY,
  type GiftInsert,
  insertGifts,
  lockForImport,
  sameRecordKey,
  selectRecordKeys,
} from './queries.js'
import type { ForceStaffDirectory, StaffMemberReference } from './service.js'

const REGISTER = 'gifts-hospitality'

/**
 * How far a streamed import has got: rows and bytes read so far, then, once the whole file is read and
 * checked, `writing` while its rows go into the register in one statement (the longest wait).
 */
export type StreamImportProgress = (progress: { rows: number; bytes: number; writing?: boolean }) => void

export interface StreamImportResult {
  force: { id: number; code: string; name: string }
  filename: string
  /** Data rows in the file. */
  rows: number
  /** Written (or, in a dry run, that would be). */
  added: number
  /** Already on the register: left as they are. */
  unchanged: number
  dryRun: boolean
}

/** Thrown inside a dry run's transaction to roll it back, carrying what it found. */
class DryRunOutcome extends Error {
  constructor(readonly result: StreamImportResult) {
    super('dry run')
  }
}

/** A record an import would add, as its preview lists it. */
interface ImportedGift {
  staffNumber: string
  staffName: string
  kind: string
  donorName: string
  estimatedValue: number
  offeredOn: string
}

export type ImportPreview = StaffRowsPreview<ImportedGift>

type PendingRow = Omit<GiftInsert, 'id' | 'forceId' | 'createdAt' | 'updatedAt' | 'declaredBy'> & {
  staffMemberId: string
}

/** An upload of historic records: checked row by row, then written in one go when confirmed. */
const IMPORT: StaffRowsImport<typeof importRowSchema, PendingRow, ImportedGift, StaffMemberReference> = {
  register: REGISTER,
  entityType: GIFT_ENTITY,
  schema: importRowSchema,
  requiredColumns: REQUIRED_IMPORT_COLUMNS,
  problemsOf(value, today) {
    const reasons: string[] = []
    if (value.offered_on > today) reasons.push('offered_on: must be today or in the past')
    if (value.declared_on && value.declared_on < value.offered_on)
      reasons.push('declared_on: must be the same as or after offered_on')
    if (value.outcome === 'declined' && value.disposal === 'kept')
      reasons.push('disposal: a declined offer cannot have been kept')
    return reasons
  },
  toRow: (value, member) => ({
    staffMemberId: member.id,
    kind: value.kind,
    description: value.description,
    donorName: value.donor_name,
    donorType: value.donor_type,
    estimatedValue: value.estimated_value,
    offeredOn: value.offered_on,
    declaredOn: value.declared_on ?? value.offered_on,
    outcome: value.outcome,
    approver: value.approver,
    disposal: value.disposal ?? null,
    notes: value.notes,
  }),
  dayOf: (row) => row.offeredOn,
  existingKeys: selectRecordKeys,
  keyOf: sameRecordKey,
  listed: (value, row, member) => ({
    staffNumber: value.staff_number,
    staffName: member.name,
    kind: row.kind,
    donorName: row.donorName,
    estimatedValue: row.estimatedValue,
    offeredOn: row.offeredOn,
  }),
  insert: (tx, rows, { forceId, recordedBy, now }) =>
    insertGifts(
      tx,
      rows.map((row) => ({ ...row, forceId, declaredBy: recordedBy, createdAt: now, updatedAt: now })),
    ),
}

/**
 * The import of historic records: an upload checked and then confirmed on the web, and a large file
 * streamed from the command line, both by the same rules (IMPORT).
 */
export class GiftsHospitalityImport {
  constructor(
    private readonly db: Database,
    private readonly roster: ForceStaffDirectory,
    private readonly pendingImports: PendingImportsService,
    private readonly now: () => Date,
  ) {}

  /**
   * Checks an upload of historic records and says what it would do; writes nothing to the register.
   * Only a clean file (no bad rows) is kept for the person to confirm.
   */
  async dryRun(caller: Caller, file: UploadedFile, forceId?: number): Promise<ImportPreview> {
    requireRole(caller, ...GIFT_KEEPERS)
    const force = forceToChange(caller, forceId)
    return this.pendingImports.previewStaffRows(caller, force, file, this.roster, IMPORT)
  }

  /** Writes a checked import: every row or none, in one transaction, with one audit event. */
  async confirm(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    requireRole(caller, ...GIFT_KEEPERS)
    return this.pendingImports.confirm(caller, importId, IMPORT)
  }

  /**
   * Imports a large CSV file of historic records as a stream (the command line's `probity gifts import`),
   * with the web import's rules (IMPORT): every row checked, rows already on the register left as they
   * are, and — unless it is a dry run or any row is bad — the rest written in ONE transaction under the
   * caller's row-level security, with one audit event. Any bad row: an ImportProblemsError listing
   * every one, and nothing is written.
   */
  async stream(
    caller: Caller,
    input: { forceCode: string | undefined; filename: string; source: Readable },
    options: { dryRun?: boolean; onProgress?: StreamImportProgress } = {},
  ): Promise<StreamImportResult> {
    const { filename, source } = input
    const dryRun = options.dryRun ?? false
    try {
      requireRole(caller, ...GIFT_KEEPERS)
      if (!/\.(csv|txt)$/i.test(filename))
        throw new ValidationError({ file: `${filename} is not a CSV (.csv) file: save it as CSV` })
      const force = await this.importedForce(caller, input.forceCode)
      const forceId = forceToChange(caller, force.id)
      const now = this.now()
      const staff = await this.roster.allByStaffNumber(caller, forceId)
      const onProgress = options.onProgress
      const tally: StreamTally = { rows: 0, added: 0, unchanged: 0, problems: new ProblemList() }
      let bytesRead = 0
      return await inScope(this.db, caller.scope, async (tx) => {
        // One import into a force's register at a time: each sees what the one before it added.
        await lockForImport(tx, REGISTER, forceId)
        const existing = await IMPORT.existingKeys(tx, forceId, { from: '0001-01-01', to: '9999-12-31' })
        await createImportTable(tx)
        const rows = checkedRows(
          source,
          IMPORT,
          {
            filename,
            staff,
            existing,
            today: londonToday(now),
            limits: this.pendingImports.limits,
            onProgress: (rows, bytes) => {
              bytesRead = bytes
              onProgress?.({ rows, bytes })
            },
          },
          (row) => [
            forceId,
            row.staffMemberId,
            row.kind,
            row.description,
            row.donorName,
            row.donorType,
            row.estimatedValue,
            row.offeredOn,
            row.declaredOn,
            row.outcome,
            row.approver,
            row.disposal,
            row.notes,
          ],
          tally,
        )
        // Every row goes into the import table as it is read and checked, and only then into the register,
        // in one statement: so the register's statement triggers run once for the whole import (the
        // organisations of its donors, and the alert rules for its staff, which read all of the force's
        // gifts; in ten statements of 100,000 rows they ran ten times over a growing register).
        const copied = await copyIntoImportTable(tx, rows)
        if (tally.problems.count) throw new ImportProblemsError(filename, tally.problems)
        if (!tally.rows)
          throw new ValidationError({ file: `${filename} has no rows of gifts or hospitality` })
        const result = {
          force,
          filename,
          rows: tally.rows,
          added: tally.added,
          unchanged: tally.unchanged,
          dryRun,
        }
        if (dryRun) throw new DryRunOutcome(result)
        if (copied) onProgress?.({ rows: copied, bytes: bytesRead, writing: true })
        const written = copied ? await moveIntoRegister(tx, { by: userIdOf(caller), at: now }) : 0
        if (written !== tally.added) throw new Error(`the import wrote ${written} rows of ${tally.added}`)
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId,
            entityType: GIFT_ENTITY,
            entityId: null,
            action: 'import',
            after: { filename, rows: tally.rows, created: tally.added, unchanged: tally.unchanged },
          },
          now,
        )
        return result
      })
    } catch (error) {
      if (error instanceof DryRunOutcome) return error.result
      throw error
    } finally {
      source.destroy()
    }
  }

  /** The force an import names: the caller's own (another is refused); the command line names any. */
  private async importedForce(caller: Caller, forceCode: string | undefined) {
    try {
      return await this.roster.forceFor(caller, forceCode?.trim() || undefined)
    } catch (error) {
      if (error instanceof ForbiddenError)
        throw new ForbiddenError('You can import only into your own force’s register')
      if (error instanceof ValidationError)
        throw new ValidationError({
          force: forceCode?.trim()
            ? `No force has the code ${JSON.stringify(forceCode.trim())}`
            : 'Name the force whose register this is',
        })
      throw error
    }
  }
}
