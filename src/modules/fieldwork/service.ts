import { and, asc, count, eq, inArray, max } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  headlineOf,
  type JudgementAction,
  judgementRefusal,
  onScale,
  swapWithNeighbour,
} from '../../domain/fieldwork.js'
import type { FindingKind, JudgementStatus } from '../../domain/inspections.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { FrameworksService } from '../frameworks/service.js'
import type { AssessmentView, InspectionsService } from '../inspections/service.js'
import {
  confirmSchema,
  findingEditSchema,
  findingSchema,
  moveSchema,
  noteSchema,
  proposeSchema,
  reopenSchema,
  returnSchema,
} from './fields.js'
import { evidenceNotes, findings, judgements } from './schema.js'

/** Fieldwork is the inspectors' (an inspectorate administrator is one too). */
export const FIELDWORK_ROLES: Role[] = ['inspector']
export const NOTE_ENTITY = 'evidence-note'
export const FINDING_ENTITY = 'finding'
export const JUDGEMENT_ENTITY = 'judgement'

export type NoteRow = typeof evidenceNotes.$inferSelect
export type FindingRow = typeof findings.$inferSelect
export type JudgementRow = typeof judgements.$inferSelect

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
 */
export class FieldworkService {
  constructor(
    private readonly db: Database,
    private readonly inspections: InspectionsService,
    private readonly frameworks: FrameworksService,
    private readonly audit: AuditService,
    private readonly now: () => Date,
  ) {}

  /** Only inspectors in the inspectorate's scope; anyone else is told there is nothing here. */
  private checkInspector(caller: Caller) {
    if (caller.scope.kind !== 'inspectorate') throw new NotFoundError()
    if (!callerHas(caller, FIELDWORK_ROLES)) throw new ForbiddenError()
  }

  /** Whether the caller does fieldwork, so pages know whether to link to it. */
  doesFieldwork(caller: Caller): boolean {
    return caller.scope.kind === 'inspectorate' && callerHas(caller, FIELDWORK_ROLES)
  }

  private async assessmentOf(caller: Caller, inspectionId: string, forceCode: string) {
    this.checkInspector(caller)
    return this.inspections.assessment(caller, inspectionId, forceCode)
  }

