import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'
import { inspections } from '../inspections/schema.js'

export const DOCUMENT_KINDS = ['text', 'html', 'pdf', 'docx'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]
export const DOCUMENT_IMPORT_STATUSES = ['pending', 'imported', 'discarded'] as const

/** Where a fact was read: offsets into the document's text. */
export type StoredSources = Partial<Record<string, { start: number; end: number; text: string }[]>>

/**
 * A published document uploaded by the inspectorate (issue #9): its text as read, the facts read from
 * it and where each was read, waiting for review and import into a force's assessment. The
 * inspectorate's own working papers: row-level security lets no force read them.
 */
export const documentImports = pgTable(
  'document_imports',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The inspection whose force assessment the document is imported into. */
    inspectionId: uuid()
      .notNull()
      .references(() => inspections.id, { onDelete: 'cascade' }),
    /** The force the document is about (read from it; the reviewer may correct it). */
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    filename: text().notNull(),
    kind: text({ enum: DOCUMENT_KINDS }).notNull(),
    /** The document's text as read from the file: what the sources' offsets point into. */
    text: text().notNull(),
    /** The facts as read, then as corrected by the reviewer. */
    facts: jsonb().$type<PressReleaseFacts>().notNull(),
    sources: jsonb().$type<StoredSources>().notNull(),
    /** Sentences that speak of a fact's topic but gave no fact: the reviewer should read them. */
    uninterpreted: jsonb().$type<string[]>().notNull(),
    status: text({ enum: DOCUMENT_IMPORT_STATUSES }).notNull().default('pending'),
    uploadedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    uploadedByLabel: text().notNull(),
    uploadedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    importedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    importedAt: timestamp({ withTimezone: true }),
  },
  (table) => [index().on(table.status, table.uploadedAt)],
)
