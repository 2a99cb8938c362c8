import { and, eq, gt, lt, or, sql } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { asAuthenticator, type Transaction } from '../../db/tenancy.js'
import type { Actor, Principal } from '../../domain/access.js'
import { UnauthenticatedError, ValidationError } from '../../domain/errors.js'
import { appendAuditEvent } from '../audit/service.js'
import type { SecondFactorService } from '../second-factor/service.js'
import { hashPassword, passwordProblem, verifyDecoy, verifyPassword } from './passwords.js'
import { sessions, users } from './schema.js'
import { newSecret, secretHash } from './tokens.js'

export const SIGN_IN_POLICY = {
  /** Failed attempts in a row that lock an account. */
  maxFailures: 5,
  lockMinutes: 15,
  /** A session ends after this long without a request… */
  idleMinutes: 30,
  /** …and after this long whatever happens. */
  absoluteHours: 12,
} as const

const minutes = (count: number) => count * 60_000

/** How often a session in use has its "last seen" time written, for the idle timeout. */
const SESSION_TOUCHED_EVERY_MS = minutes(1)

/**
 * Counts one failed attempt, in the database rather than from a value read before (guesses sent at
 * once must each count), and locks the account at the limit. Returns whether it locked it now.
 */
async function countFailure(tx: Transaction, userId: string, now: Date): Promise<boolean> {
  const [counted] = await tx
    .update(users)
    .set({ failedSignIns: sql`${users.failedSignIns} + 1` })
    .where(eq(users.id, userId))
    .returning({ failedSignIns: users.failedSignIns })
  if ((counted?.failedSignIns ?? 0) < SIGN_IN_POLICY.maxFailures) return false
  await tx
    .update(users)
    .set({ failedSignIns: 0, lockedUntil: new Date(now.getTime() + minutes(SIGN_IN_POLICY.lockMinutes)) })
    .where(eq(users.id, userId))
  return true
}

export type SignInResult = { ok: true; token: string; principal: Principal } | { ok: false }

export interface RequestOrigin {
  ipAddress: string | null
  userAgent: string | null
}

function principalOf(
  user: typeof users.$inferSelect,
  secondFactorDue: 'verify' | 'enrol' | null = null,
): Principal {
  return {
    ...(secondFactorDue ? { secondFactorDue } : {}),
    ...(user.language ? { language: user.language } : {}),
    kind: 'user',
    id: user.id,
    label: `${user.name} <${user.email}>`,
    role: user.role,
    forceId: user.forceId,
    staffMemberId: user.staffMemberId,
    mustChangePassword: user.mustChangePassword,
  }
}

/**
 * Sign-in happens before anyone is known, so it reads accounts of every force, under the
 * authentication scope (asAuthenticator) rather than a tenant's. Every attempt, good or bad, is audited.
 */
