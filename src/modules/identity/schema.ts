import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { ROLES } from '../../domain/roles.js'
import { forces } from '../forces/schema.js'
import { staffMembers } from '../roster/schema.js'

export const roleEnum = pgEnum('role', ROLES)

/** A person who signs in. Force-owned: row-level security shows a force only its own users. */
export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: roleEnum().notNull(),
    forceId: integer().references(() => forces.id),
    /** The person's entry on their force's staff roster, for self-service (applying, declaring). */
    staffMemberId: uuid(),
    /** Null for someone who only signs in through their organisation's identity provider. */
    passwordHash: text(),
    /** Set while the password is one an administrator was shown: the person must choose their own. */
    mustChangePassword: boolean().notNull().default(false),
    /** The language the person chose for the pages (src/web/i18n); null: their browser's, or the header's switch. */
    language: text({ enum: ['en', 'cy'] }),
    failedSignIns: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
    disabledAt: timestamp({ withTimezone: true }),
    lastSignInAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // With the force in the key, an account can only be linked to its own force's roster.
    foreignKey({
      columns: [table.forceId, table.staffMemberId],
      foreignColumns: [staffMembers.forceId, staffMembers.id],
    }),
    uniqueIndex('users_email_unique').on(sql`lower(${table.email})`),
    check(
      'users_force_role',
      sql`(${table.role}::text in ('inspectorate-admin', 'inspector', 'researcher')) = (${table.forceId} is null)`,
    ),
    check('users_language', sql`${table.language} in ('en', 'cy')`),
  ],
)

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    ipAddress: text(),
    userAgent: text(),
    /** How the person proved who they are: their password here, or their force's identity provider. */
    signedInWith: text().notNull().default('password'),
    /**
     * What this session still owes before it reaches anything else: 'verify' (give a second factor) or
     * 'enrol' (set one up, as administrators must). Decided at sign-in; cleared as a new session.
     */
    secondFactorDue: text({ enum: ['verify', 'enrol'] }),
    /** The WebAuthn challenge this browser was last given, which its passkey must sign. */
    passkeyChallenge: text(),
    /** When that challenge stops being accepted (a page left open for long must be reloaded). */
    passkeyChallengeExpiresAt: timestamp({ withTimezone: true }),
  },
  (table) => [index('sessions_user_id').on(table.userId)],
)

/** A machine client's credential, scoped to one force or to the inspectorate. Only its hash is kept. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    /** The first characters of the token, so people can tell their tokens apart. */
    prefix: text().notNull(),
    role: roleEnum().notNull(),
    forceId: integer().references(() => forces.id),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    check(
      'api_tokens_force_role',
      sql`(${table.role}::text in ('inspectorate-admin', 'inspector', 'researcher')) = (${table.forceId} is null)`,
    ),
  ],
)
