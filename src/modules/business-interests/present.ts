import type { Caller } from '../../domain/access.js'
import { BUSINESS_INTEREST_CATEGORIES } from '../../domain/registers.js'
import { capitalised, choicesOf } from '../../web/forms.js'
import type { ForceReference } from '../forces/service.js'
import type { BusinessInterestRow, BusinessInterestWithStaff, StaffFacts } from './queries.js'
import {
  APPROVED_STATUSES,
  type BusinessInterestCategory,
  type BusinessInterestStatus,
  STATUS_TAG_CLASSES,
} from './rules.js'

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

export const categoryItems = choicesOf(BUSINESS_INTEREST_CATEGORIES)

export function statusTag(status: keyof typeof STATUS_TAG_CLASSES) {
  return { text: capitalised(status), classes: STATUS_TAG_CLASSES[status] }
}

/** The applications as the pages show them, each with its force and what the caller may still do with it. */
export function interestViews(
  items: BusinessInterestWithStaff[],
  forces: ForceReference[],
  caller?: Caller,
): BusinessInterestView[] {
  const byId = new Map(forces.map((force) => [force.id, force]))
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

/** Each force's counts from its applications' rows, zeros where it had none. */
export function countsByForceOf(
  forceIds: readonly number[],
  rows: Pick<BusinessInterestRow, 'forceId' | 'category' | 'status' | 'decidedOn' | 'conditions'>[],
): Map<number, Counts> {
  const byForce = new Map<number, Counts>()
  for (const forceId of forceIds)
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

/** The approved, current interests of one force as the published register may show them. */
export function publishableOf(rows: BusinessInterestWithStaff[], forceId: number): PublishableInterest[] {
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
