import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, callerHas, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { type AuditService, appendAuditEvent } from '../audit/service.js'
import type { StaffDirectory } from '../gifts-hospitality/service.js'
import {
  type CaseHeader,
  type CaseRow,
  selectCase,
  selectCaseworkers,
  selectHeader,
  selectNamedCaseIds,
  touchCase,
} from './queries.js'

/** Who reads the force's cases: its caseworkers and admins, and the inspectorate (headers of confidential ones only). */
export const CASE_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who runs them. */
export const CASE_KEEPERS: Role[] = ['force-caseworker']

export const CASE_ENTITY = 'integrity-case'
const RESTRICTED = 'This case is restricted to the caseworkers named on it'

/** What a case needs of a register to link one of its entries: the entry, if the caller may see it. */
interface Finder<T> {
  find(caller: Caller, id: string): Promise<T>
}
export interface RegisterFinders {
  businessInterests: Finder<{ force: { id: number }; nature: string; category: string }>
  giftsHospitality: Finder<{ forceId: number; kind: string; description: string; donorName: string }>
  mediaContacts: Finder<{ forceId: number; journalist: string; outlet: string; contactOn: string }>
}

/**
 * What the audit trail keeps of a case. The trail is read by the force's administrators, so a
 * confidential case's events say which case and what changed, never the details themselves.
 */
export function audited(row: CaseRow, details: Record<string, unknown> = {}): Record<string, unknown> {
  if (row.confidential)
    return {
      reference: row.reference,
      confidential: true,
      changed: Object.keys(details),
    }
  return { ...row, ...details }
}

/** What the cases' workflows work with: the database, the services they ask, and the clock. */
export interface CasesContext {
  db: Database
  roster: StaffDirectory
  audit: AuditService
  registers: RegisterFinders
  now: () => Date
}

/**
 * What every workflow of the cases shares: work in the caller's scope, which force a caller reads or
 * runs, finding a case as the caller may, and changing a case with its audit event.
 */
export abstract class CasesWorkflow {
  protected readonly db: Database
  protected readonly roster: StaffDirectory
  protected readonly audit: AuditService
  protected readonly registers: RegisterFinders
  protected readonly now: () => Date

  constructor(context: CasesContext) {
    this.db = context.db
    this.roster = context.roster
    this.audit = context.audit
    this.registers = context.registers
    this.now = context.now
  }

  protected scoped<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, work, actingId(caller))
  }

  protected forceFor(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
      return caller.scope.forceId
    }
    if (caller.actor.type === 'system' && requested !== undefined) return requested
    throw new ForbiddenError('Only a force can run its own cases')
  }

  protected readingForce(caller: Caller, requested?: number): number | undefined {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
      return caller.scope.forceId
    }
    if (caller.scope.kind === 'inspectorate') return requested
    throw new ForbiddenError()
  }

  /** Whether the caller opens and changes cases (rather than only reading them). */
  keepsCases(caller: Caller): boolean {
    return caller.scope.kind === 'force' && callerHas(caller, CASE_KEEPERS)
  }

  protected async checkCaseworker(tx: Transaction, forceId: number, userId: string, field: string) {
    const found = (await selectCaseworkers(tx, forceId)).find((user) => user.id === userId)
    if (!found) throw new ValidationError({ [field]: 'Select a caseworker of this force' })
    return found
  }

  protected async header(tx: Transaction, caller: Caller, caseId: string): Promise<CaseHeader> {
    if (!z.uuid().safeParse(caseId).success) throw new NotFoundError('No such case')
    const header = await selectHeader(tx, caseId)
    if (!header) throw new NotFoundError('No such case')
    if (caller.scope.kind === 'force' && header.forceId !== caller.scope.forceId)
      throw new NotFoundError('No such case')
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate')
      throw new NotFoundError('No such case')
    return header
  }

  /**
   * One change to a case the caller may read and run: the change and its audit event in one
   * transaction. A confidential case the caller is not named on is refused; another force's is not found.
   */
  protected async change(
    caller: Caller,
    caseId: string,
    action: string,
    work: (tx: Transaction, row: CaseRow) => Promise<Record<string, unknown>>,
  ): Promise<CaseRow> {
    requireRole(caller, ...CASE_KEEPERS)
    // Only the force changes its cases (the inspectorate reads them); the command line acts for any force.
    if (caller.actor.type !== 'system')
      this.forceFor(caller, caller.scope.kind === 'force' ? caller.scope.forceId : undefined)
    const now = this.now()
    return this.scoped(caller, async (tx) => {
      const header = await this.header(tx, caller, caseId)
      const row = await this.writableCase(tx, caller, caseId)
      const details = await work(tx, row)
      const updated = await touchCase(tx, caseId, now)
      const after = updated ?? row
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: header.forceId,
          entityType: CASE_ENTITY,
          entityId: caseId,
          action,
          after: audited(after, details),
        },
        now,
      )
      return after
    })
  }

  /** A case the caller may change: a confidential one only by the caseworkers named on it. */
  private async writableCase(tx: Transaction, caller: Caller, caseId: string): Promise<CaseRow> {
    const row = await selectCase(tx, caseId)
    if (!row) throw new ForbiddenError(RESTRICTED)
    if (row.confidential && caller.actor.type !== 'system') {
      const userId = actingId(caller)
      const named = userId ? await selectNamedCaseIds(tx, userId, [caseId]) : new Set<string>()
      if (!named.has(caseId)) throw new ForbiddenError(RESTRICTED)
    }
    return row
  }

  /**
   * The force of a case the caller may change, read before looking things up in other registers, so
   * that someone not named on a confidential case is refused before their input is even read.
   */
  protected async writableCaseForce(caller: Caller, caseId: string): Promise<number> {
    return this.scoped(caller, async (tx) => {
      const { forceId } = await this.header(tx, caller, caseId)
      await this.writableCase(tx, caller, caseId)
      return forceId
    })
  }
}
