import { and, desc, inArray } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { basisFor, lineageOf, type RecommendationMapping } from '../../domain/fieldwork.js'
import {
  type ProgressBasis,
  RECOMMENDATION_STATUSES,
  type RecommendationStatus,
} from '../../domain/inspections.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { ForceReference } from '../forces/service.js'
import type { FrameworkRow, RecommendationRow } from '../frameworks/queries.js'
import type { FrameworksService } from '../frameworks/service.js'
import type { AssessmentView, InspectionRow, InspectionsService } from '../inspections/service.js'
import { progressUpdateSchema } from './fields.js'
import { recommendationProgress } from './schema.js'

/** Who reads a force's progress: its caseworkers (and admins), and the inspectorate. */
export const PROGRESS_READERS: Role[] = ['force-caseworker', 'inspector']
export const PROGRESS_ENTITY = 'recommendation-progress'

export type ProgressRow = typeof recommendationProgress.$inferSelect

/** An update as its history shows it: with the recommendation's code and framework version it was made on. */
export interface ProgressUpdate extends ProgressRow {
  recommendationCode: string
  frameworkVersion: number
}

/** A recommendation to a force, with its current status (the latest update) and every update, newest first. */
export interface RecommendationProgress {
  recommendation: RecommendationRow
  current: ProgressUpdate | null
  history: ProgressUpdate[]
}

export interface ForceProgress {
  assessment: AssessmentView
  recommendations: RecommendationProgress[]
  /** The basis the caller's updates get, or null when the caller may not record any. */
  records: ProgressBasis | null
}

/** A status or no update yet. */
export type StatusOrNone = RecommendationStatus | 'no update'
export const STATUS_COLUMNS: readonly StatusOrNone[] = [...RECOMMENDATION_STATUSES, 'no update']
export type StatusCounts = Record<StatusOrNone, number>

export interface NationalRow {
  force: ForceReference
  recommendation: RecommendationRow
  current: ProgressUpdate | null
}

export interface NationalProgress {
  inspection: InspectionRow
  inspections: InspectionRow[]
  recommendations: { recommendation: RecommendationRow; forces: number; counts: StatusCounts }[]
  forces: { force: ForceReference; recommendations: number; counts: StatusCounts }[]
  rows: NationalRow[]
}

const emptyCounts = (): StatusCounts =>
  Object.fromEntries(STATUS_COLUMNS.map((status) => [status, 0])) as StatusCounts

/** One recommendation across framework versions: the ids that share a history, and what each is. */
interface Lineages {
  /** For each recommendation id of the inspection's framework, every id that is the same one. */
  idsOf: Map<string, string[]>
  /** Every recommendation id of the family, to its code and version. */
  about: Map<string, { code: string; version: number }>
}

/**
 * Progress of forces against the recommendations of an inspection's framework: updates are never
 * changed, the latest is the current status, and a recommendation carried on into a later version of
 * the framework (a `recommendation` mapping) has one history across both.
 */
export class RecommendationProgressService {
  constructor(
    private readonly db: Database,
    private readonly inspections: InspectionsService,
    private readonly frameworks: FrameworksService,
    private readonly now: () => Date,
  ) {}

  private basisOf(caller: Caller): ProgressBasis | null {
    if (caller.scope.kind === 'inspectorate')
      return callerHas(caller, ['inspector']) ? 'inspector-verified' : null
    if (caller.scope.kind === 'force')
      return callerHas(caller, ['force-caseworker']) ? basisFor(caller.scope) : null
    return null
  }

  /**
   * The recommendations of every version in the framework's family, and which of them are one
   * recommendation carried on across versions by the mappings between consecutive versions.
   */
  private async lineages(caller: Caller, framework: FrameworkRow, recommendations: RecommendationRow[]) {
    return this.lineagesFrom(await this.lineageSources(caller, framework), framework, recommendations)
  }

