import { boolean, date, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { users } from '../identity/schema.js'

/** An inspection region and its HM Inspector: data, because the inspectorate reorganises them. */
export const regions = pgTable('regions', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull().unique(),
  hmiName: text(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

export const forces = pgTable('forces', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  /** Stable identifier used in URLs and imports, e.g. `greater-manchester`. */
  code: text().notNull().unique(),
  name: text().notNull(),
  country: text().notNull(),
  kind: text({ enum: ['territorial', 'special'] }).notNull(),
  regionId: integer()
    .notNull()
    .references(() => regions.id),
  /** Whether the force's 2012 region is confirmed by a published source rather than inferred. */
  regionConfirmed: boolean().notNull().default(false),
  officersFte: integer(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/**
 * A force's inspection region and HM Inspector from a date on, as the inspectorate records them: the
 * reference its publications name. Unknown stays null; a release names them only once confirmed.
 */
export const forceInspectionReferences = pgTable(
  'force_inspection_references',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    /** The first day the row holds (the 2012 rows from 1 January 2012). */
    effectiveFrom: date({ mode: 'string' }).notNull(),
    region: text(),
    hmiName: text(),
    /** Letters after the HMI's name as the press office writes them ("QPM"). */
    hmiHonours: text(),
    /** A published source confirms the region and the HMI. */
    confirmed: boolean().notNull().default(false),
    /** Where the row comes from: the document, page or person that says so. */
    sourceNote: text(),
    updatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    updatedByLabel: text().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique().on(table.forceId, table.effectiveFrom)],
)
