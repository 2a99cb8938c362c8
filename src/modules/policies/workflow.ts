import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { type AuditService, appendAuditEvent } from '../audit/service.js'
import type { ForcesService } from '../forces/service.js'
import type { RosterService } from '../roster/service.js'
import { type PolicyRow, selectPolicy, selectVersion, updateVersion, type VersionSummary } from './queries.js'

/** Who manages the force's policies and publishes versions. */
export const POLICY_MANAGERS: Role[] = ['force-admin']
/** Who reads the library and the awareness dashboard: the force's caseworkers and the inspectorate. */
export const POLICY_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who reads the overdue lists to remind staff: the force's caseworkers and administrators. */
export const REMINDER_READERS: Role[] = ['force-caseworker']

export const POLICY_ENTITY = 'policy'
export const POLICY_VERSION_ENTITY = 'policy-version'

const notFound = () => new NotFoundError('No such policy')
export const versionNotFound = () => new NotFoundError('No such policy version')

/** Records in the audit trail what the caller did to a version, at the time given. */
export function appendVersionEvent(
  tx: Transaction,
  caller: Caller,
  version: { id: string; forceId: number },
  action: string,
  after: Record<string, unknown>,
  at: Date,
): Promise<void> {
  return appendAuditEvent(
    tx,
    caller.actor,
    { forceId: version.forceId, entityType: POLICY_VERSION_ENTITY, entityId: version.id, action, after },
    at,
  )
}

/** A policy or version the caller may see: their own force's, or for the inspectorate any force's. */
function visibleRow<T extends { forceId: number }>(
  caller: Caller,
  row: T | undefined,
  missing: () => NotFoundError,
): T {
  if (!row) throw missing()
  if (caller.scope.kind === 'force' && row.forceId !== caller.scope.forceId) throw missing()
  if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw missing()
  return row
}

/** What the policies' workflows work with: the database, the services they ask, and the clock. */
export interface PoliciesContext {
  db: Database
  forces: ForcesService
  roster: RosterService
  audit: AuditService
  now: () => Date
}

/**
 * What every workflow of the policies shares: work in the caller's scope, which force a caller reads
 * or changes, finding a policy or a version as the caller may, and changing a version with its audit
 * event.
 */
export abstract class PoliciesWorkflow {
  protected readonly db: Database
  protected readonly forces: ForcesService
  protected readonly roster: RosterService
  protected readonly audit: AuditService
  protected readonly now: () => Date

  constructor(context: PoliciesContext) {
    this.db = context.db
    this.forces = context.forces
    this.roster = context.roster
    this.audit = context.audit
    this.now = context.now
  }

  today(): string {
    return londonToday(this.now())
  }

  protected scoped<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, work)
  }

  /** The force a caller reads: their own (naming another is not found), or for the inspectorate the one named. */
  readingForce(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId)
        throw new NotFoundError('No such force')
      return caller.scope.forceId
    }
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (requested === undefined) throw new ValidationError({ force: 'Select a force' })
    return requested
  }

  /** The force a caller changes: only their own; the command line names one. */
  protected changingForce(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId)
        throw new NotFoundError('No such force')
      return caller.scope.forceId
    }
    if (caller.actor.type === 'system' && requested !== undefined) return requested
    throw new ForbiddenError('Only a force can change its own policies')
  }

  /** Whether the caller manages the force's policies (rather than only reading them). */
  manages(caller: Caller): boolean {
    return (
      (caller.scope.kind === 'force' || caller.actor.type === 'system') && callerHas(caller, POLICY_MANAGERS)
    )
  }

  /** Whether the caller reads the force's library and figures. */
  readsFigures(caller: Caller): boolean {
    return callerHas(caller, POLICY_READERS)
  }

  protected async policyRow(tx: Transaction, caller: Caller, policyId: string): Promise<PolicyRow> {
    if (!z.uuid().safeParse(policyId).success) throw notFound()
    return visibleRow(caller, await selectPolicy(tx, policyId), notFound)
  }

  protected async versionRow(tx: Transaction, caller: Caller, versionId: string): Promise<VersionSummary> {
    if (!z.uuid().safeParse(versionId).success) throw versionNotFound()
    return visibleRow(caller, await selectVersion(tx, versionId), versionNotFound)
  }

  /** One change to a version the caller manages, with its audit event, in one transaction. */
  protected async change(
    caller: Caller,
    versionId: string,
    action: string,
    work: (tx: Transaction, version: VersionSummary) => Promise<Record<string, unknown>>,
  ): Promise<VersionSummary> {
    requireRole(caller, ...POLICY_MANAGERS)
    const now = this.now()
    return this.scoped(caller, async (tx) => {
      const version = await this.versionRow(tx, caller, versionId)
      this.changingForce(caller, version.forceId)
      const details = await work(tx, version)
      const updated = await updateVersion(tx, version.id, { updatedAt: now })
      await appendVersionEvent(tx, caller, version, action, details, now)
      return updated ?? version
    })
  }

  protected requireDraft(version: VersionSummary, field: string) {
    if (version.status !== 'draft')
      throw new ValidationError({ [field]: 'This version is published: make a new version to change it' })
  }
}
