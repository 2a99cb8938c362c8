import { sql } from 'drizzle-orm'
import {
  bigint,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { DONOR_TYPES, GIFT_DISPOSALS, GIFT_KINDS, GIFT_OUTCOMES } from '../../domain/registers.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { staffMembers } from '../roster/schema.js'

/** Every gift or hospitality offered to a member of the force, accepted or declined. */
export const giftsHospitality = pgTable(
  'gifts_hospitality',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    staffMemberId: uuid().notNull(),
    kind: text({ enum: GIFT_KINDS }).notNull(),
    description: text().notNull(),
    donorName: text().notNull(),
    donorType: text({ enum: DONOR_TYPES }).notNull(),
    estimatedValue: numeric({ precision: 10, scale: 2, mode: 'number' }).notNull(),
    // The value in pence, for the list's filter and order by value. PostgreSQL does not mark numeric's
    // comparisons leakproof, so under row-level security a condition on the value could not narrow an
    // index scan, nor the planner use its statistics: a force's gifts worth £500 or more were found by
    // reading every one of its gifts (the Met's 80,000: 209 ms for 53 of them). Integers' are leakproof.
    // (Never null, as the value is not; not declared so, since the import's table, made like this one
    // without its generated columns, would then need it.)
    valuePence: bigint({ mode: 'number' }).generatedAlwaysAs(sql`(estimated_value * 100)::bigint`),
    offeredOn: date({ mode: 'string' }).notNull(),
    declaredOn: date({ mode: 'string' }).notNull(),
    outcome: text({ enum: GIFT_OUTCOMES }).notNull(),
    approver: text(),
    disposal: text({ enum: GIFT_DISPOSALS }),
    notes: text(),
    declaredBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    index('gifts_hospitality_force_offered').on(table.forceId, table.offeredOn),
    // A member's gifts, for the alert rules each write runs on one plan for every force (migration
    // 0074): with the member alone, that plan ANDed in a bitmap of all the force's gifts.
    index('gifts_hospitality_staff_force').on(table.staffMemberId, table.forceId),
    // One for each other column the list sorts by, so a force's page in any order is read from an
    // index instead of sorting all its gifts (the Met's 80,000: 90–150 ms, from the index 7–9 ms).
    // Sorts break ties by the newest first, so the two-valued columns carry the creation time too.
    index('gifts_hospitality_force_declared').on(table.forceId, table.declaredOn),
    index('gifts_hospitality_force_value').on(table.forceId, table.valuePence),
    index('gifts_hospitality_force_donor').on(table.forceId, table.donorName),
    index('gifts_hospitality_force_kind').on(table.forceId, table.kind, table.createdAt),
    index('gifts_hospitality_force_outcome').on(table.forceId, table.outcome, table.createdAt),
    // Read backwards, those two give a two-valued column's descending order, ties newest first; these give
    // its ascending order so, which otherwise sorted all of one value's gifts (the Met's, by kind: 78 ms).
    index('gifts_hospitality_force_kind_newest').on(
      table.forceId,
      table.kind,
      table.createdAt.desc().nullsFirst(),
    ),
    index('gifts_hospitality_force_outcome_newest').on(
      table.forceId,
      table.outcome,
      table.createdAt.desc().nullsFirst(),
    ),
    // The filter by kind of donor (and "flagged", three kinds), newest first: without it a force's count
    // and page read its gifts until they had enough of that kind (the Met's: 700 pages, 24 ms warm).
    index('gifts_hospitality_force_donor_type').on(table.forceId, table.donorType, table.offeredOn),
    // Every force's gifts in the list's own order, for the inspectorate: a search for a common word reads
    // them in this order until it has its page (`countWithPageIds`), instead of sorting every match.
    index('gifts_hospitality_offered').on(
      table.offeredOn.desc().nullsFirst(),
      table.createdAt.desc().nullsFirst(),
      table.id,
    ),
  ],
)

/** A force's own value thresholds: declare anything at or above one, seek approval at or above the other. */
export const giftThresholds = pgTable('gift_thresholds', {
  forceId: integer()
    .primaryKey()
    .references(() => forces.id),
  declareFrom: numeric({ precision: 10, scale: 2, mode: 'number' }).notNull().default(0),
  approvalFrom: numeric({ precision: 10, scale: 2, mode: 'number' }).notNull().default(25),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
