import { z } from 'zod'
import { readDate } from '../../domain/date-input.js'
import { isoDay as dayAsIso } from '../../domain/fields.js'
import {
  BUSINESS_INTEREST_CATEGORIES,
  BUSINESS_INTEREST_CRITERIA,
  BUSINESS_INTEREST_REVIEW_OUTCOMES,
  type BUSINESS_INTEREST_STATUSES,
} from '../../domain/registers.js'

export type BusinessInterestStatus = (typeof BUSINESS_INTEREST_STATUSES)[number]
export type BusinessInterestCategory = (typeof BUSINESS_INTEREST_CATEGORIES)[number]
export type Criterion = (typeof BUSINESS_INTEREST_CRITERIA)[number]
export type ReviewOutcome = (typeof BUSINESS_INTEREST_REVIEW_OUTCOMES)[number]

export const APPROVED_STATUSES: readonly BusinessInterestStatus[] = ['approved', 'approved with conditions']
/** How far ahead a review is set when the decision does not say: 12 months. */
export const DEFAULT_REVIEW_MONTHS = 12
/** How far ahead the reviews-due list looks unless asked otherwise. */
export const DEFAULT_REVIEW_WINDOW_DAYS = 30

const london = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The calendar day (YYYY-MM-DD) an instant falls on in England and Wales. */
export function londonDay(instant: Date): string {
  return london.format(instant)
}

/** A YYYY-MM-DD day moved on by whole months (the 31st becomes the month's last day) or days. */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(year, month - 1 + months, 1))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(date, last))
  return target.toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** A real calendar day written YYYY-MM-DD, in the years a record may fall in. */
export function isIsoDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && dayAsIso(text) === text
}

/** A form's blank answer (spaces only, too) as no answer, for `z.preprocess`. */
export const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value

export const isoDay = (message: string) =>
  z
    .string(message)
    .trim()
    .refine((value) => isIsoDay(value), message)

export const optionalIsoDay = (message: string) => z.preprocess(blankToUndefined, isoDay(message).optional())

const optionalText = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.string().trim().max(max, `${label} must be ${max} characters or fewer`).optional(),
  )

/** An application, as the form, the API and the import take it; in the order of the form's fields. */
export const applicationSchema = z.object({
  nature: z
    .string('Describe the business interest')
    .trim()
    .min(1, 'Describe the business interest')
    .max(2000, 'The description must be 2,000 characters or fewer'),
  category: z.enum(BUSINESS_INTEREST_CATEGORIES, 'Select the kind of business interest'),
  employer: optionalText('The employer or business', 300),
  hoursPerWeek: z.preprocess(
    blankToUndefined,
    z.coerce
      .number('Enter the hours a week as a number, like 6 or 7.5')
      .min(0, 'Hours a week must be 0 or more')
      .max(168, 'Hours a week must be 168 or fewer')
      .optional(),
  ),
  paid: z.enum(['yes', 'no'], 'Select whether it is paid'),
  relativesInterests: optionalText('Relatives’ interests', 2000),
  conflictDeclaration: z
    .string('Declare any conflict with your police role, or say there is none')
    .trim()
    .min(1, 'Declare any conflict with your police role, or say there is none')
    .max(2000, 'The declaration must be 2,000 characters or fewer'),
})
export type ApplicationInput = z.input<typeof applicationSchema>
export type Application = z.output<typeof applicationSchema>

export const DECISIONS = ['approved', 'approved with conditions', 'refused'] as const
export type Decision = (typeof DECISIONS)[number]

/** The field names a criterion's concern and note use in forms: `concern-impartiality`, `note-…`. */
export function criterionKey(criterion: Criterion): string {
  return criterion.replace(/[^a-z]+/g, '-')
}

export interface DecisionInput {
  assessment?: Partial<Record<Criterion, { concern?: string | boolean; note?: string }>>
  decision?: string
  conditions?: string
  refusalReason?: string
  /** A date input's fields or one text value (src/domain/date-input.ts); a blank review is a year on. */
  reviewDate?: unknown
  expiryDate?: unknown
}

/** A caseworker's decision of an appeal: upheld (with the approval it becomes) or dismissed, and why. */
export interface AppealDecisionInput {
  outcome?: string
  status?: string
  conditions?: string
  reason?: string
  reviewDate?: string
  expiryDate?: string
}

/**
 * Checks a decision: every criterion assessed (concern yes or no), conditions for an approval with
 * conditions, a reason for a refusal, and review and expiry dates that are real days after the decision.
 */
