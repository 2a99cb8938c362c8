import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'

/**
 * A force's line and window for one early-intervention indicator (src/domain/early-intervention.ts);
 * absent means the indicator's defaults.
 */
export const earlyInterventionSettings = pgTable(
  'early_intervention_settings',
  {
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    indicator: text().notNull(),
    threshold: integer().notNull(),
    windowLength: integer().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.forceId, table.indicator] })],
)
