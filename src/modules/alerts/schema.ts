import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { ALERT_STATUSES } from '../../domain/alert-rules.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'

/** A force's setting of one correlation rule (src/domain/alert-rules.ts); absent means the rule's defaults. */
export const alertRuleSettings = pgTable(
  'alert_rule_settings',
  {
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    rule: text().notNull(),
    enabled: boolean().notNull().default(true),
    threshold: integer(),
    windowDays: integer(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.forceId, table.rule] })],
)

/** A rule's hit: what it found about one member of staff, and what the force did about it. */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    rule: text().notNull(),
    staffMemberId: uuid().notNull(),
    /** What makes the hit this one (the gift, or the person, donor and year): raised once. */
    subjectKey: text().notNull(),
    /** Why, in words a caseworker reads. */
    reason: text().notNull(),
    /** The register records behind it: { register, id }. */
    records: jsonb().$type<{ register: string; id: string }[]>().notNull(),
    /** The day of the latest record behind it, for the person's timeline. */
    occurredOn: text().notNull(),
    status: text({ enum: ALERT_STATUSES }).notNull().default('open'),
    decisionNote: text(),
    caseId: uuid(),
    decidedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp({ withTimezone: true }),
    raisedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('alerts_force_rule_subject').on(table.forceId, table.rule, table.subjectKey),
    index('alerts_force_status').on(table.forceId, table.status),
    index('alerts_staff').on(table.staffMemberId),
  ],
)
