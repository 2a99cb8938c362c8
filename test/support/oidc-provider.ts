import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'

/** A person at the test provider: their login there is their subject. */
export interface ProviderAccount {
  email: string
  email_verified?: boolean
  name?: string
  probity_roles?: string[]
}

export interface TestOidcProvider {
  issuer: string
  clientId: string
  clientSecret: string
  close(): Promise<void>
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on an ephemeral loopback port, with
 * one confidential client that must use PKCE. Its development login form signs in whichever login is
 * typed, with any password; the accounts give their claims. Consent is taken as given (a first-party
 * client), so a sign-in is the login form and nothing else.
 */
export async function startOidcProvider(options: {
  redirectUris: string[]
  accounts: Record<string, ProviderAccount>
}): Promise<TestOidcProvider> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = 'probity'
  const clientSecret = 'probity-test-client-secret'
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { methods: ['S256'], required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'probity_roles'] },
    // The claims go in the ID token itself, which is all Probity reads.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    async findAccount(_context, subject) {
      const account = options.accounts[subject]
      if (!account) return undefined
      return { accountId: subject, claims: async () => ({ sub: subject, ...account }) }
    },
    async loadExistingGrant(context: KoaContextWithOIDC) {
      const { oidc } = context
      const clientIdOf = oidc.client?.clientId ?? ''
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientIdOf)
      if (grantId) return oidc.provider.Grant.find(grantId)
      const grant = new oidc.provider.Grant({ clientId: clientIdOf, accountId: oidc.session?.accountId })
      grant.addOIDCScope('openid email profile')
      await grant.save()
      return grant
    },
  })
  server.on('request', provider.callback())
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Follows a provider's pages as a browser without script would: from the authorisation URL through
 * its login form (typing `login`) to the redirect back to Probity, whose URL it returns.
 */
export async function signInAtProvider(authorisationUrl: string, login: string): Promise<URL> {
  const cookies = new Map<string, string>()
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    })
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';')
      const [name, ...value] = (pair ?? '').split('=')
      if (name) cookies.set(name.trim(), value.join('='))
    }
    return response
  }
  let url = authorisationUrl
  for (let hop = 0; hop < 10; hop++) {
    const response = await send(url)
    const location = response.headers.get('location')
    if (location) {
      const next = new URL(location, url)
      if (next.origin !== new URL(authorisationUrl).origin) return next
      url = next.href
      continue
    }
    const page = await response.text()
    const action = page.match(/<form[^>]*action="([^"]+)"/)?.[1]
    if (!action) throw new Error(`the provider showed no form at ${url}: ${page.slice(0, 300)}`)
    const submitted = await send(new URL(action, url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any password' }).toString(),
    })
    const after = submitted.headers.get('location')
    if (!after) throw new Error(`the provider's login form answered ${submitted.status}`)
    url = new URL(after, url).href
  }
  throw new Error('the provider never sent the browser back')
}
