import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { ListTotal } from '../../db/counting.js'
import type { Searches } from '../../db/searches.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { readDate } from '../../domain/date-input.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  BUSINESS_INTEREST_CATEGORIES,
  BUSINESS_INTEREST_CRITERIA,
  BUSINESS_INTEREST_STATUSES,
} from '../../domain/registers.js'
import { parseOrThrow } from '../../domain/validation.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { PendingImportsService, RegisterImport } from '../imports/service.js'
import { type NotificationEvent, recordNotificationEvent } from '../notifications/events.js'
import {
  type BusinessInterestRow,
  type BusinessInterestWithStaff,
  insertReview,
  type ListFilter,
  type ReviewRow,
  type Sort,
  type StaffFacts,
  selectDashboardCounts,
  selectForStaff,
  selectOne,
  selectPage,
  selectPublishable,
  selectReviews,
  selectReviewsDue,
  selectStaffByNumber,
  selectSubmittedBetween,
} from './queries.js'
import {
  APPROVED_STATUSES,
  addDays,
  applicationSchema,
  type BusinessInterestCategory,
  type BusinessInterestStatus,
  checkDecision,
  checkReview,
  DEFAULT_REVIEW_WINDOW_DAYS,
  type DecisionInput,
  isIsoDay,
  londonDay,
  type ReviewInput,
} from './rules.js'
import { businessInterests } from './schema.js'

export const IMPORT_REGISTER = 'business-interests'

/** The applicant is told of a decision (P18): the application's, or the appeal's. */
function decisionEvent(row: BusinessInterestRow, appeal: boolean): NotificationEvent {
  return {
    forceId: row.forceId,
    kind: 'decision-made',
    eventKey: `${row.id}:${appeal ? 'appeal' : 'application'}`,
    audience: 'staff',
    staffMemberId: row.staffMemberId,
    path: `/business-interests/${row.id}`,
    details: {
      nature: row.nature,
      outcome: row.status,
      ...(appeal ? { appeal: 'yes', appealOutcome: row.appealStatus ?? '' } : {}),
    },
  }
}

export interface BusinessInterestView {
  id: string
  force: ForceReference
  staffMember: StaffFacts
  submittedOn: string
  nature: string
  category: BusinessInterestCategory
  employer: string | null
  hoursPerWeek: number | null
  paid: 'yes' | 'no'
  relativesInterests: string | null
  conflictDeclaration: string
  status: BusinessInterestStatus
  assessment: Record<string, { concern: boolean; note: string }> | null
  conditions: string | null
  refusalReason: string | null
  decidedOn: string | null
  reviewDate: string | null
  expiryDate: string | null
  withdrawnOn: string | null
  appealStatus: 'lodged' | 'upheld' | 'dismissed' | null
  appealGrounds: string | null
  appealOutcomeReason: string | null
  /** What the person may still do with it. */
  canWithdraw: boolean
  /** A current approval, which a review may continue, vary or revoke. */
  canReview: boolean
  canAppeal: boolean
  createdAt: Date
  updatedAt: Date
}

export interface Counts {
  applications: number
  /** Decided and approved, with or without conditions (even if later withdrawn or expired). */
  approved: number
  approvedWithConditions: number
  refused: number
  withdrawn: number
  /** Not yet decided. */
  pending: number
  byCategory: Partial<
    Record<BusinessInterestCategory, { applications: number; approved: number; refused: number }>
  >
}

/** One approved, current interest as the published register may show it, before names are withheld. */
export interface PublishableInterest {
  id: string
  /** Who it is about, never published: the disclosure rule counts people, not rows. */
  staffMemberId: string
  name: string
  grade: string
  unit: string
  category: BusinessInterestCategory
  nature: string
  hoursPerWeek: number | null
  paid: 'yes' | 'no'
  status: BusinessInterestStatus
  decidedOn: string
}

