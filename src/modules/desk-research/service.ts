import type { Readable } from 'node:stream'
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { dateField, optionalDateField } from '../../domain/date-input.js'
import {
  type CategoryConfig,
  checkCategories,
  DEFAULT_ALIASES,
  DEFAULT_CATEGORIES,
  DEFAULT_THRESHOLD,
  type ForceAlias,
} from '../../domain/desk-research.js'
import { earlierDateProblems, earlierDateReasonField } from '../../domain/earlier-date.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday, requiredText } from '../../domain/fields.js'
import type { Segment } from '../../domain/multi-pattern.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { ReferralsService } from '../referrals/service.js'
import { type ExportFormat, type PostRow, readExport } from './reading.js'
import { researchExercises, researchPosts, researchProfiles } from './schema.js'
import { Attributor, Screener } from './screening.js'

export const EXERCISE_ENTITY = 'research-exercise'
export const POST_ENTITY = 'research-post'
export const PROFILE_ENTITY = 'research-profile'

/** Rows written to the database at a time by an import. */
export const IMPORT_BATCH = 2000
/** Bad rows listed in full; beyond this they are counted. */
export const MAX_PROBLEMS_LISTED = 100

export type Exercise = typeof researchExercises.$inferSelect
export type ProfileRow = typeof researchProfiles.$inferSelect
export type PostRecord = typeof researchPosts.$inferSelect

export interface ImportOutcome {
  rows: number
  profiles: number
  newProfiles: number
  flagged: number
  queued: number
}

export interface ImportProblem {
  line: number
  reason: string
}

/** An import refused for its bad rows: nothing was written. */
export class ImportRejectedError extends ValidationError {
  constructor(
    readonly problems: ImportProblem[],
    readonly problemCount: number,
    readonly rowsRead: number,
  ) {
    super({
      file: `${problemCount} bad row${problemCount === 1 ? '' : 's'} in the file: nothing was imported`,
    })
  }
}

export interface Share {
  key: string
  label: string
  instances: number
  percent: number
}

export interface ForceFigures {
  force: ForceReference
  profiles: number
  instances: number
  profilesWithInstances: number
  referred: number
}

/** The type of referral an exercise makes, and counts. */
const SOCIAL_MEDIA_MISCONDUCT = 'social-media misconduct'

/** Referrals counted from a day, up to a day (or to now). */
export interface ReferralWindow {
  from: string
  to?: string
}

export interface ExerciseSummary {
  profilesReviewed: number
  postsScreened: number
  flagged: number
  pending: number
  dismissed: number
  instances: number
  profilesWithInstances: number
  awaitingAttribution: number
  byPlatform: Share[]
  byCategory: Share[]
  byForce: ForceFigures[]
}

export interface QueuedPost extends PostRecord {
  profile: ProfileRow
  force: ForceReference | null
  segments: Segment[]
  categoryLabels: string[]
}

export interface ReferrableProfile {
  profile: ProfileRow
  force: ForceReference
  posts: PostRecord[]
}

const CODE = /^[a-z0-9][a-z0-9-]{0,49}$/

export const newExerciseSchema = z
  .object({
    code: requiredText('Enter a code for the exercise', 'The code', 50).refine(
      (value) => CODE.test(value),
      'The code must be lower-case letters, digits and hyphens, like social-media-2012',
    ),
    name: requiredText('Enter the name of the exercise', 'The name', 200),
    periodFrom: dateField('Start of the period'),
    periodTo: dateField('End of the period'),
    retainUntil: dateField('Retention date', 'Enter the date until which the personal data is kept'),
    threshold: z.coerce
      .number('The threshold must be a whole number')
      .int('The threshold must be a whole number')
      .min(1, 'The threshold must be 1 or more')
      .max(100, 'The threshold must be 100 or less')
      .default(DEFAULT_THRESHOLD),
  })
  .superRefine((value, context) => {
    if (value.periodTo < value.periodFrom)
      context.addIssue({
        code: 'custom',
        path: ['periodTo'],
        message: 'The end must be on or after the start',
      })
    if (value.retainUntil < value.periodTo)
      context.addIssue({
        code: 'custom',
        path: ['retainUntil'],
        message: 'The retention date must be on or after the end of the period',
      })
  })