export class SignInService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly secondFactors: SecondFactorService,
  ) {}

  async signIn(email: string, password: string, origin: RequestOrigin): Promise<SignInResult> {
    const now = this.now()
    const [user] = await asAuthenticator(this.db, (tx) =>
      tx
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase())),
    )
    const anonymous: Actor = {
      type: 'anonymous',
      id: null,
      label: email.trim().slice(0, 254),
      ipAddress: origin.ipAddress,
    }

    if (!user) {
      await verifyDecoy(password)
      await this.audit(anonymous, null, null, 'sign-in-failed', { reason: 'unknown account' })
      return { ok: false }
    }
    const locked = user.lockedUntil !== null && user.lockedUntil > now
    // The password is checked even for a locked or disabled account, so the reply takes as long.
    const matches = await verifyPassword(user.passwordHash, password)
    const actor: Actor = {
      type: 'user',
      id: user.id,
      label: principalOf(user).label,
      ipAddress: origin.ipAddress,
    }

    if (user.disabledAt || locked || !matches) {
      const reason = user.disabledAt ? 'account disabled' : locked ? 'account locked' : 'wrong password'
      await asAuthenticator(this.db, async (tx) => {
        // Only a wrong password counts towards a lock-out. The count goes up in the database, not from
        // the value read above: guesses sent at once must each count, or they could go on unlocked.
        // (The user's row is locked before the audit chain's head, in the order every change takes them.)
        const lockNow = reason === 'wrong password' && (await countFailure(tx, user.id, now))
        await appendAuditEvent(
          tx,
          actor,
          {
            forceId: user.forceId,
            entityType: 'user',
            entityId: user.id,
            action: 'sign-in-failed',
            after: { reason },
          },
          now,
        )
        if (lockNow) {
          await appendAuditEvent(
            tx,
            actor,
            {
              forceId: user.forceId,
              entityType: 'user',
              entityId: user.id,
              action: 'lock',
              after: { lockedFor: `${SIGN_IN_POLICY.lockMinutes} minutes` },
            },
            now,
          )
        }
      })
      return { ok: false }
    }

    const token = newSecret('')
    const secondFactorDue = await asAuthenticator(this.db, async (tx) => {
      await tx
        .update(users)
        .set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now })
        .where(eq(users.id, user.id))
      const due = await this.secondFactors.dueAfterPassword(tx, user)
      await tx
        .insert(sessions)
        .values({ ...this.newSession(token, user.id, origin, now), secondFactorDue: due })
      // Expired sessions of anyone are cleared as people sign in, so the table never grows unbounded.
      await tx
        .delete(sessions)
        .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, this.idleCutoff(now))))
      await appendAuditEvent(
        tx,
        actor,
        { forceId: user.forceId, entityType: 'user', entityId: user.id, action: 'sign-in' },
        now,
      )
      return due
    })
    return { ok: true, token, principal: principalOf(user, secondFactorDue) }
  }

  /**
   * A session for someone an identity provider vouched for, in the caller's transaction. Their second
   * factor is the provider's business, so the session owes none here.
   */
  async openSession(
    tx: Transaction,
    userId: string,
    signedInWith: 'single-sign-on',
    origin: RequestOrigin,
  ): Promise<string> {
    const token = newSecret('')
    await tx.insert(sessions).values({ ...this.newSession(token, userId, origin, this.now()), signedInWith })
    return token
  }

  private newSession(token: string, userId: string, origin: RequestOrigin, now: Date) {
    return {
      tokenHash: secretHash(token),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + minutes(SIGN_IN_POLICY.absoluteHours * 60)),
      ipAddress: origin.ipAddress,
      userAgent: origin.userAgent?.slice(0, 500) ?? null,
    }
  }

  private idleCutoff(now: Date): Date {
    return new Date(now.getTime() - minutes(SIGN_IN_POLICY.idleMinutes))
  }

  /**
   * The person a session cookie belongs to, if the session is still alive and the account usable, and
   * until when that holds without looking again, short of a change to the data: until the session's
   * next touch is due or it ends, whichever is first, so that a caller who takes it on trust till then
   * leaves the session exactly as looking every time would.
   */
  async resolveSession(token: string): Promise<{ principal: Principal; lookAgainAt: Date } | undefined> {
    const now = this.now()
    return asAuthenticator(this.db, async (tx) => {
      const [found] = await tx
        .select({
          user: users,
          lastSeenAt: sessions.lastSeenAt,
          expiresAt: sessions.expiresAt,
          secondFactorDue: sessions.secondFactorDue,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(
            eq(sessions.tokenHash, secretHash(token)),
            gt(sessions.expiresAt, now),
            gt(sessions.lastSeenAt, this.idleCutoff(now)),
          ),
        )
      if (!found || found.user.disabledAt) return undefined
      // Touch the session at most once a minute: enough for the idle timeout, light on writes.
      let lastSeenAt = found.lastSeenAt
      if (now.getTime() - lastSeenAt.getTime() > SESSION_TOUCHED_EVERY_MS) {
        await tx
          .update(sessions)
          .set({ lastSeenAt: now })
          .where(eq(sessions.tokenHash, secretHash(token)))
        lastSeenAt = now
      }
      const touchDue = lastSeenAt.getTime() + SESSION_TOUCHED_EVERY_MS
      return {
        principal: principalOf(found.user, found.secondFactorDue),
        lookAgainAt: new Date(Math.min(touchDue, found.expiresAt.getTime())),
      }
    })
  }

  /**
   * Once the person has given (or set up) their second factor, the session goes on under a new token
   * with nothing owed: the token that was seen before the second factor is worth nothing after it.
   */
  async completeSecondFactor(token: string, principal: Principal, origin: RequestOrigin): Promise<string> {
    const rotated = newSecret('')
    const now = this.now()
    await asAuthenticator(this.db, async (tx) => {
      await tx.delete(sessions).where(eq(sessions.tokenHash, secretHash(token)))
      await tx.insert(sessions).values(this.newSession(rotated, principal.id, origin, now))
      await this.auditOwn(tx, principal, origin.ipAddress, 'second-factor', now)
    })
    return rotated
  }

  /**
   * A wrong second factor counts towards the same lock-out as a wrong password; at the limit the
   * session waiting for it ends too, so guessing codes needs the password again and again.
   */
  async secondFactorFailed(
    token: string,
    principal: Principal,
    ipAddress: string | null,
  ): Promise<'locked' | 'again'> {
    const now = this.now()
    return asAuthenticator(this.db, async (tx) => {
      const lockNow = await countFailure(tx, principal.id, now)
      if (lockNow) await tx.delete(sessions).where(eq(sessions.tokenHash, secretHash(token)))
      await this.auditOwn(
        tx,
        principal,
        ipAddress,
        lockNow ? 'lock' : 'second-factor-failed',
        now,
        lockNow ? { lockedFor: `${SIGN_IN_POLICY.lockMinutes} minutes` } : undefined,
      )
      return lockNow ? 'locked' : 'again'
    })
  }

  /**
   * Replaces the person's password after checking their current one. Their other sessions end: a
   * password change is what someone does when they fear another has their password. Returns the
   * token of the session that carries on in this browser.
   */
  async changePassword(
    principal: Principal,
    passwords: { current: string; replacement: string; confirmation: string },
    origin: RequestOrigin,
  ): Promise<string> {
    const [user] = await asAuthenticator(this.db, (tx) =>
      tx.select().from(users).where(eq(users.id, principal.id)),
    )
    if (!user) throw new UnauthenticatedError()
    const problems: Record<string, string> = {}
    if (!(await verifyPassword(user.passwordHash, passwords.current)))
      problems.current = 'Your current password is not right'
    const problem = passwordProblem(passwords.replacement, user.email)
    if (problem) problems.replacement = problem
    else if (passwords.replacement === passwords.current)
      problems.replacement = 'Choose a password you have not used here'
    else if (passwords.confirmation !== passwords.replacement)
      problems.confirmation = 'The passwords do not match'
    if (Object.keys(problems).length) throw new ValidationError(problems)
    const passwordHash = await hashPassword(passwords.replacement)
    // Every session of the person ends, this one too: it goes on under a new token, so a token
    // someone copied before the change is worth nothing after it.
    const rotated = newSecret('')
    const now = this.now()
    await asAuthenticator(this.db, async (tx) => {
      await tx
        .update(users)
        .set({ passwordHash, mustChangePassword: false, updatedAt: now })
        .where(eq(users.id, user.id))
      await tx.delete(sessions).where(eq(sessions.userId, user.id))
      await tx.insert(sessions).values(this.newSession(rotated, user.id, origin, now))
      await this.auditOwn(tx, principal, origin.ipAddress, 'change-password', now)
    })
    return rotated
  }

  /**
   * Keeps the language the person chose with their account, so that it follows them to any browser
   * and wins over the browser's own preference (src/web/i18n/language.ts).
   */
  async chooseLanguage(principal: Principal, language: string, ipAddress: string | null): Promise<void> {
    if (language !== 'en' && language !== 'cy')
      throw new ValidationError({ language: 'Select the language you want the pages in' })
    const now = this.now()
    await asAuthenticator(this.db, async (tx) => {
      await tx.update(users).set({ language, updatedAt: now }).where(eq(users.id, principal.id))
      await this.auditOwn(tx, principal, ipAddress, 'choose-language', now, { language })
    })
  }

  async signOut(token: string, principal: Principal, ipAddress: string | null): Promise<void> {
    await asAuthenticator(this.db, async (tx) => {
      await tx.delete(sessions).where(eq(sessions.tokenHash, secretHash(token)))
      await this.auditOwn(tx, principal, ipAddress, 'sign-out', this.now())
    })
  }

  /** An event the person caused on their own account. */
  private auditOwn(
    tx: Transaction,
    principal: Principal,
    ipAddress: string | null,
    action: string,
    now: Date,
    after?: unknown,
  ) {
    return appendAuditEvent(
      tx,
      { type: 'user', id: principal.id, label: principal.label, ipAddress },
      { forceId: principal.forceId, entityType: 'user', entityId: principal.id, action, after },
      now,
    )
  }

  private async audit(
    actor: Actor,
    forceId: number | null,
    entityId: string | null,
    action: string,
    after: unknown,
  ) {
    await asAuthenticator(this.db, (tx) =>
      appendAuditEvent(tx, actor, { forceId, entityType: 'user', entityId, action, after }, this.now()),
    )
  }
}
