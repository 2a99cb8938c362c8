import type { Database } from '../../db/connection.js'
import { type Caller, callerHas } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import type { AssessmentView, InspectionsService } from '../inspections/service.js'

/** Fieldwork is the inspectors' (an inspectorate administrator is one too). */
export const FIELDWORK_ROLES: Role[] = ['inspector']
export const NOTE_ENTITY = 'evidence-note'
export const FINDING_ENTITY = 'finding'
export const JUDGEMENT_ENTITY = 'judgement'

/**
 * What fieldwork's workflows share (the service, and the headline judgement's in judgements.ts): the
 * database, the inspections and the clock, who does fieldwork, the force's assessment, and how a change
 * is audited.
 */
export abstract class FieldworkWorkflow {
  constructor(
    protected readonly db: Database,
    protected readonly inspections: InspectionsService,
    protected readonly now: () => Date,
  ) {}

  /** Only inspectors in the inspectorate's scope; anyone else is told there is nothing here. */
  protected checkInspector(caller: Caller) {
    if (caller.scope.kind !== 'inspectorate') throw new NotFoundError()
    if (!callerHas(caller, FIELDWORK_ROLES)) throw new ForbiddenError()
  }

  /** Whether the caller does fieldwork, so pages know whether to link to it. */
  doesFieldwork(caller: Caller): boolean {
    return caller.scope.kind === 'inspectorate' && callerHas(caller, FIELDWORK_ROLES)
  }

  protected async assessmentOf(caller: Caller, inspectionId: string, forceCode: string) {
    this.checkInspector(caller)
    return this.inspections.assessment(caller, inspectionId, forceCode)
  }

  /** A change needs an inspection that is not closed. */
  protected checkOpen(assessment: AssessmentView) {
    if (assessment.inspection.status === 'closed')
      throw new ValidationError({ form: 'This inspection is closed: its fieldwork can no longer change' })
  }

  protected auditRecord(entityType: string, entityId: string, action: string) {
    // No force: fieldwork is the inspectorate's alone, and a force reads its own force's audit events.
    return { forceId: null, entityType, entityId, action }
  }

  protected context(assessment: AssessmentView) {
    return { inspection: assessment.inspection.code, force: assessment.force.code }
  }
}
