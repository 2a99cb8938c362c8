import {
  bigserial,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { bytea } from '../../db/bytea.js'
import { REPORT_STATUSES } from '../../domain/confidential-reports.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { integrityCases } from '../integrity-cases/schema.js'

/**
 * A report made through a force's confidential reporting line. Nothing about where it came from is
 * kept: no address, no browser, not even the time of day (only the day it arrived). The reporter comes
 * back with the receipt code and the passphrase, whose argon2 hash is all that is stored of it.
 */
export const confidentialReports = pgTable(
  'confidential_reports',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    receiptCode: text().notNull(),
    passphraseHash: text().notNull(),
    /** The name the reporter chose to give; null when they stayed anonymous. */
    reporterName: text(),
    account: text().notNull(),
    receivedOn: date({ mode: 'string' }).notNull(),
    status: text({ enum: REPORT_STATUSES }).notNull().default('open'),
    /** The case the report went into: the same force's (the database refuses another's). */
    caseId: uuid(),
    closedReason: text(),
    closedOn: date({ mode: 'string' }),
    closedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [
    unique('confidential_reports_receipt').on(table.receiptCode),
    unique('confidential_reports_force_report').on(table.forceId, table.id),
    foreignKey({
      columns: [table.forceId, table.caseId],
      foreignColumns: [integrityCases.forceId, integrityCases.id],
    }),
    index('confidential_reports_force_status').on(table.forceId, table.status, table.receivedOn),
  ],
)

/** A question from the unit or an answer from the reporter, in the order they were written. */
export const confidentialReportMessages = pgTable(
  'confidential_report_messages',
  {
    seq: bigserial({ mode: 'number' }).primaryKey(),
    reportId: uuid().notNull(),
    forceId: integer().notNull(),
    author: text({ enum: ['reporter', 'unit'] }).notNull(),
    /** The caseworker who asked; never anyone for the reporter. */
    authorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    authorLabel: text(),
    body: text().notNull(),
    sentOn: date({ mode: 'string' }).notNull(),
  },
  (table) => [
    foreignKey({
      columns: [table.forceId, table.reportId],
      foreignColumns: [confidentialReports.forceId, confidentialReports.id],
    }).onDelete('cascade'),
    index('confidential_report_messages_report').on(table.reportId, table.seq),
  ],
)

/**
 * A file sent with a report: its metadata stripped as it arrived, then encrypted with AES-256-GCM under
 * the installation's reports key (`PROBITY_REPORTS_KEY`), so the database holds no readable copy.
 */
export const confidentialReportAttachments = pgTable(
  'confidential_report_attachments',
  {
    id: uuid().primaryKey().defaultRandom(),
    reportId: uuid().notNull(),
    forceId: integer().notNull(),
    filename: text().notNull(),
    mediaType: text().notNull(),
    bytes: integer().notNull(),
    iv: bytea().notNull(),
    authTag: bytea().notNull(),
    ciphertext: bytea().notNull(),
  },
  (table) => [
    foreignKey({
      columns: [table.forceId, table.reportId],
      foreignColumns: [confidentialReports.forceId, confidentialReports.id],
    }).onDelete('cascade'),
    index('confidential_report_attachments_report').on(table.reportId),
  ],
)

/** How long the force keeps a report closed without a case; the default when it has no row. */
export const confidentialReportingSettings = pgTable('confidential_reporting_settings', {
  forceId: integer()
    .primaryKey()
    .references(() => forces.id),
  retentionDays: integer().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** What is left of reports deleted under retention: how many, by the year they arrived. */
export const confidentialReportCounts = pgTable(
  'confidential_report_counts',
  {
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    year: integer().notNull(),
    deleted: integer().notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.forceId, table.year] })],
)

/** Report forms' tokens already spent: each form is sent once. Kept a day past a token's expiry. */
export const confidentialReportFormTokens = pgTable(
  'confidential_report_form_tokens',
  {
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    nonce: text().notNull(),
    spentOn: date({ mode: 'string' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.forceId, table.nonce] })],
)
