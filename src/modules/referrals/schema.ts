import { date, foreignKey, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { CASE_TYPES, REFERRAL_STATUSES } from '../../domain/cases.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { integrityCases } from '../integrity-cases/schema.js'

/**
 * A finding of the inspectorate's desk research (e.g. a member of staff's public post) referred to a
 * force, and the force's answer: accepted into a case, or no action with a reason.
 */
export const referrals = pgTable(
  'referrals',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    type: text({ enum: CASE_TYPES }).notNull(),
    finding: text().notNull(),
    evidenceUrl: text(),
    evidence: text(),
    referredOn: date({ mode: 'string' }).notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdByLabel: text().notNull(),
    status: text({ enum: REFERRAL_STATUSES }).notNull().default('awaiting response'),
    caseId: uuid(),
    noActionReason: text(),
    respondedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    respondedByLabel: text(),
    respondedOn: date({ mode: 'string' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // The case is the same force's: the database refuses another force's.
    foreignKey({
      columns: [table.forceId, table.caseId],
      foreignColumns: [integrityCases.forceId, integrityCases.id],
    }),
    index('referrals_force_referred').on(table.forceId, table.referredOn),
  ],
)
