import type { Caller } from '../../domain/access.js'
import type { DataReturnsService } from '../data-returns/service.js'
import type { FieldworkService } from '../fieldwork/service.js'
import type { ForcesService } from '../forces/service.js'
import type { InspectionRow, InspectionsService } from '../inspections/service.js'
import type { RecommendationProgressService } from '../recommendation-progress/service.js'
import type { SelfAssessmentsService } from '../self-assessments/service.js'
import {
  type FactsSources,
  type ForceFacts,
  figuresOf,
  type InspectionSummary,
  isHeadline,
  pressReleaseFactsOf,
  quoteFor,
} from './facts.js'

function summaryOf(inspection: InspectionRow, revisits: InspectionRow | null): InspectionSummary {
  return {
    id: inspection.id,
    code: inspection.code,
    title: inspection.title,
    dataFrom: inspection.dataFrom,
    dataTo: inspection.dataTo,
    censusDate: inspection.censusDate,
    fieldworkFrom: inspection.fieldworkFrom,
    fieldworkTo: inspection.fieldworkTo,
    revisits: revisits
      ? { code: revisits.code, title: revisits.title, censusDate: revisits.censusDate }
      : null,
  }
}

/**
 * `factsFor` over the services that own each fact: the inspection and its scope, the data return's
 * values, the confirmed headline judgement and findings (fieldwork), the self-assessment status, the
 * recommendations' progress, and the force's region and HM Inspector from the forces reference.
 */
export class ServicesFactsSources implements FactsSources {
  constructor(
    private readonly services: {
      forces: ForcesService
      inspections: InspectionsService
      dataReturns: DataReturnsService
      fieldwork: FieldworkService
      recommendationProgress: RecommendationProgressService
      selfAssessments: SelfAssessmentsService
    },
  ) {}

  async inspection(caller: Caller, inspectionId: string): Promise<InspectionSummary> {
    const inspection = await this.services.inspections.get(caller, inspectionId)
    const revisits = inspection.revisitsId
      ? await this.services.inspections.get(caller, inspection.revisitsId).catch(() => null)
      : null
    return summaryOf(inspection, revisits)
  }

  async forcesInScope(caller: Caller, inspectionId: string) {
    return (await this.services.inspections.assessments(caller, inspectionId)).map((assessment) => ({
      id: assessment.force.id,
      code: assessment.force.code,
      name: assessment.force.name,
    }))
  }

  async forceFacts(caller: Caller, inspectionId: string, forceCode: string): Promise<ForceFacts> {
    const { services } = this
    const assessment = await services.inspections.assessment(caller, inspectionId, forceCode)
    // One after another: an embedded database has a single connection for transactions.
    const reference = await services.forces.find(forceCode)
    const values = await services.dataReturns.values(caller, assessment.inspection.id, forceCode)
    const headline = await services.fieldwork.headlineOf(caller, assessment)
    const findings = await services.fieldwork.findingsFor(caller, assessment)
    const progress = await services.recommendationProgress.forForce(
      caller,
      assessment.inspection.id,
      forceCode,
    )
    const selfAssessment = await services.selfAssessments.get(caller, assessment.inspection.id, forceCode)
    const force = assessment.force
    const judgement = isHeadline(headline) ? headline : null
    const pressRelease = pressReleaseFactsOf({
      force,
      hmi: reference?.region.hmi ?? null,
      region: reference?.region.name ?? null,
      period: { from: assessment.inspection.dataFrom, to: assessment.inspection.dataTo },
      headline: judgement,
      selfAssessmentSubmitted: selfAssessment.status === 'submitted',
      values,
    })
    return {
      pressRelease,
      force: { code: force.code, name: force.name, region: reference?.region.name ?? null },
      inspection: summaryOf(assessment.inspection, assessment.revisits),
      figures: figuresOf(values),
      findings: findings.map((finding) => ({
        area: finding.area.title,
        kind: finding.kind,
        text: finding.text,
      })),
      recommendations: progress.recommendations.map((entry) => ({
        code: entry.recommendation.code,
        text: entry.recommendation.text,
        status: entry.current?.status ?? null,
        basis: entry.current?.basis ?? null,
      })),
      quote: quoteFor(force.name, judgement),
    }
  }
}
