import { randomBytes } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { isUniqueViolation } from '../../db/errors.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { assignableRoles, ROLE_LABELS, ROLES, type Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { FieldProblems } from './field-problems.js'
import { forceForNewMember } from './force-membership.js'
import { hashPassword, passwordProblem } from './passwords.js'
import { sessions, users } from './schema.js'

/** In the order of the form's fields, so the error summary lists problems in the order people meet them. */
export const newUserSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter the person’s full name')
    .max(200, 'Name must be 200 characters or fewer'),
  // Trimmed before the format is checked: an address pasted with a space around it is still valid.
  email: z
    .string()
    .trim()
    .pipe(
      z
        .email('Enter an email address in the correct format, like name@example.police.uk')
        .max(254, 'Email address must be 254 characters or fewer'),
    ),
  role: z.enum(ROLES, 'Select a role'),
  forceCode: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined),
  /** The person's own entry on their force's roster, so they can use self-service registers. */
  staffMemberId: z.uuid('Select a member of staff from the roster').optional(),
  /** Left out, a one-time password is generated and shown once. */
  password: z
    .string()
    .optional()
    .transform((value) => value || undefined),
})
export type NewUser = z.input<typeof newUserSchema>

export type UserStatus = 'active' | 'locked' | 'disabled'

export interface UserView {
  id: string
  email: string
  name: string
  role: Role
  roleLabel: string
  force: ForceReference | null
  status: UserStatus
  lastSignInAt: Date | null
  createdAt: Date
}

type UserRow = typeof users.$inferSelect

/** What the audit trail records of a user: never the password hash. */
function auditedUser(row: UserRow) {
  const { passwordHash: _secret, ...rest } = row
  return rest
}

function generatePassword(): string {
  return randomBytes(15).toString('base64url')
}

export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly now: () => Date,
  ) {}

  private async view(rows: UserRow[]): Promise<UserView[]> {
    const byId = await this.forces.byId()
    const now = this.now()
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      roleLabel: ROLE_LABELS[row.role],
      force: row.forceId === null ? null : (byId.get(row.forceId) ?? null),
      status: row.disabledAt ? 'disabled' : row.lockedUntil && row.lockedUntil > now ? 'locked' : 'active',
      lastSignInAt: row.lastSignInAt,
      createdAt: row.createdAt,
    }))
  }

  /** The users the caller administers: their own force's, or everyone's for the inspectorate. */
  async list(caller: Caller): Promise<UserView[]> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx.select().from(users).orderBy(asc(users.name)),
    )
    return this.view(rows)
  }

  async find(caller: Caller, userId: string): Promise<UserView> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const row = await inScope(this.db, caller.scope, (tx) => this.selectVisible(tx, caller, userId))
    const [view] = await this.view([row])
    return view as UserView
  }

  /** Row-level security already hides other forces' users; the service checks the same again. */
  private async selectVisible(tx: Transaction, caller: Caller, userId: string): Promise<UserRow> {
    if (!z.uuid().safeParse(userId).success) throw new NotFoundError('No such user')
    const [row] = await tx.select().from(users).where(eq(users.id, userId))
    if (!row) throw new NotFoundError('No such user')
    if (caller.scope.kind === 'force' && row.forceId !== caller.scope.forceId)
      throw new NotFoundError('No such user')
    return row
  }

  /** Roles the caller may give, for the new-user form. */
  rolesFor(caller: Caller): Role[] {
    if (caller.actor.type === 'system') return [...ROLES]
    return caller.principal ? assignableRoles(caller.principal.role) : []
  }

  async create(caller: Caller, input: NewUser): Promise<{ user: UserView; oneTimePassword?: string }> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const problems = new FieldProblems(Object.keys(newUserSchema.shape))
    const fields = await problems.check(() => parseOrThrow(newUserSchema, input))
    // The role decides the force, so it is looked at on its own, even when other fields are wrong.
    const role = newUserSchema.shape.role.safeParse(input.role)
    let forceId: number | null = null
    if (role.success) {
      if (!this.rolesFor(caller).includes(role.data)) throw new ForbiddenError('You cannot give that role')
      const forceCode = newUserSchema.shape.forceCode.safeParse(input.forceCode).data
      forceId =
        (await problems.check(() => forceForNewMember(caller, role.data, forceCode, this.forces))) ?? null
    }
    const chosenPassword = typeof input.password === 'string' && input.password ? input.password : undefined
    const problem =
      chosenPassword && passwordProblem(chosenPassword, typeof input.email === 'string' ? input.email : '')
    if (problem) problems.add('password', problem)
    problems.throwIfAny()
    if (!fields) throw new Error('validation passed without fields')
    const { email, name } = fields
    const oneTimePassword = chosenPassword ? undefined : generatePassword()
    const password = chosenPassword ?? (oneTimePassword as string)

    const passwordHash = await hashPassword(password)
    const row = await inScope(this.db, caller.scope, async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({
          email,
          name,
          role: fields.role,
          forceId,
          passwordHash,
          mustChangePassword: oneTimePassword !== undefined,
          staffMemberId: fields.staffMemberId ?? null,
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: 'user', entityId: created.id, action: 'create', after: auditedUser(created) },
        this.now(),
      )
      return created
    }).catch((error: unknown) => {
      // Emails are unique across all forces, including accounts this caller cannot see.
      if (isUniqueViolation(error))
        throw new ValidationError({ email: 'An account with this email address already exists' })
      throw error
    })
    const [user] = await this.view([row])
    return { user: user as UserView, ...(oneTimePassword ? { oneTimePassword } : {}) }
  }

  /** Disabling also ends every session the person has open. */
  async setDisabled(caller: Caller, userId: string, disabled: boolean): Promise<UserView> {
    return this.change(caller, userId, disabled ? 'disable' : 'enable', async (tx, row) => {
      if (caller.principal?.kind === 'user' && caller.principal.id === row.id) {
        throw new ForbiddenError('You cannot disable or enable your own account')
      }
      if (disabled) await tx.delete(sessions).where(eq(sessions.userId, row.id))
      return { disabledAt: disabled ? this.now() : null }
    })
  }

  /**
   * Links an account to its holder's roster entry (or unlinks it, with null). The database refuses an
   * entry of another force: the link's key includes the force.
   */
  async linkStaffMember(caller: Caller, userId: string, staffMemberId: string | null): Promise<UserView> {
    if (staffMemberId !== null && !z.uuid().safeParse(staffMemberId).success)
      throw new NotFoundError('No such member of staff')
    return this.change(caller, userId, 'link-roster', async () => ({ staffMemberId }))
  }

  async unlock(caller: Caller, userId: string): Promise<UserView> {
    return this.change(caller, userId, 'unlock', async () => ({ lockedUntil: null, failedSignIns: 0 }))
  }

  private async change(
    caller: Caller,
    userId: string,
    action: string,
    decide: (tx: Transaction, row: UserRow) => Promise<Partial<UserRow>>,
  ): Promise<UserView> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const updated = await inScope(this.db, caller.scope, async (tx) => {
      const before = await this.selectVisible(tx, caller, userId)
      const changes = await decide(tx, before)
      const [after] = await tx
        .update(users)
        .set({ ...changes, updatedAt: this.now() })
        .where(and(eq(users.id, before.id)))
        .returning()
      if (!after) throw new NotFoundError('No such user')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: after.forceId,
          entityType: 'user',
          entityId: after.id,
          action,
          before: auditedUser(before),
          after: auditedUser(after),
        },
        this.now(),
      )
      return after
    })
    const [view] = await this.view([updated])
    return view as UserView
  }
}
