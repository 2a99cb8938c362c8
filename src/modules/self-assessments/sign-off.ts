import { and, desc, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, forceToChange, requireRole, userIdOf } from '../../domain/access.js'
import { dateField } from '../../domain/date-input.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday, requiredText } from '../../domain/fields.js'
import { CHIEF_OFFICER_GRADES, isChiefOfficerGrade } from '../../domain/grades.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { RosterService, StaffMember } from '../roster/service.js'
import { signOffDelegations } from './schema.js'

export const DELEGATION_ENTITY = 'sign-off-delegation'

export type DelegationRow = typeof signOffDelegations.$inferSelect

/** A delegation with the member of staff it names. */
export interface Delegation extends DelegationRow {
  member: StaffMember | undefined
  /** In force today: not revoked and today between its dates. */
  current: boolean
  /** Not revoked and not yet over, so it can be revoked. */
  revocable: boolean
}

/** Someone who may sign off the force's self-assessment today, and on what authority. */
export interface Signatory {
  member: StaffMember
  /** The delegation they sign under; none for a chief officer. */
  delegation: DelegationRow | null
  /** The rank recorded with the sign-off: the roster's grade, and "by delegation" for a delegate. */
  rank: string
}

const delegationSchema = z
  .object({
    staffMemberId: z.uuid('Select the member of staff who may sign off'),
    validFrom: dateField('Start date'),
    validTo: dateField('End date'),
    reason: requiredText('Give the reason for the delegation', 'Reason', 2000),
  })
  .superRefine((value, context) => {
    if (value.validTo < value.validFrom)
      context.addIssue({
        code: 'custom',
        path: ['validTo'],
        message: 'End date must be on or after the start date',
      })
  })

/**
 * Who may sign off a force's self-assessment: a serving member of its roster holding a chief officer
 * rank (src/domain/grades.ts), or someone the force administrator has delegated it to for the dates
 * (recorded, audited, revocable).
 */
