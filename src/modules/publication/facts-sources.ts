import type { Caller } from '../../domain/access.js'
import type { DataReturnsService } from '../data-returns/service.js'
import type { DeskResearchService } from '../desk-research/service.js'
import type { FieldworkService, ReportFacts } from '../fieldwork/service.js'
import { type InspectionReference, referenceGap } from '../forces/inspection-reference.js'
import type { ForcesService } from '../forces/service.js'
import type { AssessmentView, InspectionRow, InspectionsService } from '../inspections/service.js'
import { forceNameForms } from '../press-releases/renderer.js'
import type { PressReleaseSettings } from '../press-releases/settings.js'
import { quoteFor } from '../press-releases/settings.js'
import type { PressReleaseSettingsService } from '../press-releases/settings-service.js'
import type { ForceProgress, RecommendationProgressService } from '../recommendation-progress/service.js'
import type { SelfAssessmentsService } from '../self-assessments/service.js'
import type { SurveysService } from '../surveys/service.js'
import {
  type FactsSources,
  type ForceFacts,
  figuresOf,
  type InspectionSummary,
  isHeadline,
  pressReleaseFactsOf,
  type ResearchFacts,
  type SurveyHeadline,
} from './facts.js'
import { sources } from './sources.js'

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
      deskResearch: DeskResearchService
      surveys: SurveysService
      pressReleaseSettings: PressReleaseSettingsService
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
    const assessment = await this.services.inspections.assessment(caller, inspectionId, forceCode)
    return (await this.factsOf(caller, [assessment]))[0] as ForceFacts
  }

  async allForceFacts(caller: Caller, inspectionId: string): Promise<ForceFacts[]> {
    return this.factsOf(caller, await this.services.inspections.assessments(caller, inspectionId))
  }

  /**
   * The desk research over the inspection's data period, its referrals counted over the window the data
   * returns count social-media referrals in (the data period to the end of fieldwork, or the census date).
   */
  async research(caller: Caller, inspection: InspectionSummary): Promise<ResearchFacts[]> {
    const summaries = await this.services.deskResearch.summariesOver(
      caller,
      { from: inspection.dataFrom, to: inspection.dataTo },
      { from: inspection.dataFrom, to: inspection.fieldworkTo ?? inspection.censusDate },
    )
    return summaries.map(({ exercise, summary }) => ({
      code: exercise.code,
      name: exercise.name,
      periodFrom: exercise.periodFrom,
      periodTo: exercise.periodTo,
      profilesReviewed: summary.profilesReviewed,
      instances: summary.instances,
      profilesWithInstances: summary.profilesWithInstances,
      platforms: summary.byPlatform.map(({ label, instances, percent }) => ({ label, instances, percent })),
    }))
  }

  async staleReturn(caller: Caller, inspectionId: string, forceCode: string): Promise<string | null> {
    return this.services.dataReturns.unacknowledgedChanges(caller, inspectionId, forceCode)
  }

  /** Each survey's headline results in its latest wave with results, against the wave before. */
  async surveyHeadlines(caller: Caller, _inspection: InspectionSummary): Promise<SurveyHeadline[]> {
    const headlines = await this.services.surveys.headlines(caller)
    return headlines.map((headline) => ({
      survey: headline.survey.name,
      synthetic: headline.survey.synthetic,
      finding: headline.label,
      wave: headline.wave.label,
      share: headline.share,
      previous: headline.previous
        ? {
            wave: headline.previous.wave.label,
            share: headline.previous.share,
            significant: headline.previous.significant,
          }
        : null,
      href: sources.survey(headline.survey.code, '').href,
    }))
  }

  /**
   * The facts of several forces' parts of one inspection, in the order given: each service is asked once
   * for all of them (so a whole inspection takes a fixed number of queries however many forces).
   */
  private async factsOf(caller: Caller, assessments: AssessmentView[]): Promise<ForceFacts[]> {
    const { services } = this
    // One after another: an embedded database has a single connection for transactions.
    // The region and HMI in effect on each inspection's census date; named only once confirmed.
    const referencesByDay = new Map<string, Map<string, InspectionReference>>()
    for (const assessment of assessments) {
      const day = assessment.inspection.censusDate
      if (!referencesByDay.has(day)) referencesByDay.set(day, await services.forces.referencesOn(day))
    }
    // Each inspection's national finding and notes to editors, as its administrators set them.
    const settingsOf = new Map<string, PressReleaseSettings>()
    for (const { inspection } of assessments)
      if (!settingsOf.has(inspection.id))
        settingsOf.set(inspection.id, await services.pressReleaseSettings.forInspection(inspection.id))
    const valuesOf = await services.dataReturns.valuesFor(caller, assessments)
    const fieldworkOf = await services.fieldwork.reportFactsFor(caller, assessments)
    const progressOf = await services.recommendationProgress.forAssessments(caller, assessments)
    const statusOf = await services.selfAssessments.statuses(caller, assessments)
    return assessments.map((assessment, index) => {
      const reference = referencesByDay.get(assessment.inspection.censusDate)?.get(assessment.force.code)
      const values = valuesOf.get(assessment.id) as Record<string, number | null>
      const { headline, findings } = fieldworkOf.get(assessment.id) as ReportFacts
      const progress = progressOf[index] as ForceProgress
      const force = assessment.force
      const judgement = isHeadline(headline) ? headline : null
      const settings = settingsOf.get(assessment.inspection.id) as PressReleaseSettings
      const gap = referenceGap(force.name, reference)
      const named = gap === null ? reference : undefined
      const pressRelease = pressReleaseFactsOf({
        force,
        hmi: named?.hmiName ?? null,
        region: named?.region ?? null,
        period: { from: assessment.inspection.dataFrom, to: assessment.inspection.dataTo },
        headline: judgement,
        selfAssessmentSubmitted: statusOf.get(assessment.id) === 'submitted',
        values,
      })
      return {
        pressRelease,
        force: { code: force.code, name: force.name, region: named?.region ?? null },
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
        quote: quoteFor(pressRelease, forceNameForms(force.name).subject, settings.nationalFinding),
        notesToEditors: settings.notesToEditors,
        hmiHonours: named?.hmiHonours ?? null,
        referenceGap: gap,
      }
    })
  }
}
