import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Facts about this installation that the system itself keeps, one row per name: say, that the demo
 * dataset has been entered. Not force-owned; only the inspectorate's scope (and the system) writes them.
 */
export const settings = pgTable('settings', {
  name: text().primaryKey(),
  value: jsonb().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
