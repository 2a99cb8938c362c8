import type { Readable } from 'node:stream'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import {
  type CategoryConfig,
  DEFAULT_ALIASES,
  DEFAULT_CATEGORIES,
  type ForceAlias,
} from '../../domain/desk-research.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { ReferralsService } from '../referrals/service.js'
import { decisionSchema, exerciseAliases, exerciseCategories, newExerciseSchema, uuidOk } from './fields.js'
import { type ImportOutcome, importExport } from './import.js'
import {
  categoryLabels,
  type ExerciseSummary,
  type ForceFigures,
  presentPosts,
  type QueuedPost,
  type ReferrableProfile,
  referrableProfiles,
  summaryOf,
} from './present.js'
import {
  deletePersonalData,
  EXERCISE_ENTITY,
  type Exercise,
  exerciseCodeTaken,
  insertExercise,
  markPurged,
  type PostRecord,
  PROFILE_ENTITY,
  type ProfileRow,
  selectExercise,
  selectExercises,
  selectExercisesDue,
  selectExercisesOverlapping,
  selectSummaryCounts,
  selectUnattributed,
  selectUnreferredInstances,
  setProfileForce,
} from './queries.js'
import type { ExportFormat } from './reading.js'
import { markInstancesReferred, referralDay, referralOf, SOCIAL_MEDIA_MISCONDUCT } from './referring.js'
import { recordDecision, reviewPage, viewPost } from './review.js'
import { Attributor, Screener } from './screening.js'

/** Referrals counted from a day, up to a day (or to now). */
export interface ReferralWindow {
  from: string
  to?: string
}

/**
 * The inspectorate's desk research: exercises that import and screen social-media posts, the review of
 * the flagged posts, referrals of the instances confirmed, and the summary figures. The SQL is in
 * queries.ts, the view models in present.ts, the import in import.ts, the review in review.ts and the
 * referral in referring.ts; this is what the routes, the command line and the other modules call.
 */
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
    if (config.categories !== undefined) categories = exerciseCategories(config.categories)
    let aliases: ForceAlias[] | null = null
    if (config.aliases !== undefined) {
      const codes = new Set((await this.forces.references()).map((force) => force.code))
      aliases = exerciseAliases(config.aliases, codes)
    }
    const now = this.now()
    return this.in(caller, async (tx) => {
      if (await exerciseCodeTaken(tx, values.code))
        throw new ValidationError({ code: 'An exercise with this code already exists' })
      const created = await insertExercise(tx, {
        ...values,
        categories,
        aliases,
        createdByLabel: caller.actor.label,
        createdAt: now,
      })
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
    return this.in(caller, (tx) => selectExercises(tx))
  }

  async find(caller: Caller, code: string): Promise<Exercise> {
    this.check(caller)
    return this.exercise(caller, code)
  }

  private async exercise(caller: Caller, code: string): Promise<Exercise> {
    const exercise = await this.in(caller, (tx) => selectExercise(tx, code))
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
   * Imports an export of profiles and posts, screening each post as it is read, in ONE transaction:
   * on any bad row everything is rolled back (see importExport).
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
    return this.in(caller, (tx) =>
      importExport(tx, caller.actor, { exercise, screener, attributor, source, options, now }),
    )
  }

  /** Profiles that named no force or several, for a researcher to attribute. */
  async attributionQueue(
    caller: Caller,
    code: string,
    page: { offset: number; limit: number },
  ): Promise<{ total: number; profiles: (ProfileRow & { candidates: ForceReference[] })[] }> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const { total, rows } = await this.in(caller, (tx) => selectUnattributed(tx, exercise.id, page))
    const byId = await this.forces.byId()
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
      const updated = await setProfileForce(tx, exercise.id, profileId, force.id)
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
    const labels = categoryLabels(this.categoriesOf(exercise))
    return presentPosts(rows, screener, labels, await this.forces.references())
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
    const { total, rows } = await this.in(caller, (tx) =>
      reviewPage(tx, caller.actor, exercise.id, filter.status, page, () => this.now()),
    )
    return { total, posts: await this.present(exercise, rows) }
  }

  /** One flagged post in full; the view is audited. */
  async post(caller: Caller, code: string, postId: string): Promise<QueuedPost> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    if (!uuidOk(postId)) throw new NotFoundError('No such post')
    const [row] = await this.in(caller, (tx) =>
      viewPost(tx, caller.actor, exercise.id, postId, () => this.now()),
    )
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
    return this.in(caller, (tx) => recordDecision(tx, caller.actor, exercise.id, postId, values, now))
  }

  /** Confirmed instances not yet referred, grouped by profile; profiles still unattributed are left out. */
  async referrable(
    caller: Caller,
    code: string,
  ): Promise<{ ready: ReferrableProfile[]; unattributed: number }> {
    const exercise = await this.find(caller, code)
    this.unpurged(exercise)
    const rows = await this.in(caller, (tx) => selectUnreferredInstances(tx, exercise.id))
    return referrableProfiles(rows, await this.forces.references())
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
    const { referredOn, earlier } = referralDay(input, group, londonToday(this.now()))
    const exercise = await this.find(caller, code)
    const labels = categoryLabels(this.categoriesOf(exercise))
    const checked = await this.referrals.prepare(caller, referralOf(exercise.name, labels, group, referredOn))
    const prepared = { ...checked, ...earlier }
    const now = this.now()
    // One transaction: the referral and the posts marked as referred stand or fall together, and posts
    // another researcher referred meanwhile (their rows locked, then no longer unreferred) refuse it.
    const referral = await this.in(caller, async (tx) => {
      const created = await this.referrals.createWithin(tx, caller, prepared)
      await markInstancesReferred(tx, caller.actor, group, { id: created.id, referredOn, earlier }, now)
      return created
    })
    return { referralId: referral.id, instances: group.posts.length }
  }

  private async computeSummary(
    tx: Transaction,
    exercise: Exercise,
    forces: ForceReference[],
  ): Promise<ExerciseSummary> {
    const counts = await selectSummaryCounts(tx, exercise.id)
    return summaryOf(counts, categoryLabels(this.categoriesOf(exercise)), forces)
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
    const exercises = await this.in(caller, (tx) => selectExercisesOverlapping(tx, period))
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
      const due = await selectExercisesDue(tx, today, options.code)
      if (options.code && !due.length) {
        const named = await selectExercise(tx, options.code)
        if (!named) throw new NotFoundError(`No exercise ${options.code}`)
        if (named.purgedAt) throw new ValidationError({ exercise: `${options.code} has already been purged` })
        throw new ValidationError({
          exercise: `${options.code} is kept until ${named.retainUntil}: it cannot be purged before then`,
        })
      }
      const purged: { code: string; profiles: number; posts: number }[] = []
      for (const exercise of due) {
        const summary = await this.computeSummary(tx, exercise, forces)
        const deleted = await deletePersonalData(tx, exercise.id)
        await markPurged(tx, exercise.id, now, summary)
        const result = { code: exercise.code, profiles: deleted.profiles, posts: deleted.posts }
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
