import {
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import {
  APPEAL_STATUSES,
  BUSINESS_INTEREST_CATEGORIES,
  BUSINESS_INTEREST_REVIEW_OUTCOMES,
  BUSINESS_INTEREST_STATUSES,
} from '../../domain/registers.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { staffMembers } from '../roster/schema.js'

/** One application for a second job or other business interest, from submission to expiry. */
export const businessInterests = pgTable(
  'business_interests',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    staffMemberId: uuid().notNull(),
    /** Who entered it: the applicant themselves, or a caseworker recording it for them. */
    submittedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    submittedOn: date({ mode: 'string' }).notNull(),
    nature: text().notNull(),
    category: text({ enum: BUSINESS_INTEREST_CATEGORIES }).notNull(),
    employer: text(),
    hoursPerWeek: numeric({ precision: 5, scale: 1, mode: 'number' }),
    paid: text({ enum: ['yes', 'no'] }).notNull(),
    relativesInterests: text(),
    conflictDeclaration: text().notNull(),
    status: text({ enum: BUSINESS_INTEREST_STATUSES }).notNull().default('submitted'),
    /** Per national criterion: whether it raises a concern, and the assessor's note. */
    assessment: jsonb().$type<Record<string, { concern: boolean; note: string }>>(),
    conditions: text(),
    refusalReason: text(),
    decidedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    decidedOn: date({ mode: 'string' }),
    reviewDate: date({ mode: 'string' }),
    expiryDate: date({ mode: 'string' }),
    withdrawnOn: date({ mode: 'string' }),
    appealStatus: text({ enum: APPEAL_STATUSES }),
    appealGrounds: text(),
    appealOutcomeReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    index('business_interests_force_submitted').on(table.forceId, table.submittedOn),
    // Also carries expiry_date, review_date and appeal_status (migration 0059), so the dashboard's counts
    // read the index alone.
    index('business_interests_force_status').on(table.forceId, table.status),
    // A member's second jobs, for the alert rules (as gifts_hospitality_staff_force).
    index('business_interests_staff_force').on(table.staffMemberId, table.forceId),
    // The list's sorts: the inspectorate's across every force (103,000 applications, sorted whole on
    // every page without them: 120–170 ms), and a force's by category and by review date.
    index('business_interests_submitted').on(table.submittedOn, table.createdAt),
    index('business_interests_category').on(table.category, table.createdAt),
    index('business_interests_status').on(table.status, table.createdAt),
    index('business_interests_review').on(table.reviewDate, table.createdAt),
    index('business_interests_force_category').on(table.forceId, table.category, table.createdAt),
    index('business_interests_force_review').on(table.forceId, table.reviewDate, table.createdAt),
  ],
)

/** A review of an approved interest: when it happened, what it decided, and when the next one falls. */
export const businessInterestReviews = pgTable(
  'business_interest_reviews',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    businessInterestId: uuid()
      .notNull()
      .references(() => businessInterests.id),
    reviewedOn: date({ mode: 'string' }).notNull(),
    outcome: text({ enum: BUSINESS_INTEREST_REVIEW_OUTCOMES }).notNull(),
    /** The conditions from this review on, when it varied them. */
    conditions: text(),
    notes: text(),
    /** None once the approval is revoked. */
    nextReviewDate: date({ mode: 'string' }),
    reviewedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('business_interest_reviews_interest').on(table.businessInterestId, table.reviewedOn)],
)
