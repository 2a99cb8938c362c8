import { date, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'

/** A force's officers and staff, as its HR system lists them; re-imports update by staff number. */
export const staffMembers = pgTable(
  'staff_members',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    staffNumber: text().notNull(),
    name: text().notNull(),
    grade: text().notNull(),
    unit: text().notNull(),
    startDate: date({ mode: 'string' }),
    leaveDate: date({ mode: 'string' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('staff_members_force_number').on(table.forceId, table.staffNumber),
    index('staff_members_force_unit').on(table.forceId, table.unit),
  ],
)
