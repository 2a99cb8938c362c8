import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import { appendAuditEvent } from '../audit/service.js'
import { type NotificationEvent, recordNotificationEvent } from '../notifications/events.js'
import type { BusinessInterestView } from './present.js'
import {
  type BusinessInterestRow,
  type BusinessInterestWithStaff,
  insertReview,
  type ReviewRow,
  updateApplication,
} from './queries.js'
import {
  APPROVED_STATUSES,
  type AppealDecisionInput,
  checkDecision,
  checkReview,
  type DecisionInput,
  type ReviewInput,
} from './rules.js'
import { BusinessInterestsWorkflow } from './workflow.js'

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

/**
 * What is done to an application once made: it is decided, withdrawn, appealed (and the appeal
 * decided), reviewed or marked expired. Each change is audited in its transaction.
 */
export class BusinessInterestChanges extends BusinessInterestsWorkflow {
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
      const after = await updateApplication(tx, before.row.id, { ...changes, updatedAt: this.now() })
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
  async decideAppeal(caller: Caller, id: string, input: AppealDecisionInput): Promise<BusinessInterestView> {
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
}
