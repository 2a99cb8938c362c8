import { and, count, eq, inArray, isNotNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { requiredText } from '../../domain/fields.js'
import { isChiefOfficerGrade } from '../../domain/grades.js'
import {
  SELF_ASSESSMENT_RATINGS,
  type SelfAssessmentRating,
  type SelfAssessmentStatus,
} from '../../domain/inspections.js'
import { appendAuditEvent } from '../audit/service.js'
import type { AreaRow, QuestionRow } from '../frameworks/queries.js'
import type { FrameworksService } from '../frameworks/service.js'
import { type AssessmentView, INSPECTION_READERS, type InspectionsService } from '../inspections/service.js'
import { selfAssessmentAnswers, selfAssessments } from './schema.js'
import type { SignOffService } from './sign-off.js'

export type SelfAssessmentRow = typeof selfAssessments.$inferSelect
export type AnswerRow = typeof selfAssessmentAnswers.$inferSelect

export interface AnsweredQuestion {
  question: QuestionRow
  rating: SelfAssessmentRating | null
  evidence: string | null
}

export interface AreaAnswers {
  area: AreaRow
  questions: AnsweredQuestion[]
  answered: number
}

/** A force's self-assessment in an inspection, question by question, area by area. */
export interface SelfAssessmentView {
  assessment: AssessmentView
  status: SelfAssessmentStatus
  signedOffByName: string | null
  signedOffByRank: string | null
  submittedAt: Date | null
  updatedAt: Date | null
  areas: AreaAnswers[]
  /** Questions with a rating, of all the framework's questions. */
  answered: number
  total: number
  /** Whether this caller may change the answers now (the force, before submission). */
  mayEdit: boolean
  /** Whether this caller may submit it (the force's admin, before submission). */
  maySubmit: boolean
  /** Whether this caller may reopen it (the inspectorate, after submission). */
  mayReopen: boolean
}

/** One line of the inspectorate's table: a force in scope and where its self-assessment stands. */
export interface SelfAssessmentStatusRow {
  assessment: AssessmentView
  status: SelfAssessmentStatus
  answered: number
  total: number
  submittedAt: Date | null
  signedOffByName: string | null
  signedOffByRank: string | null
}

/** One question's answer as a form or the API gives it: blanks are allowed while drafting. */
export interface AnswerInput {
  questionId: string
  rating?: string | null
  evidence?: string | null
}

const answerSchema = z.object({
  questionId: z.uuid(),
  rating: z
    .string()
    .trim()
    .nullish()
    .transform((value) => value || null)
    .pipe(z.enum(SELF_ASSESSMENT_RATINGS, 'Select a rating from the list').nullable()),
  evidence: z
    .string()
    .trim()
    .max(10_000, 'Evidence must be 10,000 characters or fewer')
    .nullish()
    .transform((value) => value || null),
})

const confirmField = z
  .unknown()
  .refine(
    (value) => value === 'yes' || value === true || (Array.isArray(value) && value.includes('yes')),
    'Confirm that the chief officer has approved the self-assessment',
  )

/** A sign-off: the signatory chosen from those who may sign (SignOffService), and the confirmation. */
const signOffSchema = z.object({
  signedOffBy: z
    .string('Select the chief officer signing off')
    .trim()
    .min(1, 'Select the chief officer signing off'),
  confirm: confirmField,
})

/**
 * A sign-off recorded by name and rank, for historic self-assessments the command line loads (the demo's
 * 2012 forces, whose rosters are not all held): the rank must still be a chief officer's.
 */
const historicSignOffSchema = z.object({
  signedOffByName: requiredText('Enter the name of the chief officer signing off', 'Name', 200),
  signedOffByRank: requiredText('Enter the chief officer’s rank', 'Rank', 100).refine(
    isChiefOfficerGrade,
    'Rank must be a chief officer’s: Assistant Chief Constable or above',
  ),
  confirm: confirmField,
})

const reopenSchema = z.object({
  reason: z
    .string('Give the reason for reopening')
    .trim()
    .min(1, 'Give the reason for reopening')
    .max(2000, 'Reason must be 2000 characters or fewer'),
})

/** The field a rating is given in, on the area's form and in the error summary. */
export const ratingField = (questionId: string) => `rating-${questionId}`
export const evidenceField = (questionId: string) => `evidence-${questionId}`

export class SelfAssessmentsService {
  constructor(
    private readonly db: Database,
    private readonly inspections: InspectionsService,
    private readonly frameworks: FrameworksService,
    private readonly signOff: SignOffService,
    private readonly now: () => Date,
  ) {}

  /** Every force in scope with its self-assessment's status (a force caller sees only its own). */
  async statusTable(caller: Caller, inspectionId: string): Promise<SelfAssessmentStatusRow[]> {
    requireRole(caller, ...INSPECTION_READERS)
    const views = await this.inspections.assessments(caller, inspectionId)
    if (!views.length) return []
    const framework = await this.frameworks.get(caller, views[0]?.framework.id as string)
    const ids = views.map((view) => view.id)
    const { rows, answered } = await inScope(this.db, caller.scope, async (tx) => ({
      rows: await tx.select().from(selfAssessments).where(inArray(selfAssessments.assessmentId, ids)),
      answered: await tx
        .select({ assessmentId: selfAssessmentAnswers.assessmentId, answered: count() })
        .from(selfAssessmentAnswers)
        .where(and(inArray(selfAssessmentAnswers.assessmentId, ids), isNotNull(selfAssessmentAnswers.rating)))
        .groupBy(selfAssessmentAnswers.assessmentId),
    }))
    const byId = new Map(rows.map((row) => [row.assessmentId, row]))
    const counts = new Map(answered.map((row) => [row.assessmentId, row.answered]))
    return views.map((assessment) => {
      const row = byId.get(assessment.id)
      return {
        assessment,
        status: row?.status ?? 'not started',
        answered: counts.get(assessment.id) ?? 0,
        total: framework.questions.length,
        submittedAt: row?.submittedAt ?? null,
        signedOffByName: row?.signedOffByName ?? null,
        signedOffByRank: row?.signedOffByRank ?? null,
      }
    })
  }

  /** A force's self-assessment; another force's is not found. */
  async get(caller: Caller, inspectionId: string, forceCode: string): Promise<SelfAssessmentView> {
    requireRole(caller, ...INSPECTION_READERS)
    const assessment = await this.inspections.assessment(caller, inspectionId, forceCode)
    const framework = await this.frameworks.get(caller, assessment.framework.id)
    const { row, answers } = await inScope(this.db, caller.scope, (tx) => this.select(tx, assessment))
    const byQuestion = new Map(answers.map((answer) => [answer.questionId, answer]))
    const areas = framework.areas.map((area) => {
      const questions = framework.questions
        .filter((question) => question.areaId === area.id)
        .map((question) => {
          const answer = byQuestion.get(question.id)
          return { question, rating: answer?.rating ?? null, evidence: answer?.evidence ?? null }
        })
      return { area, questions, answered: questions.filter((q) => q.rating).length }
    })
    const status = row?.status ?? 'not started'
    const open = status !== 'submitted'
    const ownForce = caller.scope.kind === 'force' || caller.actor.type === 'system'
    return {
      assessment,
      status,
      signedOffByName: row?.signedOffByName ?? null,
      signedOffByRank: row?.signedOffByRank ?? null,
      submittedAt: row?.submittedAt ?? null,
      updatedAt: row?.updatedAt ?? null,
      areas,
      answered: areas.reduce((n, area) => n + area.answered, 0),
      total: framework.questions.length,
      mayEdit: open && ownForce && callerHas(caller, ['force-caseworker']),
      maySubmit: open && ownForce && callerHas(caller, ['force-admin']),
      mayReopen: !open && caller.scope.kind === 'inspectorate' && callerHas(caller, ['inspector']),
    }
  }

  /**
   * Where several forces' self-assessments stand (their status as `get` gives it), by assessment id,
   * from one query: what an inspection's publications state. Issue #11 (national scale).
   */
  async statuses(caller: Caller, assessments: readonly AssessmentView[]): Promise<Map<string, string>> {
    requireRole(caller, ...INSPECTION_READERS)
    const { scope } = caller
    if (scope.kind === 'force' && assessments.some((assessment) => assessment.force.id !== scope.forceId))
      throw new NotFoundError()
    const ids = assessments.map((assessment) => assessment.id)
    const rows = ids.length
      ? await inScope(this.db, caller.scope, (tx) =>
          tx
            .select({
              assessmentId: selfAssessments.assessmentId,
              forceId: selfAssessments.forceId,
              status: selfAssessments.status,
            })
            .from(selfAssessments)
            .where(inArray(selfAssessments.assessmentId, ids)),
        )
      : []
    return new Map(
      assessments.map((assessment) => [
        assessment.id,
        rows.find((row) => row.assessmentId === assessment.id && row.forceId === assessment.force.id)
          ?.status ?? 'not started',
      ]),
    )
  }

  private async select(tx: Transaction, assessment: AssessmentView) {
    const [row] = await tx
      .select()
      .from(selfAssessments)
      .where(
        and(
          eq(selfAssessments.assessmentId, assessment.id),
          eq(selfAssessments.forceId, assessment.force.id),
        ),
      )
    const answers = await tx
      .select()
      .from(selfAssessmentAnswers)
      .where(
        and(
          eq(selfAssessmentAnswers.assessmentId, assessment.id),
          eq(selfAssessmentAnswers.forceId, assessment.force.id),
        ),
      )
    return { row, answers }
  }

  /** The force's own, while not yet submitted: the inspectorate reads but never answers for a force. */
  private async editable(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
  ): Promise<{ assessment: AssessmentView; questions: QuestionRow[] }> {
    const assessment = await this.inspections.assessment(caller, inspectionId, forceCode)
    if (caller.scope.kind !== 'force' && caller.actor.type !== 'system')
      throw new ForbiddenError('Only the force answers its self-assessment')
    const framework = await this.frameworks.get(caller, assessment.framework.id)
    return { assessment, questions: framework.questions }
  }

  private assertOpen(row: SelfAssessmentRow | undefined) {
    if (row?.status === 'submitted')
      throw new ForbiddenError('The self-assessment has been submitted: the inspectorate can reopen it')
  }

  /**
   * Saves answers as a draft (blank ratings and evidence allowed): the self-assessment is then in
   * progress. Only the named questions change; a question of another framework is refused.
   */
  async saveAnswers(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: AnswerInput[],
  ): Promise<SelfAssessmentView> {
    requireRole(caller, 'force-caseworker')
    const { assessment, questions } = await this.editable(caller, inspectionId, forceCode)
    const known = new Set(questions.map((question) => question.id))
    const errors: Record<string, string> = {}
    const answers: z.output<typeof answerSchema>[] = []
    for (const item of input) {
      if (!known.has(item.questionId)) {
        errors.form = 'An answer names a question that is not in this framework'
        continue
      }
      const parsed = answerSchema.safeParse(item)
      if (parsed.success) answers.push(parsed.data)
      else
        for (const issue of parsed.error.issues)
          errors[
            issue.path[0] === 'evidence' ? evidenceField(item.questionId) : ratingField(item.questionId)
          ] ??= issue.message
    }
    if (Object.keys(errors).length) throw new ValidationError(errors)
    await inScope(this.db, caller.scope, async (tx) => {
      const { row } = await this.select(tx, assessment)
      this.assertOpen(row)
      const now = this.now()
      for (const answer of answers)
        await tx
          .insert(selfAssessmentAnswers)
          .values({
            assessmentId: assessment.id,
            forceId: assessment.force.id,
            questionId: answer.questionId,
            rating: answer.rating,
            evidence: answer.evidence,
            updatedBy: userIdOf(caller),
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [selfAssessmentAnswers.assessmentId, selfAssessmentAnswers.questionId],
            set: {
              rating: answer.rating,
              evidence: answer.evidence,
              updatedBy: userIdOf(caller),
              updatedAt: now,
            },
          })
      await this.upsertStatus(tx, assessment, { status: 'in progress', updatedAt: now })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: assessment.force.id,
          entityType: 'self-assessment',
          entityId: assessment.id,
          action: 'save-answers',
          before: { status: row?.status ?? 'not started' },
          after: { status: 'in progress', answers },
        },
        now,
      )
    })
    return this.get(caller, inspectionId, forceCode)
  }

  private async upsertStatus(
    tx: Transaction,
    assessment: AssessmentView,
    values: Partial<SelfAssessmentRow>,
  ) {
    await tx
      .insert(selfAssessments)
      .values({ assessmentId: assessment.id, forceId: assessment.force.id, status: 'in progress', ...values })
      .onConflictDoUpdate({ target: selfAssessments.assessmentId, set: values })
  }

  /**
   * Submits the self-assessment with the sign-off of a named chief officer. Refused, with a message for
   * each, while any question lacks a rating; afterwards nothing changes unless the inspectorate reopens it.
   */
  async submit(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<SelfAssessmentView> {
    requireRole(caller, 'force-admin')
    const { assessment, questions } = await this.editable(caller, inspectionId, forceCode)
    const signed = await this.readSignOff(caller, assessment, input)
    await inScope(this.db, caller.scope, async (tx) => {
      const { row, answers } = await this.select(tx, assessment)
      this.assertOpen(row)
      const rated = new Set(answers.filter((answer) => answer.rating).map((answer) => answer.questionId))
      const errors: Record<string, string> = {}
      for (const question of questions)
        if (!rated.has(question.id))
          errors[ratingField(question.id)] = `Rate question ${question.code}: ${question.text}`
      if ('errors' in signed) Object.assign(errors, signed.errors)
      if (Object.keys(errors).length || 'errors' in signed) throw new ValidationError(errors)
      const now = this.now()
      const signOff = {
        status: 'submitted' as const,
        ...signed.signOff,
        submittedBy: userIdOf(caller),
        submittedAt: now,
        updatedAt: now,
      }
      await this.upsertStatus(tx, assessment, signOff)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: assessment.force.id,
          entityType: 'self-assessment',
          entityId: assessment.id,
          action: 'submit',
          before: { status: row?.status ?? 'not started' },
          after: { ...signOff, answered: rated.size },
        },
        now,
      )
    })
    return this.get(caller, inspectionId, forceCode)
  }

  /**
   * Who signs off, as the sign-off columns record it, or a message per field. A person chooses the
   * signatory from the force's chief officers and delegates; only the command line records a historic
   * sign-off by name and rank.
   */
  private async readSignOff(
    caller: Caller,
    assessment: AssessmentView,
    input: Record<string, unknown>,
  ): Promise<{ signOff: Partial<SelfAssessmentRow> } | { errors: Record<string, string> }> {
    const errors: Record<string, string> = {}
    const collect = (issues: z.core.$ZodIssue[]) => {
      for (const issue of issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message
      return { errors }
    }
    if (caller.actor.type === 'system' && input.signedOffBy === undefined) {
      const historic = historicSignOffSchema.safeParse(input)
      if (!historic.success) return collect(historic.error.issues)
      const { signedOffByName, signedOffByRank } = historic.data
      return { signOff: { signedOffByName, signedOffByRank } }
    }
    const parsed = signOffSchema.safeParse(input)
    if (!parsed.success) return collect(parsed.error.issues)
    try {
      const signatory = await this.signOff.signatory(caller, assessment.force.id, parsed.data.signedOffBy)
      return {
        signOff: {
          signedOffByName: signatory.member.name,
          signedOffByRank: signatory.rank,
          signedOffByStaffMemberId: signatory.member.id,
          signOffDelegationId: signatory.delegation?.id ?? null,
        },
      }
    } catch (error) {
      if (error instanceof ValidationError) return { errors: error.fieldErrors }
      throw error
    }
  }

  /** The inspectorate sends a submitted self-assessment back to the force, saying why. */
  async reopen(
    caller: Caller,
    inspectionId: string,
    forceCode: string,
    input: Record<string, unknown>,
  ): Promise<SelfAssessmentView> {
    requireRole(caller, 'inspector')
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const parsed = reopenSchema.safeParse(input)
    if (!parsed.success)
      throw new ValidationError({
        reason: parsed.error.issues[0]?.message ?? 'Give the reason for reopening',
      })
    const assessment = await this.inspections.assessment(caller, inspectionId, forceCode)
    await inScope(this.db, caller.scope, async (tx) => {
      const { row } = await this.select(tx, assessment)
      if (row?.status !== 'submitted')
        throw new ValidationError({ reason: 'Only a submitted self-assessment can be reopened' })
      const now = this.now()
      await this.upsertStatus(tx, assessment, { status: 'in progress', updatedAt: now })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: assessment.force.id,
          entityType: 'self-assessment',
          entityId: assessment.id,
          action: 'reopen',
          before: { status: row.status, signedOffByName: row.signedOffByName, submittedAt: row.submittedAt },
          after: { status: 'in progress', reason: parsed.data.reason },
        },
        now,
      )
    })
    return this.get(caller, inspectionId, forceCode)
  }
}
