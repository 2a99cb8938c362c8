import { bigint, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { bytea } from '../../db/bytea.js'
import { users } from '../identity/schema.js'

/**
 * A person's authenticator app (TOTP, RFC 6238). The shared secret is kept as it must be read to check
 * codes; until `confirmedAt` is set the person has been shown it but not yet proved their app has it.
 */
export const totpAuthenticators = pgTable('totp_authenticators', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text().notNull(),
  confirmedAt: timestamp({ withTimezone: true }),
  /** The 30-second step of the last code accepted, so no code is accepted twice. */
  lastUsedStep: bigint({ mode: 'number' }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** Codes for when the authenticator is lost: only their SHA-256 is kept, and each works once. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text().notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.codeHash] })],
)

/** A WebAuthn credential (a passkey or security key) registered by a person. */
export const passkeys = pgTable(
  'passkeys',
  {
    /** The credential's id, base64url, as the browser reports it. */
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    publicKey: bytea().notNull(),
    signCount: bigint({ mode: 'number' }).notNull().default(0),
    transports: text().array().notNull().default([]),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (table) => [index('passkeys_user_id').on(table.userId)],
)
