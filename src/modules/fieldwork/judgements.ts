import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, userIdOf } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { type JudgementAction, judgementRefusal, onScale } from '../../domain/fieldwork.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { AssessmentView } from '../inspections/service.js'
import { confirmSchema, proposeSchema, reopenSchema, returnSchema } from './fields.js'
import { insertJudgement, type JudgementRow, selectJudgementForUpdate, updateJudgement } from './queries.js'
import { FieldworkWorkflow, JUDGEMENT_ENTITY } from './workflow.js'

/**
 * Changes to a force's headline judgement: an inspector proposes it, a different inspector confirms or
 * returns it, and an inspector reopens a confirmed one; a published one is recorded as confirmed. Each
 * change locks the judgement and is audited in its transaction.
 */
export class HeadlineJudgements extends FieldworkWorkflow {
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
      const current = await selectJudgementForUpdate(tx, assessment.id)
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
        ? await updateJudgement(tx, assessment.id, proposal)
        : await insertJudgement(tx, {
            assessmentId: assessment.id,
            forceId: assessment.force.id,
            ...proposal,
          })
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
      const current = await selectJudgementForUpdate(tx, assessment.id)
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
      const [row] = await updateJudgement(tx, assessment.id, change)
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
    const current = await selectJudgementForUpdate(tx, assessment.id)
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
      ? await updateJudgement(tx, assessment.id, published)
      : await insertJudgement(tx, { assessmentId: assessment.id, forceId: assessment.force.id, ...published })
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
}
