import { and, desc, eq, gt, isNull, or } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { asAuthenticator, inScope } from '../../db/tenancy.js'
import { type Caller, type Principal, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError } from '../../domain/errors.js'
import { assignableRoles, ROLE_LABELS, ROLES, type Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { FieldProblems } from './field-problems.js'
import { forceForNewMember } from './force-membership.js'
import { apiTokens } from './schema.js'
import { newSecret, secretHash } from './tokens.js'

export const TOKEN_PREFIX = 'prb_'

export const newApiTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name that says what the token is for')
    .max(100, 'Name must be 100 characters or fewer'),
  role: z.enum(ROLES, 'Select what the token may do'),
  forceCode: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined),
  expiresInDays: z.coerce
    .number('Enter the number of days as a whole number')
    .int('Enter the number of days as a whole number')
    .min(1, 'A token must last at least 1 day')
    .max(366, 'A token can last at most 366 days')
    .default(90),
})
export type NewApiToken = z.input<typeof newApiTokenSchema>

type ApiTokenRow = typeof apiTokens.$inferSelect

export interface ApiTokenView {
  id: string
  name: string
  prefix: string
  role: Role
  roleLabel: string
  force: ForceReference | null
  createdAt: Date
  expiresAt: Date | null
  lastUsedAt: Date | null
  status: 'active' | 'expired' | 'revoked'
}

function audited(row: ApiTokenRow) {
  const { tokenHash: _secret, ...rest } = row
  return rest
}

/** Tokens let machine clients call the JSON API as one force, or as the inspectorate. */
export class ApiTokensService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly now: () => Date,
  ) {}

  private async view(rows: ApiTokenRow[]): Promise<ApiTokenView[]> {
    const byId = await this.forces.byId()
    const now = this.now()
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      role: row.role,
      roleLabel: ROLE_LABELS[row.role],
      force: row.forceId === null ? null : (byId.get(row.forceId) ?? null),
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      lastUsedAt: row.lastUsedAt,
      status: row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'active',
    }))
  }

  async list(caller: Caller): Promise<ApiTokenView[]> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx.select().from(apiTokens).orderBy(desc(apiTokens.createdAt)),
    )
    return this.view(rows)
  }

  /** Creates a token; the secret is returned this once and never stored. */
  async create(caller: Caller, input: NewApiToken): Promise<{ token: string; record: ApiTokenView }> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const problems = new FieldProblems(Object.keys(newApiTokenSchema.shape))
    const fields = await problems.check(() => parseOrThrow(newApiTokenSchema, input))
    // The role decides the force, so it is looked at on its own, even when other fields are wrong.
    const role = newApiTokenSchema.shape.role.safeParse(input.role)
    let forceId: number | null = null
    if (role.success) {
      const principal = caller.principal
      if (principal && !assignableRoles(principal.role).includes(role.data)) {
        throw new ForbiddenError('You cannot give that role')
      }
      const forceCode = newApiTokenSchema.shape.forceCode.safeParse(input.forceCode).data
      forceId =
        (await problems.check(() => forceForNewMember(caller, role.data, forceCode, this.forces))) ?? null
    }
    problems.throwIfAny()
    if (!fields) throw new Error('validation passed without fields')
    const { name, expiresInDays } = fields

    const token = newSecret(TOKEN_PREFIX)
    const now = this.now()
    const row = await inScope(this.db, caller.scope, async (tx) => {
      const [created] = await tx
        .insert(apiTokens)
        .values({
          name,
          role: fields.role,
          forceId,
          tokenHash: secretHash(token),
          prefix: token.slice(0, TOKEN_PREFIX.length + 6),
          createdBy: caller.principal?.kind === 'user' ? caller.principal.id : null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + expiresInDays * 86_400_000),
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: 'api-token', entityId: created.id, action: 'create', after: audited(created) },
        now,
      )
      return created
    })
    const [record] = await this.view([row])
    return { token, record: record as ApiTokenView }
  }

  async revoke(caller: Caller, tokenId: string): Promise<ApiTokenView> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    if (!z.uuid().safeParse(tokenId).success) throw new NotFoundError('No such API token')
    const row = await inScope(this.db, caller.scope, async (tx) => {
      const [before] = await tx.select().from(apiTokens).where(eq(apiTokens.id, tokenId))
      if (!before || (caller.scope.kind === 'force' && before.forceId !== caller.scope.forceId)) {
        throw new NotFoundError('No such API token')
      }
      const [after] = await tx
        .update(apiTokens)
        .set({ revokedAt: before.revokedAt ?? this.now() })
        .where(eq(apiTokens.id, tokenId))
        .returning()
      if (!after) throw new NotFoundError('No such API token')
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: after.forceId,
          entityType: 'api-token',
          entityId: after.id,
          action: 'revoke',
          before: audited(before),
          after: audited(after),
        },
        this.now(),
      )
      return after
    })
    const [view] = await this.view([row])
    return view as ApiTokenView
  }

  /** The principal a bearer token acts as, if it is live. Runs before any tenant is known. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined
    const now = this.now()
    const row = await asAuthenticator(this.db, async (tx) => {
      const [found] = await tx
        .select()
        .from(apiTokens)
        .where(
          and(
            eq(apiTokens.tokenHash, secretHash(token)),
            isNull(apiTokens.revokedAt),
            or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
          ),
        )
      if (found && (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000)) {
        await tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, found.id))
      }
      return found
    })
    if (!row) return undefined
    return {
      kind: 'api-token',
      id: row.id,
      label: `API token ${row.name} (${row.prefix}…)`,
      role: row.role,
      forceId: row.forceId,
      staffMemberId: null,
      expiresAt: row.expiresAt,
    }
  }
}
