import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { Question } from '../../domain/surveys.js'

/**
 * A public-opinion survey the inspectorate runs wave after wave (e.g. the 2011 and 2012 telephone
 * surveys on corruption in the police). Inspectorate data: no force owns any of it.
 */
export const surveys = pgTable('surveys', {
  id: uuid().primaryKey().defaultRandom(),
  code: text().notNull().unique(),
  name: text().notNull(),
  description: text(),
  /** Made-up data (the shipped demo): every page and file that shows it says so. */
  synthetic: boolean().notNull().default(false),
  /** Cells whose unweighted base is below this are suppressed. */
  minimumBase: integer().notNull().default(100),
  createdByLabel: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/**
 * One version of a survey's questionnaire: its questions with their answer options, kept as the
 * document it is (a version never changes; a new wording is a new version). Each question and option
 * carries a trend key, the same across versions for what stays comparable: that is the mapping
 * between waves.
 */
export const surveyQuestionnaires = pgTable(
  'survey_questionnaires',
  {
    id: uuid().primaryKey().defaultRandom(),
    surveyId: uuid()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    questions: jsonb().$type<Question[]>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('survey_questionnaires_version').on(table.surveyId, table.version)],
)

/**
 * A wave of a survey (2011, 2012…): the questionnaire version it asked, its sample design (strata are
 * force areas or regions) and where its results come from: respondents (microdata) or published
 * aggregate tables.
 */
export const surveyWaves = pgTable(
  'survey_waves',
  {
    id: uuid().primaryKey().defaultRandom(),
    surveyId: uuid()
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    code: text().notNull(),
    label: text().notNull(),
    fieldworkFrom: date({ mode: 'string' }),
    fieldworkTo: date({ mode: 'string' }),
    questionnaireId: uuid()
      .notNull()
      .references(() => surveyQuestionnaires.id),
    /** What a respondent's stratum names: a force area (force code) or a region (its name). */
    stratumKind: text({ enum: ['force', 'region'] }).notNull(),
    source: text({ enum: ['respondents', 'aggregates'] }),
    respondents: integer().notNull().default(0),
    importedAt: timestamp({ withTimezone: true }),
    importedByLabel: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('survey_waves_code').on(table.surveyId, table.code)],
)

/** One respondent of a wave (microdata): never shown or exported, only aggregated. */
export const surveyRespondents = pgTable(
  'survey_respondents',
  {
    waveId: uuid()
      .notNull()
      .references(() => surveyWaves.id, { onDelete: 'cascade' }),
    /** The line of the imported file. */
    line: integer().notNull(),
    /** The force's code where the strata are force areas; null where they are regions. */
    forceCode: text(),
    region: text().notNull(),
    weight: doublePrecision().notNull(),
    /** Question code → answer option code; a question not answered is absent. */
    answers: jsonb().$type<Record<string, string>>().notNull(),
  },
  (table) => [index('survey_respondents_wave').on(table.waveId)],
)

/** A published aggregate table's cell, where the microdata are not held: national when region is null. */
export const surveyPublishedCells = pgTable(
  'survey_published_cells',
  {
    waveId: uuid()
      .notNull()
      .references(() => surveyWaves.id, { onDelete: 'cascade' }),
    line: integer().notNull(),
    question: text().notNull(),
    answer: text().notNull(),
    region: text(),
    base: integer().notNull(),
    /** The weighted share, as a proportion from 0 to 1. */
    share: doublePrecision().notNull(),
  },
  (table) => [index('survey_published_cells_wave').on(table.waveId)],
)
