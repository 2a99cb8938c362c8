import { sql } from 'drizzle-orm'
import {
  date,
  index,
  integer,
  type PgTable,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
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
    // Lets other tables name a staff member together with the force, so the database refuses a link
    // from one force's record to another force's staff.
    unique('staff_members_force_member').on(table.forceId, table.id),
    index('staff_members_force_unit').on(table.forceId, table.unit),
    // The roster in its own order, and a register sorted by its members' names: read in order, a page
    // at a time, instead of every member of the force (or, for the inspectorate, of every force) sorted
    // for each page.
    index('staff_members_force_name').on(table.forceId, table.name, table.staffNumber),
    index('staff_members_name').on(table.name, table.staffNumber),
  ],
)

/**
 * A register row's copy of its member of staff's name (migration 0075), which triggers keep as they keep
 * its copy of the member's search text (0064): a list sorted by person reads the register's own index
 * instead of joining the roster. Not in the register's schema, so it is never read or written as a field.
 */
export const staffNameCopy = (register: PgTable) => sql<string>`${register}.staff_name`
