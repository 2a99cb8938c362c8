import { integer, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { users } from '../identity/schema.js'
import { partOfAssessment } from '../inspections/schema.js'

/**
 * One item of a force's data return. The value stands as computed from the force's records or as
 * supplied by the force (template upload or form); an override replaces it only with a reason, and
 * the computed or supplied value is kept beside it.
 */
export const dataReturnValues = pgTable(
  'data_return_values',
  {
    id: uuid().primaryKey().defaultRandom(),
    assessmentId: uuid().notNull(),
    forceId: integer().notNull(),
    /** An item code of DATA_RETURN_ITEMS. */
    item: text().notNull(),
    source: text({ enum: ['computed', 'supplied'] }).notNull(),
    value: numeric({ precision: 12, scale: 4, mode: 'number' }),
    /** How a computed value was reached (the counts behind it), for the reader who asks. */
    detail: jsonb().$type<Record<string, unknown>>(),
    recordedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    overrideValue: numeric({ precision: 12, scale: 4, mode: 'number' }),
    overrideReason: text(),
    overriddenBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    overriddenAt: timestamp({ withTimezone: true }),
  },
  (table) => [unique('data_return_values_item').on(table.assessmentId, table.item), partOfAssessment(table)],
)
