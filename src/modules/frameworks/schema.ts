import {
  type AnyPgColumn,
  date,
  foreignKey,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { MAPPING_KINDS, RECOMMENDATION_SCOPES } from '../../domain/inspections.js'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'

/**
 * What an inspection asks, versioned: a new version (say the 2012 revisit's) keeps the old one intact,
 * and mappings between them keep trends comparable. Only a draft version may change.
 */
export const frameworks = pgTable(
  'frameworks',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Names the family of versions, e.g. `without-fear-or-favour`. */
    code: text().notNull(),
    version: integer().notNull(),
    title: text().notNull(),
    description: text(),
    status: text({ enum: ['draft', 'published'] })
      .notNull()
      .default('draft'),
    /** The headline judgements an assessment under this framework chooses from, best first. */
    judgementScale: jsonb().$type<string[]>().notNull(),
    publishedOn: date({ mode: 'string' }),
    previousVersionId: uuid().references((): AnyPgColumn => frameworks.id),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('frameworks_code_version').on(table.code, table.version)],
)

/** A review area of a framework, e.g. "Gifts and hospitality". */
export const frameworkAreas = pgTable(
  'framework_areas',
  {
    id: uuid().primaryKey().defaultRandom(),
    frameworkId: uuid()
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    code: text().notNull(),
    title: text().notNull(),
    description: text(),
    position: integer().notNull(),
  },
  (table) => [
    unique('framework_areas_code').on(table.frameworkId, table.code),
    unique('framework_areas_framework_area').on(table.frameworkId, table.id),
  ],
)

/** A question a force answers in its self-assessment, with guidance and the evidence expected. */
export const frameworkQuestions = pgTable(
  'framework_questions',
  {
    id: uuid().primaryKey().defaultRandom(),
    frameworkId: uuid().notNull(),
    areaId: uuid().notNull(),
    code: text().notNull(),
    text: text().notNull(),
    guidance: text(),
    evidenceExpected: text(),
    position: integer().notNull(),
  },
  (table) => [
    unique('framework_questions_code').on(table.frameworkId, table.code),
    // The area is the same framework's.
    foreignKey({
      columns: [table.frameworkId, table.areaId],
      foreignColumns: [frameworkAreas.frameworkId, frameworkAreas.id],
    }).onDelete('cascade'),
  ],
)

/** A recommendation: national (to every force, or to another addressee) or to one force. */
export const frameworkRecommendations = pgTable(
  'framework_recommendations',
  {
    id: uuid().primaryKey().defaultRandom(),
    frameworkId: uuid()
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    areaId: uuid().references(() => frameworkAreas.id, { onDelete: 'set null' }),
    code: text().notNull(),
    text: text().notNull(),
    scope: text({ enum: RECOMMENDATION_SCOPES }).notNull(),
    /** The force a force-specific recommendation is made to; null for national ones. */
    forceId: integer().references(() => forces.id),
    /** Who is to act, e.g. "Chief constables" or "ACPO and the College of Policing". */
    addressee: text().notNull(),
    dueDate: date({ mode: 'string' }),
    position: integer().notNull(),
  },
  (table) => [unique('framework_recommendations_code').on(table.frameworkId, table.code)],
)

/** That an area, question or recommendation of one version carries on as one of a later version. */
export const frameworkMappings = pgTable(
  'framework_mappings',
  {
    id: uuid().primaryKey().defaultRandom(),
    fromFrameworkId: uuid()
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    toFrameworkId: uuid()
      .notNull()
      .references(() => frameworks.id, { onDelete: 'cascade' }),
    kind: text({ enum: MAPPING_KINDS }).notNull(),
    fromCode: text().notNull(),
    toCode: text().notNull(),
  },
  (table) => [
    unique('framework_mappings_pair').on(
      table.fromFrameworkId,
      table.toFrameworkId,
      table.kind,
      table.fromCode,
      table.toCode,
    ),
  ],
)
