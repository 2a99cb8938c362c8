import type { Readable } from 'node:stream'
import { eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import type { Searches } from '../../db/searches.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import {
  type Caller,
  forceToChange,
  mayReadRecord,
  readableFilter,
  requireRole,
  userIdOf,
} from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { FLAGGED_DONOR_TYPES } from '../../domain/registers.js'
import type { Role } from '../../domain/roles.js'
import { orderedFieldErrors } from '../../domain/validation.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import { ProblemList } from '../../spreadsheets/validate.js'
import type { AuditEvent, AuditService } from '../audit/service.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { PendingImportsService, StaffRowsImport, StaffRowsPreview } from '../imports/service.js'
import {
  checkedRows,
  createImportTable,
  ImportProblemsError,
  loadInChunks,
  type StreamTally,
} from './bulk-import.js'
import {
  declarationFields,
  declarationSchema,
  importRowSchema,
  onBehalfSchema,
  REQUIRED_IMPORT_COLUMNS,
  reviewSchema,
  thresholdsSchema,
} from './fields.js'
import {
  type GiftFilter,
  type GiftInsert,
  type GiftRow,
  type GiftSort,
  type GiftWithStaff,
  sameRecordKey,
  selectCounts,
  selectGift,
  selectGifts,
  selectRecordKeys,
  selectThresholds,
} from './queries.js'
import { giftsHospitality, giftThresholds } from './schema.js'

/** Who reads the whole register: the force's caseworkers and admins, and the inspectorate. */
export const GIFT_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who keeps it: records on someone's behalf, records approval and disposal, imports. */
export const GIFT_KEEPERS: Role[] = ['force-caseworker']

export const REGISTER = 'gifts-hospitality'
const ENTITY = 'gift-hospitality'

/** A member of staff as the roster service gives one. */
export interface StaffMemberReference {
  id: string
  staffNumber: string
  name: string
  grade: string
  unit: string
}

/** What this register needs of the roster (src/modules/roster/service.ts). */
export interface StaffDirectory {
  find(caller: Caller, id: string): Promise<StaffMemberReference>
  findByStaffNumber(
    caller: Caller,
    forceId: number,
    staffNumber: string,
  ): Promise<StaffMemberReference | undefined | null>
  /** Keyed by the staff number as the roster writes it (upper case, no surrounding space). */
  findByStaffNumbers(
    caller: Caller,
    forceId: number,
    staffNumbers: string[],
  ): Promise<Map<string, StaffMemberReference>>
}

/** What the streaming import needs of the roster besides: the force named, and all its staff at once. */
export interface ForceStaffDirectory extends StaffDirectory {
  forceFor(caller: Caller, forceCode: string | undefined): Promise<{ id: number; code: string; name: string }>
  allByStaffNumber(caller: Caller, forceId: number): Promise<Map<string, StaffMemberReference>>
}

/** How far a streaming import has got: the rows and bytes of the file read and checked so far. */
export type StreamImportProgress = (progress: { rows: number; bytes: number }) => void

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

export interface Thresholds {
  declareFrom: number
  approvalFrom: number
  /** False while the force has not set its own: the defaults apply. */
  configured: boolean
}

/** When a force has set nothing: every offer is declared; approval from £25. */
export const DEFAULT_THRESHOLDS = { declareFrom: 0, approvalFrom: 25 } as const

export interface GiftView extends GiftWithStaff {
  /** The donor is a supplier, a contractor or the media. */
  flaggedDonor: boolean
  /** At or above the force's approval threshold. */
  needsApproval: boolean
  /** Under the force's declaration threshold: declared anyway, and kept. */
  belowDeclareThreshold: boolean
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
  entityType: ENTITY,
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
    tx
      .insert(giftsHospitality)
      .values(
        rows.map((row) => ({ ...row, forceId, declaredBy: recordedBy, createdAt: now, updatedAt: now })),
      ),
}

export class GiftsHospitalityService {
  constructor(
    private readonly db: Database,
    private readonly roster: ForceStaffDirectory,
    private readonly audit: AuditService,
    private readonly pendingImports: PendingImportsService,
    private readonly now: () => Date,
    private readonly searches: Searches,
  ) {}

  private present(row: GiftWithStaff, thresholds: Map<number, Thresholds>): GiftView {
    const limits = thresholds.get(row.forceId) ?? { ...DEFAULT_THRESHOLDS, configured: false }
    const value = Number(row.estimatedValue)
    return {
      ...row,
      estimatedValue: value,
      flaggedDonor: FLAGGED_DONOR_TYPES.includes(row.donorType),
      needsApproval: value >= limits.approvalFrom,
      belowDeclareThreshold: value < limits.declareFrom,
    }
  }