  /** What lineages are traced through: the framework's versions, their mappings and their recommendations. */
  private async lineageSources(caller: Caller, framework: FrameworkRow) {
    const family = (await this.frameworks.list(caller)).filter((version) => version.code === framework.code)
    const mappings: RecommendationMapping[] = []
    for (const version of family) {
      if (!version.previousVersionId) continue
      const { mappings: rows } = await this.frameworks.mappings(caller, version.id)
      for (const row of rows)
        if (row.kind === 'recommendation')
          mappings.push({
            fromFrameworkId: row.fromFrameworkId,
            fromCode: row.fromCode,
            toFrameworkId: row.toFrameworkId,
            toCode: row.toCode,
          })
    }
    const others = new Map<string, RecommendationRow[]>()
    for (const version of family)
      if (version.id !== framework.id)
        others.set(version.id, (await this.frameworks.get(caller, version.id)).recommendations)
    return { family, mappings, others }
  }

  private lineagesFrom(
    { family, mappings, others }: Awaited<ReturnType<RecommendationProgressService['lineageSources']>>,
    framework: FrameworkRow,
    recommendations: RecommendationRow[],
  ) {
    const idByCode = new Map<string, string>()
    const about = new Map<string, { code: string; version: number }>()
    for (const version of family) {
      const rows = version.id === framework.id ? recommendations : (others.get(version.id) ?? [])
      for (const row of rows) {
        idByCode.set(`${version.id}\u0000${row.code}`, row.id)
        about.set(row.id, { code: row.code, version: version.version })
      }
    }
    const idsOf = new Map<string, string[]>()
    for (const recommendation of recommendations) {
      const ids = lineageOf({ frameworkId: framework.id, code: recommendation.code }, mappings)
        .map((item) => idByCode.get(`${item.frameworkId}\u0000${item.code}`))
        .filter((id): id is string => !!id)
      idsOf.set(recommendation.id, ids.length ? ids : [recommendation.id])
    }
    return { idsOf, about } satisfies Lineages
  }

