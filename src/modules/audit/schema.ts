import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The append-only record of every change, sign-in and export. Each event carries the hash of the one
 * before it, so altering or removing any event breaks the chain. Triggers refuse UPDATE, DELETE and
 * TRUNCATE, and the app's role may only INSERT and SELECT.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigint({ mode: 'number' }).primaryKey(),
    occurredAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    actorType: text({ enum: ['user', 'api-token', 'system', 'anonymous'] }).notNull(),
    actorId: text(),
    actorLabel: text().notNull(),
    forceId: integer(),
    entityType: text().notNull(),
    entityId: text(),
    action: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    ipAddress: text(),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (table) => [
    index('audit_events_force_occurred').on(table.forceId, table.occurredAt),
    index('audit_events_entity').on(table.entityType, table.entityId),
  ],
)

/** The newest event's number and hash: appends lock this row, so the chain never forks. */
export const auditChainHead = pgTable('audit_chain_head', {
  id: integer().primaryKey(),
  seq: bigint({ mode: 'number' }).notNull(),
  hash: text().notNull(),
})
