import { sql } from 'drizzle-orm'
import {
  boolean,
  date,
  foreignKey,
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
import { bytea } from '../../db/bytea.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { staffMembers } from '../roster/schema.js'

/** Who a published version asks to read it: everyone serving, or only the units and/or grades named. */
export interface PolicyAudience {
  all: boolean
  units: string[]
  grades: string[]
}

/** A multiple-choice question a member of staff answers before acknowledging a version. */
export interface ComprehensionQuestion {
  question: string
  options: string[]
  /** The index in `options` of the right answer. */
  answer: number
}

/**
 * A force's policy for one integrity area: one of the six national areas (stable codes) or an area
 * the force adds. The policy's text lives in its versions.
 */
export const policies = pgTable(
  'policies',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    /** media-relationships, gifts-hospitality… or `other-<name>` for an area the force adds. */
    area: text().notNull(),
    areaName: text().notNull(),
    title: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('policies_force_area').on(table.forceId, table.area),
    unique('policies_force_policy').on(table.forceId, table.id),
  ],
)

/** One version of a policy: a draft until published, then fixed, with its audience and deadline. */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer().notNull(),
    policyId: uuid().notNull(),
    number: integer().notNull(),
    title: text().notNull(),
    body: text(),
    document: bytea(),
    documentName: text(),
    documentType: text(),
    documentSize: integer(),
    effectiveDate: date({ mode: 'string' }).notNull(),
    reviewDate: date({ mode: 'string' }),
    owner: text().notNull(),
    nationalGuidance: boolean().notNull().default(false),
    guidanceName: text(),
    questions: jsonb().$type<ComprehensionQuestion[]>().notNull().default([]),
    status: text({ enum: ['draft', 'published'] })
      .notNull()
      .default('draft'),
    audience: jsonb().$type<PolicyAudience>(),
    deadline: date({ mode: 'string' }),
    restricted: boolean().notNull().default(false),
    publishedOn: date({ mode: 'string' }),
    publishedAt: timestamp({ withTimezone: true }),
    publishedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('policy_versions_policy_number').on(table.policyId, table.number),
    unique('policy_versions_force_version').on(table.forceId, table.id),
    foreignKey({
      columns: [table.forceId, table.policyId],
      foreignColumns: [policies.forceId, policies.id],
    }).onDelete('cascade'),
    index('policy_versions_force_published').on(table.forceId, table.publishedOn),
  ],
)

/**
 * One member of staff asked to read and acknowledge one published version: the audience as it was at
 * publication (plus anyone added when the audience is refreshed), so rates stay stable and historic.
 * Unit and grade are as they were when the person was asked.
 */
export const policyAcknowledgementRequests = pgTable(
  'policy_acknowledgement_requests',
  {
    versionId: uuid().notNull(),
    forceId: integer().notNull(),
    staffMemberId: uuid().notNull(),
    unit: text().notNull(),
    grade: text().notNull(),
    requestedOn: date({ mode: 'string' }).notNull(),
    dueOn: date({ mode: 'string' }).notNull(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    acknowledgedOn: date({ mode: 'string' }),
    acknowledgedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    answers: jsonb().$type<number[]>(),
  },
  (table) => [
    primaryKey({ columns: [table.versionId, table.staffMemberId] }),
    foreignKey({
      columns: [table.forceId, table.versionId],
      foreignColumns: [policyVersions.forceId, policyVersions.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    index('policy_acknowledgement_requests_staff').on(table.forceId, table.staffMemberId),
    // The force dashboard counts asked and acknowledged per current version from this index alone, and
    // the acknowledgements still outstanding (overdue ones, the reminders) from the partial one.
    index('policy_acknowledgement_requests_force_version').on(
      table.forceId,
      table.versionId,
      table.acknowledgedAt,
    ),
    index('policy_acknowledgement_requests_outstanding')
      .on(table.forceId, table.dueOn, table.staffMemberId)
      .where(sql`${table.acknowledgedAt} is null`),
  ],
)
