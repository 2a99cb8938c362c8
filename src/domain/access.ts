import { ForbiddenError } from './errors.js'
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

/** The second line of defence after the route's own check: services refuse callers without the role. */
export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (caller.actor.type === 'system') return
  const role = caller.principal?.role
  if (!role || !roles.some((wanted) => hasRole(role, wanted))) throw new ForbiddenError()
}
