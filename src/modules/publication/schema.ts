import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
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
import { inspections } from '../inspections/schema.js'

export const PUBLICATION_KINDS = ['press-release', 'force-report', 'national-review'] as const
export type PublicationKind = (typeof PUBLICATION_KINDS)[number]

/**
 * Draft → the force checks it for factual accuracy → approved → published, at once or when an embargo
 * ends. A published version never changes; a correction is a new version.
 */
export const PUBLICATION_STATUSES = ['draft', 'factual-accuracy', 'approved', 'published'] as const
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number]

/** The inspectorate's own wording of each kind of document: a Nunjucks template, edited as data. */
export const publicationTemplates = pgTable('publication_templates', {
  kind: text({ enum: PUBLICATION_KINDS }).primaryKey(),
  source: text().notNull(),
  updatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  updatedByLabel: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** One document of an inspection: a force's press release or report, or the national review (no force). */
export const publications = pgTable(
  'publications',
  {
    id: uuid().primaryKey().defaultRandom(),
    inspectionId: uuid()
      .notNull()
      .references(() => inspections.id),
    /** The force the document is about; null for the national review. */
    forceId: integer().references(() => forces.id),
    kind: text({ enum: PUBLICATION_KINDS }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('publications_document').on(table.inspectionId, table.forceId, table.kind).nullsNotDistinct(),
  ],
)

/** A version of a document: its generated content, the facts it states, and where it is in the workflow. */
export const publicationVersions = pgTable(
  'publication_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    publicationId: uuid()
      .notNull()
      .references(() => publications.id, { onDelete: 'cascade' }),
    /** Copied from the publication so row-level security can read it without a join. */
    forceId: integer().references(() => forces.id),
    version: integer().notNull(),
    status: text({ enum: PUBLICATION_STATUSES }).notNull().default('draft'),
    title: text().notNull(),
    /** The document as Markdown, from which HTML, text and PDF are made. */
    content: text().notNull(),
    /**
     * A Welsh force's press release in Welsh as well (the same facts, published with the English): its
     * title, Markdown and SHA-256, all three or none.
     */
    welshTitle: text(),
    welshContent: text(),
    welshContentHash: text(),
    /** The figures and facts the content states, as the open data publishes them. */
    facts: jsonb().$type<Record<string, unknown>>().notNull(),
    /** SHA-256 of the content, shown with a published version so anyone can check a copy. */
    contentHash: text().notNull(),
    /** What a correction changed, for versions after the first. */
    changeNote: text(),
    embargoUntil: timestamp({ withTimezone: true }),
    approvedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    approvedAt: timestamp({ withTimezone: true }),
    publishedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdByLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('publication_versions_number').on(table.publicationId, table.version),
    index('publication_versions_status').on(table.status, table.embargoUntil),
    check(
      'publication_versions_welsh_whole',
      sql`(${table.welshContent} IS NULL) = (${table.welshTitle} IS NULL) AND (${table.welshContent} IS NULL) = (${table.welshContentHash} IS NULL)`,
    ),
  ],
)

/** A force's comment in the factual-accuracy check, and the inspectorate's answer with its reason. */
export const factualAccuracyComments = pgTable('factual_accuracy_comments', {
  id: uuid().primaryKey().defaultRandom(),
  versionId: uuid()
    .notNull()
    .references(() => publicationVersions.id, { onDelete: 'cascade' }),
  forceId: integer()
    .notNull()
    .references(() => forces.id),
  comment: text().notNull(),
  authorId: uuid().references(() => users.id, { onDelete: 'set null' }),
  authorLabel: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  response: text({ enum: ['accepted', 'rejected'] }),
  responseReason: text(),
  respondedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  respondedByLabel: text(),
  respondedAt: timestamp({ withTimezone: true }),
})

/**
 * How an inspection's open data is published: counts from 1 up to `suppressUpTo` are shown as "*" (small
 * numbers that could identify people), with secondary suppression; 0 publishes every figure as it is. No
 * row: the default threshold (5). A threshold below the default is kept only with the publisher's reason.
 * One row per inspection.
 */
export const openDataSettings = pgTable('open_data_settings', {
  inspectionId: uuid()
    .primaryKey()
    .references(() => inspections.id, { onDelete: 'cascade' }),
  suppressUpTo: integer(),
  /** Why the threshold is below the default: required then, null otherwise. */
  reason: text(),
  updatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  updatedByLabel: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/**
 * A version's PDF, printed once (when it is approved or published, or at its first download) and served
 * from here after. Two per version and language: with the figures' links to the inspectorate's pages, and without
 * them for forces and the public. `documentSha256` is the SHA-256 of the HTML that was printed: a PDF
 * whose HTML no longer matches the version's (say, printed while approved, now published) is printed again.
 */
export const publicationPdfs = pgTable(
  'publication_pdfs',
  {
    versionId: uuid()
      .notNull()
      .references(() => publicationVersions.id, { onDelete: 'cascade' }),
    sourceLinks: boolean().notNull(),
    /** The language of the document printed: a Welsh force's press release has a PDF in each. */
    language: text({ enum: ['en', 'cy'] })
      .notNull()
      .default('en'),
    documentSha256: text().notNull(),
    pdf: bytea().notNull(),
    renderedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.versionId, table.sourceLinks, table.language] })],
)
