import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { PROGRESS_BASES, RECOMMENDATION_STATUSES } from '../../domain/inspections.js'
import { forces } from '../forces/schema.js'
import { frameworkRecommendations } from '../frameworks/schema.js'
import { users } from '../identity/schema.js'
import { inspections } from '../inspections/schema.js'

/**
 * One update of a force's progress against a recommendation; the latest is the current status, and the
 * updates in order are its history across revisits. Never changed once written.
 */
export const recommendationProgress = pgTable(
  'recommendation_progress',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    recommendationId: uuid()
      .notNull()
      .references(() => frameworkRecommendations.id),
    /** The inspection during which the update was made, when there was one. */
    inspectionId: uuid().references(() => inspections.id),
    status: text({ enum: RECOMMENDATION_STATUSES }).notNull(),
    basis: text({ enum: PROGRESS_BASES }).notNull(),
    note: text(),
    recordedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    recordedByLabel: text().notNull(),
    recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('recommendation_progress_force').on(table.forceId, table.recommendationId, table.recordedAt),
  ],
)
