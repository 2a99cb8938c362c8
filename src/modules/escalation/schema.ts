import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { CHANGE_STATUSES, MONITORING_STATES } from '../../domain/escalation.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { inspections } from '../inspections/schema.js'

/** The inspectorate's setting of one escalation rule (src/domain/escalation.ts); absent means its defaults. */
export const escalationRules = pgTable('escalation_rules', {
  rule: text().primaryKey(),
  enabled: boolean().notNull().default(true),
  threshold: integer(),
  days: integer(),
  judgements: jsonb().$type<string[]>(),
  state: text({ enum: MONITORING_STATES }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/**
 * A change of a force's monitoring state: proposed by an evaluation of the rules with its reasons, then
 * confirmed or rejected by a lead inspector. The latest confirmed change is the force's state.
 */
export const monitoringStateChanges = pgTable(
  'monitoring_state_changes',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    fromState: text({ enum: MONITORING_STATES }).notNull(),
    toState: text({ enum: MONITORING_STATES }).notNull(),
    /** Why, one sentence a reader understands per rule that fired. */
    reasons: jsonb().$type<string[]>().notNull(),
    /** The inspection whose data the rules read, when there was one. */
    inspectionId: uuid().references(() => inspections.id),
    status: text({ enum: CHANGE_STATUSES }).notNull().default('proposed'),
    proposedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    proposedByLabel: text().notNull(),
    proposedAt: timestamp({ withTimezone: true }).notNull(),
    decidedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    decidedByLabel: text(),
    decidedAt: timestamp({ withTimezone: true }),
    decisionNote: text(),
    /** Whether the force's public page shows this change (the inspectorate's choice, per change). */
    published: boolean().notNull().default(false),
  },
  (table) => [
    index('monitoring_state_changes_force').on(table.forceId, table.proposedAt),
    uniqueIndex('monitoring_state_changes_one_proposal').on(table.forceId).where(sql`status = 'proposed'`),
  ],
)
