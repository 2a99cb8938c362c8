import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'

/**
 * The append-only record of every change, sign-in and export. Events form one hash chain per force
 * (what that force's people and tokens did) and one national chain (the inspectorate, the system,
 * sign-ins, and every event recorded before chains were per force, migration 0062): each event carries
 * the hash of the one before it in its chain, so altering or removing any event breaks its chain, and
 * writes of different forces never wait for one another. Triggers refuse UPDATE, DELETE and TRUNCATE,
 * and the app's role may only INSERT and SELECT.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    /** The event's number in the whole trail, in the order appended; not hashed, so it may have gaps. */
    seq: bigint({ mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** Its chain: the id of the force whose scope appended it, or 0 for the national chain. */
    chain: integer().notNull().default(0),
    /** Its number in its chain, from 1: the number its hash covers. */
    chainSeq: bigint({ mode: 'number' }).notNull(),
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
    uniqueIndex('audit_events_chain_seq').on(table.chain, table.chainSeq),
    // Every event has a place its chain's verification walks.
    check('audit_events_chain_place', sql`${table.chain} >= 0 and ${table.chainSeq} > 0`),
  ],
)

/**
 * Each chain's newest event: its number in the chain and its hash. An append locks its chain's row, so
 * no chain forks; a force's row is made by its first event.
 */
export const auditChainHead = pgTable(
  'audit_chain_head',
  {
    /** The chain: a force's id, or 0 for the national chain. */
    id: integer().primaryKey(),
    seq: bigint({ mode: 'number' }).notNull(),
    hash: text().notNull(),
  },
  (table) => [check('audit_chain_head_chain', sql`${table.id} >= 0 and ${table.seq} >= 0`)],
)
