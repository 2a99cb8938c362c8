import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import {
  signInAtProvider,
  startOidcProvider,
  type TestOidcProvider,
} from '../../../test/support/oidc-provider.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { buildTwoForces, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { createApp } from '../../app.js'
import { sessions, users } from '../identity/schema.js'
import { loadSingleSignOnSettings, type SingleSignOnSettings } from './settings.js'

const PUBLIC_URL = 'http://localhost:3000'

let provider: TestOidcProvider
let testApp: TestApp
let cast: TwoForces
let singleSignOn: SingleSignOnSettings

beforeAll(async () => {
  provider = await startOidcProvider({
    redirectUris: ['force', 'hmic'].map((id) => `${PUBLIC_URL}/sign-in/oidc/${id}/callback`),
    accounts: {
      // Emails of the two-forces fixture's people (test/support/two-forces.ts).
      'alpha-admin': { email: 'force-admin.alphamarker@cheshire.example', email_verified: true },
      'bravo-admin': { email: 'force-admin.bravomarker@cleveland.example', email_verified: true },
      'new-inspector': {
        email: 'new.inspector@inspectorate.example',
        name: 'New Inspector',
        probity_roles: ['inspector'],
      },
      'no-role': { email: 'no.role@inspectorate.example', probity_roles: ['someone-else'] },
      stranger: { email: 'stranger@elsewhere.example', email_verified: true },
    },
  })
  // The providers configured as the environment would configure them.
  const settings = loadSingleSignOnSettings({
    PROBITY_PUBLIC_URL: PUBLIC_URL,
    PROBITY_OIDC_PROVIDERS: 'force,hmic',
    PROBITY_OIDC_FORCE_ISSUER: provider.issuer,
    PROBITY_OIDC_FORCE_CLIENT_ID: provider.clientId,
    PROBITY_OIDC_FORCE_CLIENT_SECRET: provider.clientSecret,
    PROBITY_OIDC_FORCE_NAME: 'Cheshire Constabulary account',
    PROBITY_OIDC_FORCE_ORGANISATION: 'cheshire',
    PROBITY_OIDC_HMIC_ISSUER: provider.issuer,
    PROBITY_OIDC_HMIC_CLIENT_ID: provider.clientId,
    PROBITY_OIDC_HMIC_CLIENT_SECRET: provider.clientSecret,
    PROBITY_OIDC_HMIC_ROLE_CLAIM: 'probity_roles',
    PROBITY_OIDC_HMIC_CREATE_USERS: 'true',
  })
  if (!settings) throw new Error('no single sign-on settings')
  singleSignOn = settings
  testApp = await createTestApp({ adminSecondFactor: 'required', singleSignOn })
  cast = await buildTwoForces(testApp.services)
})
afterAll(async () => {
  await testApp?.close()
  await provider?.close()
})

/** Starts at Probity, signs in at the provider as `login`, and brings the answer back to Probity. */
async function signInWith(providerId: string, login: string, agent = new Agent(testApp.app)) {
  const started = await agent.get(`/sign-in/oidc/${providerId}?returnTo=%2Faccount`)
  expect(started.statusCode).toBe(303)
  const location = new URL(String(started.headers.location))
  expect(location.searchParams.get('code_challenge_method')).toBe('S256')
  expect(location.searchParams.get('state')).toBeTruthy()
  expect(location.searchParams.get('nonce')).toBeTruthy()
  const callback = await signInAtProvider(location.href, login)
  return { agent, callback, response: await agent.get(`${callback.pathname}${callback.search}`) }
}

