import { randomInt } from 'node:crypto'
import { and, count, eq, isNotNull, isNull } from 'drizzle-orm'
import { Secret, TOTP } from 'otpauth'
import type { Database } from '../../db/connection.js'
import { asAuthenticator, type Transaction } from '../../db/tenancy.js'
import type { Principal } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { appendAuditEvent } from '../audit/service.js'
import { secretHash } from '../identity/tokens.js'
import { passkeys, recoveryCodes, totpAuthenticators } from './schema.js'

/** Whether administrators must set up a second factor before they use Probity with a password. */
export type AdminSecondFactor = 'required' | 'optional'

/** Administrators can change who may do what, so a stolen password alone must not be enough for them. */
const ROLES_THAT_NEED_A_SECOND_FACTOR: readonly Role[] = ['inspectorate-admin', 'force-admin']

export const RECOVERY_CODE_COUNT = 10
/** Recovery codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 48 bits. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

const TOTP_PERIOD_SECONDS = 30
/** What an authenticator app shows: six digits. */
const SIX_DIGITS = /^[0-9]{6}$/

function authenticator(secret: string, accountName = '') {
  return new TOTP({
    issuer: 'Probity',
    label: accountName,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  })
}

/** A recovery code as typed: spaces, dashes and case do not matter. */
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '')

function newRecoveryCode(): string {
  const characters = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)])
  return `${characters.slice(0, 5).join('')}-${characters.slice(5).join('')}`
}

export interface SecondFactorStatus {
  authenticatorApp: boolean
  recoveryCodesLeft: number
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[]
  /** Whether the person must keep a second factor (an administrator, where that is required). */
  required: boolean
}

const actorOf = (principal: Principal, ipAddress: string | null) => ({
  type: 'user' as const,
  id: principal.id,
  label: principal.label,
  ipAddress,
})

/**
 * A second factor for people who sign in with a password here (people who sign in through their
 * force's identity provider give theirs there). Everything runs under the authentication scope, as
 * sign-in does, and acts only on the principal's own account.
 */
