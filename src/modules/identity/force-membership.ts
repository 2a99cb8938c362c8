import type { Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { isForceRole, type Role } from '../../domain/roles.js'
import type { ForcesService } from '../forces/service.js'

/**
 * The force a new account or API token belongs to. A force admin can only add to their own force;
 * the inspectorate names the force for force roles, and none for its own roles.
 */
export async function forceForNewMember(
  caller: Caller,
  role: Role,
  forceCode: string | undefined,
  forces: ForcesService,
): Promise<number | null> {
  if (caller.scope.kind === 'force') return caller.scope.forceId
  if (!isForceRole(role)) {
    if (forceCode)
      throw new ValidationError({
        forceCode: 'Inspectorate roles do not belong to a force: leave the force empty',
      })
    return null
  }
  const force = (await forces.references()).find((candidate) => candidate.code === forceCode)
  if (!force) throw new ValidationError({ forceCode: 'Select the force' })
  return force.id
}