  private async thresholdMap(tx: Transaction, forceId?: number): Promise<Map<number, Thresholds>> {
    const rows = await selectThresholds(tx, forceId)
    return new Map(
      rows.map((row) => [
        row.forceId,
        { declareFrom: Number(row.declareFrom), approvalFrom: Number(row.approvalFrom), configured: true },
      ]),
    )
  }

  /** The caller's force's thresholds (or the named force's, for the inspectorate). */
  async thresholds(caller: Caller, forceId?: number): Promise<Thresholds> {
    requireRole(caller, 'staff', 'inspector')
    const id =
      caller.scope.kind === 'force' || caller.scope.kind === 'publication' ? caller.scope.forceId : forceId
    if (id === undefined) throw new NotFoundError()
    const map = await inScope(this.db, caller.scope, (tx) => this.thresholdMap(tx, id))
    return map.get(id) ?? { ...DEFAULT_THRESHOLDS, configured: false }
  }

  async setThresholds(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<Thresholds> {
    requireRole(caller, 'force-admin')
    const force = forceToChange(caller, forceId)
    const parsed = thresholdsSchema.safeParse(input)
    const extra: Record<string, string> = {}
    if (parsed.success && parsed.data.approvalFrom < parsed.data.declareFrom)
      extra.approvalFrom = 'The approval threshold must be the same as or more than the declaration threshold'
    if (!parsed.success || Object.keys(extra).length)
      throw new ValidationError(
        orderedFieldErrors(['declareFrom', 'approvalFrom'], parsed.success ? [] : parsed.error.issues, extra),
      )
    const values = parsed.data
    await inScope(this.db, caller.scope, async (tx) => {
      const [before] = await tx.select().from(giftThresholds).where(eq(giftThresholds.forceId, force))
      const [after] = await tx
        .insert(giftThresholds)
        .values({ forceId: force, ...values, updatedAt: this.now() })
        .onConflictDoUpdate({ target: giftThresholds.forceId, set: { ...values, updatedAt: this.now() } })
        .returning()
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: force,
          entityType: 'gift-thresholds',
          entityId: String(force),
          action: before ? 'update' : 'create',
          before: before ?? null,
          after,
        },
        this.now(),
      )
    })
    return { ...values, configured: true }
  }

  /** A member of staff declares an offer made to them; declared today, by the clock. */
  async declare(caller: Caller, input: Record<string, unknown>): Promise<GiftView> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId)
      throw new ForbiddenError('Your account is not linked to an entry on your force’s staff roster')
    const forceId = forceToChange(caller)
    const declaration = this.check(declarationSchema, Object.keys(declarationFields), input)
    return this.insert(caller, forceId, staffMemberId, {
      ...declaration,
      approver: null,
      disposal: null,
      notes: null,
    })
  }

  /** A caseworker records an offer made to a member of staff, named by staff number. */
  async record(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<GiftView> {
    requireRole(caller, ...GIFT_KEEPERS)
    const force = forceToChange(caller, forceId)
    const order = [...Object.keys(onBehalfSchema.shape), ...Object.keys(reviewSchema.shape)]
    const parsed = onBehalfSchema.safeParse(input)
    // The approver, disposal and notes a caseworker gives are kept, or refused with the reason: never dropped.
    const review = reviewSchema.safeParse(input)
    const extra = this.dateProblems(parsed.success ? parsed.data.offeredOn : undefined)
    let staff: StaffMemberReference | undefined
    const number = typeof input.staffNumber === 'string' ? input.staffNumber.trim() : ''
    if (number) {
      staff =
        (await this.roster.findByStaffNumber(caller, force, number).catch(notFoundAsUndefined)) ?? undefined
      if (!staff) extra.staffNumber = `There is no member of staff with staff number ${number} on the roster`
    }
    if (!parsed.success || !review.success || Object.keys(extra).length) {
      const issues = [
        ...(parsed.success ? [] : parsed.error.issues),
        ...(review.success ? [] : review.error.issues),
      ]
      throw new ValidationError(orderedFieldErrors(order, issues, extra))
    }
    const { staffNumber: _number, ...declaration } = parsed.data
    return this.insert(caller, force, (staff as StaffMemberReference).id, { ...declaration, ...review.data })
  }

  private dateProblems(offeredOn: string | undefined): Record<string, string> {
    if (offeredOn && offeredOn > londonToday(this.now()))
      return { offeredOn: 'Date of the offer must be today or in the past' }
    if (offeredOn && offeredOn < '1990-01-01') return { offeredOn: 'Date of the offer must be after 1990' }
    return {}
  }

  private check<Schema extends z.ZodType>(
    schema: Schema,
    order: string[],
    input: Record<string, unknown>,
  ): z.output<Schema> {
    const parsed = schema.safeParse(input)
    const offeredOn = parsed.success ? (parsed.data as { offeredOn?: string }).offeredOn : undefined
    const extra = this.dateProblems(offeredOn)
    if (!parsed.success || Object.keys(extra).length)
      throw new ValidationError(orderedFieldErrors(order, parsed.success ? [] : parsed.error.issues, extra))
    return parsed.data
  }

  private async insert(
    caller: Caller,
    forceId: number,
    staffMemberId: string,
    values: z.output<typeof declarationSchema> & Pick<GiftRow, 'approver' | 'disposal' | 'notes'>,
  ): Promise<GiftView> {
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [created] = await tx
        .insert(giftsHospitality)
        .values({
          ...values,
          forceId,
          staffMemberId,
          declaredOn: londonToday(now),
          declaredBy: userIdOf(caller),
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: ENTITY, entityId: created.id, action: 'create', after: created },
        now,
      )
      const row = await selectGift(tx, created.id)
      if (!row) throw new Error('the new record is not visible')
      return this.present(row, await this.thresholdMap(tx, forceId))
    })
  }

  /** A page of the register, filtered and sorted; the inspectorate sees every force's. */
  async list(
    caller: Caller,
    filter: GiftFilter,
    order: { sort: GiftSort; order: 'asc' | 'desc' },
    page: { offset: number; limit: number },
  ): Promise<ListTotal & { gifts: GiftView[] }> {
    requireRole(caller, ...GIFT_READERS)
    const scoped = readableFilter(caller, filter)
    return this.searches.inScope(this.db, caller.scope, !!filter.search, async (tx) => {
      const { rows, ...total } = await selectGifts(tx, scoped, order, page)
      const thresholds = await this.thresholdMap(tx)
      return { ...total, gifts: rows.map((row) => this.present(row, thresholds)) }
    })
  }

  /** Everything the filters select, for a download; the download is audited with the filters. */
  async exportRows(
    caller: Caller,
    filter: GiftFilter,
    order: { sort: GiftSort; order: 'asc' | 'desc' },
    format: string,
  ): Promise<GiftView[]> {
    requireRole(caller, ...GIFT_READERS)
    const scoped = readableFilter(caller, filter)
    return this.searches.inScope(this.db, caller.scope, !!filter.search, async (tx) => {
      const { rows } = await selectGifts(tx, scoped, order)
      const thresholds = await this.thresholdMap(tx)
      const forceId = caller.scope.kind === 'force' ? caller.scope.forceId : null
      await appendExportEvent(
        tx,
        caller.actor,
        { forceId, entityType: ENTITY, format, rows: rows.length, filters: filter },
        this.now(),
      )
      return rows.map((row) => this.present(row, thresholds))
    })
  }

  /** The caller's own declarations, newest first. */
  async mine(caller: Caller): Promise<GiftView[]> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId || caller.scope.kind !== 'force') return []
    const forceId = caller.scope.forceId
    return inScope(this.db, caller.scope, async (tx) => {
      const { rows } = await selectGifts(tx, { forceId, staffMemberId }, { sort: 'offered', order: 'desc' })
      const thresholds = await this.thresholdMap(tx, forceId)
      return rows.map((row) => this.present(row, thresholds))
    })
  }

  /** One record: the register's readers see any of their force's; a member of staff only their own. */
  async find(caller: Caller, giftId: string): Promise<GiftView> {
    requireRole(caller, 'staff', 'inspector')
    return inScope(this.db, caller.scope, (tx) => this.selectVisible(tx, caller, giftId))
  }

  /** The record and what happened to it, oldest first. */
  async findWithHistory(caller: Caller, giftId: string): Promise<{ gift: GiftView; history: AuditEvent[] }> {
    const gift = await this.find(caller, giftId)
    return { gift, history: await this.audit.history(caller, ENTITY, gift.id) }
  }

  private async selectVisible(tx: Transaction, caller: Caller, giftId: string): Promise<GiftView> {
    if (!z.uuid().safeParse(giftId).success) throw new NotFoundError('No such declaration')
    const row = await selectGift(tx, giftId)
    if (!row || !mayReadRecord(caller, row, GIFT_READERS)) throw new NotFoundError('No such declaration')
    return this.present(row, await this.thresholdMap(tx, row.forceId))
  }

  /** Records who approved it, what became of it, and notes. */
  async review(caller: Caller, giftId: string, input: Record<string, unknown>): Promise<GiftView> {
    requireRole(caller, ...GIFT_KEEPERS)
    if (caller.scope.kind !== 'force' && caller.actor.type !== 'system') throw new ForbiddenError()
    return inScope(this.db, caller.scope, async (tx) => {
      const before = await this.selectVisible(tx, caller, giftId)
      const parsed = reviewSchema.safeParse(input)
      const extra: Record<string, string> = {}
      if (parsed.success && before.outcome === 'declined' && parsed.data.disposal === 'kept')
        extra.disposal = 'A declined offer cannot have been kept: select returned, donated or destroyed'
      if (!parsed.success || Object.keys(extra).length)
        throw new ValidationError(
          orderedFieldErrors(
            ['approver', 'disposal', 'notes'],
            parsed.success ? [] : parsed.error.issues,
            extra,
          ),
        )
      const [after] = await tx
        .update(giftsHospitality)
        .set({ ...parsed.data, updatedAt: this.now() })
        .where(eq(giftsHospitality.id, before.id))
        .returning()
      if (!after) throw new NotFoundError('No such declaration')
      const audited = (row: GiftRow) => ({ approver: row.approver, disposal: row.disposal, notes: row.notes })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: after.forceId,
          entityType: ENTITY,
          entityId: after.id,
          action: 'review',
          before: audited(before),
          after: audited(after),
        },
        this.now(),
      )
      return this.selectVisible(tx, caller, giftId)
    })
  }

  /**
   * Checks an upload of historic records and says what it would do; writes nothing to the register.
   * Only a clean file (no bad rows) is kept for the person to confirm.
   */
  async dryRunImport(caller: Caller, file: UploadedFile, forceId?: number): Promise<ImportPreview> {
    requireRole(caller, ...GIFT_KEEPERS)
    const force = forceToChange(caller, forceId)
    return this.pendingImports.previewStaffRows(caller, force, file, this.roster, IMPORT)
  }

  /** Writes a checked import: every row or none, in one transaction, with one audit event. */
  async confirmImport(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
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
  async importStream(
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
      return await inScope(this.db, caller.scope, async (tx) => {
        // One import into a force's register at a time: each sees what the one before it added.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${REGISTER}), ${forceId})`)
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
            onProgress: (rows, bytes) => onProgress?.({ rows, bytes }),
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
        const written = await loadInChunks(tx, rows, {
          write: !dryRun,
          recorded: { by: userIdOf(caller), at: now },
        })
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
        if (written !== tally.added) throw new Error(`the import wrote ${written} rows of ${tally.added}`)
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId,
            entityType: ENTITY,
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

  /**
   * A force's register as the public register reads it: every record with the member of staff's grade,
   * name and unit. The published register decides what to show and anonymises; this reads under the
   * publication scope, which row-level security limits to that force and to reading.
   */
  async publishable(forceId: number) {
    const caller: Caller = {
      principal: null,
      actor: { type: 'system', id: null, label: 'published register', ipAddress: null },
      scope: { kind: 'publication', forceId },
    }
    const { rows } = await inScope(this.db, caller.scope, (tx) =>
      selectGifts(tx, { forceId }, { sort: 'offered', order: 'desc' }),
    )
    return rows.map((row) => ({
      staffMemberId: row.staffMemberId,
      grade: row.grade,
      name: row.staffName,
      unit: row.unit,
      kind: row.kind,
      description: row.description,
      donorName: row.donorName,
      donorType: row.donorType,
      estimatedValue: Number(row.estimatedValue),
      offeredOn: row.offeredOn,
      outcome: row.outcome,
      disposal: row.disposal,
    }))
  }

  /** The period's figures (by date offered, both ends included), for data returns. */
  async counts(caller: Caller, forceId: number, period: { from: string; to: string }) {
    requireRole(caller, ...GIFT_READERS)
    if (caller.scope.kind === 'force' && caller.scope.forceId !== forceId) throw new NotFoundError()
    if (caller.scope.kind === 'public') throw new ForbiddenError()
    return inScope(this.db, caller.scope, (tx) => selectCounts(tx, forceId, period.from, period.to))
  }
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined
  throw error
}
