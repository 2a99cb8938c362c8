import type { Readable } from 'node:stream'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import { type DataChanges, KeptUntilDataChanges } from '../../db/data-changes.js'
import type { Searches } from '../../db/searches.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import {
  type Caller,
  forceToChange,
  mayReadRecord,
  readableFilter,
  requireRole,
  type Scope,
  userIdOf,
} from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { orderedFieldErrors } from '../../domain/validation.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import type { AuditEvent, AuditService } from '../audit/service.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { PendingImportsService } from '../imports/service.js'
import { GIFT_KEEPERS, GIFT_READERS } from './access.js'
import {
  declarationFields,
  declarationSchema,
  onBehalfSchema,
  reviewSchema,
  thresholdsSchema,
} from './fields.js'
import {
  GiftsHospitalityImport,
  type ImportPreview,
  type StreamImportProgress,
  type StreamImportResult,
} from './import.js'
import { DEFAULT_THRESHOLDS, type GiftView, presentGift, type Thresholds } from './present.js'
import {
  GIFT_ENTITY,
  type GiftFilter,
  type GiftRow,
  type GiftSort,
  insertGift,
  selectCounts,
  selectGift,
  selectGifts,
  selectThresholds,
  updateGift,
  upsertThresholds,
} from './queries.js'

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

/**
 * The register of gifts and hospitality: members of staff declare offers (or a caseworker records one),
 * caseworkers review them, and each force sets its thresholds. The import of historic records is in
 * import.ts.
 */
/** How long a scope's thresholds are kept in memory at most, as they may not change for months. */
const THRESHOLDS_KEPT_FOR_MS = 10 * 60_000

export class GiftsHospitalityService {
  private readonly historicImport: GiftsHospitalityImport

  /** The thresholds each scope may read, shown against every page of the register, until they change. */
  private readonly keptThresholds?: KeptUntilDataChanges<{ byForce: Map<number, Thresholds> }>

  constructor(
    private readonly db: Database,
    private readonly roster: ForceStaffDirectory,
    private readonly audit: AuditService,
    pendingImports: PendingImportsService,
    private readonly now: () => Date,
    private readonly searches: Searches,
    changes?: DataChanges,
  ) {
    this.historicImport = new GiftsHospitalityImport(db, roster, pendingImports, now)
    if (changes)
      this.keptThresholds = new KeptUntilDataChanges(changes, now, {
        maxEntries: 100,
        tables: ['gift_thresholds'],
      })
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

  /**
   * The thresholds a page of the register shows its rows against: every one the caller's scope may read,
   * kept by scope. For a transaction that writes no thresholds: one that did could keep a value that is
   * then rolled back.
   */
  private async pageThresholds(tx: Transaction, scope: Scope): Promise<Map<number, Thresholds>> {
    const key = JSON.stringify([scope.kind, 'forceId' in scope ? scope.forceId : null])
    const known = this.keptThresholds?.get(key)
    if (known) return known.byForce
    const mark = this.keptThresholds?.mark ?? ''
    const byForce = await this.thresholdMap(tx)
    this.keptThresholds?.set(key, { byForce }, mark, new Date(this.now().getTime() + THRESHOLDS_KEPT_FOR_MS))
    return byForce
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
      const [before] = await selectThresholds(tx, force)
      const after = await upsertThresholds(tx, force, values, this.now())
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
      const created = await insertGift(tx, {
        ...values,
        forceId,
        staffMemberId,
        declaredOn: londonToday(now),
        declaredBy: userIdOf(caller),
        createdAt: now,
        updatedAt: now,
      })
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: GIFT_ENTITY, entityId: created.id, action: 'create', after: created },
        now,
      )
      const row = await selectGift(tx, created.id)
      if (!row) throw new Error('the new record is not visible')
      return presentGift(row, await this.thresholdMap(tx, forceId))
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
      const thresholds = await this.pageThresholds(tx, caller.scope)
      return { ...total, gifts: rows.map((row) => presentGift(row, thresholds)) }
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
        { forceId, entityType: GIFT_ENTITY, format, rows: rows.length, filters: filter },
        this.now(),
      )
      return rows.map((row) => presentGift(row, thresholds))
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
      return rows.map((row) => presentGift(row, thresholds))
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
    return { gift, history: await this.audit.history(caller, GIFT_ENTITY, gift.id) }
  }

  private async selectVisible(tx: Transaction, caller: Caller, giftId: string): Promise<GiftView> {
    if (!z.uuid().safeParse(giftId).success) throw new NotFoundError('No such declaration')
    const row = await selectGift(tx, giftId)
    if (!row || !mayReadRecord(caller, row, GIFT_READERS)) throw new NotFoundError('No such declaration')
    return presentGift(row, await this.thresholdMap(tx, row.forceId))
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
      const after = await updateGift(tx, before.id, { ...parsed.data, updatedAt: this.now() })
      if (!after) throw new NotFoundError('No such declaration')
      const audited = (row: GiftRow) => ({ approver: row.approver, disposal: row.disposal, notes: row.notes })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: after.forceId,
          entityType: GIFT_ENTITY,
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

  dryRunImport(caller: Caller, file: UploadedFile, forceId?: number): Promise<ImportPreview> {
    return this.historicImport.dryRun(caller, file, forceId)
  }

  confirmImport(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    return this.historicImport.confirm(caller, importId)
  }

  importStream(
    caller: Caller,
    input: { forceCode: string | undefined; filename: string; source: Readable },
    options: { dryRun?: boolean; onProgress?: StreamImportProgress } = {},
  ): Promise<StreamImportResult> {
    return this.historicImport.stream(caller, input, options)
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