export function checkDecision(input: DecisionInput, today: string) {
  const errors: Record<string, string> = {}
  const assessment: Record<string, { concern: boolean; note: string }> = {}
  for (const criterion of BUSINESS_INTEREST_CRITERIA) {
    const given = input.assessment?.[criterion]
    const concern = given?.concern
    const note = (given?.note ?? '').trim()
    const key = criterionKey(criterion)
    if (concern !== 'yes' && concern !== 'no' && concern !== true && concern !== false)
      errors[`concern-${key}`] = `Select whether ${criterion} raises a concern`
    if (note.length > 2000) errors[`note-${key}`] = 'The note must be 2,000 characters or fewer'
    assessment[criterion] = { concern: concern === 'yes' || concern === true, note }
  }
  const decision = DECISIONS.find((candidate) => candidate === input.decision)
  if (!decision) errors.decision = 'Select a decision'
  const conditions = (input.conditions ?? '').trim()
  const refusalReason = (input.refusalReason ?? '').trim()
  if (decision === 'approved with conditions' && !conditions)
    errors.conditions = 'Enter the conditions of the approval'
  if (decision === 'refused' && !refusalReason) errors.refusalReason = 'Enter the reason for refusing'
  if (conditions.length > 4000) errors.conditions = 'The conditions must be 4,000 characters or fewer'
  if (refusalReason.length > 4000) errors.refusalReason = 'The reason must be 4,000 characters or fewer'
  const review = readDate(input.reviewDate, 'Review date')
  const expiry = readDate(input.expiryDate, 'Expiry date')
  const approved = decision === 'approved' || decision === 'approved with conditions'
  let reviewDate: string | null = null
  let expiryDate: string | null = null
  if (approved) {
    reviewDate = 'day' in review ? review.day : addMonths(today, DEFAULT_REVIEW_MONTHS)
    if ('problem' in review) errors.reviewDate = review.problem
    else if (reviewDate <= today) errors.reviewDate = 'Review date must be in the future'
    if ('problem' in expiry) errors.expiryDate = expiry.problem
    else if ('day' in expiry) {
      if (expiry.day <= today) errors.expiryDate = 'Expiry date must be in the future'
      else expiryDate = expiry.day
    }
  }
  return {
    errors,
    decision: decision as Decision,
    assessment,
    conditions: decision === 'approved with conditions' ? conditions : null,
    refusalReason: decision === 'refused' ? refusalReason : null,
    reviewDate,
    expiryDate,
  }
}

/** Statuses as GOV.UK tags. */
export const STATUS_TAG_CLASSES: Record<BusinessInterestStatus, string> = {
  submitted: 'govuk-tag--blue',
  approved: 'govuk-tag--green',
  'approved with conditions': 'govuk-tag--turquoise',
  refused: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
  expired: 'govuk-tag--grey',
  revoked: 'govuk-tag--red',
}

export interface ReviewInput {
  /** A date input's fields or one text value (src/domain/date-input.ts); blank is today. */
  reviewedOn?: unknown
  outcome?: string
  conditions?: string
  notes?: string
  /** Blank is DEFAULT_REVIEW_MONTHS after the review. */
  nextReviewDate?: unknown
}

/**
 * Checks a review of an approved interest decided on `decidedOn`: held on a real day no later than
 * today and not before the decision; an outcome; new conditions when it varies them; and, unless it
 * revokes the approval, a next review after today (by default DEFAULT_REVIEW_MONTHS after this one).
 */
export function checkReview(input: ReviewInput, today: string, decidedOn: string | null) {
  const errors: Record<string, string> = {}
  const reviewed = readDate(input.reviewedOn, 'Date of the review')
  const reviewedOn = 'day' in reviewed ? reviewed.day : today
  if ('problem' in reviewed) errors.reviewedOn = reviewed.problem
  else if (reviewedOn > today) errors.reviewedOn = 'Date of the review must be today or in the past'
  else if (decidedOn && reviewedOn < decidedOn)
    errors.reviewedOn = 'Date of the review must be on or after the date of the decision'
  const outcome = BUSINESS_INTEREST_REVIEW_OUTCOMES.find((candidate) => candidate === input.outcome)
  if (!outcome) errors.outcome = 'Select the outcome of the review'
  const conditions = (input.conditions ?? '').trim()
  if (outcome === 'vary conditions' && !conditions) errors.conditions = 'Enter the conditions from now on'
  if (conditions.length > 4000) errors.conditions = 'The conditions must be 4,000 characters or fewer'
  const notes = (input.notes ?? '').trim()
  if (notes.length > 4000) errors.notes = 'The notes must be 4,000 characters or fewer'
  const next = readDate(input.nextReviewDate, 'Next review date')
  let nextReviewDate: string | null = null
  if (outcome !== 'revoke') {
    nextReviewDate = 'day' in next ? next.day : addMonths(reviewedOn, DEFAULT_REVIEW_MONTHS)
    if ('problem' in next) errors.nextReviewDate = next.problem
    else if (nextReviewDate <= today) errors.nextReviewDate = 'Next review date must be in the future'
  }
  return {
    errors,
    reviewedOn,
    outcome: outcome as ReviewOutcome,
    conditions: outcome === 'vary conditions' ? conditions : null,
    notes: notes || null,
    nextReviewDate,
  }
}