export const importRowSchema = z
  .object({
    staff_number: z.string().trim().min(1, 'Enter the staff number').max(50, 'Too long'),
    submitted_on: z.string().trim().refine(isIsoDay, 'Enter the date submitted as YYYY-MM-DD'),
    category: z.enum(BUSINESS_INTEREST_CATEGORIES, `Use one of: ${BUSINESS_INTEREST_CATEGORIES.join(', ')}`),
    nature: z.string().trim().min(1, 'Describe the business interest').max(2000, 'Too long'),
    employer: z.string().trim().max(300, 'Too long').optional().default(''),
    hours_per_week: z
      .string()
      .trim()
      .optional()
      .default('')
      .refine(
        (value) =>
          value === '' || (Number.isFinite(Number(value)) && Number(value) >= 0 && Number(value) <= 168),
        'Enter a number of hours from 0 to 168',
      ),
    paid: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['yes', 'no'], 'Enter yes or no')),
    relatives_interests: z.string().trim().max(2000, 'Too long').optional().default(''),
    conflict_declaration: z.string().trim().min(1, 'Enter the conflict declaration').max(2000, 'Too long'),
    status: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(BUSINESS_INTEREST_STATUSES, `Use one of: ${BUSINESS_INTEREST_STATUSES.join(', ')}`)),
    conditions: z.string().trim().max(4000, 'Too long').optional().default(''),
    refusal_reason: z.string().trim().max(4000, 'Too long').optional().default(''),
    decided_on: z.string().trim().optional().default(''),
    review_date: z.string().trim().optional().default(''),
    expiry_date: z.string().trim().optional().default(''),
    withdrawn_on: z.string().trim().optional().default(''),
  })
  .superRefine((row, context) => {
    const day = (field: 'decided_on' | 'review_date' | 'expiry_date' | 'withdrawn_on') => {
      if (row[field] && !isIsoDay(row[field]))
        context.addIssue({ code: 'custom', path: [field], message: 'Enter the date as YYYY-MM-DD' })
    }
    day('decided_on')
    day('review_date')
    day('expiry_date')
    day('withdrawn_on')
    const decided = ['approved', 'approved with conditions', 'refused', 'expired', 'revoked'].includes(
      row.status,
    )
    if (decided && !row.decided_on)
      context.addIssue({
        code: 'custom',
        path: ['decided_on'],
        message: `A ${row.status} application needs the date decided`,
      })
    if (row.status === 'approved with conditions' && !row.conditions)
      context.addIssue({
        code: 'custom',
        path: ['conditions'],
        message: 'Enter the conditions of the approval',
      })
    if (row.status === 'refused' && !row.refusal_reason)
      context.addIssue({ code: 'custom', path: ['refusal_reason'], message: 'Enter the reason for refusing' })
    if (row.status === 'withdrawn' && !row.withdrawn_on)
      context.addIssue({ code: 'custom', path: ['withdrawn_on'], message: 'Enter the date withdrawn' })
    if (row.decided_on && isIsoDay(row.decided_on) && row.decided_on < row.submitted_on)
      context.addIssue({
        code: 'custom',
        path: ['decided_on'],
        message: 'The decision cannot come before the application',
      })
  })
type ImportRow = z.output<typeof importRowSchema>

/** A checked import row, ready to insert: kept between the dry run and the confirmation. */
interface PendingRow {
  line: number
  staffMemberId: string
  staffNumber: string
  values: Omit<typeof businessInterests.$inferInsert, 'forceId' | 'staffMemberId'>
}

export interface ImportPreview {
  importId: string | null
  filename: string
  toCreate: { line: number; staffNumber: string; category: string; submittedOn: string; status: string }[]
  unchanged: { line: number; staffNumber: string; submittedOn: string }[]
  /** The first bad rows, in line order (PROBLEMS_LISTED of them)… */
  problems: RowProblem[]
  /** …out of this many. */
  problemCount: number
}

/** How a confirmed import's rows are written. */
const IMPORT: RegisterImport<PendingRow> = {
  register: IMPORT_REGISTER,
  entityType: 'business-interest',
  insert: (tx, rows, { forceId, recordedBy, now }) =>
    tx.insert(businessInterests).values(
      rows.map((row) => ({
        ...row.values,
        forceId,
        staffMemberId: row.staffMemberId,
        submittedBy: recordedBy,
        createdAt: now,
        updatedAt: now,
      })),
    ),
}

function sameInterestKey(
  staffMemberId: string,
  submittedOn: string,
  category: string,
  nature: string,
): string {
  return [staffMemberId, submittedOn, category, nature.trim().toLowerCase()].join('|')
}