describe('signing in through an OpenID Connect provider', () => {
  it('matches a force’s person by verified email, links them, and asks no second factor here', async () => {
    const { agent, response } = await signInWith('force', 'alpha-admin')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/account')
    const account = await agent.get('/account')
    expect(account.statusCode).toBe(200)
    expect(account.body).toContain(cast.alpha.users['force-admin'].email)
    const [session] = await testApp.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, cast.alpha.users['force-admin'].id))
    expect(session?.signedInWith).toBe('single-sign-on')
    expect(session?.secondFactorDue).toBeNull()
  })

  it('finds a linked person by the provider’s subject once their email here differs, keeping the role given in Probity', async () => {
    const admin = cast.alpha.users['force-admin']
    await signInWith('force', 'alpha-admin')
    await testApp.database.db
      .update(users)
      .set({ email: 'renamed.admin@cheshire.example' })
      .where(eq(users.id, admin.id))
    try {
      const { agent, response } = await signInWith('force', 'alpha-admin')
      expect(response.statusCode).toBe(303)
      const me = await agent.get('/api/me')
      expect(JSON.parse(me.body)).toMatchObject({ id: admin.id, role: 'force-admin', forceCode: 'cheshire' })
    } finally {
      await testApp.database.db.update(users).set({ email: admin.email }).where(eq(users.id, admin.id))
    }
  })

  it('creates a user from a provider trusted to, with the role its claim gives', async () => {
    const { agent, response } = await signInWith('hmic', 'new-inspector')
    expect(response.statusCode).toBe(303)
    const [created] = await testApp.database.db
      .select()
      .from(users)
      .where(eq(users.email, 'new.inspector@inspectorate.example'))
    expect(created).toMatchObject({
      role: 'inspector',
      forceId: null,
      passwordHash: null,
      name: 'New Inspector',
    })
    expect((await agent.get('/account')).statusCode).toBe(200)
  })

  it('refuses, with a reason and a 403, whoever it cannot sign in', async () => {
    const unknown = await signInWith('force', 'stranger')
    expect(unknown.response.statusCode).toBe(403)
    expect(unknown.response.body).toContain('You have no Probity account')
    const noRole = await signInWith('hmic', 'no-role')
    expect(noRole.response.statusCode).toBe(403)
    expect(noRole.response.body).toContain('gives you no Probity role')
    const otherForce = await signInWith('force', 'bravo-admin')
    expect(otherForce.response.statusCode).toBe(403)
    expect(otherForce.response.body).toContain('belongs to another organisation')
  })

  it('answers a bad callback with a clear 4xx, never a 500', async () => {
    const agent = new Agent(testApp.app)
    // No sign-in was started in this browser.
    expect((await agent.get('/sign-in/oidc/force/callback?code=x&state=y')).statusCode).toBe(400)
    // One was, but the state that comes back is not its state.
    const started = await agent.get('/sign-in/oidc/force')
    const callback = await signInAtProvider(String(started.headers.location), 'alpha-admin')
    callback.searchParams.set('state', 'forged')
    const forged = await agent.get(`${callback.pathname}${callback.search}`)
    expect(forged.statusCode).toBe(400)
    expect(forged.body).toContain('did not pass Probity')
    // The provider says no.
    await agent.get('/sign-in/oidc/force')
    const denied = await agent.get('/sign-in/oidc/force/callback?error=access_denied&state=x')
    expect(denied.statusCode).toBe(401)
    expect((await agent.get('/sign-in/oidc/nobody')).statusCode).toBe(404)
    expect((await agent.get(`/sign-in/oidc/force/callback?code=${'x'.repeat(3000)}`)).statusCode).toBe(400)
  })

  it('offers each provider on the sign-in page beside the password form', async () => {
    const page = await new Agent(testApp.app).get('/sign-in')
    expect(page.body).toContain('href="/sign-in/oidc/force?returnTo=%2F"')
    expect(page.body).toContain('Sign in with Cheshire Constabulary account')
    expect(page.body).toContain('name="password"')
  })
})

describe('with local passwords turned off (PROBITY_LOCAL_PASSWORDS=off)', () => {
  it('refuses the password form and its POST with a clear message, while the provider still signs people in', async () => {
    // The same services and database, served as the app is with the switch off.
    const app = await createApp(testApp.services, {
      cookieSecret: 'test-cookie-secret-that-is-at-least-32-characters',
      changes: testApp.database.changes,
      singleSignOn: { ...singleSignOn, localPasswords: false },
    })
    try {
      const agent = new Agent(app)
      const page = await agent.get('/sign-in')
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('name="password"')
      expect(page.body).toContain('Probity’s own passwords are turned off here')
      expect(page.body).toContain('Sign in with Cheshire Constabulary account')
      // The page has no form now, so the CSRF token comes from another signed-out form.
      await agent.get('/forces/cheshire/report')
      const refused = await agent.post('/sign-in', {
        email: cast.alpha.users.staff.email,
        password: TEST_PASSWORD,
      })
      expect(refused.statusCode).toBe(403)
      expect(refused.body).toContain(
        'Passwords are turned off here: sign in with your organisation’s account',
      )
      expect(agent.hasCookie('probity_session')).toBe(false)

      const { agent: signedIn, response } = await signInWith('force', 'alpha-admin', agent)
      expect(response.statusCode).toBe(303)
      expect((await signedIn.get('/account')).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })
})

describe('the providers’ settings', () => {
  it('stop the start with one line naming the variable when wrong', () => {
    const base = { PROBITY_PUBLIC_URL: 'https://probity.example', PROBITY_OIDC_PROVIDERS: 'cheshire' }
    expect(() =>
      loadSingleSignOnSettings({ ...base, PROBITY_OIDC_CHESHIRE_ISSUER: 'http://idp.example' }),
    ).toThrow(/^Invalid setting PROBITY_OIDC_CHESHIRE_ISSUER: expected .*https/)
    expect(() => loadSingleSignOnSettings({ PROBITY_LOCAL_PASSWORDS: 'off' })).toThrow(
      /^Missing setting PROBITY_OIDC_PROVIDERS/,
    )
    const settings = loadSingleSignOnSettings({
      ...base,
      PROBITY_LOCAL_PASSWORDS: 'off',
      PROBITY_OIDC_CHESHIRE_ISSUER: 'https://idp.example',
      PROBITY_OIDC_CHESHIRE_CLIENT_ID: 'probity',
      PROBITY_OIDC_CHESHIRE_ORGANISATION: 'cheshire',
    })
    expect(settings).toMatchObject({
      localPasswords: false,
      providers: [{ id: 'cheshire', defaultRole: 'staff', createUsers: false }],
    })
  })
})
