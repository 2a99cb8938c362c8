import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import type { Searches } from '../../db/searches.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { readDate } from '../../domain/date-input.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { ForcesService } from '../forces/service.js'
import type { PendingImportsService } from '../imports/service.js'
import { selectByStaffNumbers } from '../roster/queries.js'
import { normaliseStaffNumber } from '../roster/rows.js'
import { BusinessInterestChanges } from './changes.js'
import { BusinessInterestsImport, type ImportPreview } from './import.js'
import {
  type BusinessInterestView,
  type Counts,
  countsByForceOf,
  type PublishableInterest,
  publishableOf,
} from './present.js'
import {
  insertApplication,
  type ListFilter,
  type ReviewRow,
  type Sort,
  selectDashboardCounts,
  selectOne,
  selectPage,
  selectPublishable,
  selectReviews,
  selectReviewsDue,
  selectSubmittedBetween,
} from './queries.js'
import {
  type AppealDecisionInput,
  type Application,
  addDays,
  applicationSchema,
  DEFAULT_REVIEW_WINDOW_DAYS,
  type DecisionInput,
  isIsoDay,
  type ReviewInput,
} from './rules.js'
import { BusinessInterestsWorkflow } from './workflow.js'

/**
 * The register of business interests: members of staff apply (or a caseworker records an application),
 * caseworkers read and count them, and the published register shows the current approvals. What is done
 * to an application once made is in changes.ts, and the import of historic records in import.ts.
 */
export class BusinessInterestsService extends BusinessInterestsWorkflow {
  private readonly changes: BusinessInterestChanges
  private readonly historicImport: BusinessInterestsImport

  constructor(
    db: Database,
    forces: ForcesService,
    private readonly audit: AuditService,
    pendingImports: PendingImportsService,
    now: () => Date,
    private readonly searches: Searches,
  ) {
    super(db, forces, now)
    this.changes = new BusinessInterestChanges(db, forces, now)
    this.historicImport = new BusinessInterestsImport(db, pendingImports)
  }

  /** The force a caller works in: their own, or (the inspectorate, reading) the one asked for. */
  private forceOf(caller: Caller, asked?: number): number | undefined {
    if (caller.scope.kind === 'force' || caller.scope.kind === 'publication') {
      if (asked !== undefined && asked !== caller.scope.forceId)
        throw new NotFoundError('No such force’s register')
      return caller.scope.forceId
    }
    if (caller.scope.kind === 'inspectorate') return asked
    throw new ForbiddenError()
  }

