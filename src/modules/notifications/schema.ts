import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'

/**
 * Something that happened which people may be told of (a decision, a referral, an alert…), written by
 * the module where it happens in the same transaction as the change itself, once per (kind, key).
 */
export const notificationEvents = pgTable(
  'notification_events',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The force the event is about: only its people (or the inspectorate, when addressed) hear of it. */
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    kind: text().notNull(),
    /** What makes the event this one (a decision's application, a review's due date): told once. */
    eventKey: text().notNull(),
    /** Who is told: the force's caseworkers, one member of staff, or the inspectors. */
    audience: text({ enum: ['caseworkers', 'staff', 'inspectors'] }).notNull(),
    staffMemberId: uuid(),
    /** The page the message links back to, a path on this site. */
    path: text().notNull(),
    /** What the kind's template words (a rule, a date, a title…). */
    details: jsonb().$type<Record<string, string>>().notNull().default({}),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When its recipients were worked out; null while waiting. */
    dispatchedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    unique('notification_events_kind_key').on(table.kind, table.eventKey),
    index('notification_events_waiting').on(table.occurredAt),
  ],
)

/** One event for one person, as their preferences said at the time: sent at once or in a digest. */
export const notificationItems = pgTable(
  'notification_items',
  {
    id: uuid().primaryKey().defaultRandom(),
    eventId: uuid()
      .notNull()
      .references(() => notificationEvents.id, { onDelete: 'cascade' }),
    /** The recipient's force (null for the inspectorate's people): row-level security reads this. */
    forceId: integer().references(() => forces.id),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    delivery: text({ enum: ['immediate', 'digest'] }).notNull(),
    messageId: uuid().references(() => notificationMessages.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [
    // The idempotency key per event and recipient: however often an event is dispatched, one item.
    unique('notification_items_event_user').on(table.eventId, table.userId),
    index('notification_items_waiting').on(table.userId, table.delivery),
  ],
)

/** An email to one person: queued, claimed by a worker, sent (or held in the outbox), retried on failure. */
export const notificationMessages = pgTable(
  'notification_messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer().references(() => forces.id),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    toAddress: text().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    /** One message per item sent at once, or per digest: a second worker making it finds it made. */
    idempotencyKey: text().notNull().unique(),
    status: text({ enum: ['queued', 'sending', 'sent', 'outbox', 'failed'] })
      .notNull()
      .default('queued'),
    attempts: integer().notNull().default(0),
    runAfter: timestamp({ withTimezone: true }).notNull(),
    /** A claimed message whose lease has run out is claimed again: its worker died or hung. */
    leaseUntil: timestamp({ withTimezone: true }),
    claimedBy: text(),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [
    index('notification_messages_due').on(table.status, table.runAfter),
    index('notification_messages_user').on(table.userId, table.createdAt),
  ],
)

/** Each person's choice per kind: at once, in a daily digest, or not at all; absent means the defaults. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  forceId: integer().references(() => forces.id),
  choices: jsonb().$type<Record<string, string>>().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull(),
})
