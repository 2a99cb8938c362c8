import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import type { Role } from '../../domain/roles.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import type { AuditEvent, AuditService } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { PendingImportsService } from '../imports/service.js'
import {
  ACKNOWLEDGE_CHANGES,
  acknowledge,
  checkPublishedValues,
  clearOverride,
  overrideInput,
  reasonOf,
  requireItem,
  storeComputed,
  storeOverride,
  storePublished,
  storeSupplied,
  suppliedInput,
} from './changes.js'
import { buildComparison } from './comparison.js'
import { type ComputedValue, computeReturns, type RecordSources } from './compute.js'
import {
  type ComparisonView,
  comparisonInputs,
  type DataReturnView,
  type ReturnItemView,
  standingValues,
  toView,
} from './present.js'
import { DATA_RETURN_ENTITY, selectReturnRows, selectRowsOfAssessments, type ValueRow } from './queries.js'
import { changesKey, describeChanges, type RecordChange, recordChanges } from './staleness.js'
import {
  confirmedValues,
  DATA_RETURN_REGISTER,
  pendingValues,
  previewOfUpload,
  returnTemplate,
  type UploadPreview,
} from './upload.js'

/** Who reads a return: the force's caseworkers and administrators (their own), and the inspectorate. */
export const RETURN_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who recalculates it from the records: the same people. */
export const RETURN_CALCULATORS: Role[] = ['force-caseworker', 'inspector']
/** Who supplies values (form or template): the force's caseworkers and administrators. */
export const RETURN_SUPPLIERS: Role[] = ['force-caseworker']
/**
 * Who overrides a value, with a reason: the force's administrator (who signs the return off) for their
 * own force, and inspectors (after checking the figures in fieldwork). Caseworkers may not.
 */
export const RETURN_OVERRIDERS: Role[] = ['force-admin', 'inspector']

/** What the service needs of an inspection (the InspectionsService's AssessmentView, structurally). */
export interface AssessmentFacts {
  id: string
  inspection: {
    id: string
    code: string
    title: string
    dataFrom: string
    dataTo: string
    censusDate: string
    fieldworkFrom: string | null
    fieldworkTo: string | null
    status: string
  }
  force: ForceReference
  revisits: { id: string; code: string; title: string; censusDate: string } | null
}

/** What the service needs of the InspectionsService. */
export interface AssessmentDirectory {
  get(caller: Caller, inspectionId: string): Promise<AssessmentFacts['inspection']>
  assessments(caller: Caller, inspectionId: string): Promise<AssessmentFacts[]>
  assessment(caller: Caller, inspectionId: string, forceCode: string): Promise<AssessmentFacts>
}

/**
 * Each force's data return in an inspection: computed from the force's own records through the other
 * modules' services, supplied by the force (form or template) where Probity cannot compute it, and
 * overridden only with a reason, the value underneath kept beside the override. The national comparison
 * reads every force's values as they stand.
 */
