import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, userIdOf } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { headlineOf, swapWithNeighbour } from '../../domain/fieldwork.js'
import type { FindingKind, JudgementStatus } from '../../domain/inspections.js'
import { parseOrThrow } from '../../domain/validation.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { FrameworksService } from '../frameworks/service.js'
import type { AssessmentView, InspectionsService } from '../inspections/service.js'
import { findingEditSchema, findingSchema, moveSchema, noteSchema } from './fields.js'
import { HeadlineJudgements } from './judgements.js'
import {
  deleteFindingRow,
  type FindingRow,
  insertFinding,
  insertNote,
  type JudgementRow,
  type NoteRow,
  selectAreaFindingsForUpdate,
  selectFinding,
  selectFindings,
  selectFindingsOf,
  selectJudgement,
  selectJudgementSummaries,
  selectJudgementsOf,
  selectLastPosition,
  selectNotes,
  updateFinding,
  updateFindingPosition,
} from './queries.js'
import { FINDING_ENTITY, FieldworkWorkflow, JUDGEMENT_ENTITY, NOTE_ENTITY } from './workflow.js'

export interface AreaReference {
  id: string
  code: string
  title: string
  position: number
}

/** One framework area of a force's fieldwork: the inspectors' notes (oldest first) and findings in order. */
export interface AreaFieldwork {
  area: AreaReference
  notes: NoteRow[]
  findings: FindingRow[]
}

export interface Fieldwork {
  assessment: AssessmentView
  /** The framework's judgement scale, best first. */
  scale: string[]
  areas: AreaFieldwork[]
  judgement: JudgementRow | null
}

/** A finding as a report states it: in report order (area by area, then the order set within each). */
export interface ReportFinding {
  id: string
  kind: FindingKind
  text: string
  position: number
  area: AreaReference
}

/** What a force's reports state from its fieldwork. */
export interface ReportFacts {
  headline: string | null
  findings: ReportFinding[]
}

export interface JudgementSummary {
  judgement: string
  status: JudgementStatus
}

/**
 * Evidence notes, findings and the headline judgement of a force in an inspection: the inspectorate's
 * own work, which no force reads (row-level security refuses force scopes; this refuses them first, as
 * not found). Every change is audited without a force, so a force's own audit trail never shows it.
 * The headline judgement's changes are made in judgements.ts.
 */
export class FieldworkService extends FieldworkWorkflow {
  private readonly headlineJudgements: HeadlineJudgements

  constructor(
    db: Database,
    inspections: InspectionsService,
    private readonly frameworks: FrameworksService,
    private readonly audit: AuditService,
    now: () => Date,
  ) {
    super(db, inspections, now)
    this.headlineJudgements = new HeadlineJudgements(db, inspections, now)
  }

  private async areasOf(caller: Caller, assessment: AssessmentView): Promise<AreaReference[]> {
    const { areas } = await this.frameworks.get(caller, assessment.framework.id)
    return areas
      .map((area) => ({ id: area.id, code: area.code, title: area.title, position: area.position }))
      .sort((a, b) => a.position - b.position)
  }

  private async areaNamed(caller: Caller, assessment: AssessmentView, code: string) {
    const area = (await this.areasOf(caller, assessment)).find((a) => a.code === code || a.id === code)
    if (!area) throw new ValidationError({ area: 'Select an area of the inspection’s framework' })
    return area
  }

