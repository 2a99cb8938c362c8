import {
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