export class BusinessInterestsService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly audit: AuditService,
    private readonly pendingImports: PendingImportsService,
    private readonly now: () => Date,
    private readonly searches: Searches,
  ) {}

  /** Today in England and Wales, by the service's clock (tests move it). */
  today(): string {
    return londonDay(this.now())
  }

  private async view(items: BusinessInterestWithStaff[], caller?: Caller): Promise<BusinessInterestView[]> {
    const byId = new Map((await this.forces.references()).map((force) => [force.id, force]))
    const ownStaffId = caller?.principal?.staffMemberId ?? null
    return items.map(({ row, staff }) => {
      const own = ownStaffId !== null && ownStaffId === row.staffMemberId
      return {
        id: row.id,
        force: byId.get(row.forceId) ?? {
          id: row.forceId,
          code: String(row.forceId),
          name: `Force ${row.forceId}`,
        },
        staffMember: staff,
        submittedOn: row.submittedOn,
        nature: row.nature,
        category: row.category,
        employer: row.employer,
        hoursPerWeek: row.hoursPerWeek,
        paid: row.paid,
        relativesInterests: row.relativesInterests,
        conflictDeclaration: row.conflictDeclaration,
        status: row.status,
        assessment: row.assessment,
        conditions: row.conditions,
        refusalReason: row.refusalReason,
        decidedOn: row.decidedOn,
        reviewDate: row.reviewDate,
        expiryDate: row.expiryDate,
        withdrawnOn: row.withdrawnOn,
        appealStatus: row.appealStatus,
        appealGrounds: row.appealGrounds,
        appealOutcomeReason: row.appealOutcomeReason,
        canWithdraw: row.status === 'submitted' || APPROVED_STATUSES.includes(row.status),
        canReview: APPROVED_STATUSES.includes(row.status),
        canAppeal:
          own &&
          row.appealStatus === null &&
          (row.status === 'refused' || row.status === 'approved with conditions'),
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      }
    })
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

  private async visible(tx: Transaction, caller: Caller, id: string): Promise<BusinessInterestWithStaff> {
    if (!z.uuid().safeParse(id).success) throw new NotFoundError('No such application')
    const found = await selectOne(tx, id)
    if (!found) throw new NotFoundError('No such application')
    if (
      (caller.scope.kind === 'force' || caller.scope.kind === 'publication') &&
      found.row.forceId !== caller.scope.forceId
    )
      throw new NotFoundError('No such application')
    return found
  }

  private isCaseworker(caller: Caller): boolean {
    return callerHas(caller, ['force-caseworker'])
  }

  private isOwner(caller: Caller, row: BusinessInterestRow): boolean {
    const own = caller.principal?.staffMemberId
    return own !== null && own !== undefined && own === row.staffMemberId
  }

  private async insert(
    caller: Caller,
    forceId: number,
    staffMemberId: string,
    application: z.output<typeof applicationSchema>,
    submittedOn: string,
    action: string,
  ): Promise<BusinessInterestView> {
    const created = await inScope(this.db, caller.scope, async (tx) => {
      const [row] = await tx
        .insert(businessInterests)
        .values({
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
        .returning()
      if (!row) throw new Error('insert returned no row')
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
      const staff = await inScope(this.db, caller.scope, (tx) => selectStaffByNumber(tx, forceId))
      const found = staff.get(staffNumber.toLowerCase())
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

  private async change(
    caller: Caller,
    id: string,
    action: string,
    decide: (found: BusinessInterestWithStaff) => Partial<BusinessInterestRow>,
    /** A record written with the change, in its transaction, and audited with it (a review). */
    alongside?: (tx: Transaction, row: BusinessInterestRow) => Promise<object>,
  ): Promise<BusinessInterestView> {
    const updated = await inScope(this.db, caller.scope, async (tx) => {
      const before = await this.visible(tx, caller, id)
      const changes = decide(before)
      const [after] = await tx
        .update(businessInterests)
        .set({ ...changes, updatedAt: this.now() })
        .where(eq(businessInterests.id, before.row.id))
        .returning()
      if (!after) throw new NotFoundError('No such application')
      const written = alongside ? { [action]: await alongside(tx, after) } : {}
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: after.forceId,
          entityType: 'business-interest',
          entityId: after.id,
          action,
          before: before.row,
          after: { ...after, ...written },
        },
        this.now(),
      )
      if (action === 'decide' || action === 'decide-appeal')
        await recordNotificationEvent(tx, decisionEvent(after, action === 'decide-appeal'), this.now())
      return { row: after, staff: before.staff }
    })
    const [view] = await this.view([updated], caller)
    return view as BusinessInterestView
  }

  /** A caseworker's decision, after assessing every national criterion. */
  async decide(caller: Caller, id: string, input: DecisionInput): Promise<BusinessInterestView> {
    requireRole(caller, 'force-caseworker')
    return this.change(caller, id, 'decide', ({ row }) => {
      if (row.status !== 'submitted')
        throw new ValidationError({ decision: `This application is already ${row.status}` })
      const today = this.today()
      const checked = checkDecision(input, today)
      if (Object.keys(checked.errors).length) throw new ValidationError(checked.errors)
      return {
        status: checked.decision,
        assessment: checked.assessment,
        conditions: checked.conditions,
        refusalReason: checked.refusalReason,
        decidedBy: userIdOf(caller),
        decidedOn: today,
        reviewDate: checked.reviewDate,
        expiryDate: checked.expiryDate,
      }
    })
  }

  /** The applicant withdraws it (or a caseworker does for them): while pending, or once approved. */
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

  async withdraw(caller: Caller, id: string): Promise<BusinessInterestView> {
    requireRole(caller, 'staff')
    return this.change(caller, id, 'withdraw', ({ row }) => {
      if (!this.isOwner(caller, row) && !this.isCaseworker(caller))
        throw new NotFoundError('No such application')
      if (row.status !== 'submitted' && !APPROVED_STATUSES.includes(row.status))
        throw new ValidationError({ form: `A ${row.status} application cannot be withdrawn` })
      return { status: 'withdrawn', withdrawnOn: this.today() }
    })
  }

  /** The applicant appeals a refusal or the conditions of an approval, once. */
  async appeal(caller: Caller, id: string, input: { grounds?: string }): Promise<BusinessInterestView> {
    requireRole(caller, 'staff')
    return this.change(caller, id, 'appeal', ({ row }) => {
      if (!this.isOwner(caller, row)) throw new NotFoundError('No such application')
      if (row.appealStatus !== null)
        throw new ValidationError({ grounds: 'You have already appealed this decision' })
      if (row.status !== 'refused' && row.status !== 'approved with conditions')
        throw new ValidationError({
          grounds: 'Only a refusal or the conditions of an approval can be appealed',
        })
      const grounds = (input.grounds ?? '').trim()
      if (!grounds) throw new ValidationError({ grounds: 'Enter the grounds of your appeal' })
      if (grounds.length > 4000)
        throw new ValidationError({ grounds: 'The grounds must be 4,000 characters or fewer' })
      return { appealStatus: 'lodged', appealGrounds: grounds }
    })
  }

  /**
   * A caseworker decides an appeal. Upheld: the application becomes approved, or approved with (new)
   * conditions. Dismissed: the decision stands. A reason is required either way.
   */
  async decideAppeal(
    caller: Caller,
    id: string,
    input: {
      outcome?: string
      status?: string
      conditions?: string
      reason?: string
      reviewDate?: string
      expiryDate?: string
    },
  ): Promise<BusinessInterestView> {
    requireRole(caller, 'force-caseworker')
    return this.change(caller, id, 'decide-appeal', ({ row }) => {
      if (row.appealStatus !== 'lodged')
        throw new ValidationError({ outcome: 'There is no appeal to decide' })
      const errors: Record<string, string> = {}
      const outcome = input.outcome === 'upheld' || input.outcome === 'dismissed' ? input.outcome : undefined
      if (!outcome) errors.outcome = 'Select whether the appeal is upheld or dismissed'
      const reason = (input.reason ?? '').trim()
      if (!reason) errors.reason = 'Enter the reason for the appeal decision'
      if (outcome !== 'upheld') {
        if (Object.keys(errors).length) throw new ValidationError(errors)
        return { appealStatus: 'dismissed', appealOutcomeReason: reason }
      }
      const checked = checkDecision(
        {
          assessment: Object.fromEntries(
            BUSINESS_INTEREST_CRITERIA.map((criterion) => [
              criterion,
              row.assessment?.[criterion] ?? { concern: false, note: '' },
            ]),
          ),
          decision: input.status,
          conditions: input.conditions,
          reviewDate: input.reviewDate ?? row.reviewDate ?? undefined,
          expiryDate: input.expiryDate ?? row.expiryDate ?? undefined,
        },
        this.today(),
      )
      if (checked.errors.decision || input.status === 'refused')
        errors.status = 'Select approved or approved with conditions'
      for (const field of ['conditions', 'reviewDate', 'expiryDate'] as const)
        if (checked.errors[field]) errors[field] = checked.errors[field]
      if (Object.keys(errors).length) throw new ValidationError(errors)
      return {
        appealStatus: 'upheld',
        appealOutcomeReason: reason,
        status: checked.decision,
        conditions: checked.conditions,
        refusalReason: null,
        decidedOn: row.decidedOn ?? this.today(),
        reviewDate: checked.reviewDate,
        expiryDate: checked.expiryDate,
      }
    })
  }

  /** An approved interest that has ended. */
  async markExpired(caller: Caller, id: string): Promise<BusinessInterestView> {
    requireRole(caller, 'force-caseworker')
    return this.change(caller, id, 'expire', ({ row }) => {
      if (!APPROVED_STATUSES.includes(row.status))
        throw new ValidationError({ form: `A ${row.status} application cannot expire` })
      return {
        status: 'expired',
        expiryDate: row.expiryDate && row.expiryDate <= this.today() ? row.expiryDate : this.today(),
      }
    })
  }

  /**
   * A caseworker records a review of a current approval: it continues (the next review set), its
   * conditions are varied, or it is revoked. The review is kept beside the interest and audited with it.
   */
  async review(
    caller: Caller,
    id: string,
    input: ReviewInput,
  ): Promise<{ interest: BusinessInterestView; review: ReviewRow }> {
    requireRole(caller, 'force-caseworker')
    let checked: ReturnType<typeof checkReview> | undefined
    let review: ReviewRow | undefined
    const interest = await this.change(
      caller,
      id,
      'review',
      ({ row }) => {
        if (!APPROVED_STATUSES.includes(row.status))
          throw new ValidationError({ form: `A ${row.status} application has no approval to review` })
        checked = checkReview(input, this.today(), row.decidedOn)
        if (Object.keys(checked.errors).length) throw new ValidationError(checked.errors)
        if (checked.outcome === 'revoke') return { status: 'revoked', reviewDate: null }
        return checked.outcome === 'vary conditions'
          ? {
              status: 'approved with conditions',
              conditions: checked.conditions,
              reviewDate: checked.nextReviewDate,
            }
          : { reviewDate: checked.nextReviewDate }
      },
      async (tx, row) => {
        const { errors: _none, ...values } = checked as NonNullable<typeof checked>
        review = await insertReview(tx, {
          ...values,
          forceId: row.forceId,
          businessInterestId: row.id,
          reviewedBy: userIdOf(caller),
          createdAt: this.now(),
        })
        return review
      },
    )
    return { interest, review: review as ReviewRow }
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
    const byForce = new Map<number, Counts>()
    for (const forceId of forces)
      byForce.set(forceId, {
        applications: 0,
        approved: 0,
        approvedWithConditions: 0,
        refused: 0,
        withdrawn: 0,
        pending: 0,
        byCategory: {},
      })
    for (const row of rows) {
      const counts = byForce.get(row.forceId)
      if (!counts) continue
      const category = counts.byCategory[row.category] ?? { applications: 0, approved: 0, refused: 0 }
      counts.byCategory[row.category] = category
      counts.applications++
      category.applications++
      const decided = row.decidedOn !== null
      if (row.status === 'refused') {
        counts.refused++
        category.refused++
      } else if (decided) {
        counts.approved++
        category.approved++
        if (row.conditions !== null) counts.approvedWithConditions++
      }
      if (row.status === 'withdrawn') counts.withdrawn++
      if (row.status === 'submitted') counts.pending++
    }
    return byForce
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
    return rows
      .filter(({ row }) => row.forceId === forceId)
      .map(({ row, staff }) => ({
        id: row.id,
        staffMemberId: row.staffMemberId,
        name: staff.name,
        grade: staff.grade,
        unit: staff.unit,
        category: row.category,
        nature: row.nature,
        hoursPerWeek: row.hoursPerWeek,
        paid: row.paid,
        status: row.status,
        decidedOn: row.decidedOn as string,
      }))
  }

  /**
   * The dry run of an import of historic records: every row checked, each bad one reported with its
   * line and reason, and the good ones kept for confirmation only when there are no bad ones.
   */
  async previewImport(caller: Caller, file: UploadedFile): Promise<ImportPreview> {
    requireRole(caller, 'force-caseworker')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force imports its records')
    const forceId = caller.scope.forceId
    const { valid, problems, rows } = await this.pendingImports.validateUpload(file, {
      register: IMPORT_REGISTER,
      requiredColumns: [],
      schema: importRowSchema,
    })
    if (rows === 0) throw new ValidationError({ file: `${file.filename} has no rows under its header` })
    const { staff, existing } = await inScope(this.db, caller.scope, async (tx) => ({
      staff: await selectStaffByNumber(tx, forceId),
      existing: await selectForStaff(tx, forceId),
    }))
    const known = new Set(
      existing.map((row) => sameInterestKey(row.staffMemberId, row.submittedOn, row.category, row.nature)),
    )
    const seenInFile = new Map<string, number>()
    const preview: ImportPreview = {
      importId: null,
      filename: file.filename,
      toCreate: [],
      unchanged: [],
      problems: [],
      problemCount: 0,
    }
    const pending: PendingRow[] = []
    for (const { line, value } of valid) {
      const member = staff.get(value.staff_number.toLowerCase())
      if (!member) {
        problems.push({
          line,
          reason: `staff_number: no one on the roster has the staff number ${value.staff_number}`,
        })
        continue
      }
      const key = sameInterestKey(member.id, value.submitted_on, value.category, value.nature)
      if (known.has(key)) {
        preview.unchanged.push({ line, staffNumber: member.staffNumber, submittedOn: value.submitted_on })
        continue
      }
      const earlier = seenInFile.get(key)
      if (earlier !== undefined) {
        problems.push({ line, reason: `the same application as line ${earlier}` })
        continue
      }
      seenInFile.set(key, line)
      pending.push({
        line,
        staffMemberId: member.id,
        staffNumber: member.staffNumber,
        values: this.importValues(value),
      })
      preview.toCreate.push({
        line,
        staffNumber: member.staffNumber,
        category: value.category,
        submittedOn: value.submitted_on,
        status: value.status,
      })
    }
    Object.assign(preview, problems.report())
    if (problems.count === 0 && pending.length > 0)
      preview.importId = await this.pendingImports.save(
        caller,
        forceId,
        IMPORT_REGISTER,
        file.filename,
        pending,
      )
    return preview
  }

  private importValues(row: ImportRow): PendingRow['values'] {
    const text = (value: string) => (value === '' ? null : value)
    return {
      submittedOn: row.submitted_on,
      nature: row.nature,
      category: row.category,
      employer: text(row.employer),
      hoursPerWeek: row.hours_per_week === '' ? null : Number(row.hours_per_week),
      paid: row.paid,
      relativesInterests: text(row.relatives_interests),
      conflictDeclaration: row.conflict_declaration,
      status: row.status,
      conditions: text(row.conditions),
      refusalReason: row.status === 'refused' ? text(row.refusal_reason) : null,
      decidedOn: text(row.decided_on),
      reviewDate: text(row.review_date),
      expiryDate: text(row.expiry_date),
      withdrawnOn: text(row.withdrawn_on),
    }
  }

  /** Writes a confirmed import: every row or none, in one transaction, with one audit event. */
  async confirmImport(caller: Caller, importId: string): Promise<{ created: number; filename: string }> {
    requireRole(caller, 'force-caseworker')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force imports its records')
    return this.pendingImports.confirm(caller, importId, IMPORT)
  }
}
