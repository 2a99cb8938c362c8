import { sql } from 'drizzle-orm'
import {
  boolean,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  pgView,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import {
  CASE_LINK_TYPES,
  CASE_OUTCOMES,
  CASE_SOURCES,
  CASE_STATUSES,
  CASE_TYPES,
} from '../../domain/cases.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { staffMembers } from '../roster/schema.js'

/**
 * An integrity case run by the force's professional standards or anti-corruption unit. A confidential
 * case is readable (row-level security) only by the caseworkers named on it; everyone else in the force
 * reads its header through the `integrity_case_headers` view: that it exists, never its details.
 */
export const integrityCases = pgTable(
  'integrity_cases',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    /** IC/2012/0007: unique in the force, numbered by year opened. */
    reference: text().notNull(),
    type: text({ enum: CASE_TYPES }).notNull(),
    source: text({ enum: CASE_SOURCES }).notNull(),
    status: text({ enum: CASE_STATUSES }).notNull().default('open'),
    outcome: text({ enum: CASE_OUTCOMES }),
    openedOn: date({ mode: 'string' }).notNull(),
    closedOn: date({ mode: 'string' }),
    targetDate: date({ mode: 'string' }),
    assignedTo: uuid().references(() => users.id, { onDelete: 'set null' }),
    confidential: boolean().notNull().default(false),
    summary: text().notNull(),
    openedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('integrity_cases_force_reference').on(table.forceId, table.reference),
    unique('integrity_cases_force_case').on(table.forceId, table.id),
    index('integrity_cases_force_opened').on(table.forceId, table.openedOn),
    index('integrity_cases_force_status').on(table.forceId, table.status),
    // The leak investigations the media-hospitality rule compares each gift's date with: a tenth of a
    // force's cases, read on every write of a gift from the media (the Met's 3,600 cases: 2 ms).
    index('integrity_cases_leak_investigations')
      .on(table.forceId)
      .where(sql`${table.type} = 'inappropriate disclosure to the media' and not ${table.confidential}`),
  ],
)

/** A member of the force's staff whom a case concerns. */
export const integrityCaseSubjects = pgTable(
  'integrity_case_subjects',
  {
    caseId: uuid().notNull(),
    forceId: integer().notNull(),
    staffMemberId: uuid().notNull(),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.caseId, table.staffMemberId] }),
    foreignKey({
      columns: [table.forceId, table.caseId],
      foreignColumns: [integrityCases.forceId, integrityCases.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    index('integrity_case_subjects_staff').on(table.forceId, table.staffMemberId),
  ],
)

/** A register entry a case concerns, e.g. the business interest a breach is about. */
export const integrityCaseLinks = pgTable(
  'integrity_case_links',
  {
    caseId: uuid().notNull(),
    forceId: integer().notNull(),
    entityType: text({ enum: CASE_LINK_TYPES }).notNull(),
    entityId: uuid().notNull(),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.caseId, table.entityType, table.entityId] }),
    foreignKey({
      columns: [table.forceId, table.caseId],
      foreignColumns: [integrityCases.forceId, integrityCases.id],
    }).onDelete('cascade'),
  ],
)

/** A caseworker named on a confidential case: only they read it. */
export const integrityCaseAccess = pgTable(
  'integrity_case_access',
  {
    caseId: uuid().notNull(),
    forceId: integer().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.caseId, table.userId] }),
    foreignKey({
      columns: [table.forceId, table.caseId],
      foreignColumns: [integrityCases.forceId, integrityCases.id],
    }).onDelete('cascade'),
  ],
)

/** The case's running notes, for its timeline. */
export const integrityCaseNotes = pgTable(
  'integrity_case_notes',
  {
    id: uuid().primaryKey().defaultRandom(),
    caseId: uuid().notNull(),
    forceId: integer().notNull(),
    text: text().notNull(),
    authorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    authorLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    foreignKey({
      columns: [table.forceId, table.caseId],
      foreignColumns: [integrityCases.forceId, integrityCases.id],
    }).onDelete('cascade'),
    index('integrity_case_notes_case').on(table.caseId, table.createdAt),
  ],
)

/**
 * Every case's header, confidential or not, within the tenant (migration 0007): what anyone who reads
 * the force's cases may know of a case they are not named on.
 */
export const integrityCaseHeaders = pgView('integrity_case_headers', {
  id: uuid().notNull(),
  forceId: integer().notNull(),
  reference: text().notNull(),
  type: text({ enum: CASE_TYPES }).notNull(),
  status: text({ enum: CASE_STATUSES }).notNull(),
  outcome: text({ enum: CASE_OUTCOMES }),
  openedOn: date({ mode: 'string' }).notNull(),
  closedOn: date({ mode: 'string' }),
  confidential: boolean().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull(),
}).existing()
