import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../identity/schema.js'

/**
 * A person's account at a force's (or the inspectorate's) identity provider, linked to their Probity
 * user the first time they sign in with it: afterwards the provider's subject finds them, whatever
 * their email address becomes.
 */
export const federatedIdentities = pgTable(
  'federated_identities',
  {
    provider: text().notNull(),
    subject: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.provider, table.subject] })],
)
