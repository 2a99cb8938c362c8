import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import type { Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import type { ForcesService } from '../forces/service.js'
import { type BusinessInterestView, interestViews } from './present.js'
import { type BusinessInterestRow, type BusinessInterestWithStaff, selectOne } from './queries.js'
import { londonDay } from './rules.js'

/**
 * What the register's workflows share (the service, and the changes to an application in changes.ts):
 * the database, the forces and the clock, finding an application as the caller may see it, and the
 * views of applications.
 */
export abstract class BusinessInterestsWorkflow {
  constructor(
    protected readonly db: Database,
    protected readonly forces: ForcesService,
    protected readonly now: () => Date,
  ) {}

  /** Today in England and Wales, by the service's clock (tests move it). */
  today(): string {
    return londonDay(this.now())
  }

  protected async view(items: BusinessInterestWithStaff[], caller?: Caller): Promise<BusinessInterestView[]> {
    return interestViews(items, await this.forces.references(), caller)
  }

  protected async visible(tx: Transaction, caller: Caller, id: string): Promise<BusinessInterestWithStaff> {
    if (!z.uuid().safeParse(id).success) throw new NotFoundError('No such application')
    const found = await selectOne(tx, id)
    if (!found) throw new NotFoundError('No such application')
    if (
      (caller.scope.kind === 'force' || caller.scope.kind === 'publication') &&
      found.row.forceId !== caller.scope.forceId
    )
      throw new NotFoundError('No such application')
    return found
  }

  protected isCaseworker(caller: Caller): boolean {
    return callerHas(caller, ['force-caseworker'])
  }

  protected isOwner(caller: Caller, row: BusinessInterestRow): boolean {
    const own = caller.principal?.staffMemberId
    return own !== null && own !== undefined && own === row.staffMemberId
  }
}