  private async updatesOf(
    caller: Caller,
    forceIds: number[],
    recommendationIds: string[],
    lineages: Lineages,
  ) {
    if (!forceIds.length || !recommendationIds.length) return []
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select()
        .from(recommendationProgress)
        .where(
          and(
            inArray(recommendationProgress.forceId, forceIds),
            inArray(recommendationProgress.recommendationId, recommendationIds),
          ),
        )
        .orderBy(desc(recommendationProgress.recordedAt), desc(recommendationProgress.id)),
    )
    return rows.map((row) => {
      const about = lineages.about.get(row.recommendationId)
      return { ...row, recommendationCode: about?.code ?? '', frameworkVersion: about?.version ?? 0 }
    })
  }

  private progressOf(
    recommendations: RecommendationRow[],
    updates: ProgressUpdate[],
    lineages: Lineages,
  ): RecommendationProgress[] {
    return recommendations.map((recommendation) => {
      const ids = new Set(lineages.idsOf.get(recommendation.id) ?? [recommendation.id])
      const history = updates.filter((update) => ids.has(update.recommendationId))
      return { recommendation, current: history[0] ?? null, history }
    })
  }

  /** A force's recommendations in an inspection (national and its own), each with status and history. */
  async forForce(caller: Caller, inspectionId: string, forceCode: string): Promise<ForceProgress> {
    requireRole(caller, ...PROGRESS_READERS)
    const assessment = await this.inspections.assessment(caller, inspectionId, forceCode)
    return (await this.forAssessments(caller, [assessment]))[0] as ForceProgress
  }

  /**
   * `forForce` for several forces' parts of one inspection, in the order given: the framework's
   * lineages are read once, every force's recommendations and updates in one query each. Issue #11.
   */
  async forAssessments(caller: Caller, assessments: readonly AssessmentView[]): Promise<ForceProgress[]> {
    requireRole(caller, ...PROGRESS_READERS)
    for (const assessment of assessments) this.checkForce(caller, assessment)
    const first = assessments[0]
    if (!first) return []
    if (assessments.some((assessment) => assessment.framework.id !== first.framework.id))
      throw new Error('forAssessments reads the parts of one inspection at a time')
    const framework = first.framework
    const forceIds = assessments.map((assessment) => assessment.force.id)
    const recommendationsOf = await this.frameworks.recommendationsForForces(caller, framework.id, forceIds)
    const sources = await this.lineageSources(caller, framework)
    const lineagesOf = new Map(
      assessments.map((assessment) => [
        assessment.id,
        this.lineagesFrom(sources, framework, recommendationsOf.get(assessment.force.id) ?? []),
      ]),
    )
    const recommendationIds = new Set<string>()
    for (const lineages of lineagesOf.values())
      for (const ids of lineages.idsOf.values()) for (const id of ids) recommendationIds.add(id)
    // `about` is the same for every force's lineages bar their own recommendations: merge them.
    const about = new Map<string, { code: string; version: number }>()
    for (const lineages of lineagesOf.values()) for (const [id, entry] of lineages.about) about.set(id, entry)
    const updates = await this.updatesOf(caller, forceIds, [...recommendationIds], {
      idsOf: new Map(),
      about,
    })
    return assessments.map((assessment) => ({
      assessment,
      recommendations: this.progressOf(
        recommendationsOf.get(assessment.force.id) ?? [],
        updates.filter((update) => update.forceId === assessment.force.id),
        lineagesOf.get(assessment.id) as Lineages,
      ),
      records: assessment.inspection.status === 'closed' ? null : this.basisOf(caller),
    }))
  }

  /** One recommendation of a force's, with its history. */
  async one(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    recommendationId: string,
  ): Promise<{ progress: ForceProgress; recommendation: RecommendationProgress }> {
    const progress = await this.forForce(caller, inspectionId, forceCode)
    const recommendation = progress.recommendations.find(
      (r) => r.recommendation.id === recommendationId || r.recommendation.code === recommendationId,
    )
    if (!recommendation) throw new NotFoundError('No such recommendation')
    return { progress, recommendation }
  }

  private checkForce(caller: Caller, assessment: AssessmentView) {
    if (caller.scope.kind === 'force' && caller.scope.forceId !== assessment.force.id)
      throw new NotFoundError()
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new NotFoundError()
  }

  /**
   * Records an update: a force's caseworker reports its own progress (self-reported); an inspector
   * records what they verified (inspector-verified, with a note of what they saw). Never changed after.
   */
  async record(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<ProgressUpdate> {
    requireRole(caller, ...PROGRESS_READERS)
    const progress = await this.forForce(caller, inspectionId, forceCode)
    const basis = this.basisOf(caller)
    if (!basis) throw new ForbiddenError()
    const values = parseOrThrow(progressUpdateSchema, input)
    const target = progress.recommendations.find(
      (r) => r.recommendation.id === values.recommendation || r.recommendation.code === values.recommendation,
    )
    if (!target) throw new ValidationError({ recommendation: 'Select one of the force’s recommendations' })
    if (basis === 'inspector-verified' && !values.note)
      throw new ValidationError({ note: 'Enter what the inspector saw that verifies the status' })
    const { assessment } = progress
    if (assessment.inspection.status === 'closed')
      throw new ValidationError({ form: 'This inspection is closed: record progress in the latest one' })
    // Updates are told apart by when they were recorded: never at or before the latest one.
    const latest = target.current?.recordedAt.getTime() ?? 0
    const recordedAt = new Date(Math.max(this.now().getTime(), latest + 1))
    const row = await inScope(this.db, caller.scope, async (tx) => {
      const [created] = await tx
        .insert(recommendationProgress)
        .values({
          forceId: assessment.force.id,
          recommendationId: target.recommendation.id,
          inspectionId: assessment.inspection.id,
          status: values.status,
          basis,
          note: values.note,
          recordedBy: userIdOf(caller),
          recordedByLabel: caller.actor.label,
          recordedAt,
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: assessment.force.id,
          entityType: PROGRESS_ENTITY,
          entityId: created.id,
          action: 'record',
          after: {
            inspection: assessment.inspection.code,
            recommendation: target.recommendation.code,
            status: created.status,
            basis: created.basis,
            note: created.note,
          },
        },
        this.now(),
      )
      return created
    })
    return {
      ...row,
      recommendationCode: target.recommendation.code,
      frameworkVersion: assessment.framework.version,
    }
  }

  /** The inspection a national page shows: the one asked for (by code or id), else the latest open one. */
  private async chosenInspection(caller: Caller, wanted: string | undefined) {
    const all = await this.inspections.list(caller)
    if (wanted) {
      const found = all.find((inspection) => inspection.code === wanted || inspection.id === wanted)
      if (!found) throw new NotFoundError('No such inspection')
      return { inspection: found, all }
    }
    const open = all.filter((inspection) => inspection.status !== 'closed')
    const latest = (open.length ? open : all).toSorted((a, b) => b.dataTo.localeCompare(a.dataTo))[0]
    if (!latest) throw new NotFoundError('There are no inspections yet')
    return { inspection: latest, all }
  }

  /**
   * Across every force in an inspection's scope: per recommendation, how many forces stand at each
   * status; per force, how many of its recommendations do. The inspectorate's alone.
   */
  async national(caller: Caller, inspection?: string): Promise<NationalProgress> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new NotFoundError()
    const { inspection: chosen, all } = await this.chosenInspection(caller, inspection)
    const assessments = await this.inspections.assessments(caller, chosen.id)
    const { framework, recommendations } = await this.frameworks.get(caller, chosen.frameworkId)
    const lineages = await this.lineages(caller, framework, recommendations)
    const updates = await this.updatesOf(
      caller,
      assessments.map((a) => a.force.id),
      [...new Set([...lineages.idsOf.values()].flat())],
      lineages,
    )
    const byForce = new Map<number, ProgressUpdate[]>()
    for (const update of updates)
      byForce.set(update.forceId, [...(byForce.get(update.forceId) ?? []), update])
    const perRecommendation = new Map(
      recommendations.map((r) => [r.id, { recommendation: r, forces: 0, counts: emptyCounts() }]),
    )
    const forces: NationalProgress['forces'] = []
    const rows: NationalRow[] = []
    const sortedAssessments = assessments.toSorted((a, b) => a.force.name.localeCompare(b.force.name))
    for (const { force } of sortedAssessments) {
      const own = recommendations.filter((r) => r.forceId === null || r.forceId === force.id)
      const progress = this.progressOf(own, byForce.get(force.id) ?? [], lineages)
      const counts = emptyCounts()
      for (const { recommendation, current } of progress) {
        const status: StatusOrNone = current?.status ?? 'no update'
        counts[status]++
        const tally = perRecommendation.get(recommendation.id)
        if (tally) {
          tally.forces++
          tally.counts[status]++
        }
        rows.push({ force: { id: force.id, code: force.code, name: force.name }, recommendation, current })
      }
      forces.push({
        force: { id: force.id, code: force.code, name: force.name },
        recommendations: own.length,
        counts,
      })
    }
    return {
      inspection: chosen,
      inspections: all,
      recommendations: [...perRecommendation.values()],
      forces,
      rows,
    }
  }

  /** Every force's current status of every recommendation, for a download, which is audited. */
  async exportNational(
    caller: Caller,
    inspection: string | undefined,
    format: string,
  ): Promise<NationalProgress> {
    const national = await this.national(caller, inspection)
    await inScope(this.db, caller.scope, (tx) =>
      appendExportEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: PROGRESS_ENTITY,
          format,
          rows: national.rows.length,
          filters: { inspection: national.inspection.code },
        },
        this.now(),
      ),
    )
    return national
  }
}
