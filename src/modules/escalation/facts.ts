import type { Caller } from '../../domain/access.js'
import type { ForceFacts } from '../../domain/escalation.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import type { DataReturnsService } from '../data-returns/service.js'
import type { FieldworkService } from '../fieldwork/service.js'
import type { ForceReference } from '../forces/service.js'
import type { FrameworksService } from '../frameworks/service.js'
import type { InspectionRow, InspectionsService } from '../inspections/service.js'
import type { PoliciesService } from '../policies/service.js'
import type { RecommendationProgressService } from '../recommendation-progress/service.js'

/** The services whose data the escalation rules read, each through its own use cases. */
export interface EscalationSources {
  inspections: InspectionsService
  frameworks: FrameworksService
  recommendationProgress: RecommendationProgressService
  fieldwork: FieldworkService
  dataReturns: DataReturnsService
  policies: PoliciesService
}

/**
 * The inspection whose data the rules read: the open one with the latest data period, or when none is
 * open the latest of all; null before there is any.
 */
export async function inspectionToEvaluate(
  sources: EscalationSources,
  caller: Caller,
): Promise<InspectionRow | null> {
  const all = await sources.inspections.list(caller)
  const open = all.filter((inspection) => inspection.status === 'open')
  return (open.length ? open : all).toSorted((a, b) => b.dataTo.localeCompare(a.dataTo))[0] ?? null
}

/** The judgements an inspection's framework chooses from, best first (for the judgement rule's form). */
export async function judgementScaleOf(
  sources: EscalationSources,
  caller: Caller,
  inspection: InspectionRow | null,
): Promise<string[]> {
  if (!inspection) return []
  return (await sources.frameworks.get(caller, inspection.frameworkId)).framework.judgementScale
}

/**
 * What every rule reads about each force as at `today`: its recommendations, headline judgement and
 * data return in the inspection (nothing of them for a force outside its scope) and its staff's policy
 * awareness. A few queries for all the forces together, not a few per force.
 */
export async function gatherFacts(
  sources: EscalationSources,
  caller: Caller,
  forces: readonly ForceReference[],
  inspection: InspectionRow | null,
  today: string,
): Promise<Map<number, ForceFacts>> {
  const wanted = new Set(forces.map((force) => force.id))
  const assessments = inspection
    ? (await sources.inspections.assessments(caller, inspection.id)).filter((a) => wanted.has(a.force.id))
    : []
  const progress = await sources.recommendationProgress.forAssessments(caller, assessments)
  const judgements = inspection ? await sources.fieldwork.judgementsFor(caller, inspection.id) : new Map()
  const values = await sources.dataReturns.valuesFor(caller, assessments)
  const awareness = await sources.policies.awarenessByForce(
    caller,
    forces.map((force) => force.id),
    today,
  )
  const facts = new Map<number, ForceFacts>()
  for (const force of forces)
    facts.set(force.id, {
      today,
      inspection: null,
      recommendations: [],
      judgement: null,
      dataReturn: null,
      awareness: (awareness.get(force.id) ?? []).map((area) => ({
        areaName: area.areaName,
        rate: area.rate,
      })),
    })
  for (const [index, assessment] of assessments.entries()) {
    const own = facts.get(assessment.force.id)
    if (!own || !inspection) continue
    const returned = values.get(assessment.id) ?? {}
    own.inspection = { code: inspection.code, title: inspection.title, censusDate: inspection.censusDate }
    own.recommendations = (progress[index]?.recommendations ?? []).map(({ recommendation, current }) => ({
      code: recommendation.code,
      dueDate: recommendation.dueDate,
      status: current?.status ?? null,
    }))
    own.judgement = judgements.get(assessment.force.id) ?? null
    own.dataReturn = {
      items: DATA_RETURN_ITEMS.length,
      missing: DATA_RETURN_ITEMS.filter((item) => (returned[item.code] ?? null) === null).map(
        (item) => item.label,
      ),
    }
  }
  return facts
}