export class SignOffService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly roster: RosterService,
    private readonly now: () => Date,
  ) {}

  private async force(forceId: number): Promise<ForceReference> {
    const force = (await this.forces.references()).find((candidate) => candidate.id === forceId)
    if (!force) throw new NotFoundError('No such force')
    return force
  }

  /** Everyone who may sign off for the force today: its chief officers, then its current delegates. */
  async signatories(caller: Caller, forceId: number): Promise<Signatory[]> {
    const force = await this.force(forceId)
    const chiefs = await this.roster.list(
      caller,
      caller.scope.kind === 'force' ? undefined : force.code,
      { grades: CHIEF_OFFICER_GRADES, status: 'current' },
      { sort: 'grade', order: 'desc' },
    )
    const delegations = (await this.delegations(caller, forceId)).filter(
      (delegation) => delegation.current && delegation.member?.serving,
    )
    return [
      ...chiefs.members.map((member) => ({ member, delegation: null, rank: member.grade })),
      ...delegations.map((delegation) => {
        const member = delegation.member as StaffMember
        return { member, delegation, rank: `${member.grade}, by delegation` }
      }),
    ]
  }

  /** The signatory chosen, if they may sign off for the force today; else a message why not. */
  async signatory(caller: Caller, forceId: number, staffMemberId: string): Promise<Signatory> {
    const problem = (message: string) => new ValidationError({ signedOffBy: message })
    if (!z.uuid().safeParse(staffMemberId).success)
      throw problem('Select the chief officer signing off from the list')
    const member = await this.roster.find(caller, staffMemberId).catch((error) => {
      if (error instanceof NotFoundError) throw problem('Select the chief officer signing off from the list')
      throw error
    })
    if (member.force.id !== forceId) throw problem('Select the chief officer signing off from the list')
    if (!member.serving) throw problem(`${member.name} has left the force and cannot sign off`)
    if (isChiefOfficerGrade(member.grade)) return { member, delegation: null, rank: member.grade }
    const delegation = (await this.delegations(caller, forceId)).find(
      (candidate) => candidate.current && candidate.staffMemberId === member.id,
    )
    if (delegation) return { member, delegation, rank: `${member.grade}, by delegation` }
    throw problem(
      `${member.name} is a ${member.grade}: only a chief officer (Assistant Chief Constable or above) or someone the force administrator has delegated sign-off to may sign off`,
    )
  }

  /** The force's delegations, newest first, each with the member of staff it names. */
  async delegations(caller: Caller, forceId: number): Promise<Delegation[]> {
    requireRole(caller, 'force-caseworker', 'inspector')
    if (caller.scope.kind === 'force' && caller.scope.forceId !== forceId) throw new NotFoundError()
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select()
        .from(signOffDelegations)
        .where(eq(signOffDelegations.forceId, forceId))
        .orderBy(desc(signOffDelegations.recordedAt)),
    )
    const members = await this.roster.findMany(
      caller,
      rows.map((row) => row.staffMemberId),
    )
    const today = londonToday(this.now())
    return rows.map((row) => ({
      ...row,
      member: members.get(row.staffMemberId),
      current: row.revokedAt === null && row.validFrom <= today && today <= row.validTo,
      revocable: row.revokedAt === null && today <= row.validTo,
    }))
  }

  /** One of the caller's force's delegations; another force's is not found. */
  async delegation(caller: Caller, delegationId: string): Promise<Delegation> {
    if (caller.scope.kind !== 'force') throw new NotFoundError()
    const found = (await this.delegations(caller, caller.scope.forceId)).find(
      (delegation) => delegation.id === delegationId,
    )
    if (!found) throw new NotFoundError('No such delegation')
    return found
  }

  /** The force administrator records that a member of the force's staff may sign off between two dates. */
  async delegate(caller: Caller, input: Record<string, unknown>): Promise<DelegationRow> {
    requireRole(caller, 'force-admin')
    if (caller.scope.kind !== 'force')
      throw new ForbiddenError('Only the force’s administrator delegates sign-off')
    const forceId = forceToChange(caller)
    const parsed = delegationSchema.safeParse(input)
    if (!parsed.success) {
      const errors: Record<string, string> = {}
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message
      throw new ValidationError(errors)
    }
    const member = await this.roster.find(caller, parsed.data.staffMemberId).catch((error) => {
      if (error instanceof NotFoundError)
        throw new ValidationError({ staffMemberId: 'Select the member of staff who may sign off' })
      throw error
    })
    if (!member.serving) throw new ValidationError({ staffMemberId: `${member.name} has left the force` })
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [row] = await tx
        .insert(signOffDelegations)
        .values({
          forceId,
          staffMemberId: member.id,
          validFrom: parsed.data.validFrom,
          validTo: parsed.data.validTo,
          reason: parsed.data.reason,
          recordedBy: userIdOf(caller),
          recordedByName: caller.actor.label,
          recordedAt: now,
        })
        .returning()
      const delegation = row as DelegationRow
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId,
          entityType: DELEGATION_ENTITY,
          entityId: delegation.id,
          action: 'delegate',
          after: {
            staffNumber: member.staffNumber,
            name: member.name,
            grade: member.grade,
            validFrom: delegation.validFrom,
            validTo: delegation.validTo,
            reason: delegation.reason,
          },
        },
        now,
      )
      return delegation
    })
  }

  /** The force administrator ends a delegation now; it stays listed, revoked. */
  async revoke(caller: Caller, delegationId: string): Promise<Delegation> {
    requireRole(caller, 'force-admin')
    const delegation = await this.delegation(caller, delegationId)
    if (!delegation.revocable) throw new NotFoundError('This delegation has already ended')
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      await tx
        .update(signOffDelegations)
        .set({ revokedAt: now, revokedBy: userIdOf(caller) })
        .where(and(eq(signOffDelegations.id, delegation.id), isNull(signOffDelegations.revokedAt)))
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: delegation.forceId,
          entityType: DELEGATION_ENTITY,
          entityId: delegation.id,
          action: 'revoke',
          before: { validFrom: delegation.validFrom, validTo: delegation.validTo },
          after: { revokedAt: now.toISOString() },
        },
        now,
      )
    })
    return this.delegation(caller, delegationId)
  }
}
