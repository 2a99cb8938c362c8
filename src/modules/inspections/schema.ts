import {
  type AnyPgColumn,
  date,
  foreignKey,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'
import { frameworks } from '../frameworks/schema.js'
import { users } from '../identity/schema.js'

/** One inspection run across forces under a framework, e.g. the 2012 revisit of the 2011 review. */
export const inspections = pgTable('inspections', {
  id: uuid().primaryKey().defaultRandom(),
  /** Short, stable, for URLs and the command line, e.g. `revisit-2012`. */
  code: text().notNull().unique(),
  title: text().notNull(),
  frameworkId: uuid()
    .notNull()
    .references(() => frameworks.id),
  dataFrom: date({ mode: 'string' }).notNull(),
  dataTo: date({ mode: 'string' }).notNull(),
  censusDate: date({ mode: 'string' }).notNull(),
  fieldworkFrom: date({ mode: 'string' }),
  fieldworkTo: date({ mode: 'string' }),
  /** The earlier inspection this one revisits: changes since then are measured from its census date. */
  revisitsId: uuid().references((): AnyPgColumn => inspections.id),
  status: text({ enum: ['planned', 'open', 'closed'] })
    .notNull()
    .default('planned'),
  createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/**
 * One force in an inspection's scope: everything the inspection learns of that force (self-assessment,
 * data return, findings, judgement) hangs from it. Force-owned: a force reads only its own.
 */
export const forceAssessments = pgTable(
  'force_assessments',
  {
    id: uuid().primaryKey().defaultRandom(),
    inspectionId: uuid()
      .notNull()
      .references(() => inspections.id, { onDelete: 'cascade' }),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('force_assessments_inspection_force').on(table.inspectionId, table.forceId),
    // Lets the assessment's parts name it together with the force, so no part crosses forces.
    unique('force_assessments_force_assessment').on(table.forceId, table.id),
  ],
)

/**
 * The foreign key by which a part of an assessment names it together with its force, so the database
 * refuses a part whose force is not the assessment's.
 */
export const partOfAssessment = (table: { forceId: AnyPgColumn; assessmentId: AnyPgColumn }) =>
  foreignKey({
    columns: [table.forceId, table.assessmentId],
    foreignColumns: [forceAssessments.forceId, forceAssessments.id],
  }).onDelete('cascade')
