import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { FINDING_KINDS, JUDGEMENT_STATUSES } from '../../domain/inspections.js'
import { frameworkAreas } from '../frameworks/schema.js'
import { users } from '../identity/schema.js'
import { partOfAssessment } from '../inspections/schema.js'

/** What an inspector saw or read during fieldwork, per framework area. The inspectorate's own notes. */
export const evidenceNotes = pgTable(
  'evidence_notes',
  {
    id: uuid().primaryKey().defaultRandom(),
    assessmentId: uuid().notNull(),
    forceId: integer().notNull(),
    areaId: uuid()
      .notNull()
      .references(() => frameworkAreas.id),
    note: text().notNull(),
    authorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    authorLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [partOfAssessment(table)],
)

/** A finding per area, in the order the report states them. */
export const findings = pgTable(
  'findings',
  {
    id: uuid().primaryKey().defaultRandom(),
    assessmentId: uuid().notNull(),
    forceId: integer().notNull(),
    areaId: uuid()
      .notNull()
      .references(() => frameworkAreas.id),
    kind: text({ enum: FINDING_KINDS }).notNull(),
    text: text().notNull(),
    position: integer().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [partOfAssessment(table)],
)

/**
 * The headline judgement of a force: proposed by one inspector, and standing only once another confirms
 * it; a returned judgement goes back to be proposed again.
 */
export const judgements = pgTable(
  'judgements',
  {
    assessmentId: uuid().primaryKey(),
    forceId: integer().notNull(),
    judgement: text().notNull(),
    rationale: text(),
    status: text({ enum: JUDGEMENT_STATUSES }).notNull().default('proposed'),
    proposedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    proposedByLabel: text().notNull(),
    proposedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    moderatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    moderatedByLabel: text(),
    moderatedAt: timestamp({ withTimezone: true }),
    moderationNote: text(),
  },
  (table) => [partOfAssessment(table)],
)
