import { integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { SELF_ASSESSMENT_RATINGS, SELF_ASSESSMENT_STATUSES } from '../../domain/inspections.js'
import { frameworkQuestions } from '../frameworks/schema.js'
import { users } from '../identity/schema.js'
import { partOfAssessment } from '../inspections/schema.js'

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
