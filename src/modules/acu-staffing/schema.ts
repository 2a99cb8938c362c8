import { date, integer, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'

/** The anti-corruption unit's posts funded and filled (full-time equivalents) as at a date. */
export const acuStaffing = pgTable(
  'acu_staffing',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    asOf: date({ mode: 'string' }).notNull(),
    postsFunded: numeric({ precision: 7, scale: 2, mode: 'number' }).notNull(),
    postsFilled: numeric({ precision: 7, scale: 2, mode: 'number' }).notNull(),
    notes: text(),
    recordedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('acu_staffing_force_date').on(table.forceId, table.asOf)],
)
