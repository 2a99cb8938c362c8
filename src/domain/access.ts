import { ForbiddenError, NotFoundError } from './errors.js'
import { hasRole, type Role } from './roles.js'

/** Who is acting: a signed-in person or a machine client holding an API token. */
export interface Principal {
  kind: 'user' | 'api-token'
  id: string
  /** A name for people to read in the audit trail. */
  label: string
  role: Role
  forceId: number | null
  /** The person's own roster entry, for self-service registers; null for tokens and unlinked accounts. */
  staffMemberId: string | null
  /** Signed in with a password an administrator was shown: nothing else until they choose their own. Absent means no. */
  mustChangePassword?: boolean
  /**
   * What a password sign-in still owes before the person reaches anything else: their second factor
   * ('verify') or setting one up ('enrol'). Absent means nothing.
   */
  secondFactorDue?: 'verify' | 'enrol'
  /** The language the person chose for the pages, kept with their account. Absent until they choose. */
  language?: 'en' | 'cy'
  /** When an API token stops being accepted; null if never. Absent for people, whose sessions are checked on each request. */
  expiresAt?: Date | null
}

/** The author of an audited event. */
export interface Actor {
  type: 'user' | 'api-token' | 'system' | 'anonymous'
  id: string | null
  label: string
  ipAddress: string | null
}

/**
 * What a piece of work may see: all forces, one force, or only what is public. `publication` reads one
 * force's registers for the public register, read-only; the service that uses it decides what to show.
 */
export type Scope =
  | { kind: 'inspectorate' }
  | { kind: 'force'; forceId: number }
  | { kind: 'publication'; forceId: number }
  | { kind: 'public' }

/**
 * Everything a service needs to know about who called it. The command line acts as the system: it
 * sees every force and may do anything, because only an operator of the server can run it.
 */
export interface Caller {
  principal: Principal | null
  actor: Actor
  scope: Scope
}

export function callerFor(principal: Principal | undefined, ipAddress: string | null): Caller {
  if (!principal) {
    return {
      principal: null,
      actor: { type: 'anonymous', id: null, label: 'anonymous', ipAddress },
      scope: { kind: 'public' },
    }
  }
  return {
    principal,
    actor: { type: principal.kind, id: principal.id, label: principal.label, ipAddress },
    scope:
      principal.forceId === null ? { kind: 'inspectorate' } : { kind: 'force', forceId: principal.forceId },
  }
}

export const SYSTEM_CALLER: Caller = {
  principal: null,
  actor: { type: 'system', id: null, label: 'probity command line', ipAddress: null },
  scope: { kind: 'inspectorate' },
}

/** Whether the caller holds one of the roles (or a broader one); the command line holds them all. */
export function callerHas(caller: Caller, roles: readonly Role[]): boolean {
  if (caller.actor.type === 'system') return true
  const role = caller.principal?.role
  return !!role && roles.some((wanted) => hasRole(role, wanted))
}

/** The second line of defence after the route's own check: services refuse callers without the role. */
export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!callerHas(caller, roles)) throw new ForbiddenError()
}

/** What the transaction tells row-level security about who acts (confidential cases name people). */
export function actingId(caller: Caller): string {
  if (caller.actor.type === 'system') return 'system'
  return caller.principal?.kind === 'user' ? caller.principal.id : ''
}

/** The signed-in person behind a call, for a record's "recorded by"; null for API tokens and the system. */
export function userIdOf(caller: Caller): string | null {
  return caller.principal?.kind === 'user' ? caller.principal.id : null
}

/**
 * The force whose register a change goes to: the caller's own (naming another finds nothing); the
 * command line names one. No one else changes a force's registers.
 */
export function forceToChange(caller: Caller, requested?: number): number {
  if (caller.scope.kind === 'force') {
    if (requested !== undefined && requested !== caller.scope.forceId) throw new NotFoundError()
    return caller.scope.forceId
  }
  if (caller.actor.type === 'system' && requested !== undefined) return requested
  throw new ForbiddenError('Only a force can change its own registers')
}

/** A register's list filter narrowed to what the caller reads: their own force's, or every force's. */
export function readableFilter<Filter extends { forceId?: number }>(caller: Caller, filter: Filter): Filter {
  if (caller.scope.kind === 'force') return { ...filter, forceId: caller.scope.forceId }
  if (caller.scope.kind === 'inspectorate') return filter
  throw new ForbiddenError()
}

/**
 * Whether the caller may read one record of a register about a member of staff: it must be their
 * force's (or they are the inspectorate), and unless they read the whole register, about themselves.
 */
export function mayReadRecord(
  caller: Caller,
  record: { forceId: number; staffMemberId: string },
  registerReaders: readonly Role[],
): boolean {
  const { scope } = caller
  if (scope.kind === 'force' ? record.forceId !== scope.forceId : scope.kind !== 'inspectorate') return false
  return callerHas(caller, registerReaders) || record.staffMemberId === caller.principal?.staffMemberId
}