  /** A change needs an inspection that is not closed. */
  private checkOpen(assessment: AssessmentView) {
    if (assessment.inspection.status === 'closed')
      throw new ValidationError({ form: 'This inspection is closed: its fieldwork can no longer change' })
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
      notes: await tx
        .select()
        .from(evidenceNotes)
        .where(eq(evidenceNotes.assessmentId, assessment.id))
        .orderBy(asc(evidenceNotes.createdAt), asc(evidenceNotes.id)),
      found: await this.findingsIn(tx, assessment.id),
      judgement: await this.judgementIn(tx, assessment.id),
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

  private findingsIn(tx: Transaction, assessmentId: string) {
    return tx
      .select()
      .from(findings)
      .where(eq(findings.assessmentId, assessmentId))
      .orderBy(asc(findings.position), asc(findings.createdAt), asc(findings.id))
  }

  private async judgementIn(tx: Transaction, assessmentId: string): Promise<JudgementRow | null> {
    const [row] = await tx.select().from(judgements).where(eq(judgements.assessmentId, assessmentId))
    return row ?? null
  }

  private auditRecord(entityType: string, entityId: string, action: string) {
    // No force: fieldwork is the inspectorate's alone, and a force reads its own force's audit events.
    return { forceId: null, entityType, entityId, action }
  }

  private context(assessment: AssessmentView) {
    return { inspection: assessment.inspection.code, force: assessment.force.code }
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
      const [created] = await tx
        .insert(evidenceNotes)
        .values({
          assessmentId: assessment.id,
          forceId: assessment.force.id,
          areaId: area.id,
          note: values.note,
          authorId: userIdOf(caller),
          authorLabel: caller.actor.label,
          createdAt: now,
        })
        .returning()
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
      const [last] = await tx
        .select({ position: max(findings.position) })
        .from(findings)
        .where(and(eq(findings.assessmentId, assessment.id), eq(findings.areaId, area.id)))
      const [created] = await tx
        .insert(findings)
        .values({
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
        .returning()
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
    const [row] = await tx
      .select()
      .from(findings)
      .where(and(eq(findings.id, findingId), eq(findings.assessmentId, assessment.id)))
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
      const [updated] = await tx
        .update(findings)
        .set({ kind: values.kind, text: values.text, updatedAt: now })
        .where(eq(findings.id, before.id))
        .returning()
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
      await tx.delete(findings).where(eq(findings.id, before.id))
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
      const inArea = await tx
        .select({ id: findings.id, position: findings.position })
        .from(findings)
        .where(and(eq(findings.assessmentId, assessment.id), eq(findings.areaId, finding.areaId)))
        .orderBy(asc(findings.position), asc(findings.createdAt), asc(findings.id))
        .for('update')
      const moves = swapWithNeighbour(inArea, finding.id, direction)
      if (!moves.length) return
      for (const move of moves)
        await tx.update(findings).set({ position: move.position }).where(eq(findings.id, move.id))
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

  /** The person deciding: moderation needs to know who proposed and who confirms, so no API token. */
  private deciderOf(caller: Caller): string {
    const userId = userIdOf(caller)
    if (!userId)
      throw new ForbiddenError('Headline judgements are proposed and moderated by signed-in inspectors')
    return userId
  }

  private refuse(current: JudgementRow | null, action: JudgementAction, userId: string) {
    const refusal = judgementRefusal(current, action, userId)
    if (refusal) throw new ValidationError({ form: refusal })
  }

  /**
   * An inspector proposes a headline judgement from the framework's scale, with a rationale. It may be
   * replaced until it is confirmed; whoever proposes it last is its proposer.
   */
  async proposeJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<JudgementRow> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const userId = this.deciderOf(caller)
    const values = parseOrThrow(proposeSchema, input)
    const scale = assessment.framework.judgementScale
    if (!onScale(scale, values.judgement))
      throw new ValidationError({
        judgement: `Select a judgement from the framework’s scale: ${scale.join(', ')}`,
      })
    this.checkOpen(assessment)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const current = await this.lockedJudgement(tx, assessment.id)
      this.refuse(current, 'propose', userId)
      const proposal = {
        judgement: values.judgement,
        rationale: values.rationale,
        status: 'proposed' as const,
        proposedBy: userId,
        proposedByLabel: caller.actor.label,
        proposedAt: now,
        moderatedBy: null,
        moderatedByLabel: null,
        moderatedAt: null,
        moderationNote: null,
      }
      const [row] = current
        ? await tx
            .update(judgements)
            .set(proposal)
            .where(eq(judgements.assessmentId, assessment.id))
            .returning()
        : await tx
            .insert(judgements)
            .values({ assessmentId: assessment.id, forceId: assessment.force.id, ...proposal })
            .returning()
      if (!row) throw new Error('the judgement was not written')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(JUDGEMENT_ENTITY, assessment.id, 'propose'),
          before: current ? { judgement: current.judgement, status: current.status } : null,
          after: { ...this.context(assessment), judgement: row.judgement, rationale: row.rationale },
        },
        now,
      )
      return row
    })
  }

  private async lockedJudgement(tx: Transaction, assessmentId: string): Promise<JudgementRow | null> {
    const [row] = await tx
      .select()
      .from(judgements)
      .where(eq(judgements.assessmentId, assessmentId))
      .for('update')
    return row ?? null
  }

  /** Another inspector than the proposer confirms the proposed judgement: it is then the headline. */
  async confirmJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown> = {},
  ): Promise<JudgementRow> {
    const { note } = parseOrThrow(confirmSchema, input)
    return this.moderate(caller, inspectionId, forceCode, 'confirm', note)
  }

  /** Another inspector than the proposer returns the proposed judgement with a note, to be proposed again. */
  async returnJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<JudgementRow> {
    const { note } = parseOrThrow(returnSchema, input)
    return this.moderate(caller, inspectionId, forceCode, 'return', note)
  }

  /**
   * An inspector reopens a confirmed judgement with a reason: it goes back to proposed, with the same
   * judgement and proposer, so a different inspector must confirm it again (or someone proposes anew).
   */
  async reopenJudgement(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<JudgementRow> {
    const { reason } = parseOrThrow(reopenSchema, input)
    return this.moderate(caller, inspectionId, forceCode, 'reopen', reason)
  }

  private async moderate(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    action: 'confirm' | 'return' | 'reopen',
    note: string | null,
  ): Promise<JudgementRow> {
    const assessment = await this.assessmentOf(caller, inspectionId, forceCode)
    const userId = this.deciderOf(caller)
    this.checkOpen(assessment)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const current = await this.lockedJudgement(tx, assessment.id)
      this.refuse(current, action, userId)
      const change =
        action === 'reopen'
          ? {
              status: 'proposed' as const,
              moderatedBy: null,
              moderatedByLabel: null,
              moderatedAt: null,
              moderationNote: note,
            }
          : {
              status: action === 'confirm' ? ('confirmed' as const) : ('returned' as const),
              moderatedBy: userId,
              moderatedByLabel: caller.actor.label,
              moderatedAt: now,
              moderationNote: note,
            }
      const [row] = await tx
        .update(judgements)
        .set(change)
        .where(eq(judgements.assessmentId, assessment.id))
        .returning()
      if (!row || !current) throw new Error('the judgement was not written')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          ...this.auditRecord(JUDGEMENT_ENTITY, assessment.id, action),
          before: { judgement: current.judgement, status: current.status },
          after: { ...this.context(assessment), judgement: row.judgement, status: row.status, note },
        },
        now,
      )
      return row
    })
  }

  /**
   * Added for issue #9 (document imports, src/modules/press-releases): records the headline judgement a
   * PUBLISHED document states (a historic report or press release) as confirmed at once, without the
   * two-inspector moderation — it was moderated when it was published. The source goes in the moderation
   * note. Runs in the caller's transaction `tx` (the document import's), so it stands or falls with the
   * imported values. A closed inspection takes it too: historic baselines belong to closed inspections.
   * A confirmed judgement is replaced only with `replace`; a proposed or returned one is superseded.
   */
  async recordPublishedJudgement(
    tx: Transaction,
    caller: Caller,
    assessment: AssessmentView,
    judgement: string,
    source: string,
    options: { replace: boolean },
  ): Promise<JudgementRow> {
    this.checkInspector(caller)
    const userId = this.deciderOf(caller)
    const scale = assessment.framework.judgementScale
    if (!onScale(scale, judgement))
      throw new ValidationError({
        headline: `The headline judgement must be one of the framework’s scale: ${scale.join(', ')}`,
      })
    const now = this.now()
    const current = await this.lockedJudgement(tx, assessment.id)
    if (current?.status === 'confirmed' && !options.replace)
      throw new ValidationError({
        replace: `The force already has a confirmed headline judgement (${current.judgement}): tick “Replace” to replace it`,
      })
    const note = `Imported from ${source}: the published judgement, recorded without moderation`
    const published = {
      judgement,
      rationale: `The judgement published in ${source}`,
      status: 'confirmed' as const,
      proposedBy: userId,
      proposedByLabel: caller.actor.label,
      proposedAt: now,
      moderatedBy: userId,
      moderatedByLabel: caller.actor.label,
      moderatedAt: now,
      moderationNote: note,
    }
    const [row] = current
      ? await tx
          .update(judgements)
          .set(published)
          .where(eq(judgements.assessmentId, assessment.id))
          .returning()
      : await tx
          .insert(judgements)
          .values({ assessmentId: assessment.id, forceId: assessment.force.id, ...published })
          .returning()
    if (!row) throw new Error('the judgement was not written')
    await appendAuditEvent(
      tx,
      caller.actor,
      {
        ...this.auditRecord(JUDGEMENT_ENTITY, assessment.id, 'import-published'),
        before: current ? { judgement: current.judgement, status: current.status } : null,
        after: { ...this.context(assessment), judgement: row.judgement, status: row.status, note },
      },
      now,
    )
    return row
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
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select({ forceId: judgements.forceId, judgement: judgements.judgement, status: judgements.status })
        .from(judgements)
        .where(inArray(judgements.assessmentId, ids)),
    )
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
          found: await tx
            .select()
            .from(findings)
            .where(inArray(findings.assessmentId, ids))
            .orderBy(asc(findings.position), asc(findings.createdAt), asc(findings.id)),
          judged: await tx.select().from(judgements).where(inArray(judgements.assessmentId, ids)),
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
    return inScope(this.db, caller.scope, (tx) => this.judgementIn(tx, assessment.id))
  }

  /** The headline judgement a report states: the confirmed one, or null while there is none. */
  async headlineOf(caller: Caller, assessment: AssessmentView): Promise<string | null> {
    return headlineOf(await this.judgementOf(caller, assessment))
  }

  /** How many findings and notes a force's fieldwork has, for a task list. */
  async counts(caller: Caller, assessment: AssessmentView): Promise<{ notes: number; findings: number }> {
    this.checkInspector(caller)
    return inScope(this.db, caller.scope, async (tx) => {
      const [notes] = await tx
        .select({ value: count() })
        .from(evidenceNotes)
        .where(eq(evidenceNotes.assessmentId, assessment.id))
      const [found] = await tx
        .select({ value: count() })
        .from(findings)
        .where(eq(findings.assessmentId, assessment.id))
      return { notes: notes?.value ?? 0, findings: found?.value ?? 0 }
    })
  }
}
