import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { asAuthenticator, type Transaction } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { FORCE_ROLES, INSPECTORATE_ROLES, type Role } from '../../domain/roles.js'
import { appendAuditEvent } from '../audit/service.js'
import { federatedIdentities } from '../single-sign-on/schema.js'
import { users } from './schema.js'
import type { RequestOrigin, SignInService } from './sign-in-service.js'

/** What an identity provider vouched for, from its ID token's claims. */
export interface FederatedIdentity {
  subject: string
  email?: string
  /** Whether the provider checked the email address; only a checked one may match an account here. */
  emailVerified?: boolean
  name?: string
  /** The values of the configured role claim; undefined when roles are assigned in Probity. */
  roles?: string[]
}

/** What a provider may do: whose users it signs in, and whether it may make them. */
export interface ProviderPolicy {
  id: string
  /** The force the provider belongs to, or null for the inspectorate's. */
  forceId: number | null
  defaultRole: Role
  createUsers: boolean
}

export type FederatedSignInResult = { ok: true; token: string } | { ok: false; reason: string }

/**
 * Signs in someone an OpenID Connect provider vouched for. They are found by the provider's subject
 * (linked at their first sign-in), else by a verified email address; a provider trusted to create
 * users makes an account for someone it finds neither way. A provider signs in only its own
 * organisation's people. A role claim, when configured, sets the person's role at every sign-in.
 */
export class FederatedSignInService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly signIn: SignInService,
  ) {}

  async signInWith(
    provider: ProviderPolicy,
    identity: FederatedIdentity,
    origin: RequestOrigin,
  ): Promise<FederatedSignInResult> {
    const now = this.now()
    const actor = (label: string, id: string | null = null): Actor => ({
      type: id ? 'user' : 'anonymous',
      id,
      label,
      ipAddress: origin.ipAddress,
    })
    /** Audits the refusal in the transaction given (PGlite has one connection: never open a second). */
    const refuse = async (tx: Transaction, reason: string, user?: typeof users.$inferSelect) => {
      const label = user ? `${user.name} <${user.email}>` : `${provider.id}:${identity.subject}`.slice(0, 254)
      await appendAuditEvent(
        tx,
        actor(label, user?.id),
        {
          forceId: user?.forceId ?? provider.forceId,
          entityType: 'user',
          entityId: user?.id ?? null,
          action: 'sign-in-failed',
          after: { reason, provider: provider.id },
        },
        now,
      )
      return { ok: false as const, reason }
    }

    const side = provider.forceId === null ? INSPECTORATE_ROLES : FORCE_ROLES
    const claimedRole = identity.roles && side.find((role) => identity.roles?.includes(role))

    return asAuthenticator(this.db, async (tx) => {
      if (identity.roles && !claimedRole)
        return refuse(
          tx,
          'Your identity provider gives you no Probity role. Ask your administrator to give you one.',
        )
      let user = await this.linkedUser(tx, provider.id, identity.subject)
      if (!user && identity.email && identity.emailVerified !== false) {
        ;[user] = await tx
          .select()
          .from(users)
          .where(eq(sql`lower(${users.email})`, identity.email.toLowerCase()))
        // Someone already linked to another account at this provider is not taken over by an email.
        const [other] = user
          ? await tx
              .select()
              .from(federatedIdentities)
              .where(
                and(eq(federatedIdentities.provider, provider.id), eq(federatedIdentities.userId, user.id)),
              )
          : []
        if (other)
          return refuse(tx, 'Your Probity account is linked to another account at your provider.', user)
      }
      if (!user && provider.createUsers && identity.email && identity.emailVerified !== false) {
        ;[user] = await tx
          .insert(users)
          .values({
            email: identity.email,
            name: identity.name?.slice(0, 200) || identity.email,
            role: claimedRole ?? provider.defaultRole,
            forceId: provider.forceId,
            passwordHash: null,
            createdAt: now,
            updatedAt: now,
          })
          .returning()
      }
      if (!user)
        return refuse(tx, 'You have no Probity account. Ask your force’s Probity administrator for one.')
      // A force's provider vouches for that force's people only, never for another's or the inspectorate's.
      if (user.forceId !== provider.forceId)
        return refuse(
          tx,
          'Your account belongs to another organisation: sign in with its own provider.',
          user,
        )
      if (user.disabledAt) return refuse(tx, 'Your account is disabled.', user)
      if (user.lockedUntil && user.lockedUntil > now)
        return refuse(tx, 'Your account is locked for now.', user)

      await tx
        .insert(federatedIdentities)
        .values({
          provider: provider.id,
          subject: identity.subject,
          userId: user.id,
          createdAt: now,
          lastSignInAt: now,
        })
        .onConflictDoUpdate({
          target: [federatedIdentities.provider, federatedIdentities.subject],
          set: { lastSignInAt: now },
        })
      const role = claimedRole ?? user.role
      await tx.update(users).set({ role, lastSignInAt: now, updatedAt: now }).where(eq(users.id, user.id))
      const token = await this.signIn.openSession(tx, user.id, 'single-sign-on', origin)
      await appendAuditEvent(
        tx,
        actor(`${user.name} <${user.email}>`, user.id),
        {
          forceId: user.forceId,
          entityType: 'user',
          entityId: user.id,
          action: 'sign-in',
          after: { provider: provider.id, ...(role !== user.role ? { role } : {}) },
        },
        now,
      )
      return { ok: true as const, token }
    })
  }

  private async linkedUser(tx: Transaction, provider: string, subject: string) {
    const [found] = await tx
      .select({ user: users })
      .from(federatedIdentities)
      .innerJoin(users, eq(users.id, federatedIdentities.userId))
      .where(and(eq(federatedIdentities.provider, provider), eq(federatedIdentities.subject, subject)))
    return found?.user
  }
}
