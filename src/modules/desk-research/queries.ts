import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import { researchExercises, researchPosts, researchProfiles } from './schema.js'

export const EXERCISE_ENTITY = 'research-exercise'
export const POST_ENTITY = 'research-post'
export const PROFILE_ENTITY = 'research-profile'

export type Exercise = typeof researchExercises.$inferSelect
export type ProfileRow = typeof researchProfiles.$inferSelect
export type PostRecord = typeof researchPosts.$inferSelect

export type PostStatus = PostRecord['status']

export async function selectExercise(tx: Transaction, code: string): Promise<Exercise | undefined> {
  const [exercise] = await tx.select().from(researchExercises).where(eq(researchExercises.code, code))
  return exercise
}

export async function exerciseCodeTaken(tx: Transaction, code: string): Promise<boolean> {
  const [existing] = await tx
    .select({ id: researchExercises.id })
    .from(researchExercises)
    .where(eq(researchExercises.code, code))
  return !!existing
}

export async function insertExercise(
  tx: Transaction,
  values: typeof researchExercises.$inferInsert,
): Promise<Exercise> {
  const [created] = await tx.insert(researchExercises).values(values).returning()
  if (!created) throw new Error('insert returned no row')
  return created
}

export function selectExercises(tx: Transaction): Promise<Exercise[]> {
  return tx
    .select()
    .from(researchExercises)
    .orderBy(desc(researchExercises.periodFrom), asc(researchExercises.code))
}

/** The exercises whose period overlaps a period, earliest first. */
export function selectExercisesOverlapping(
  tx: Transaction,
  period: { from: string; to: string },
): Promise<Exercise[]> {
  return tx
    .select()
    .from(researchExercises)
    .where(and(lte(researchExercises.periodFrom, period.to), gte(researchExercises.periodTo, period.from)))
    .orderBy(asc(researchExercises.periodFrom), asc(researchExercises.code))
}

/** The exercises not yet purged whose retention date is before today (only the one named, if any). */
export function selectExercisesDue(tx: Transaction, today: string, code?: string): Promise<Exercise[]> {
  return tx
    .select()
    .from(researchExercises)
    .where(
      and(
        isNull(researchExercises.purgedAt),
        lt(researchExercises.retainUntil, today),
        code ? eq(researchExercises.code, code) : undefined,
      ),
    )
}

/** Writes profiles met in an import; a profile already known keeps its attribution. */
export function upsertProfiles(tx: Transaction, values: (typeof researchProfiles.$inferInsert)[]) {
  return tx
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
}

/** Writes flagged posts; a post imported before is left as it is (and not returned). */
export function insertFlaggedPosts(tx: Transaction, values: (typeof researchPosts.$inferInsert)[]) {
  return tx.insert(researchPosts).values(values).onConflictDoNothing().returning({ id: researchPosts.id })
}

/** Adds the posts screened to each profile's count, a thousand profiles a statement. */
export async function addPostsScreened(tx: Transaction, counts: { id: string; posts: number }[]) {
  for (let start = 0; start < counts.length; start += 1000) {
    const chunk = counts.slice(start, start + 1000)
    await tx.execute(sql`update research_profiles as p set posts_screened = p.posts_screened + v.n
          from (values ${sql.join(
            chunk.map((profile) => sql`(${profile.id}::uuid, ${profile.posts}::int)`),
            sql`, `,
          )}) as v(id, n) where p.id = v.id`)
  }
}

/** A page of the profiles that named no force or several, and how many there are. */
export async function selectUnattributed(
  tx: Transaction,
  exerciseId: string,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: ProfileRow[] }> {
  const where = and(eq(researchProfiles.exerciseId, exerciseId), isNull(researchProfiles.forceId))
  const [counted] = await tx.select({ value: count() }).from(researchProfiles).where(where)
  const rows = await tx
    .select()
    .from(researchProfiles)
    .where(where)
    .orderBy(asc(researchProfiles.platform), asc(researchProfiles.handleKey))
    .offset(page.offset)
    .limit(page.limit)
  return { total: counted?.value ?? 0, rows }
}

export async function setProfileForce(
  tx: Transaction,
  exerciseId: string,
  profileId: string,
  forceId: number,
): Promise<ProfileRow | undefined> {
  const [updated] = await tx
    .update(researchProfiles)
    .set({ forceId, attribution: 'researcher' })
    .where(and(eq(researchProfiles.id, profileId), eq(researchProfiles.exerciseId, exerciseId)))
    .returning()
  return updated
}

