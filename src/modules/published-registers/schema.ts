import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { DEFAULT_MINIMUM_GROUP } from '../../domain/disclosure.js'
import { GRADES } from '../../domain/grades.js'
import { forces } from '../forces/schema.js'

/**
 * How a force publishes its registers: names appear only from this grade up (senior officers and
 * staff, as College of Policing and NPCC practice has it); below it, only grade-level facts.
 */
export const publicationSettings = pgTable('publication_settings', {
  forceId: integer()
    .primaryKey()
    .references(() => forces.id),
  namesFromGrade: text({ enum: GRADES }).notNull().default('Chief Superintendent'),
  /** The disclosure rule's minimum (src/domain/disclosure.ts): a force may raise it, never lower it. */
  minimumGroup: integer().notNull().default(DEFAULT_MINIMUM_GROUP),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
