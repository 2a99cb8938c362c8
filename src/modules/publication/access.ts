import { type Caller, callerHas } from '../../domain/access.js'
import type { Role } from '../../domain/roles.js'
import { isPublic } from './present.js'
import type { VersionRow } from './queries.js'

/** Who generates documents and takes them through the workflow; who edits templates and settings. */
export const PUBLISHERS: Role[] = ['inspector']
export const TEMPLATE_EDITORS: Role[] = ['inspectorate-admin']
/** Who checks a force's documents for factual accuracy: the force's caseworkers and admins. */
export const CHECKERS: Role[] = ['force-caseworker']

/** Someone on the public site: no sign-in, reads only what is published and past its embargo. */
export const PUBLIC_CALLER: Caller = {
  principal: null,
  actor: { type: 'anonymous', id: null, label: 'anonymous', ipAddress: null },
  scope: { kind: 'public' },
}

/** Whether the caller may read a version: the inspectorate all; a force its own once sent to it; anyone a public one. */
export function mayRead(caller: Caller, row: VersionRow, now: () => Date): boolean {
  if (isPublic(row, now)) return true
  if (caller.scope.kind === 'inspectorate') return callerHas(caller, PUBLISHERS)
  if (caller.scope.kind === 'force')
    return row.forceId === caller.scope.forceId && row.status !== 'draft' && callerHas(caller, CHECKERS)
  return false
}

export function readScope(caller: Caller) {
  // The public and forces read through row-level security too; a caller without a role reads as the public.
  if (caller.scope.kind === 'inspectorate' && !callerHas(caller, PUBLISHERS))
    return { kind: 'public' } as const
  if (caller.scope.kind === 'force' && !callerHas(caller, CHECKERS)) return { kind: 'public' } as const
  return caller.scope
}
