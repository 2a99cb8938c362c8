import { randomUUID } from 'node:crypto'
import { isUniqueViolation } from '../../db/errors.js'
import type { Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import { londonToday, type OpenCaseInput, openCaseSchema } from './fields.js'
import { type CaseRow, insertCase, selectLastReference } from './queries.js'
import { audited, CASE_ENTITY, CASE_KEEPERS, CasesWorkflow } from './workflow.js'

export interface OpenCaseOptions {
  forceId?: number
  /** Why the case is dated earlier than today (opened from a referral), for the audit trail. */
  earlierDateReason?: string | null
  within?: (tx: Transaction, created: CaseRow) => Promise<void>
}

/** Opening a case: checking what it is opened with, numbering it, and who is named on it. */
export class CaseOpening extends CasesWorkflow {
  private async nextReference(tx: Transaction, forceId: number, openedOn: string): Promise<string> {
    const prefix = `IC/${openedOn.slice(0, 4)}/`
    const last = await selectLastReference(tx, forceId, prefix)
    const number = last ? Number(last.slice(prefix.length)) + 1 : 1
    return `${prefix}${String(number).padStart(4, '0')}`
  }

  /**
   * Opens a case. A confidential case is named to the caseworker who opens it and the one assigned.
   * `within` runs in the same transaction once the case exists (a referral accepted into it).
   */
  async open(
    caller: Caller,
    input: OpenCaseInput | Record<string, unknown>,
    options: OpenCaseOptions = {},
  ): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    const forceId = this.forceFor(caller, options.forceId)
    const values = parseOrThrow(openCaseSchema, input)
    const problems: Record<string, string> = {}
    if (values.openedOn > londonToday(this.now()))
      problems.openedOn = 'The date opened must be today or in the past'
    if (values.targetDate && values.targetDate < values.openedOn)
      problems.targetDate = 'The target date must be on or after the date opened'
    const subject = values.staffNumber
      ? await this.roster.findByStaffNumber(caller, forceId, values.staffNumber)
      : undefined
    if (values.staffNumber && !subject)
      problems.staffNumber = `There is no member of staff with staff number ${values.staffNumber} on the roster`
    if (Object.keys(problems).length) throw new ValidationError(problems)
    const opener = caller.principal?.kind === 'user' ? caller.principal.id : null
    const now = this.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.scoped(caller, async (tx) => {
          if (values.assignedTo) await this.checkCaseworker(tx, forceId, values.assignedTo, 'assignedTo')
          const id = randomUUID()
          const row: CaseRow = {
            id,
            forceId,
            reference: await this.nextReference(tx, forceId, values.openedOn),
            type: values.type,
            source: values.source,
            status: 'open',
            outcome: null,
            openedOn: values.openedOn,
            closedOn: null,
            targetDate: values.targetDate,
            assignedTo: values.assignedTo ?? opener,
            confidential: values.confidential,
            summary: values.summary,
            openedBy: opener,
            createdAt: now,
            updatedAt: now,
          }
          const named = row.confidential
            ? [...new Set([opener, row.assignedTo].filter((user): user is string => !!user))]
            : []
          await insertCase(tx, row, named, subject?.id)
          await appendAuditEvent(
            tx,
            caller.actor,
            {
              forceId,
              entityType: CASE_ENTITY,
              entityId: id,
              action: 'open',
              after: audited(row, {
                ...(subject ? { subject: subject.staffNumber } : {}),
                ...(options.earlierDateReason ? { earlierDateReason: options.earlierDateReason } : {}),
              }),
            },
            now,
          )
          await options.within?.(tx, row)
          return row
        })
      } catch (error) {
        // Two cases opened at the same moment took the same reference: number this one again.
        if (attempt < 3 && isUniqueViolation(error)) continue
        throw error
      }
    }
  }
}