export class DataReturnsService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly inspections: AssessmentDirectory,
    private readonly sources: RecordSources,
    private readonly pendingImports: PendingImportsService,
    private readonly audit: AuditService,
    private readonly now: () => Date,
  ) {}

  private rows(caller: Caller, assessment: AssessmentFacts): Promise<Map<string, ValueRow>> {
    return inScope(this.db, caller.scope, (tx) => selectReturnRows(tx, assessment))
  }

  /** Every stored row of several forces' returns, from one query (none when no force is asked for). */
  private async rowsOfAssessments(
    caller: Caller,
    assessments: readonly AssessmentFacts[],
  ): Promise<ValueRow[]> {
    const ids = assessments.map((assessment) => assessment.id)
    return ids.length ? await inScope(this.db, caller.scope, (tx) => selectRowsOfAssessments(tx, ids)) : []
  }

  /**
   * The force's part of the inspection, checked again here: a force's people reach only their own (another
   * force's → not found), and only the inspectorate and forces read returns at all.
   */
  private async assessment(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<AssessmentFacts> {
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const assessment = await this.inspections.assessment(caller, inspectionId, forceCode)
    if (caller.scope.kind === 'force' && assessment.force.id !== caller.scope.forceId)
      throw new NotFoundError()
    return assessment
  }

  /**
   * A force's return: every item with its value, where it came from, and any override with its reason;
   * and, computed from the records now, each computed item whose stored value they no longer give.
   */
  async get(caller: Caller, inspectionId: string, forceCode: string): Promise<DataReturnView> {
    requireRole(caller, ...RETURN_READERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const rows = await this.rows(caller, assessment)
    const times = [...rows.values()].map((row) => row.recordedAt.getTime())
    const { changes, acknowledgement } = await this.freshness(caller, assessment, rows)
    return {
      assessment,
      items: DATA_RETURN_ITEMS.map((item) => toView(item, rows.get(item.code))),
      updatedAt: times.length ? new Date(Math.max(...times)) : null,
      changes,
      acknowledgement,
    }
  }

  /** The stored return against the records now, and the acknowledgement of exactly those changes, if any. */
  private async freshness(caller: Caller, assessment: AssessmentFacts, rows: Map<string, ValueRow>) {
    const changes = recordChanges(rows, await this.computeFor(caller, assessment))
    if (!changes.length) return { changes, acknowledgement: null }
    const key = changesKey(changes)
    const events = await this.audit.history(caller, DATA_RETURN_ENTITY, assessment.id)
    const event = events
      .filter((candidate) => candidate.action === ACKNOWLEDGE_CHANGES)
      .findLast((candidate) => (candidate.after as { key?: string } | null)?.key === key)
    return {
      changes,
      acknowledgement: event
        ? {
            by: event.actorLabel,
            at: event.occurredAt,
            reason: String((event.after as { reason?: string }).reason ?? ''),
          }
        : null,
    }
  }

  /**
   * Why a force's documents may not be approved or published from its return now: its records changed
   * since it was computed and no one acknowledged exactly those changes. Null when nothing stands in the way.
   */
  async unacknowledgedChanges(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<string | null> {
    const { changes, acknowledgement } = await this.get(caller, inspectionId, forceCode)
    if (!changes.length || acknowledgement) return null
    return `the data return's records changed since it was computed (${describeChanges(changes)}): recalculate the return and generate the documents again, or acknowledge the changes on the return`
  }

  /**
   * Records, with a reason, that the return's records changed since it was computed and that it stands
   * as it is for now (e.g. a late case to be counted at the next revisit). It holds for exactly the
   * changes listed; any further change needs recalculating or acknowledging again. Audited.
   */
  async acknowledgeChanges(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<RecordChange[]> {
    requireRole(caller, ...RETURN_OVERRIDERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const reason = reasonOf(input, 'Enter why the return may stand although its records changed')
    const { changes } = await this.freshness(caller, assessment, await this.rows(caller, assessment))
    if (!changes.length)
      throw new ValidationError({
        reason: 'The return agrees with its records: there is nothing to acknowledge',
      })
    const now = this.now()
    await inScope(this.db, caller.scope, (tx) =>
      acknowledge({ tx, caller, assessment, now }, changes, reason),
    )
    return changes
  }

  /** The values as they stand, by item code (null where there is none): what publications quote. */
  async values(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<Record<string, number | null>> {
    requireRole(caller, ...RETURN_READERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return (await this.valuesFor(caller, [assessment])).get(assessment.id) as Record<string, number | null>
  }

  /**
   * `values` for several forces' parts of an inspection at once, by assessment id, from one query: every
   * item's value as it stands (the override, else the computed or supplied value; null where none).
   */
  async valuesFor(
    caller: Caller,
    assessments: readonly AssessmentFacts[],
  ): Promise<Map<string, Record<string, number | null>>> {
    requireRole(caller, ...RETURN_READERS)
    const { scope } = caller
    if (scope.kind !== 'force' && scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (scope.kind === 'force' && assessments.some((assessment) => assessment.force.id !== scope.forceId))
      throw new NotFoundError()
    const rows = await this.rowsOfAssessments(caller, assessments)
    return standingValues(assessments, rows)
  }

  /** The return's history in the audit trail, oldest first. */
  async history(caller: Caller, inspectionId: string, forceCode: string): Promise<AuditEvent[]> {
    requireRole(caller, ...RETURN_READERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return this.audit.history(caller, DATA_RETURN_ENTITY, assessment.id)
  }

  /** Whether the caller may do each thing on a force's return, for the page's buttons. */
  abilities(caller: Caller) {
    const has = (roles: Role[]) => callerHas(caller, roles)
    return {
      recalculate: has(RETURN_CALCULATORS),
      override: has(RETURN_OVERRIDERS),
      acknowledge: has(RETURN_OVERRIDERS),
      supply: caller.scope.kind === 'force' && has(RETURN_SUPPLIERS),
    }
  }

  /**
   * Computes every computed item from the force's own records, without storing anything: the counts for
   * the data period, the census date and, for the unit's staffing, the census date of the inspection
   * this one revisits.
   */
  async computeFor(caller: Caller, assessment: AssessmentFacts): Promise<Record<string, ComputedValue>> {
    return (await this.computeForAll(caller, [assessment])).get(assessment.id) as Record<
      string,
      ComputedValue
    >
  }

  /** `computeFor` for several forces' parts of ONE inspection at once, by assessment id. */
  computeForAll(
    caller: Caller,
    assessments: readonly AssessmentFacts[],
  ): Promise<Map<string, Record<string, ComputedValue>>> {
    return computeReturns(this.sources, caller, assessments)
  }

  /**
   * Every force's return in the inspection's scope (the caller's own force only, for a force), computed
   * from the records without storing anything, by force code: the batch `compute`.
   */
  async computeAll(
    caller: Caller,
    inspectionId: string,
  ): Promise<Map<string, Record<string, ComputedValue>>> {
    requireRole(caller, ...RETURN_CALCULATORS)
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const assessments = await this.inspections.assessments(caller, inspectionId)
    const computed = await this.computeForAll(caller, assessments)
    return new Map(
      assessments.map((assessment) => [
        assessment.force.code,
        computed.get(assessment.id) as Record<string, ComputedValue>,
      ]),
    )
  }

  /** Computes the force's return from its records, without storing it. */
  async compute(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<Record<string, ComputedValue>> {
    requireRole(caller, ...RETURN_CALCULATORS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return this.computeFor(caller, assessment)
  }

  /**
   * "Recalculate from records": computes every computed item and stores it beside any override, audited
   * as one event with the values before and after. An item the force supplied is left as supplied.
   */
  async refresh(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<{ changed: string[]; skipped: string[] }> {
    requireRole(caller, ...RETURN_CALCULATORS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const computed = await this.computeFor(caller, assessment)
    const now = this.now()
    return inScope(this.db, caller.scope, (tx) => storeComputed({ tx, caller, assessment, now }, computed))
  }

  /**
   * Overrides an item's value with a reason. The computed or supplied value stays beside it; a part may
   * never exceed its whole. A force's administrator overrides their own force's; an inspector any force's.
   */
  async override(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<ReturnItemView> {
    requireRole(caller, ...RETURN_OVERRIDERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const { item, value, reason } = overrideInput(input)
    const now = this.now()
    return inScope(this.db, caller.scope, (tx) =>
      storeOverride({ tx, caller, assessment, now }, item, { value, reason }),
    )
  }

  /** Removes an override, with a reason: the computed or supplied value stands again. */
  async removeOverride(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<ReturnItemView> {
    requireRole(caller, ...RETURN_OVERRIDERS)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const item = requireItem(input.item)
    const reason = reasonOf(input, 'Enter the reason for removing the override')
    const now = this.now()
    return inScope(this.db, caller.scope, (tx) =>
      clearOverride({ tx, caller, assessment, now }, item, reason),
    )
  }

  private supplier(caller: Caller) {
    requireRole(caller, ...RETURN_SUPPLIERS)
    if (caller.scope.kind !== 'force' && caller.actor.type !== 'system')
      throw new ForbiddenError('Only the force supplies its own return')
  }

  /**
   * The force types values for items Probity does not compute (e.g. whether it has a counter-corruption
   * plan): `input` maps item codes to what was written; a blank leaves the item as it is.
   */
  async supply(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<{ changed: string[] }> {
    this.supplier(caller)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const values = suppliedInput(input)
    const changed = await inScope(this.db, caller.scope, (tx) =>
      storeSupplied({ tx, caller, assessment, now: this.now() }, values, 'supply'),
    )
    return { changed }
  }

  /** The XLSX template of the force's return, for it to fill in and upload. */
  async template(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<{ filename: string; data: Buffer }> {
    return returnTemplate(await this.get(caller, inspectionId, forceCode))
  }

  /**
   * The dry run of an uploaded template: each item's value as read, and every bad row with its line and
   * reason. Nothing is stored; when nothing is wrong and something would change, the values wait for the
   * person to confirm them.
   */
  async previewUpload(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    file: UploadedFile,
  ): Promise<UploadPreview> {
    this.supplier(caller)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    const sheet = await this.pendingImports.readUpload(file, ['item', 'value'])
    const { preview, values } = previewOfUpload(file.filename, sheet, await this.rows(caller, assessment))
    if (!preview.problemCount && Object.keys(values).length)
      preview.importId = await this.pendingImports.save(
        caller,
        assessment.force.id,
        DATA_RETURN_REGISTER,
        file.filename,
        pendingValues(assessment, values),
      )
    return preview
  }

  /** Stores a previewed upload's values as supplied, in one transaction: all of them or none. */
  async confirmUpload(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    importId: string,
  ): Promise<{ filename: string; changed: string[] }> {
    this.supplier(caller)
    const assessment = await this.assessment(caller, inspectionId, forceCode)
    return inScope(this.db, caller.scope, async (tx) => {
      const pending = await this.pendingImports.take(tx, DATA_RETURN_REGISTER, importId)
      const values = confirmedValues(pending, assessment)
      const changed = await storeSupplied({ tx, caller, assessment, now: this.now() }, values, 'upload', {
        filename: pending.filename,
      })
      return { filename: pending.filename, changed }
    })
  }

  /**
   * Added for issue #9 (document imports, src/modules/press-releases): an inspector records the figures a
   * published document states (a historic report or press release) as the force's SUPPLIED values, inside
   * the caller's transaction `tx` (so the judgement and the document's status change with them, all or
   * none). Each value's detail notes `importedFrom`. An item that already has a value is refused unless
   * `replace` is set; replacing clears any override on it (the audit event keeps what stood before).
   */
  async recordPublishedValues(
    tx: Transaction,
    caller: Caller,
    assessment: AssessmentFacts,
    values: Record<string, number>,
    source: string,
    options: { replace: boolean },
  ): Promise<{ changed: string[] }> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    checkPublishedValues(values)
    return storePublished({ tx, caller, assessment, now: this.now() }, values, source, options)
  }

  /**
   * The national table: every force in the inspection's scope with its values as they stand, rates per
   * 1,000 workforce and outliers. The inspectorate's only: a force does not see its peers' figures.
   */
  async comparison(caller: Caller, inspectionId: string): Promise<ComparisonView> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const inspection = await this.inspections.get(caller, inspectionId)
    const assessments = await this.inspections.assessments(caller, inspectionId)
    const rows = await this.rowsOfAssessments(caller, assessments)
    const fte = new Map((await this.forces.list()).map((force) => [force.code, force.officersFte]))
    return { inspection, ...buildComparison(comparisonInputs(assessments, rows, fte)) }
  }

  /** The comparison for a download, recorded in the audit trail. */
  async exportComparison(caller: Caller, inspectionId: string, format: string): Promise<ComparisonView> {
    const view = await this.comparison(caller, inspectionId)
    await this.audit.recordExport(
      caller,
      {
        forceId: null,
        entityType: 'data-return-comparison',
        format,
        rows: view.rows.length,
        filters: { inspection: view.inspection.code },
      },
      this.now(),
    )
    return view
  }
}