export class SecondFactorService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly adminSecondFactor: AdminSecondFactor,
  ) {}

  private needsOne(role: Role): boolean {
    return this.adminSecondFactor === 'required' && ROLES_THAT_NEED_A_SECOND_FACTOR.includes(role)
  }

  /** What a password sign-in must still do: give a second factor, set one up, or nothing. */
  async dueAfterPassword(
    tx: Transaction,
    user: { id: string; role: Role },
  ): Promise<'verify' | 'enrol' | null> {
    if (await this.hasSecondFactor(tx, user.id)) return 'verify'
    return this.needsOne(user.role) ? 'enrol' : null
  }

  /** Whether the person has a confirmed authenticator app or a passkey. */
  async hasSecondFactor(tx: Transaction, userId: string): Promise<boolean> {
    const [app] = await tx
      .select({ userId: totpAuthenticators.userId })
      .from(totpAuthenticators)
      .where(and(eq(totpAuthenticators.userId, userId), isNotNull(totpAuthenticators.confirmedAt)))
    const [keys] = await tx.select({ total: count() }).from(passkeys).where(eq(passkeys.userId, userId))
    return !!app || (keys?.total ?? 0) > 0
  }

  async status(principal: Principal): Promise<SecondFactorStatus> {
    return asAuthenticator(this.db, async (tx) => {
      const [app] = await tx
        .select({ confirmedAt: totpAuthenticators.confirmedAt })
        .from(totpAuthenticators)
        .where(eq(totpAuthenticators.userId, principal.id))
      const [codes] = await tx
        .select({ total: count() })
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, principal.id), isNull(recoveryCodes.usedAt)))
      const keys = await tx
        .select({
          id: passkeys.id,
          name: passkeys.name,
          createdAt: passkeys.createdAt,
          lastUsedAt: passkeys.lastUsedAt,
        })
        .from(passkeys)
        .where(eq(passkeys.userId, principal.id))
        .orderBy(passkeys.createdAt)
      return {
        authenticatorApp: !!app?.confirmedAt,
        recoveryCodesLeft: codes?.total ?? 0,
        passkeys: keys,
        required: this.needsOne(principal.role),
      }
    })
  }

  /**
   * The secret to put in an authenticator app, kept unconfirmed until a code from the app proves it
   * arrived. Asking again before confirming shows the same secret, so a reloaded page still matches;
   * none while an app is confirmed (it must be removed first).
   */
  async startAuthenticatorApp(principal: Principal): Promise<{ secret: string; uri: string } | undefined> {
    const row = await asAuthenticator(this.db, async (tx) => {
      await tx
        .insert(totpAuthenticators)
        .values({ userId: principal.id, secret: new Secret({ size: 20 }).base32, createdAt: this.now() })
        .onConflictDoNothing()
      const [found] = await tx
        .select()
        .from(totpAuthenticators)
        .where(eq(totpAuthenticators.userId, principal.id))
      return found
    })
    if (!row || row.confirmedAt) return undefined
    const accountName = principal.label.replace(/^.*<|>$/g, '')
    return { secret: row.secret, uri: authenticator(row.secret, accountName).toString() }
  }

  /** Confirms the app with a code from it, and returns a fresh set of recovery codes to show once. */
  async confirmAuthenticatorApp(
    principal: Principal,
    code: string,
    ipAddress: string | null,
  ): Promise<string[]> {
    const now = this.now()
    return asAuthenticator(this.db, async (tx) => {
      const [row] = await tx
        .select()
        .from(totpAuthenticators)
        .where(eq(totpAuthenticators.userId, principal.id))
        .for('update')
      if (!row || row.confirmedAt) throw new ValidationError({ code: 'Start setting up your app again' })
      const step = this.acceptedStep(row.secret, code, row.lastUsedStep)
      if (step === undefined) throw new ValidationError({ code: 'Enter the 6-digit code your app shows now' })
      await tx
        .update(totpAuthenticators)
        .set({ confirmedAt: now, lastUsedStep: step })
        .where(eq(totpAuthenticators.userId, principal.id))
      await this.audit(tx, principal, ipAddress, 'add-authenticator-app')
      return this.replaceRecoveryCodes(tx, principal.id)
    })
  }

  /**
   * Checks a code given at sign-in: a 6-digit code from the authenticator app (of the current 30
   * seconds only, and never one accepted before) or one of the recovery codes (each works once).
   */
  async verify(principal: Principal, given: string, ipAddress: string | null): Promise<boolean> {
    const code = given.trim()
    return asAuthenticator(this.db, async (tx) => {
      if (SIX_DIGITS.test(code.replace(/\s/g, ''))) {
        const [row] = await tx
          .select()
          .from(totpAuthenticators)
          .where(and(eq(totpAuthenticators.userId, principal.id), isNotNull(totpAuthenticators.confirmedAt)))
          .for('update')
        const step = row && this.acceptedStep(row.secret, code.replace(/\s/g, ''), row.lastUsedStep)
        if (step === undefined) return false
        await tx
          .update(totpAuthenticators)
          .set({ lastUsedStep: step })
          .where(eq(totpAuthenticators.userId, principal.id))
        return true
      }
      const [used] = await tx
        .update(recoveryCodes)
        .set({ usedAt: this.now() })
        .where(
          and(
            eq(recoveryCodes.userId, principal.id),
            eq(recoveryCodes.codeHash, secretHash(normaliseRecoveryCode(code))),
            isNull(recoveryCodes.usedAt),
          ),
        )
        .returning({ userId: recoveryCodes.userId })
      if (!used) return false
      await this.audit(tx, principal, ipAddress, 'use-recovery-code')
      return true
    })
  }

  /** New recovery codes in place of the old ones (all of which stop working). */
  async newRecoveryCodes(principal: Principal, ipAddress: string | null): Promise<string[]> {
    return asAuthenticator(this.db, async (tx) => {
      await this.audit(tx, principal, ipAddress, 'replace-recovery-codes')
      return this.replaceRecoveryCodes(tx, principal.id)
    })
  }

  /** Removes the authenticator app, unless it is the last second factor of someone who must keep one. */
  async removeAuthenticatorApp(principal: Principal, ipAddress: string | null): Promise<void> {
    const status = await this.status(principal)
    if (status.required && status.passkeys.length === 0)
      throw new ValidationError({
        authenticatorApp:
          'Add a passkey before you remove your app: administrators must keep a second factor',
      })
    await asAuthenticator(this.db, async (tx) => {
      await tx.delete(totpAuthenticators).where(eq(totpAuthenticators.userId, principal.id))
      if (status.passkeys.length === 0)
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, principal.id))
      await this.audit(tx, principal, ipAddress, 'remove-authenticator-app')
    })
  }

  /** The code's 30-second step if it is the current step's code and later than the last one used. */
  private acceptedStep(secret: string, code: string, lastUsedStep: number | null): number | undefined {
    // otpauth compares the codes byte for byte and throws when their lengths differ: a string of length
    // six (three characters outside the Basic Multilingual Plane) is twelve bytes.
    if (!SIX_DIGITS.test(code)) return undefined
    const timestamp = this.now().getTime()
    // window 0: only the current step's code. A code from the step before is refused, however fresh.
    const delta = authenticator(secret).validate({ token: code, timestamp, window: 0 })
    if (delta === null) return undefined
    const step = Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS) + delta
    return lastUsedStep !== null && step <= lastUsedStep ? undefined : step
  }

  /** A fresh set of recovery codes in place of any the person had (also when a passkey is their first factor). */
  async replaceRecoveryCodes(tx: Transaction, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId))
    await tx.insert(recoveryCodes).values(
      codes.map((code) => ({
        userId,
        codeHash: secretHash(normaliseRecoveryCode(code)),
        createdAt: this.now(),
      })),
    )
    return codes
  }

  /** An event of the person's own second factor, in its transaction (`details`: what it was about). */
  audit(
    tx: Transaction,
    principal: Principal,
    ipAddress: string | null,
    action: string,
    details?: { before?: unknown; after?: unknown },
  ) {
    return appendAuditEvent(
      tx,
      actorOf(principal, ipAddress),
      { forceId: principal.forceId, entityType: 'user', entityId: principal.id, action, ...details },
      this.now(),
    )
  }
}
