import { sql } from 'drizzle-orm'
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { SELF_ASSESSMENT_RATINGS, SELF_ASSESSMENT_STATUSES } from '../../domain/inspections.js'
import { frameworkQuestions } from '../frameworks/schema.js'
import { users } from '../identity/schema.js'
import { partOfAssessment } from '../inspections/schema.js'
import { staffMembers } from '../roster/schema.js'

/**
 * A force administrator's record that someone on the roster below chief officer rank may sign off the
 * force's self-assessments between two dates (a chief officer on leave, say). Revoked, never deleted.
 */
export const signOffDelegations = pgTable(
  'sign_off_delegations',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer().notNull(),
    staffMemberId: uuid().notNull(),
    validFrom: date({ mode: 'string' }).notNull(),
    validTo: date({ mode: 'string' }).notNull(),
    reason: text().notNull(),
    recordedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    recordedByName: text().notNull(),
    recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    // With the force in the key, a delegation names only its own force's staff.
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    check('sign_off_delegations_dates', sql`${table.validTo} >= ${table.validFrom}`),
    index('sign_off_delegations_force').on(table.forceId, table.validTo),
  ],
)

/** A force's self-assessment in an inspection: drafted, then submitted with a chief officer's sign-off. */
export const selfAssessments = pgTable(
  'self_assessments',
  {
    assessmentId: uuid().primaryKey(),
    forceId: integer().notNull(),
    status: text({ enum: SELF_ASSESSMENT_STATUSES }).notNull().default('not started'),
    /** The chief officer who signed it off, by name and rank, e.g. "Deputy Chief Constable". */
    signedOffByName: text(),
    signedOffByRank: text(),
    /** Who signed it off, from the roster: a chief officer, or someone holding a delegation. */
    signedOffByStaffMemberId: uuid(),
    signOffDelegationId: uuid().references(() => signOffDelegations.id),
    submittedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    submittedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [partOfAssessment(table)],
)

/** A force's answer to one framework question: a rating and the evidence for it. */
export const selfAssessmentAnswers = pgTable(
  'self_assessment_answers',
  {
    id: uuid().primaryKey().defaultRandom(),
    assessmentId: uuid().notNull(),
    forceId: integer().notNull(),
    questionId: uuid()
      .notNull()
      .references(() => frameworkQuestions.id),
    rating: text({ enum: SELF_ASSESSMENT_RATINGS }),
    evidence: text(),
    updatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('self_assessment_answers_question').on(table.assessmentId, table.questionId),
    partOfAssessment(table),
  ],
)
