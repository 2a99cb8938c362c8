import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server'
import { and, count, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { asAuthenticator } from '../../db/tenancy.js'
import type { Principal } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { sessions } from '../identity/schema.js'
import { secretHash } from '../identity/tokens.js'
import { passkeys, recoveryCodes } from './schema.js'
import type { SecondFactorService } from './service.js'

/**
 * Where the browser is: a passkey belongs to the site's host name (the relying party's id), and the
 * browser's answer names the origin of the page that asked for it.
 */
export interface RelyingParty {
  id: string
  origin: string
}

/** How long a page's WebAuthn challenge may be answered; a page left open longer must be reloaded. */
export const PASSKEY_CHALLENGE_MINUTES = 5
export const PASSKEY_NAME_MAX = 60

const NO_PASSKEY =
  'No passkey came from your browser: it was cancelled, took too long, or this device already holds one of your passkeys. Passkeys need JavaScript; without it, use an authenticator app.'
const EXPIRED = `The page was open for more than ${PASSKEY_CHALLENGE_MINUTES} minutes, or was used already. Try again.`
const REFUSED = 'The passkey did not pass Probity’s checks. Try again.'

const KNOWN_TRANSPORTS = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
] as const satisfies readonly AuthenticatorTransportFuture[]

const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/)

/** What `PublicKeyCredential.toJSON()` gives for a new passkey (the library checks the rest). */
const registrationJson = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  response: z.object({
    clientDataJSON: base64url(4000),
    attestationObject: base64url(16_000),
    // Ways to reach the authenticator the library does not know are dropped, not refused.
    transports: z
      .array(z.string().max(20))
      .max(10)
      .optional()
      .transform((given) =>
        given?.filter((transport): transport is AuthenticatorTransportFuture =>
          (KNOWN_TRANSPORTS as readonly string[]).includes(transport),
        ),
      ),
  }),
})

/** What `PublicKeyCredential.toJSON()` gives for a passkey's answer at sign-in. */
const authenticationJson = z.object({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  response: z.object({
    clientDataJSON: base64url(4000),
    authenticatorData: base64url(4000),
    signature: base64url(2000),
    userHandle: base64url(200).nullish(),
  }),
})

/** The browser's JSON, if it is of the expected shape; undefined for nothing, nonsense or the wrong shape. */
function parseCredential<T>(schema: z.ZodType<T>, text: string): T | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

const transportsOf = (stored: string[]) => stored as AuthenticatorTransportFuture[]

/** The person's passkeys as the browser is told of them (to use one, or not to make another). */
const descriptorsOf = (keys: { id: string; transports: string[] }[]) =>
  keys.map(({ id, transports }) => ({ id, transports: transportsOf(transports) }))

/**
 * Passkeys (WebAuthn) as a second factor for people who sign in with a password here: adding one,
 * removing one, and using one at sign-in instead of a code. Each page that asks the browser for a
 * passkey gets a new challenge, kept with the session for a few minutes and taken (so answered at
 * most once) by the first answer.
 */
