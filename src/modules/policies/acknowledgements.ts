import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { parseOrThrow } from '../../domain/validation.js'
import { questionSchema } from './fields.js'
import { type MyPolicy, myPolicyOf } from './present.js'
import {
  type RequestRow,
  recordAcknowledgement,
  type StaffRequestRow,
  selectRequest,
  selectStaffRequests,
  updateVersion,
  type VersionSummary,
} from './queries.js'
import type { ComprehensionQuestion } from './schema.js'
import { appendVersionEvent, PoliciesWorkflow, versionNotFound } from './workflow.js'

/**
 * The comprehension questions a draft asks, and the acknowledgements of the staff asked to read a
 * published version, who answer them.
 */
export class PolicyAcknowledgements extends PoliciesWorkflow {
  /** Adds a multiple-choice question that staff answer before acknowledging the version (drafts only). */
  async addQuestion(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
  ): Promise<VersionSummary> {
    return this.change(caller, versionId, 'add-question', async (tx, version) => {
      this.requireDraft(version, 'question')
      const values = parseOrThrow(questionSchema, input)
      const options = values.options
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
      if (options.length < 2)
        throw new ValidationError({ options: 'Give at least two answers to choose from' })
      if (options.length > 8) throw new ValidationError({ options: 'Give at most eight answers' })
      if (values.answer > options.length)
        throw new ValidationError({ answer: `The right answer must be a number from 1 to ${options.length}` })
      if (version.questions.length >= 5)
        throw new ValidationError({ question: 'A version has at most five questions' })
      const question: ComprehensionQuestion = {
        question: values.question,
        options,
        answer: values.answer - 1,
      }
      await updateVersion(tx, version.id, { questions: [...version.questions, question] })
      return { question }
    })
  }

  async removeQuestion(caller: Caller, versionId: string, index: number): Promise<VersionSummary> {
    return this.change(caller, versionId, 'remove-question', async (tx, version) => {
      this.requireDraft(version, 'question')
      const removed = version.questions[index]
      if (!removed) throw new ValidationError({ question: 'No such question' })
      await updateVersion(tx, version.id, {
        questions: version.questions.filter((_question, at) => at !== index),
      })
      return { removed: removed.question }
    })
  }

  /**
   * A member of staff acknowledges a version they were asked to read: every comprehension question
   * answered rightly and "I have read and understood" ticked, or nothing is recorded. The command line
   * may record a paper acknowledgement for someone (`staffMemberId`, `at`).
   */
  async acknowledge(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
    options: { staffMemberId?: string; at?: Date } = {},
  ): Promise<RequestRow> {
    requireRole(caller, 'staff')
    const system = caller.actor.type === 'system'
    const staffMemberId = system ? options.staffMemberId : caller.principal?.staffMemberId
    if (!staffMemberId) throw new ForbiddenError('Your account is not linked to your entry on the roster')
    const at = system && options.at ? options.at : this.now()
    return this.scoped(caller, async (tx) => {
      const version = await this.versionRow(tx, caller, versionId)
      if (version.status !== 'published') throw versionNotFound()
      const request = await selectRequest(tx, version.id, staffMemberId)
      if (!request) {
        if (version.restricted) throw versionNotFound()
        throw new ForbiddenError('You were not asked to acknowledge this version')
      }
      if (request.acknowledgedAt) return request
      const problems: Record<string, string> = {}
      const answers: number[] = []
      version.questions.forEach((question, index) => {
        const given = input[`q${index}`]
        const choice = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : Number.NaN
        if (!Number.isInteger(choice) || choice < 0 || choice >= question.options.length)
          problems[`q${index}`] = `Answer question ${index + 1}`
        else if (choice !== question.answer)
          problems[`q${index}`] =
            `Question ${index + 1}: that is not the right answer. Read the policy again and choose another`
        answers.push(choice)
      })
      const read = input.read
      if (!(read === 'yes' || read === true || (Array.isArray(read) && read.includes('yes'))))
        problems.read = 'Confirm that you have read and understood the policy'
      if (Object.keys(problems).length) throw new ValidationError(problems)
      const updated = await recordAcknowledgement(tx, version.id, staffMemberId, {
        acknowledgedAt: at,
        acknowledgedOn: londonToday(at),
        acknowledgedBy: userIdOf(caller),
        answers,
      })
      await appendVersionEvent(
        tx,
        caller,
        version,
        'acknowledge',
        { staffMemberId, version: version.number, acknowledgedAt: at, answers },
        at,
      )
      return updated ?? request
    })
  }

  /** The caller's own policies to read: still to read, overdue, and done. */
  async mine(caller: Caller): Promise<{ linked: boolean; policies: MyPolicy[] }> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId || caller.scope.kind !== 'force') return { linked: false, policies: [] }
    const today = this.today()
    const rows = await this.scoped(caller, (tx) =>
      selectStaffRequests(tx, staffMemberId, caller.scope.kind === 'force' ? caller.scope.forceId : -1),
    )
    return { linked: true, policies: rows.map((row) => myPolicyOf(row, today)) }
  }

  /** Every version one member of the caller's force was asked to read, and whether and when they did. */
  async requestsOf(caller: Caller, staffMemberId: string): Promise<StaffRequestRow[]> {
    requireRole(caller, 'force-caseworker')
    if (caller.scope.kind !== 'force') throw new ForbiddenError('Only a force reads its own staff’s policies')
    const forceId = caller.scope.forceId
    return this.scoped(caller, (tx) => selectStaffRequests(tx, staffMemberId, forceId))
  }
}
