import { FLAGGED_DONOR_TYPES } from '../../domain/registers.js'
import type { GiftWithStaff } from './queries.js'

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

/** A record as the pages show it, measured against its force's thresholds (the defaults if it set none). */
export function presentGift(row: GiftWithStaff, thresholds: Map<number, Thresholds>): GiftView {
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