export class PasskeyService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
    private readonly secondFactors: SecondFactorService,
  ) {}

  /** What the browser needs to make a new passkey for the person (none twice on one device). */
  async registrationOptions(
    principal: Principal,
    sessionToken: string,
    relyingParty: RelyingParty,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.credentialsOf(principal.id)
    const [, name = principal.label, email = principal.label] = principal.label.match(/^(.*) <(.*)>$/) ?? []
    const options = await generateRegistrationOptions({
      rpName: 'Probity',
      rpID: relyingParty.id,
      userName: email,
      userDisplayName: name,
      // The same handle for every passkey of the person, so a device keeps one of theirs, not many.
      userID: new TextEncoder().encode(principal.id),
      attestationType: 'none',
      excludeCredentials: descriptorsOf(existing),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: PASSKEY_CHALLENGE_MINUTES * 60_000,
    })
    await this.keepChallenge(sessionToken, options.challenge)
    return options
  }

  /**
   * Adds the passkey the browser made, under the name the person gave (or "Passkey N"). When it is their
   * first second factor it comes with recovery codes, returned to show once.
   */
  async register(
    principal: Principal,
    sessionToken: string,
    relyingParty: RelyingParty,
    given: { name: string; credential: string },
    ipAddress: string | null,
  ): Promise<{ name: string; recoveryCodes?: string[] }> {
    // Taken first, whatever follows: a challenge is answered once at most.
    const challenge = await this.takeChallenge(sessionToken)
    const typedName = given.name.trim()
    if (typedName.length > PASSKEY_NAME_MAX)
      throw new ValidationError({ passkeyName: `Name must be ${PASSKEY_NAME_MAX} characters or fewer` })
    const response: RegistrationResponseJSON | undefined = parseCredential(registrationJson, given.credential)
    if (!response) throw new ValidationError({ passkeyName: NO_PASSKEY })
    if (!challenge) throw new ValidationError({ passkeyName: EXPIRED })
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: relyingParty.origin,
      expectedRPID: relyingParty.id,
      requireUserVerification: false,
    }).catch(() => undefined)
    if (!verified?.verified) throw new ValidationError({ passkeyName: REFUSED })
    const { credential } = verified.registrationInfo
    return asAuthenticator(this.db, async (tx) => {
      const firstFactor = !(await this.secondFactors.hasSecondFactor(tx, principal.id))
      const [held] = await tx
        .select({ total: count() })
        .from(passkeys)
        .where(eq(passkeys.userId, principal.id))
      const name = typedName || `Passkey ${(held?.total ?? 0) + 1}`
      const [added] = await tx
        .insert(passkeys)
        .values({
          id: credential.id,
          userId: principal.id,
          name,
          publicKey: Buffer.from(credential.publicKey),
          signCount: credential.counter,
          transports: credential.transports ?? [],
          createdAt: this.now(),
        })
        .onConflictDoNothing()
        .returning({ id: passkeys.id })
      if (!added) throw new ValidationError({ passkeyName: 'This passkey has been added already' })
      await this.secondFactors.audit(tx, principal, ipAddress, 'add-passkey', {
        after: { id: credential.id, name },
      })
      if (!firstFactor) return { name }
      return { name, recoveryCodes: await this.secondFactors.replaceRecoveryCodes(tx, principal.id) }
    })
  }

  /** What the browser needs to sign with one of the person's passkeys; undefined when they have none. */
  async authenticationOptions(
    principal: Principal,
    sessionToken: string,
    relyingParty: RelyingParty,
  ): Promise<PublicKeyCredentialRequestOptionsJSON | undefined> {
    const existing = await this.credentialsOf(principal.id)
    if (existing.length === 0) return undefined
    const options = await generateAuthenticationOptions({
      rpID: relyingParty.id,
      allowCredentials: descriptorsOf(existing),
      userVerification: 'preferred',
      timeout: PASSKEY_CHALLENGE_MINUTES * 60_000,
    })
    await this.keepChallenge(sessionToken, options.challenge)
    return options
  }

  /**
   * Checks a passkey's answer given at sign-in in place of a code: `missing` when the browser sent none,
   * `expired` when the page's challenge is gone, `refused` when the answer fails a check (a wrong
   * passkey, a bad signature, a counter gone backwards), `verified` otherwise.
   */
  async authenticate(
    principal: Principal,
    sessionToken: string,
    relyingParty: RelyingParty,
    credentialText: string,
  ): Promise<'verified' | 'missing' | 'expired' | 'refused'> {
    const challenge = await this.takeChallenge(sessionToken)
    const parsed = parseCredential(authenticationJson, credentialText)
    if (!parsed) return 'missing'
    if (!challenge) return 'expired'
    const response: AuthenticationResponseJSON = {
      ...parsed,
      response: { ...parsed.response, userHandle: parsed.response.userHandle ?? undefined },
    }
    const [key] = await asAuthenticator(this.db, (tx) =>
      tx
        .select()
        .from(passkeys)
        .where(and(eq(passkeys.id, response.id), eq(passkeys.userId, principal.id))),
    )
    if (!key) return 'refused'
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: relyingParty.origin,
      expectedRPID: relyingParty.id,
      credential: {
        id: key.id,
        publicKey: new Uint8Array(key.publicKey),
        counter: key.signCount,
        transports: transportsOf(key.transports),
      },
      requireUserVerification: false,
    }).catch(() => undefined)
    if (!verified?.verified) return 'refused'
    await asAuthenticator(this.db, (tx) =>
      tx
        .update(passkeys)
        .set({ signCount: verified.authenticationInfo.newCounter, lastUsedAt: this.now() })
        .where(eq(passkeys.id, key.id)),
    )
    return 'verified'
  }

  /** Removes one of the person's passkeys, unless it is the last second factor of someone who must keep one. */
  async remove(principal: Principal, id: string, ipAddress: string | null): Promise<string> {
    const status = await this.secondFactors.status(principal)
    const key = status.passkeys.find((candidate) => candidate.id === id)
    if (!key) throw new NotFoundError('You have no such passkey')
    const anotherLeft = status.authenticatorApp || status.passkeys.length > 1
    if (status.required && !anotherLeft)
      throw new ValidationError({
        passkeys:
          'Add another passkey or an authenticator app before you remove this one: administrators must keep a second factor',
      })
    await asAuthenticator(this.db, async (tx) => {
      await tx.delete(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, principal.id)))
      if (!anotherLeft) await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, principal.id))
      await this.secondFactors.audit(tx, principal, ipAddress, 'remove-passkey', {
        before: { id, name: key.name },
      })
    })
    return key.name
  }

  private credentialsOf(userId: string) {
    return asAuthenticator(this.db, (tx) =>
      tx
        .select({ id: passkeys.id, transports: passkeys.transports })
        .from(passkeys)
        .where(eq(passkeys.userId, userId)),
    )
  }

  private async keepChallenge(sessionToken: string, challenge: string): Promise<void> {
    const expiresAt = new Date(this.now().getTime() + PASSKEY_CHALLENGE_MINUTES * 60_000)
    await asAuthenticator(this.db, (tx) =>
      tx
        .update(sessions)
        .set({ passkeyChallenge: challenge, passkeyChallengeExpiresAt: expiresAt })
        .where(eq(sessions.tokenHash, secretHash(sessionToken))),
    )
  }

  /** The session's challenge if it is still fresh; either way it is gone afterwards. */
  private async takeChallenge(sessionToken: string): Promise<string | undefined> {
    return asAuthenticator(this.db, async (tx) => {
      const [taken] = await tx
        .select({ challenge: sessions.passkeyChallenge, expiresAt: sessions.passkeyChallengeExpiresAt })
        .from(sessions)
        .where(eq(sessions.tokenHash, secretHash(sessionToken)))
        .for('update')
      if (!taken?.challenge) return undefined
      await tx
        .update(sessions)
        .set({ passkeyChallenge: null, passkeyChallengeExpiresAt: null })
        .where(eq(sessions.tokenHash, secretHash(sessionToken)))
      return taken.expiresAt && taken.expiresAt > this.now() ? taken.challenge : undefined
    })
  }
}
