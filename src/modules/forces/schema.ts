import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

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