  private async insert(
    caller: Caller,
    forceId: number,
    staffMemberId: string,
    application: Application,
    submittedOn: string,
    action: string,
  ): Promise<BusinessInterestView> {
    const created = await inScope(this.db, caller.scope, async (tx) => {
      const row = await insertApplication(tx, {
        forceId,
        staffMemberId,
        submittedBy: userIdOf(caller),
        submittedOn,
        nature: application.nature,
        category: application.category,
        employer: application.employer ?? null,
        hoursPerWeek: application.hoursPerWeek ?? null,
        paid: application.paid,
        relativesInterests: application.relativesInterests ?? null,
        conflictDeclaration: application.conflictDeclaration,
        status: 'submitted',
        createdAt: this.now(),
        updatedAt: this.now(),
      })
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: 'business-interest', entityId: row.id, action, after: row },
        this.now(),
      )
      const found = await selectOne(tx, row.id)
      if (!found) throw new Error('the new application is not visible')
      return found
    })
    const [view] = await this.view([created], caller)
    return view as BusinessInterestView
  }

  /** A member of staff applies for themselves: the applicant is their own roster entry. */
  async apply(caller: Caller, input: Record<string, unknown>): Promise<BusinessInterestView> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (caller.scope.kind !== 'force' || !staffMemberId)
      throw new ForbiddenError('Your account is not linked to your force’s staff roster')
    const application = parseOrThrow(applicationSchema, input)
    return this.insert(caller, caller.scope.forceId, staffMemberId, application, this.today(), 'create')
  }

  /**
   * A caseworker records an application for a member of staff, found by staff number (e.g. one made
   * on paper). `submittedOn` may be in the past, for historic records; never in the future.
   */
  async record(
    caller: Caller,
    input: Record<string, unknown> & { forceId?: number },
  ): Promise<BusinessInterestView> {
    requireRole(caller, 'force-caseworker')
    const forceId = this.forceOf(caller, input.forceId)
    if (forceId === undefined) throw new ForbiddenError('Only a force records applications')
    const errors: Record<string, string> = {}
    const staffNumber = typeof input.staffNumber === 'string' ? input.staffNumber.trim() : ''
    let staffMemberId: string | undefined
    if (!staffNumber) errors.staffNumber = 'Enter the staff number of the applicant'
    else {
      // One member by the roster's unique (force, staff number), not the whole roster: the Met's is 73,000.
      const [found] = await inScope(this.db, caller.scope, (tx) =>
        selectByStaffNumbers(tx, forceId, [normaliseStaffNumber(staffNumber)]),
      )
      if (!found) errors.staffNumber = `No one on the roster has the staff number ${staffNumber}`
      else staffMemberId = found.id
    }
    const submitted = readDate(input.submittedOn, 'Date submitted')
    const submittedOn = 'day' in submitted ? submitted.day : this.today()
    if ('problem' in submitted) errors.submittedOn = submitted.problem
    else if (submittedOn > this.today()) errors.submittedOn = 'Date submitted must be today or in the past'
    const parsed = applicationSchema.safeParse(input)
    if (!parsed.success)
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message
    if (Object.keys(errors).length || !parsed.success || !staffMemberId) throw new ValidationError(errors)
    return this.insert(caller, forceId, staffMemberId, parsed.data, submittedOn, 'create')
  }

  /** The caller's own applications, newest first. */
  async mine(caller: Caller): Promise<BusinessInterestView[]> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (caller.scope.kind !== 'force' || !staffMemberId) return []
    const { items } = await inScope(this.db, caller.scope, (tx) =>
      selectPage(
        tx,
        { forceId: caller.scope.kind === 'force' ? caller.scope.forceId : -1, staffMemberId },
        'submitted',
        'desc',
        undefined,
      ),
    )
    return this.view(items, caller)
  }

  /**
   * The force's applications that match the filter (one person's, for their integrity picture), a
   * page at a time (all of them without a page).
   */
  async list(
    caller: Caller,
    filter: ListFilter,
    sort: Sort = 'submitted',
    order: 'asc' | 'desc' = 'desc',
    page?: { offset: number; limit: number },
  ): Promise<ListTotal & { items: BusinessInterestView[] }> {
    requireRole(caller, 'force-caseworker', 'inspector')
    const forceId = this.forceOf(caller, filter.forceId)
    const { items, ...total } = await this.searches.inScope(this.db, caller.scope, !!filter.search, (tx) =>
      selectPage(tx, { ...filter, forceId }, sort, order, page),
    )
    return { ...total, items: await this.view(items, caller) }
  }

  /** Everything the filter shows, for a download; the download itself is audited. */
  async export(
    caller: Caller,
    filter: Omit<ListFilter, 'staffMemberId'>,
    sort: Sort,
    order: 'asc' | 'desc',
    format: 'csv' | 'xlsx',
  ): Promise<BusinessInterestView[]> {
    const { items } = await this.list(caller, filter, sort, order)
    const forceId = this.forceOf(caller, filter.forceId) ?? null
    await this.audit.recordExport(
      caller,
      {
        forceId,
        entityType: 'business-interest',
        format,
        rows: items.length,
        filters: { ...filter, sort, order },
      },
      this.now(),
    )
    return items
  }

  async find(caller: Caller, id: string): Promise<BusinessInterestView> {
    requireRole(caller, 'staff', 'inspector')
    const found = await inScope(this.db, caller.scope, (tx) => this.visible(tx, caller, id))
    const reader = this.isCaseworker(caller) || caller.scope.kind === 'inspectorate'
    if (!reader && !this.isOwner(caller, found.row)) throw new NotFoundError('No such application')
    const [view] = await this.view([found], caller)
    return view as BusinessInterestView
  }

  /** An application with its full history, oldest first: the caseworker's detail page. */
  async detail(
    caller: Caller,
    id: string,
  ): Promise<{ interest: BusinessInterestView; history: AuditEvent[] }> {
    requireRole(caller, 'force-caseworker', 'inspector')
    const interest = await this.find(caller, id)
    return { interest, history: await this.audit.history(caller, 'business-interest', interest.id) }
  }

  decide(caller: Caller, id: string, input: DecisionInput): Promise<BusinessInterestView> {
    return this.changes.decide(caller, id, input)
  }

  /**
   * The application that has waited longest for a decision, other than `exceptId`, and how many wait:
   * where a caseworker goes once they have decided one.
   */
  async nextWaiting(
    caller: Caller,
    exceptId: string,
  ): Promise<{ next?: BusinessInterestView; waiting: number }> {
    const { items, total } = await this.list(caller, { status: 'submitted' }, 'submitted', 'asc', {
      offset: 0,
      limit: 2,
    })
    const next = items.find((item) => item.id !== exceptId)
    return { next, waiting: total - (items.some((item) => item.id === exceptId) ? 1 : 0) }
  }

  withdraw(caller: Caller, id: string): Promise<BusinessInterestView> {
    return this.changes.withdraw(caller, id)
  }

  appeal(caller: Caller, id: string, input: { grounds?: string }): Promise<BusinessInterestView> {
    return this.changes.appeal(caller, id, input)
  }

  decideAppeal(caller: Caller, id: string, input: AppealDecisionInput): Promise<BusinessInterestView> {
    return this.changes.decideAppeal(caller, id, input)
  }

  markExpired(caller: Caller, id: string): Promise<BusinessInterestView> {
    return this.changes.markExpired(caller, id)
  }

  review(
    caller: Caller,
    id: string,
    input: ReviewInput,
  ): Promise<{ interest: BusinessInterestView; review: ReviewRow }> {
    return this.changes.review(caller, id, input)
  }

  /** An interest's reviews, oldest first, to whoever may read the interest. */
  async reviews(caller: Caller, id: string): Promise<ReviewRow[]> {
    const interest = await this.find(caller, id)
    return inScope(this.db, caller.scope, (tx) => selectReviews(tx, interest.id))
  }

  /**
   * The review due soonest other than `exceptId`, and how many are due within the usual window: where
   * a caseworker goes once they have recorded one.
   */
  async nextReviewDue(
    caller: Caller,
    exceptId: string,
  ): Promise<{ next?: BusinessInterestView; due: number }> {
    const due = (await this.reviewsDue(caller)).filter((interest) => interest.id !== exceptId)
    return { next: due[0], due: due.length }
  }

  /** Approved interests whose review or expiry is within `days` (or past), soonest first. */
  async reviewsDue(
    caller: Caller,
    options: { forceId?: number; days?: number } = {},
  ): Promise<BusinessInterestView[]> {
    requireRole(caller, 'force-caseworker', 'inspector')
    const forceId = this.forceOf(caller, options.forceId)
    const by = addDays(this.today(), options.days ?? DEFAULT_REVIEW_WINDOW_DAYS)
    const items = await inScope(this.db, caller.scope, (tx) => selectReviewsDue(tx, forceId, by))
    return this.view(items, caller)
  }

  /**
   * The figures for a period (both days included, by date submitted): what an inspection's data
   * return quotes, e.g. "40 applications, all approved".
   */
  async counts(caller: Caller, forceId: number, period: { from: string; to: string }): Promise<Counts> {
    return (await this.countsByForce(caller, [forceId], period)).get(forceId) as Counts
  }

  /**
   * `counts` for several forces at once (an inspection's data returns), from one query: each force's
   * counts, zeros where it had no applications. Added for issue #11 (national scale).
   */
  async countsByForce(
    caller: Caller,
    forceIds: readonly number[],
    period: { from: string; to: string },
  ): Promise<Map<number, Counts>> {
    requireRole(caller, 'force-caseworker', 'inspector')
    const forces = forceIds.map((forceId) => this.forceOf(caller, forceId) as number)
    if (!isIsoDay(period.from) || !isIsoDay(period.to) || period.from > period.to)
      throw new ValidationError({
        period: 'The period must be two real days, the first on or before the last',
      })
    const rows = forces.length
      ? await inScope(this.db, caller.scope, (tx) =>
          selectSubmittedBetween(tx, forces, period.from, period.to),
        )
      : []
    return countsByForceOf(forces, rows)
  }

  /**
   * The force dashboard's figures as at `today`: current approvals (with and without conditions), those
   * awaiting a decision, reviews or expiries due within `windowDays`, and appeals open.
   */
  async dashboardCounts(caller: Caller, forceId: number, today: string, windowDays: number) {
    requireRole(caller, 'force-caseworker', 'inspector')
    const force = this.forceOf(caller, forceId) as number
    return inScope(this.db, caller.scope, (tx) =>
      selectDashboardCounts(tx, force, today, addDays(today, windowDays)),
    )
  }

  /**
   * Approved, current interests of one force, read in the publication scope (one force, read-only):
   * the published register decides what of each it shows.
   */
  async publishable(forceId: number): Promise<PublishableInterest[]> {
    const today = this.today()
    const rows = await inScope(this.db, { kind: 'publication', forceId }, (tx) =>
      selectPublishable(tx, forceId, today),
    )
    return publishableOf(rows, forceId)
  }

  previewImport(caller: Caller, file: UploadedFile): Promise<ImportPreview> {
    return this.historicImport.preview(caller, file)
  }

  confirmImport(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    return this.historicImport.confirm(caller, importId)
  }
}
