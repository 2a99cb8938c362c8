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
    // The list's other orders of the contact's own columns, for a force: without them a page in any of
    // these orders sorted all the force's contacts (the Met's 20,000: 26–30 ms). The method has a few
    // values, so each way has an index that keeps its ties newest first, as the list does.
    index('media_contacts_force_journalist').on(table.forceId, table.journalist),
    index('media_contacts_force_outlet').on(table.forceId, table.outlet),
    index('media_contacts_force_method').on(table.forceId, table.method, table.createdAt),
    index('media_contacts_force_method_newest').on(
      table.forceId,
      table.method,
      table.createdAt.desc().nullsFirst(),
    ),
  ],
)
