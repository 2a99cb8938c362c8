import { z } from 'zod'
import { actingId, type Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import { userChoiceSchema } from './fields.js'
import { type CaseRow, deleteNamed, insertNamed, selectNamed, updateCase } from './queries.js'
import { CasesWorkflow } from './workflow.js'

/** Who may see a confidential case: making a case confidential or not, naming caseworkers on it. */
export class ConfidentialCases extends CasesWorkflow {
  /** Makes a case confidential (naming whoever does it) or open to all the force's caseworkers again. */
  async setConfidential(caller: Caller, caseId: string, confidential: boolean): Promise<CaseRow> {
    return this.change(caller, caseId, confidential ? 'restrict' : 'unrestrict', async (tx, row) => {
      if (confidential && !row.confidential) {
        const named = [
          ...new Set([actingId(caller), row.assignedTo].filter((id) => id && z.uuid().safeParse(id).success)),
        ]
        for (const userId of named as string[])
          await insertNamed(tx, { caseId, forceId: row.forceId, userId, addedAt: this.now() })
      }
      await updateCase(tx, caseId, { confidential })
      return { confidential }
    })
  }

  /** Names another caseworker on a confidential case. */
  async name(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { userId } = parseOrThrow(userChoiceSchema, input)
    return this.change(caller, caseId, 'name', async (tx, row) => {
      if (!row.confidential)
        throw new ValidationError({ userId: 'Only a confidential case names who may see it' })
      await this.checkCaseworker(tx, row.forceId, userId, 'userId')
      await insertNamed(tx, { caseId, forceId: row.forceId, userId, addedAt: this.now() })
      return { named: userId }
    })
  }

  /** Takes a caseworker off a confidential case; the assigned caseworker and the last one stay. */
  async unname(caller: Caller, caseId: string, input: Record<string, unknown>): Promise<CaseRow> {
    const { userId } = parseOrThrow(userChoiceSchema, input)
    return this.change(caller, caseId, 'unname', async (tx, row) => {
      const named = await selectNamed(tx, caseId)
      if (userId === row.assignedTo)
        throw new ValidationError({
          userId: 'Assign the case to someone else before taking this caseworker off it',
        })
      if (named.length <= 1)
        throw new ValidationError({ userId: 'A confidential case must name at least one caseworker' })
      await deleteNamed(tx, caseId, userId)
      return { unnamed: userId }
    })
  }
}
