import { date, foreignKey, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { MEDIA_CONTACT_METHODS } from '../../domain/registers.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { staffMembers } from '../roster/schema.js'

/** A record of contact between a member of the force and a journalist. */
export const mediaContacts = pgTable(
  'media_contacts',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    staffMemberId: uuid().notNull(),
    journalist: text().notNull(),
    outlet: text().notNull(),
    contactOn: date({ mode: 'string' }).notNull(),
    method: text({ enum: MEDIA_CONTACT_METHODS }).notNull(),
    purpose: text().notNull(),
    discussed: text().notNull(),
    authorisedBy: text(),
    recordedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    index('media_contacts_force_contact').on(table.forceId, table.contactOn),
  ],
)
