import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'

/**
 * An upload checked and waiting for the person to confirm it: the dry run's valid rows, kept so the
 * confirmed import writes exactly what the preview showed. Removed when confirmed or discarded.
 */
export const pendingImports = pgTable('pending_imports', {
  id: uuid().primaryKey().defaultRandom(),
  forceId: integer()
    .notNull()
    .references(() => forces.id),
  register: text().notNull(),
  filename: text().notNull(),
  rows: jsonb().$type<unknown[]>().notNull(),
  createdBy: uuid().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
