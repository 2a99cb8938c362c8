import { date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { CategoryConfig, ForceAlias, MatchedCategory } from '../../domain/desk-research.js'
import { forces } from '../forces/schema.js'
import { referrals } from '../referrals/schema.js'

/**
 * One piece of desk research: a review of public social-media profiles of people who say they work
 * for the police, over a period, kept until `retainUntil`. Inspectorate-only (row-level security).
 */
export const researchExercises = pgTable('research_exercises', {
  id: uuid().primaryKey().defaultRandom(),
  code: text().notNull().unique(),
  name: text().notNull(),
  periodFrom: date({ mode: 'string' }).notNull(),
  periodTo: date({ mode: 'string' }).notNull(),
  retainUntil: date({ mode: 'string' }).notNull(),
  /** The score at which a post is flagged for review. */
  threshold: integer().notNull().default(3),
  /** The exercise's own categories and terms; null screens with the shipped defaults. */
  categories: jsonb().$type<CategoryConfig[]>(),
  /** Names that point at a force beyond its name and code, e.g. "GMP". Added to the shipped ones. */
  aliases: jsonb().$type<ForceAlias[]>(),
  createdByLabel: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** When the personal data was purged; the summary figures are kept in `summary`. */
  purgedAt: timestamp({ withTimezone: true }),
  summary: jsonb().$type<unknown>(),
})

/** A public profile seen in an exercise's import; attributed to a force, or waiting in the queue. */
export const researchProfiles = pgTable(
  'research_profiles',
  {
    id: uuid().primaryKey().defaultRandom(),
    exerciseId: uuid()
      .notNull()
      .references(() => researchExercises.id, { onDelete: 'cascade' }),
    platform: text().notNull(),
    handle: text().notNull(),
    /** The handle as compared: lower case, without a leading @. */
    handleKey: text().notNull(),
    displayName: text(),
    profileText: text(),
    forceId: integer().references(() => forces.id),
    /** automatic: one force named; queued: none or several, a researcher picks; researcher: picked. */
    attribution: text({ enum: ['automatic', 'queued', 'researcher'] }).notNull(),
    /** The forces the profile named when there were several. */
    candidateForceIds: jsonb().$type<number[]>().notNull().default([]),
    postsScreened: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('research_profiles_handle').on(table.exerciseId, table.platform, table.handleKey),
    index('research_profiles_force').on(table.exerciseId, table.forceId),
  ],
)

/**
 * A post whose screening score passed the exercise's threshold: a potential instance for a researcher
 * to confirm or dismiss. Posts below the threshold are counted on their profile but not kept.
 */
export const researchPosts = pgTable(
  'research_posts',
  {
    id: uuid().primaryKey().defaultRandom(),
    exerciseId: uuid()
      .notNull()
      .references(() => researchExercises.id, { onDelete: 'cascade' }),
    profileId: uuid()
      .notNull()
      .references(() => researchProfiles.id, { onDelete: 'cascade' }),
    externalId: text().notNull(),
    postedOn: date({ mode: 'string' }).notNull(),
    text: text().notNull(),
    url: text(),
    /** The line of the import file it came from. */
    line: integer().notNull(),
    score: integer().notNull(),
    /** The highest-scoring category, the one the summary counts it under. */
    category: text().notNull(),
    /** Every category matched, with its score and the words that matched. */
    matches: jsonb().$type<MatchedCategory[]>().notNull(),
    status: text({ enum: ['pending', 'confirmed', 'dismissed'] })
      .notNull()
      .default('pending'),
    note: text(),
    decidedByLabel: text(),
    decidedAt: timestamp({ withTimezone: true }),
    referralId: uuid().references(() => referrals.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('research_posts_external').on(table.profileId, table.externalId),
    index('research_posts_queue').on(table.exerciseId, table.status, table.score),
    index('research_posts_profile').on(table.profileId),
  ],
)