/** A page of the flagged posts of one status, highest score first, and how many there are. */
export async function selectReviewQueue(
  tx: Transaction,
  exerciseId: string,
  status: PostStatus,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: { post: PostRecord; profile: ProfileRow }[] }> {
  const where = and(eq(researchPosts.exerciseId, exerciseId), eq(researchPosts.status, status))
  const [counted] = await tx.select({ value: count() }).from(researchPosts).where(where)
  const rows = await tx
    .select({ post: researchPosts, profile: researchProfiles })
    .from(researchPosts)
    .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
    .where(where)
    .orderBy(desc(researchPosts.score), asc(researchPosts.postedOn), asc(researchPosts.id))
    .offset(page.offset)
    .limit(page.limit)
  return { total: counted?.value ?? 0, rows }
}

export function selectPostWithProfile(
  tx: Transaction,
  exerciseId: string,
  postId: string,
): Promise<{ post: PostRecord; profile: ProfileRow }[]> {
  return tx
    .select({ post: researchPosts, profile: researchProfiles })
    .from(researchPosts)
    .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
    .where(and(eq(researchPosts.id, postId), eq(researchPosts.exerciseId, exerciseId)))
}

export async function selectPost(
  tx: Transaction,
  exerciseId: string,
  postId: string,
): Promise<PostRecord | undefined> {
  const [post] = await tx
    .select()
    .from(researchPosts)
    .where(and(eq(researchPosts.id, postId), eq(researchPosts.exerciseId, exerciseId)))
  return post
}

export async function updatePostDecision(
  tx: Transaction,
  postId: string,
  decision: { status: PostStatus; note: string | null; decidedByLabel: string; decidedAt: Date },
): Promise<PostRecord | undefined> {
  const [updated] = await tx
    .update(researchPosts)
    .set(decision)
    .where(eq(researchPosts.id, postId))
    .returning()
  return updated
}

/** Confirmed instances not yet referred, with their profiles, by profile then day. */
export function selectUnreferredInstances(
  tx: Transaction,
  exerciseId: string,
): Promise<{ post: PostRecord; profile: ProfileRow }[]> {
  return tx
    .select({ post: researchPosts, profile: researchProfiles })
    .from(researchPosts)
    .innerJoin(researchProfiles, eq(researchProfiles.id, researchPosts.profileId))
    .where(
      and(
        eq(researchPosts.exerciseId, exerciseId),
        eq(researchPosts.status, 'confirmed'),
        isNull(researchPosts.referralId),
      ),
    )
    .orderBy(asc(researchProfiles.handleKey), asc(researchPosts.postedOn))
}

/** Marks posts as referred, those not referred already: the ids of the posts marked. */
export function markReferred(tx: Transaction, postIds: string[], referralId: string) {
  return tx
    .update(researchPosts)
    .set({ referralId })
    .where(and(inArray(researchPosts.id, postIds), isNull(researchPosts.referralId)))
    .returning({ id: researchPosts.id })
}

/** The counts an exercise's summary is made of. */
export async function selectSummaryCounts(tx: Transaction, exerciseId: string) {
  const [profiles] = await tx
    .select({
      profiles: count(),
      posts: sql<number>`coalesce(sum(${researchProfiles.postsScreened}), 0)::int`,
      awaiting: sql<number>`count(*) filter (where ${researchProfiles.forceId} is null)::int`,
    })
    .from(researchProfiles)
    .where(eq(researchProfiles.exerciseId, exerciseId))
  const statuses = await tx
    .select({ status: researchPosts.status, value: count() })
    .from(researchPosts)
    .where(eq(researchPosts.exerciseId, exerciseId))
    .groupBy(researchPosts.status)
  const confirmed = and(eq(researchPosts.exerciseId, exerciseId), eq(researchPosts.status, 'confirmed'))
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
    .where(and(eq(researchProfiles.exerciseId, exerciseId), isNotNull(researchProfiles.forceId)))
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
  return { profiles, statuses, platforms, categories, withInstances, perForceProfiles, perForceInstances }
}

export type SummaryCounts = Awaited<ReturnType<typeof selectSummaryCounts>>

/** Deletes an exercise's posts and profiles: how many of each. */
export async function deletePersonalData(
  tx: Transaction,
  exerciseId: string,
): Promise<{ profiles: number; posts: number }> {
  const posts = await tx
    .delete(researchPosts)
    .where(eq(researchPosts.exerciseId, exerciseId))
    .returning({ id: researchPosts.id })
  const profiles = await tx
    .delete(researchProfiles)
    .where(eq(researchProfiles.exerciseId, exerciseId))
    .returning({ id: researchProfiles.id })
  return { profiles: profiles.length, posts: posts.length }
}

export async function markPurged(tx: Transaction, exerciseId: string, purgedAt: Date, summary: unknown) {
  await tx.update(researchExercises).set({ purgedAt, summary }).where(eq(researchExercises.id, exerciseId))
}
