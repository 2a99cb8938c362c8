import * as oidc from 'openid-client'
import { z } from 'zod'
import type { FederatedIdentity } from '../identity/federated-sign-in.js'
import { callbackPath, type ProviderSettings, type SingleSignOnSettings } from './settings.js'

/** What a browser carries between leaving for its provider and coming back: the checks of RFC 9700. */
export const pendingSignIn = z.object({
  provider: z.string(),
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  returnTo: z.string(),
})
export type PendingSignIn = z.infer<typeof pendingSignIn>

/** The provider could not be reached or answered nonsense: not the person's fault, nor a bug here. */
export class ProviderUnavailableError extends Error {}
/** The provider's answer failed a check (state, nonce, code, signature, issuer…). */
export class CallbackRejectedError extends Error {}

/**
 * The OpenID Connect relying party: the authorisation code flow with PKCE (S256), a state and a
 * nonce, over each configured provider's discovered metadata (fetched once, again after a failure).
 */
export class OidcClient {
  private readonly configurations = new Map<string, Promise<oidc.Configuration>>()

  constructor(readonly settings: SingleSignOnSettings) {}

  provider(id: string): ProviderSettings | undefined {
    return this.settings.providers.find((provider) => provider.id === id)
  }

  private configuration(provider: ProviderSettings): Promise<oidc.Configuration> {
    let found = this.configurations.get(provider.id)
    if (!found) {
      found = oidc
        .discovery(
          provider.issuer,
          provider.clientId,
          provider.clientSecret,
          provider.clientSecret ? undefined : oidc.None(),
          // Plain http is allowed only for a loopback issuer (settings.ts), as a test's provider is.
          { execute: provider.issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [] },
        )
        .catch((error: unknown) => {
          this.configurations.delete(provider.id)
          throw new ProviderUnavailableError(`${provider.name} could not be reached: ${String(error)}`)
        })
      this.configurations.set(provider.id, found)
    }
    return found
  }

  redirectUri(provider: ProviderSettings): string {
    return new URL(callbackPath(provider.id), this.settings.publicUrl).href
  }

  /** Where to send the browser, and what it must bring back. */
  async start(provider: ProviderSettings, returnTo: string): Promise<{ url: URL; pending: PendingSignIn }> {
    const configuration = await this.configuration(provider)
    const pending = {
      provider: provider.id,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      returnTo,
    }
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(provider),
      scope: `openid email profile`,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    })
    return { url, pending }
  }

  /** Checks the provider's answer and swaps its code for the ID token; returns who it vouches for. */
  async finish(
    provider: ProviderSettings,
    callback: URL,
    pending: PendingSignIn,
  ): Promise<FederatedIdentity> {
    const configuration = await this.configuration(provider)
    let claims: oidc.IDToken | undefined
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      claims = tokens.claims()
    } catch (error) {
      throw new CallbackRejectedError(error instanceof Error ? error.message : String(error))
    }
    if (!claims) throw new CallbackRejectedError('no ID token')
    const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
    const roles = provider.roleClaim ? claims[provider.roleClaim] : undefined
    return {
      subject: claims.sub,
      email: text(claims.email),
      emailVerified: typeof claims.email_verified === 'boolean' ? claims.email_verified : undefined,
      name: text(claims.name),
      ...(provider.roleClaim
        ? {
            roles: (Array.isArray(roles) ? roles : [roles]).filter(
              (role): role is string => typeof role === 'string',
            ),
          }
        : {}),
    }
  }
}