const decisionSchema = z.object({
  decision: z.enum(['confirm', 'dismiss'], 'Select confirm or dismiss'),
  note: z
    .string()
    .trim()
    .max(2000, 'The note must be 2,000 characters or fewer')
    .optional()
    .transform((value) => value || null),
})

/** Referring a profile's instances: dated today unless an earlier day is given, with a reason. */
const referSchema = z.object({
  referredOn: optionalDateField('The date of the referral'),
  earlierDateReason: earlierDateReasonField(),
})

const uuidOk = (id: string) => z.uuid().safeParse(id).success

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10
}

export class DeskResearchService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly referrals: ReferralsService,
    private readonly now: () => Date,
  ) {}

  /** Only the inspectorate's researchers (and the command line) reach the research. */
  private check(caller: Caller) {
    requireRole(caller, 'researcher')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
  }

  private in<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, work)
  }

  categoriesOf(exercise: Exercise): CategoryConfig[] {
    return exercise.categories ?? DEFAULT_CATEGORIES
  }

  aliasesOf(exercise: Exercise): ForceAlias[] {
    return [...DEFAULT_ALIASES, ...(exercise.aliases ?? [])]
  }

  screenerFor(exercise: Exercise): Screener {
    return new Screener(this.categoriesOf(exercise), exercise.threshold)
  }

  async create(
    caller: Caller,
    input: Record<string, unknown>,
    config: { categories?: unknown; aliases?: unknown } = {},
  ): Promise<Exercise> {
    this.check(caller)
    const values = parseOrThrow(newExerciseSchema, input)
    let categories: CategoryConfig[] | null = null
    if (config.categories !== undefined) {
      try {
        categories = checkCategories(config.categories)
      } catch (error) {
        throw new ValidationError({ categories: `The categories: ${(error as Error).message}` })
      }
    }
    let aliases: ForceAlias[] | null = null
    if (config.aliases !== undefined) {
      const codes = new Set((await this.forces.references()).map((force) => force.code))
      const parsed = z
        .array(z.object({ alias: z.string().trim().min(1).max(100), force: z.string() }))
        .safeParse(config.aliases)
      if (!parsed.success)
        throw new ValidationError({ aliases: 'The aliases must be a list of { alias, force }' })
      const unknown = parsed.data.find((alias) => !codes.has(alias.force))
      if (unknown)
        throw new ValidationError({ aliases: `The alias ${unknown.alias} names no force ${unknown.force}` })
      aliases = parsed.data
    }
    const now = this.now()
    return this.in(caller, async (tx) => {
      const [existing] = await tx
        .select({ id: researchExercises.id })
        .from(researchExercises)
        .where(eq(researchExercises.code, values.code))
      if (existing) throw new ValidationError({ code: 'An exercise with this code already exists' })
      const [created] = await tx
        .insert(researchExercises)
        .values({ ...values, categories, aliases, createdByLabel: caller.actor.label, createdAt: now })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId: null, entityType: EXERCISE_ENTITY, entityId: created.id, action: 'create', after: values },
        now,
      )
      return created
    })
  }

  async list(caller: Caller): Promise<Exercise[]> {
    this.check(caller)
    return this.in(caller, (tx) =>
      tx
        .select()
        .from(researchExercises)
        .orderBy(desc(researchExercises.periodFrom), asc(researchExercises.code)),
    )
  }

  async find(caller: Caller, code: string): Promise<Exercise> {
    this.check(caller)
    return this.exercise(caller, code)
  }

  private async exercise(caller: Caller, code: string): Promise<Exercise> {
    const [exercise] = await this.in(caller, (tx) =>
      tx.select().from(researchExercises).where(eq(researchExercises.code, code)),
    )
    if (!exercise) throw new NotFoundError('No such exercise')
    return exercise
  }

  /**
   * The summary figures (no personal data) are also for inspectors, who publish them in the national
   * review; the profiles and posts behind them stay the researchers' alone.
   */
  private checkFigures(caller: Caller) {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
  }

  private unpurged(exercise: Exercise) {
    if (exercise.purgedAt)
      throw new ValidationError({
        form: 'This exercise’s personal data has been purged: only its summary is kept',
      })
  }

  /**
   * Imports an export of profiles and posts, screening each post as it is read. Rows are written in
   * batches inside ONE transaction: on any bad row the rest of the file is still checked (to list every
   * problem) and then everything is rolled back. Memory holds one batch and one entry per profile.
   */
  async importPosts(
    caller: Caller,
    code: string,
    source: { stream: Readable; format: ExportFormat; filename: string },
    options: { onProgress?: (rows: number) => void } = {},
  ): Promise<ImportOutcome> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const screener = this.screenerFor(exercise)
    const forces = await this.forces.references()
    const attributor = new Attributor(forces, this.aliasesOf(exercise))
    const now = this.now()
    const problems: ImportProblem[] = []
    let problemCount = 0
    let rows = 0
    const outcome = await this.in(caller, async (tx) => {
      /** Profile key → its id and the posts screened for it in this import. */
      const profiles = new Map<string, { id: string; posts: number }>()
      let newProfiles = 0
      let flagged = 0
      let queued = 0
      /** Profiles met in this batch and not yet written, with the posts screened for each. */
      let pendingProfiles = new Map<string, { row: PostRow; posts: number }>()
      let pendingPosts: {
        row: PostRow
        key: string
        screening: NonNullable<ReturnType<Screener['screen']>>
      }[] = []

      const flush = async () => {
        if (pendingProfiles.size) {
          const values = [...pendingProfiles.values()].map(({ row }) => {
            const attribution = attributor.attribute(row)
            return {
              exerciseId: exercise.id,
              platform: row.platform,
              handle: row.handle,
              handleKey: row.handleKey,
              displayName: row.displayName,
              profileText: row.profileText,
              forceId: attribution.forceId,
              attribution: attribution.forceId === null ? ('queued' as const) : ('automatic' as const),
              candidateForceIds: attribution.candidates,
              createdAt: now,
            }
          })
          const written = await tx
            .insert(researchProfiles)
            .values(values)
            .onConflictDoUpdate({
              target: [researchProfiles.exerciseId, researchProfiles.platform, researchProfiles.handleKey],
              set: { displayName: sql`coalesce(excluded.display_name, ${researchProfiles.displayName})` },
            })
            .returning({
              id: researchProfiles.id,
              platform: researchProfiles.platform,
              handleKey: researchProfiles.handleKey,
              forceId: researchProfiles.forceId,
              // A row the statement inserted (not one it updated) has no xmax.
              inserted: sql<boolean>`(xmax = 0)`,
            })
          for (const profile of written) {
            const key = `${profile.platform}\u0000${profile.handleKey}`
            profiles.set(key, { id: profile.id, posts: pendingProfiles.get(key)?.posts ?? 0 })
            if (profile.inserted) {
              newProfiles++
              if (profile.forceId === null) queued++
            }
          }
          pendingProfiles = new Map()
        }
        if (pendingPosts.length) {
          const inserted = await tx
            .insert(researchPosts)
            .values(
              pendingPosts.map(({ row, key, screening }) => ({
                exerciseId: exercise.id,
                profileId: profiles.get(key)?.id as string,
                externalId: row.postId,
                postedOn: row.postedOn,
                text: row.text,
                url: row.url,
                line: row.line,
                score: screening.score,
                category: screening.category,
                matches: screening.matches,
                createdAt: now,
              })),
            )
            .onConflictDoNothing()
            .returning({ id: researchPosts.id })
          flagged += inserted.length
          pendingPosts = []
        }
      }

      for await (const read of readExport(source.stream, source.format)) {
        if ('problem' in read) {
          problemCount++
          if (problems.length < MAX_PROBLEMS_LISTED) problems.push({ line: read.line, reason: read.problem })
          continue
        }
        rows++
        if (rows % 10_000 === 0) options.onProgress?.(rows)
        const row = read.row
        if (row.postedOn < exercise.periodFrom || row.postedOn > exercise.periodTo) {
          problemCount++
          if (problems.length < MAX_PROBLEMS_LISTED)
            problems.push({
              line: row.line,
              reason: `the post is dated ${row.postedOn}, outside the exercise’s period ${exercise.periodFrom} to ${exercise.periodTo}`,
            })
          continue
        }
        if (problemCount) continue
        const key = `${row.platform}\u0000${row.handleKey}`
        const known = profiles.get(key) ?? pendingProfiles.get(key)
        if (known) known.posts++
        else pendingProfiles.set(key, { row, posts: 1 })
        const screening = screener.screen(row.text)
        if (screening) pendingPosts.push({ row, key, screening })
        if (pendingPosts.length >= IMPORT_BATCH || pendingProfiles.size >= IMPORT_BATCH) await flush()
      }
      if (problemCount) throw new ImportRejectedError(problems, problemCount, rows)
      await flush()
      options.onProgress?.(rows)
      // Add the posts screened to each profile's count, a thousand profiles a statement.
      const counts = [...profiles.values()].filter((profile) => profile.posts > 0)
      for (let start = 0; start < counts.length; start += 1000) {
        const chunk = counts.slice(start, start + 1000)
        await tx.execute(sql`update research_profiles as p set posts_screened = p.posts_screened + v.n
          from (values ${sql.join(
            chunk.map((profile) => sql`(${profile.id}::uuid, ${profile.posts}::int)`),
            sql`, `,
          )}) as v(id, n) where p.id = v.id`)
      }
      const summary = {
        filename: source.filename,
        rows,
        profiles: profiles.size,
        newProfiles,
        flagged,
        queued,
      }
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: EXERCISE_ENTITY,
          entityId: exercise.id,
          action: 'import',
          after: summary,
        },
        now,
      )
      return { rows, profiles: profiles.size, newProfiles, flagged, queued }
    })
    return outcome
  }

  /** Profiles that named no force or several, for a researcher to attribute. */
  async attributionQueue(
    caller: Caller,
    code: string,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; profiles: (ProfileRow & { candidates: ForceReference[] })[] }> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const where = and(eq(researchProfiles.exerciseId, exercise.id), isNull(researchProfiles.forceId))
    const { total, rows } = await this.in(caller, async (tx) => {
      const [counted] = await tx.select({ value: count() }).from(researchProfiles).where(where)
      const rows = await tx
        .select()
        .from(researchProfiles)
        .where(where)
        .orderBy(asc(researchProfiles.platform), asc(researchProfiles.handleKey))
        .offset(page.offset)
        .limit(page.limit)
      return { total: counted?.value ?? 0, rows }
    })
    const byId = new Map((await this.forces.references()).map((force) => [force.id, force]))
    return {
      total,
      profiles: rows.map((row) => ({
        ...row,
        candidates: row.candidateForceIds.map((id) => byId.get(id)).filter((f): f is ForceReference => !!f),
      })),
    }
  }

  /** A researcher picks the force of a profile from the queue. */
  async attribute(caller: Caller, code: string, profileId: string, forceCode: string): Promise<ProfileRow> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const force = (await this.forces.references()).find((f) => f.code === forceCode.trim().toLowerCase())
    if (!force) throw new ValidationError({ force: 'Select the force from the list' })
    if (!uuidOk(profileId)) throw new NotFoundError('No such profile')
    const now = this.now()
    return this.in(caller, async (tx) => {
      const [updated] = await tx
        .update(researchProfiles)
        .set({ forceId: force.id, attribution: 'researcher' })
        .where(and(eq(researchProfiles.id, profileId), eq(researchProfiles.exerciseId, exercise.id)))
        .returning()
      if (!updated) throw new NotFoundError('No such profile')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: PROFILE_ENTITY,
          entityId: updated.id,
          action: 'attribute',
          after: { force: force.code },
        },
        now,
      )
      return updated
    })
  }

  private async present(
    exercise: Exercise,
    rows: { post: PostRecord; profile: ProfileRow }[],
  ): Promise<QueuedPost[]> {
    const screener = this.screenerFor(exercise)
    const labels = new Map(this.categoriesOf(exercise).map((category) => [category.code, category.label]))
    const byId = new Map((await this.forces.references()).map((force) => [force.id, force]))
    return rows.map(({ post, profile }) => ({
      ...post,
      profile,
      force: profile.forceId === null ? null : (byId.get(profile.forceId) ?? null),
      segments: screener.highlight(post.text),
      categoryLabels: post.matches.map((match) => labels.get(match.category) ?? match.category),
    }))
  }

  /** Every view of a post is audited: who saw whose post, and when. */
  private async auditViews(tx: Transaction, caller: Caller, posts: PostRecord[], where: string) {
    const now = this.now()
    for (const post of posts)
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId: null, entityType: POST_ENTITY, entityId: post.id, action: 'view', after: { where } },
        now,
      )
  }

  /** Flagged posts to review (pending by default), highest score first; each post shown is audited. */
  async reviewQueue(
    caller: Caller,
    code: string,
    filter: { status: 'pending' | 'confirmed' | 'dismissed' },
    page: { offset: number; limit: number },
  ): Promise<{ total: number; posts: QueuedPost[] }> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const where = and(eq(researchPosts.exerciseId, exercise.id), eq(researchPosts.status, filter.status))
    const { total, rows } = await this.in(caller, async (tx) => {
      const [counted] = await tx.select({ value: count() }).from(researchPosts).where(where)
      const rows = await tx
        .select({ post: researchPosts, profile: researchProfiles })
        .from(researchPosts)
        .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
        .where(where)
        .orderBy(desc(researchPosts.score), asc(researchPosts.postedOn), asc(researchPosts.id))
        .offset(page.offset)
        .limit(page.limit)
      await this.auditViews(
        tx,
        caller,
        rows.map((row) => row.post),
        `review queue (${filter.status})`,
      )
      return { total: counted?.value ?? 0, rows }
    })
    return { total, posts: await this.present(exercise, rows) }
  }

  /** One flagged post in full; the view is audited. */
  async post(caller: Caller, code: string, postId: string): Promise<QueuedPost> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    if (!uuidOk(postId)) throw new NotFoundError('No such post')
    const [row] = await this.in(caller, async (tx) => {
      const rows = await tx
        .select({ post: researchPosts, profile: researchProfiles })
        .from(researchPosts)
        .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
        .where(and(eq(researchPosts.id, postId), eq(researchPosts.exerciseId, exercise.id)))
      await this.auditViews(
        tx,
        caller,
        rows.map((r) => r.post),
        'post',
      )
      return rows
    })
    if (!row) throw new NotFoundError('No such post')
    return (await this.present(exercise, [row]))[0] as QueuedPost
  }

  /** A researcher confirms a flagged post as an instance, or dismisses it, with an optional note. */
  async decide(
    caller: Caller,
    code: string,
    postId: string,
    input: Record<string, unknown>,
  ): Promise<PostRecord> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const values = parseOrThrow(decisionSchema, input)
    if (!uuidOk(postId)) throw new NotFoundError('No such post')
    const now = this.now()
    return this.in(caller, async (tx) => {
      const [current] = await tx
        .select()
        .from(researchPosts)
        .where(and(eq(researchPosts.id, postId), eq(researchPosts.exerciseId, exercise.id)))
      if (!current) throw new NotFoundError('No such post')
      if (current.referralId)
        throw new ValidationError({
          decision: 'This post has been referred to its force: its decision stands',
        })
      const [updated] = await tx
        .update(researchPosts)
        .set({
          status: values.decision === 'confirm' ? 'confirmed' : 'dismissed',
          note: values.note,
          decidedByLabel: caller.actor.label,
          decidedAt: now,
        })
        .where(eq(researchPosts.id, postId))
        .returning()
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: POST_ENTITY,
          entityId: postId,
          action: values.decision,
          before: { status: current.status, note: current.note },
          after: { status: updated?.status, note: values.note },
        },
        now,
      )
      return updated as PostRecord
    })
  }

  /** Confirmed instances not yet referred, grouped by profile; profiles still unattributed are left out. */
  async referrable(
    caller: Caller,
    code: string,
  ): Promise<{ ready: ReferrableProfile[]; unattributed: number }> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const rows = await this.in(caller, (tx) =>
      tx
        .select({ post: researchPosts, profile: researchProfiles })
        .from(researchPosts)
        .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
        .where(
          and(
            eq(researchPosts.exerciseId, exercise.id),
            eq(researchPosts.status, 'confirmed'),
            isNull(researchPosts.referralId),
          ),
        )
        .orderBy(asc(researchProfiles.handleKey), asc(researchPosts.postedOn)),
    )
    const byId = new Map((await this.forces.references()).map((force) => [force.id, force]))
    const grouped = new Map<string, ReferrableProfile>()
    let unattributed = 0
    for (const { post, profile } of rows) {
      const force = profile.forceId === null ? undefined : byId.get(profile.forceId)
      if (!force) {
        unattributed++
        continue
      }
      const group = grouped.get(profile.id) ?? { profile, force, posts: [] }
      group.posts.push(post)
      grouped.set(profile.id, group)
    }
    return { ready: [...grouped.values()], unattributed }
  }

  /** A profile's confirmed instances waiting to be referred (the page that refers them). */
  async referrableProfile(caller: Caller, code: string, profileId: string): Promise<ReferrableProfile> {
    const { ready } = await this.referrable(caller, code)
    const group = ready.find((candidate) => candidate.profile.id === profileId)
    if (!group) throw new NotFoundError('No confirmed instances of this profile wait to be referred')
    return group
  }

  /**
   * Refers a profile's confirmed instances to its force: one referral (social-media misconduct) whose
   * finding summarises the instances and whose evidence lists their addresses. It is dated today, or
   * on an earlier day with a reason (research done in a past period, recorded now), never before the
   * latest of its posts: so it counts in the period the research found it.
   */
  async refer(
    caller: Caller,
    code: string,
    profileId: string,
    input: Record<string, unknown> = {},
  ): Promise<{ referralId: string; instances: number }> {
    const group = await this.referrableProfile(caller, code, profileId)
    const today = londonToday(this.now())
    const { referredOn = today, earlierDateReason } = parseOrThrow(referSchema, input)
    const latestPost = group.posts
      .map((post) => post.postedOn)
      .sort()
      .at(-1)
    const problems = earlierDateProblems(
      {
        field: 'referredOn',
        label: 'The date of the referral',
        reasonField: 'earlierDateReason',
        today,
        earliest: latestPost ? { day: latestPost, what: 'the day of the latest post it refers' } : undefined,
      },
      referredOn,
      earlierDateReason,
    )
    if (Object.keys(problems).length) throw new ValidationError(problems)
    const earlier = referredOn < today ? { earlierDateReason } : {}
    const exercise = await this.find(caller, code)
    const labels = new Map(this.categoriesOf(exercise).map((category) => [category.code, category.label]))
    const { profile, force, posts } = group
    const categories = [...new Set(posts.map((post) => labels.get(post.category) ?? post.category))]
    const finding =
      `${profile.handle}${profile.displayName ? ` (${profile.displayName})` : ''} on ${profile.platform}: ` +
      `${posts.length} potentially inappropriate ${posts.length === 1 ? 'post' : 'posts'} ` +
      `(${categories.join('; ').toLowerCase()}) on the public profile of a person who identifies as ` +
      `working for ${force.name}, found by the inspectorate’s desk research "${exercise.name}".`
    const evidence = posts
      .map((post) => `${post.postedOn} ${post.url ?? `(post ${post.externalId})`}: ${post.text}`)
      .join('\n\n')
      .slice(0, 10_000)
    const checked = await this.referrals.prepare(caller, {
      force: force.code,
      type: SOCIAL_MEDIA_MISCONDUCT,
      finding: finding.slice(0, 5000),
      evidenceUrl: posts.find((post) => post.url)?.url ?? '',
      evidence,
      referredOn,
    })
    const prepared = { ...checked, ...earlier }
    const now = this.now()
    // One transaction: the referral and the posts marked as referred stand or fall together, and posts
    // another researcher referred meanwhile (their rows locked, then no longer unreferred) refuse it.
    const referral = await this.in(caller, async (tx) => {
      const created = await this.referrals.createWithin(tx, caller, prepared)
      const marked = await tx
        .update(researchPosts)
        .set({ referralId: created.id })
        .where(
          and(
            inArray(
              researchPosts.id,
              posts.map((post) => post.id),
            ),
            isNull(researchPosts.referralId),
          ),
        )
        .returning({ id: researchPosts.id })
      if (marked.length !== posts.length)
        throw new ValidationError({ profile: 'These instances have just been referred by someone else' })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: force.id,
          entityType: PROFILE_ENTITY,
          entityId: profile.id,
          action: 'refer',
          after: { referralId: created.id, instances: posts.length, referredOn, ...earlier },
        },
        now,
      )
      return created
    })
    return { referralId: referral.id, instances: posts.length }
  }

  private async computeSummary(
    tx: Transaction,
    exercise: Exercise,
    forces: ForceReference[],
  ): Promise<ExerciseSummary> {
    const [profiles] = await tx
      .select({
        profiles: count(),
        posts: sql<number>`coalesce(sum(${researchProfiles.postsScreened}), 0)::int`,
        awaiting: sql<number>`count(*) filter (where ${researchProfiles.forceId} is null)::int`,
      })
      .from(researchProfiles)
      .where(eq(researchProfiles.exerciseId, exercise.id))
    const statuses = await tx
      .select({ status: researchPosts.status, value: count() })
      .from(researchPosts)
      .where(eq(researchPosts.exerciseId, exercise.id))
      .groupBy(researchPosts.status)
    const confirmed = and(eq(researchPosts.exerciseId, exercise.id), eq(researchPosts.status, 'confirmed'))
    const platforms = await tx
      .select({ key: researchProfiles.platform, value: count() })
      .from(researchPosts)
      .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
      .where(confirmed)
      .groupBy(researchProfiles.platform)
    const categories = await tx
      .select({ key: researchPosts.category, value: count() })
      .from(researchPosts)
      .where(confirmed)
      .groupBy(researchPosts.category)
    const [withInstances] = await tx
      .select({ value: sql<number>`count(distinct ${researchPosts.profileId})::int` })
      .from(researchPosts)
      .where(confirmed)
    const perForceProfiles = await tx
      .select({ forceId: researchProfiles.forceId, value: count() })
      .from(researchProfiles)
      .where(and(eq(researchProfiles.exerciseId, exercise.id), isNotNull(researchProfiles.forceId)))
      .groupBy(researchProfiles.forceId)
    const perForceInstances = await tx
      .select({
        forceId: researchProfiles.forceId,
        instances: count(),
        profiles: sql<number>`count(distinct ${researchProfiles.id})::int`,
      })
      .from(researchPosts)
      .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
      .where(and(confirmed, isNotNull(researchProfiles.forceId)))
      .groupBy(researchProfiles.forceId)
    const status = (name: string) => statuses.find((s) => s.status === name)?.value ?? 0
    const instances = status('confirmed')
    const labels = new Map(this.categoriesOf(exercise).map((category) => [category.code, category.label]))
    const shares = (rows: { key: string; value: number }[], label: (key: string) => string): Share[] =>
      rows
        .map((row) => ({
          key: row.key,
          label: label(row.key),
          instances: row.value,
          percent: percent(row.value, instances),
        }))
        .sort((a, b) => b.instances - a.instances || a.key.localeCompare(b.key))
    const byId = new Map(forces.map((force) => [force.id, force]))
    const byForce = new Map<number, ForceFigures>()
    for (const row of perForceProfiles) {
      const force = byId.get(row.forceId as number) as ForceReference
      byForce.set(force.id, {
        force,
        profiles: row.value,
        instances: 0,
        profilesWithInstances: 0,
        referred: 0,
      })
    }
    for (const row of perForceInstances) {
      const figures = byForce.get(row.forceId as number)
      if (!figures) continue
      figures.instances = row.instances
      figures.profilesWithInstances = row.profiles
    }
    return {
      profilesReviewed: profiles?.profiles ?? 0,
      postsScreened: profiles?.posts ?? 0,
      flagged: statuses.reduce((sum, s) => sum + s.value, 0),
      pending: status('pending'),
      dismissed: status('dismissed'),
      instances,
      profilesWithInstances: withInstances?.value ?? 0,
      awaitingAttribution: profiles?.awaiting ?? 0,
      byPlatform: shares(platforms, (key) => key.charAt(0).toUpperCase() + key.slice(1)),
      byCategory: shares(categories, (key) => labels.get(key) ?? key),
      byForce: [...byForce.values()].sort((a, b) => a.force.name.localeCompare(b.force.name)),
    }
  }

  /** The research summary: the figures the 2012 national review quoted; kept after a purge. */
  async summary(
    caller: Caller,
    code: string,
    referredWithin?: ReferralWindow,
  ): Promise<{ exercise: Exercise; summary: ExerciseSummary }> {
    this.checkFigures(caller)
    const exercise = await this.exercise(caller, code)
    return { exercise, summary: await this.summaryOf(caller, exercise, referredWithin) }
  }

  /** The summaries of the exercises whose period overlaps a period, referrals counted within it. */
  async summariesOver(
    caller: Caller,
    period: { from: string; to: string },
    referredWithin: ReferralWindow,
  ): Promise<{ exercise: Exercise; summary: ExerciseSummary }[]> {
    this.checkFigures(caller)
    const exercises = await this.in(caller, (tx) =>
      tx
        .select()
        .from(researchExercises)
        .where(
          and(lte(researchExercises.periodFrom, period.to), gte(researchExercises.periodTo, period.from)),
        )
        .orderBy(asc(researchExercises.periodFrom), asc(researchExercises.code)),
    )
    const summaries: { exercise: Exercise; summary: ExerciseSummary }[] = []
    for (const exercise of exercises)
      summaries.push({ exercise, summary: await this.summaryOf(caller, exercise, referredWithin) })
    return summaries
  }

  private async summaryOf(
    caller: Caller,
    exercise: Exercise,
    referredWithin: ReferralWindow = { from: exercise.periodFrom },
  ): Promise<ExerciseSummary> {
    const forces = await this.forces.references()
    const summary = exercise.purgedAt
      ? (exercise.summary as ExerciseSummary)
      : await this.in(caller, (tx) => this.computeSummary(tx, exercise, forces))
    return this.withReferrals(caller, summary, forces, referredWithin)
  }

  /**
   * The referrals column from the referrals register itself: the social-media referrals recorded for
   * each force in the window, however they were made (from an exercise's confirmed instances or entered
   * on the referrals page). So the summary, the data returns and the national review that quotes them
   * count the same records, and agree by construction.
   */
  private async withReferrals(
    caller: Caller,
    summary: ExerciseSummary,
    forces: ForceReference[],
    window: ReferralWindow,
  ): Promise<ExerciseSummary> {
    const counts = await this.referrals.countsByForce(
      caller,
      forces.map((force) => force.id),
      window,
    )
    const byForce = new Map(summary.byForce.map((row) => [row.force.id, { ...row, referred: 0 }]))
    for (const force of forces) {
      const referred = (counts.get(force.id) ?? [])
        .filter((row) => row.type === SOCIAL_MEDIA_MISCONDUCT)
        .reduce((total, row) => total + row.count, 0)
      if (!referred) continue
      const row = byForce.get(force.id) ?? {
        force,
        profiles: 0,
        instances: 0,
        profilesWithInstances: 0,
        referred: 0,
      }
      byForce.set(force.id, { ...row, referred })
    }
    return {
      ...summary,
      byForce: [...byForce.values()].sort((a, b) => a.force.name.localeCompare(b.force.name)),
    }
  }

  /** The per-force figures for a download; the download is audited. */
  async exportSummary(caller: Caller, code: string, format: string): Promise<ForceFigures[]> {
    const { exercise, summary } = await this.summary(caller, code)
    await this.in(caller, (tx) =>
      appendExportEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: EXERCISE_ENTITY,
          format,
          rows: summary.byForce.length,
          filters: { exercise: exercise.code },
        },
        this.now(),
      ),
    )
    return summary.byForce
  }

  /**
   * Deletes the profiles and posts of exercises past their retention date (or the one named, if it is
   * past), keeping the exercise, its summary figures and the referrals made. Each purge is audited.
   */
  async purge(
    caller: Caller,
    options: { code?: string } = {},
  ): Promise<{ code: string; profiles: number; posts: number }[]> {
    this.check(caller)
    const today = londonToday(this.now())
    const now = this.now()
    const forces = await this.forces.references()
    return this.in(caller, async (tx) => {
      const due = await tx
        .select()
        .from(researchExercises)
        .where(
          and(
            isNull(researchExercises.purgedAt),
            lt(researchExercises.retainUntil, today),
            options.code ? eq(researchExercises.code, options.code) : undefined,
          ),
        )
      if (options.code && !due.length) {
        const [named] = await tx
          .select()
          .from(researchExercises)
          .where(eq(researchExercises.code, options.code))
        if (!named) throw new NotFoundError(`No exercise ${options.code}`)
        if (named.purgedAt) throw new ValidationError({ exercise: `${options.code} has already been purged` })
        throw new ValidationError({
          exercise: `${options.code} is kept until ${named.retainUntil}: it cannot be purged before then`,
        })
      }
      const purged: { code: string; profiles: number; posts: number }[] = []
      for (const exercise of due) {
        const summary = await this.computeSummary(tx, exercise, forces)
        const posts = await tx
          .delete(researchPosts)
          .where(eq(researchPosts.exerciseId, exercise.id))
          .returning({ id: researchPosts.id })
        const profiles = await tx
          .delete(researchProfiles)
          .where(eq(researchProfiles.exerciseId, exercise.id))
          .returning({ id: researchProfiles.id })
        await tx
          .update(researchExercises)
          .set({ purgedAt: now, summary })
          .where(eq(researchExercises.id, exercise.id))
        const result = { code: exercise.code, profiles: profiles.length, posts: posts.length }
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId: null,
            entityType: EXERCISE_ENTITY,
            entityId: exercise.id,
            action: 'purge',
            after: result,
          },
          now,
        )
        purged.push(result)
      }
      return purged
    })
  }
}