  /** Everything on the fieldwork page of one force: notes and findings per area, and the judgement. */
  async fieldwork(caller: Caller, inspectionId: string, forceCode: string): Promise<Fieldwork> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const areas = await this.areasOf(caller, assessment)
    const { notes, found, judgement } = await inScope(this.db, caller.scope, async (tx) => ({
      notes: await selectNotes(tx, assessment.id),
      found: await selectFindings(tx, assessment.id),
      judgement: await selectJudgement(tx, assessment.id),
    }))
    return {
      assessment,
      scale: [...assessment.framework.judgementScale],
      areas: areas.map((area) => ({
        area,
        notes: notes.filter((note) => note.areaId === area.id),
        findings: found.filter((finding) => finding.areaId === area.id),
      })),
      judgement,
    }
  }

  async addNote(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<NoteRow> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const values = parseOrThrow(noteSchema, input)
    this.checkOpen(assessment)
    const area = await this.areaNamed(caller, assessment, values.area)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [created] = await insertNote(tx, {
        assessmentId: assessment.id,
        forceId: assessment.force.id,
        areaId: area.id,
        note: values.note,
        authorId: userIdOf(caller),
        authorLabel: caller.actor.label,
        createdAt: now,
      })
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(NOTE_ENTITY, created.id, 'create'),
          after: { ...this.context(assessment), area: area.code, note: created.note },
        },
        now,
      )
      return created
    })
  }

  async addFinding(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<FindingRow> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const values = parseOrThrow(findingSchema, input)
    this.checkOpen(assessment)
    const area = await this.areaNamed(caller, assessment, values.area)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [last] = await selectLastPosition(tx, assessment.id, area.id)
      const [created] = await insertFinding(tx, {
        assessmentId: assessment.id,
        forceId: assessment.force.id,
        areaId: area.id,
        kind: values.kind,
        text: values.text,
        position: (last?.position ?? 0) + 1,
        createdBy: userIdOf(caller),
        createdAt: now,
        updatedAt: now,
      })
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(FINDING_ENTITY, created.id, 'create'),
          after: { ...this.context(assessment), area: area.code, kind: created.kind, text: created.text },
        },
        now,
      )
      return created
    })
  }

  private async findingRow(tx: Transaction, assessment: AssessmentView, findingId: string) {
    if (!z.uuid().safeParse(findingId).success) throw new NotFoundError('No such finding')
    const [row] = await selectFinding(tx, assessment.id, findingId)
    if (!row) throw new NotFoundError('No such finding')
    return row
  }

  /** One finding of the force's fieldwork, with its area, for the edit page. */
  async finding(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    findingId: string,
  ): Promise<{ assessment: AssessmentView; finding: FindingRow; area: AreaReference }> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const finding = await inScope(this.db, caller.scope, (tx) => this.findingRow(tx, assessment, findingId))
    const area = (await this.areasOf(caller, assessment)).find((a) => a.id === finding.areaId)
    if (!area) throw new NotFoundError('No such finding')
    return { assessment, finding, area }
  }

  async editFinding(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    findingId: string,
    input: Record<string, unknown>,
  ): Promise<FindingRow> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const values = parseOrThrow(findingEditSchema, input)
    this.checkOpen(assessment)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const before = await this.findingRow(tx, assessment, findingId)
      const [updated] = await updateFinding(tx, before.id, {
        kind: values.kind,
        text: values.text,
        updatedAt: now,
      })
      if (!updated) throw new NotFoundError('No such finding')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(FINDING_ENTITY, before.id, 'update'),
          before: { kind: before.kind, text: before.text },
          after: { kind: updated.kind, text: updated.text },
        },
        now,
      )
      return updated
    })
  }

  async deleteFinding(caller: Caller, inspectionId: string, forceCode: string, findingId: string) {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    this.checkOpen(assessment)
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      const before = await this.findingRow(tx, assessment, findingId)
      await deleteFindingRow(tx, before.id)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(FINDING_ENTITY, before.id, 'delete'),
          before: { ...this.context(assessment), kind: before.kind, text: before.text },
        },
        now,
      )
    })
  }

  /** Moves a finding one place up or down among its area's findings: the order the report states them. */
  async moveFinding(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    findingId: string,
    input: Record<string, unknown>,
  ): Promise<void> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const { direction } = parseOrThrow(moveSchema, input)
    this.checkOpen(assessment)
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      const finding = await this.findingRow(tx, assessment, findingId)
      // Lock the area's findings so two moves at once cannot give two findings one place.
      const inArea = await selectAreaFindingsForUpdate(tx, assessment.id, finding.areaId)
      const moves = swapWithNeighbour(inArea, finding.id, direction)
      if (!moves.length) return
      for (const move of moves) await updateFindingPosition(tx, move.id, move.position)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(FINDING_ENTITY, finding.id, `move-${direction}`),
          before: { position: finding.position },
          after: { position: moves[0]?.position },
        },
        now,
      )
    })
  }

  // --- the headline judgement's changes (judgements.ts) ---

  proposeJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<JudgementRow> {
    return this.headlineJudgements.proposeJudgement(caller, inspectionId, forceCode, input)
  }

  confirmJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input?: Record<string, unknown>,
  ): Promise<JudgementRow> {
    return this.headlineJudgements.confirmJudgement(caller, inspectionId, forceCode, input)
  }

  returnJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<JudgementRow> {
    return this.headlineJudgements.returnJudgement(caller, inspectionId, forceCode, input)
  }

  reopenJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<JudgementRow> {
    return this.headlineJudgements.reopenJudgement(caller, inspectionId, forceCode, input)
  }

  recordPublishedJudgement(
    tx: Transaction,
    caller: Caller,
    assessment: AssessmentView,
    judgement: string,
    source: string,
    options: { replace: boolean },
  ): Promise<JudgementRow> {
    return this.headlineJudgements.recordPublishedJudgement(
      tx,
      caller,
      assessment,
      judgement,
      source,
      options,
    )
  }

  /** What happened to a force's judgement, oldest first (proposals, confirmations, returns, reopenings). */
  async judgementHistory(caller: Caller, assessment: AssessmentView): Promise<AuditEvent[]> {
    this.checkInspector(caller)
    return this.audit.history(caller, JUDGEMENT_ENTITY, assessment.id)
  }

  /**
   * The judgement and its status for every force of an inspection that has one, by force id, for the
   * inspection's overview. Empty for anyone but inspectors: a force does not see judgements.
   */
  async judgementsFor(caller: Caller, inspectionId: string): Promise<Map<number, JudgementSummary>> {
    if (!this.doesFieldwork(caller)) return new Map()
    const assessments = await this.inspections.assessments(caller, inspectionId)
    const ids = assessments.map((assessment) => assessment.id)
    if (!ids.length) return new Map()
    const rows = await inScope(this.db, caller.scope, (tx) => selectJudgementSummaries(tx, ids))
    return new Map(rows.map((row) => [row.forceId, { judgement: row.judgement, status: row.status }]))
  }

  /** A force's findings in the order its report states them, each with its area, for publication. */
  async findingsFor(caller: Caller, assessment: AssessmentView): Promise<ReportFinding[]> {
    return ((await this.reportFactsFor(caller, [assessment])).get(assessment.id) as ReportFacts).findings
  }

  /**
   * What the reports of several forces state from fieldwork, by assessment id: the findings in the
   * framework's area order, and the headline judgement (the confirmed one, or null). Each framework's
   * areas are read once and every force's findings and judgements in one query each. Issue #11.
   */
  async reportFactsFor(
    caller: Caller,
    assessments: readonly AssessmentView[],
  ): Promise<Map<string, ReportFacts>> {
    this.checkInspector(caller)
    const areasOf = new Map<string, AreaReference[]>()
    for (const assessment of assessments)
      if (!areasOf.has(assessment.framework.id))
        areasOf.set(assessment.framework.id, await this.areasOf(caller, assessment))
    const ids = assessments.map((assessment) => assessment.id)
    const { found, judged } = ids.length
      ? await inScope(this.db, caller.scope, async (tx) => ({
          found: await selectFindingsOf(tx, ids),
          judged: await selectJudgementsOf(tx, ids),
        }))
      : { found: [], judged: [] }
    const facts = new Map<string, ReportFacts>()
    for (const assessment of assessments) {
      const areas = areasOf.get(assessment.framework.id) as AreaReference[]
      const areaOrder = new Map(areas.map((area, index) => [area.id, index]))
      const rows = found.filter((row) => row.assessmentId === assessment.id)
      facts.set(assessment.id, {
        headline: headlineOf(judged.find((row) => row.assessmentId === assessment.id) ?? null),
        findings: rows
          .filter((row) => areaOrder.has(row.areaId))
          .sort(
            (a, b) =>
              (areaOrder.get(a.areaId) ?? 0) - (areaOrder.get(b.areaId) ?? 0) ||
              a.position - b.position ||
              a.createdAt.getTime() - b.createdAt.getTime(),
          )
          .map((row) => ({
            id: row.id,
            kind: row.kind,
            text: row.text,
            position: row.position,
            area: areas[areaOrder.get(row.areaId) ?? 0] as AreaReference,
          })),
      })
    }
    return facts
  }

  /**
   * A force's headline judgement as it stands, whatever its status (null when none was proposed). Only
   * a confirmed one is the headline: see headlineOf.
   */
  async judgementOf(caller: Caller, assessment: AssessmentView): Promise<JudgementRow | null> {
    this.checkInspector(caller)
    return inScope(this.db, caller.scope, (tx) => selectJudgement(tx, assessment.id))
  }

  /** The headline judgement a report states: the confirmed one, or null while there is none. */
  async headlineOf(caller: Caller, assessment: AssessmentView): Promise<string | null> {
    return headlineOf(await this.judgementOf(caller, assessment))
  }
}
