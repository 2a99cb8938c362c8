import { z } from 'zod'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import {
  closeSchema,
  londonToday,
  noteSchema,
  statusSchema,
  subjectSchema,
  targetSchema,
  userChoiceSchema,
} from './fields.js'
import {
  type CaseRow,
  deleteSubject,
  insertNamed,
  insertNote,
  insertSubject,
  selectHeaderByReference,
  updateCase,
} from './queries.js'
import { CASE_KEEPERS, CasesWorkflow } from './workflow.js'

/** Running a case: its subjects, who it is assigned to, its target date, status and closing, its notes. */
export class CaseChanges extends CasesWorkflow {
  /**
   * Refuses (403, or 404 for another force's case) a caller who may not change the case, before a page
   * looks anything up for them (the members of staff a subject's name matches, say).
   */
  async checkChangeable(caller: Caller, caseId: string): Promise<void> {
    requireRole(caller, ...CASE_KEEPERS)
    await this.writableCaseForce(caller, caseId)
  }

  async addSubject(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = await this.writableCaseForce(caller, caseId)
    const { staffNumber } = parseOrThrow(subjectSchema, input)
    // Other services run their own transactions: look the member up before this one starts.
    const member = await this.roster.findByStaffNumber(caller, forceId, staffNumber)
    if (!member)
      throw new ValidationError({
        staffNumber: `There is no member of staff with staff number ${staffNumber} on the roster`,
      })
    return this.change(caller, caseId, 'add-subject', async (tx, row) => {
      await insertSubject(tx, { caseId, forceId: row.forceId, staffMemberId: member.id, addedAt: this.now() })
      return { subject: member.staffNumber }
    })
  }

  async removeSubject(caller: Caller, caseId: string, staffMemberId: string): Promise<CaseRow> {
    if (!z.uuid().safeParse(staffMemberId).success)
      throw new ValidationError({ staffMemberId: 'No such subject' })
    return this.change(caller, caseId, 'remove-subject', async (tx) => {
      await deleteSubject(tx, caseId, staffMemberId)
      return { removedSubject: staffMemberId }
    })
  }

  async assign(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { userId } = parseOrThrow(userChoiceSchema, input)
    return this.change(caller, caseId, 'assign', async (tx, row) => {
      await this.checkCaseworker(tx, row.forceId, userId, 'userId')
      await updateCase(tx, caseId, { assignedTo: userId })
      // The caseworker who runs a confidential case must be able to read it.
      if (row.confidential)
        await insertNamed(tx, { caseId, forceId: row.forceId, userId, addedAt: this.now() })
      return { assignedTo: userId }
    })
  }

  async setTarget(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { targetDate } = parseOrThrow(targetSchema, input)
    return this.change(caller, caseId, 'target', async (tx, row) => {
      if (targetDate && targetDate < row.openedOn)
        throw new ValidationError({ targetDate: 'The target date must be on or after the date opened' })
      await updateCase(tx, caseId, { targetDate })
      return { targetDate }
    })
  }

  async setStatus(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { status } = parseOrThrow(statusSchema, input)
    return this.change(caller, caseId, 'status', async (tx, row) => {
      // Reopening a closed case clears its outcome: the outcome is the closing's.
      await updateCase(tx, caseId, {
        status,
        ...(row.status === 'closed' ? { outcome: null, closedOn: null } : {}),
      })
      return { status }
    })
  }

  async close(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { outcome, closedOn } = parseOrThrow(closeSchema, input)
    return this.change(caller, caseId, 'close', async (tx, row) => {
      if (row.status === 'closed') throw new ValidationError({ outcome: 'The case is already closed' })
      if (closedOn < row.openedOn)
        throw new ValidationError({ closedOn: 'The date closed must be on or after the date opened' })
      if (closedOn > londonToday(this.now()))
        throw new ValidationError({ closedOn: 'The date closed must be today or in the past' })
      await updateCase(tx, caseId, { status: 'closed', outcome, closedOn })
      return { status: 'closed', outcome, closedOn }
    })
  }

  async addNote(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { text } = parseOrThrow(noteSchema, input)
    return this.change(caller, caseId, 'note', async (tx, row) => {
      await insertNote(tx, {
        caseId,
        forceId: row.forceId,
        text,
        authorId: caller.principal?.kind === 'user' ? caller.principal.id : null,
        authorLabel: caller.actor.label,
        createdAt: this.now(),
      })
      return { note: text }
    })
  }

  /**
   * Notes something on an open confidential case found by its reference, which the caller may change:
   * a report from the confidential reporting line going into a case already open. A case that is not
   * confidential, closed, or that the caller is not named on is refused with a reason for the field.
   */
  async noteOnConfidentialCase(
    caller: Caller,
    reference: string,
    text: string,
    field = 'caseReference',
  ): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = this.forceFor(caller)
    const wanted = reference.trim().toUpperCase()
    const header = await this.scoped(caller, (tx) => selectHeaderByReference(tx, forceId, wanted))
    if (!header) throw new ValidationError({ [field]: `There is no case ${wanted} in this force` })
    if (!header.confidential)
      throw new ValidationError({ [field]: `Case ${wanted} is not confidential: choose a confidential case` })
    if (header.status === 'closed') throw new ValidationError({ [field]: `Case ${wanted} is closed` })
    try {
      return await this.addNote(caller, header.id, { text })
    } catch (error) {
      if (error instanceof ForbiddenError)
        throw new ValidationError({ [field]: `You are not named on case ${wanted}, so you cannot add to it` })
      throw error
    }
  }
}
