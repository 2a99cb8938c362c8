import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { auditEvents } from '../audit/schema.js'
import { apiTokens } from './schema.js'

const DAY = 86_400_000
let clock = new Date('2012-06-01T09:00:00Z')
const advance = (milliseconds: number) => {
  clock = new Date(clock.getTime() + milliseconds)
}

let testApp: TestApp
let cast: TwoForces
let inspectorateAdmin: Agent
let bravoAdmin: Agent

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
})
afterAll(() => testApp.close())

// Fresh sessions for each test: a test that moves the clock on a day leaves the old ones expired.
beforeEach(async () => {
  inspectorateAdmin = new Agent(testApp.app)
  await inspectorateAdmin.signIn(cast.inspectorateAdmin.email, TEST_PASSWORD)
  bravoAdmin = new Agent(testApp.app)
  await bravoAdmin.signIn(cast.bravo.users['force-admin'].email, TEST_PASSWORD)
})

const db = () => testApp.database.db
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** Creates a token through the page, as an admin would, and returns the secret the page shows once. */
async function createToken(
  admin: Agent,
  form: Record<string, string>,
): Promise<{ token: string; id: string }> {
  const response = await admin.post('/admin/api-tokens', form)
  if (response.statusCode !== 201) throw new Error(`token not created: ${response.statusCode}`)
  const token = response.body.match(/<code>(prb_[^<]+)<\/code>/)?.[1]
  if (!token) throw new Error('no token on the page')
  const [row] = await db()
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, sha256(token)))
  if (!row) throw new Error('no token row')
  return { token, id: row.id }
}

function withToken(url: string, token: string) {
  return testApp.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
}

async function tokenCount(): Promise<number> {
  return (await db().select().from(apiTokens)).length
}

function expectBearerChallenge(response: Awaited<ReturnType<typeof withToken>>) {
  expect(response.statusCode).toBe(401)
  expect(response.headers['www-authenticate']).toBe('Bearer')
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  expect(response.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' })
}

describe('creating a token on the page', () => {
  it('shows the token once and keeps only its hash', async () => {
    const form = await inspectorateAdmin.get('/admin/api-tokens/new')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('<form method="post" action="/admin/api-tokens" novalidate>')

    const response = await inspectorateAdmin.post('/admin/api-tokens', {
      name: 'Cheshire nightly export',
      role: 'force-admin',
      forceCode: 'cheshire',
      expiresInDays: '30',
    })
    expect(response.statusCode).toBe(201)
    expect(response.body).toContain('This is the only time the token is shown')
    const token = response.body.match(/<code>(prb_[A-Za-z0-9_-]+)<\/code>/)?.[1] as string
    expect(token).toMatch(/^prb_[A-Za-z0-9_-]{43}$/)

    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.name, 'Cheshire nightly export'))
    expect(row).toMatchObject({ tokenHash: sha256(token), prefix: token.slice(0, 10), role: 'force-admin' })
    expect(row?.expiresAt?.getTime()).toBe(clock.getTime() + 30 * DAY)
    expect(JSON.stringify(row)).not.toContain(token)

    const list = await inspectorateAdmin.get('/admin/api-tokens')
    expect(list.body).toContain('Cheshire nightly export')
    expect(list.body).toContain(`<code>${token.slice(0, 10)}…</code>`)
    expect(list.body).not.toContain(token)
  })

  it('asks for what is missing in a GOV.UK error summary, and creates nothing', async () => {
    const before = await tokenCount()
    const response = await inspectorateAdmin.post('/admin/api-tokens', { name: '', expiresInDays: '0' })
    expect(response.statusCode).toBe(400)
    const summary = response.body.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? ''
    expect([...summary.matchAll(/href="(#[^"]+)"/g)].map((match) => match[1])).toEqual([
      '#name',
      '#role',
      '#expiresInDays',
    ])
    expect(summary).toContain('A token must last at least 1 day')
    expect(await tokenCount()).toBe(before)
  })
})

describe('calling the API with a token', () => {
  it("reaches /api/me and /api/users for the token's own force only", async () => {
    const { token, id } = await createToken(inspectorateAdmin, {
      name: 'alpha reader',
      role: 'force-admin',
      forceCode: cast.alpha.code,
    })
    const me = await withToken('/api/me', token)
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({
      kind: 'api-token',
      id,
      label: `API token alpha reader (${token.slice(0, 10)}…)`,
      role: 'force-admin',
      forceCode: cast.alpha.code,
    })

    const list = await withToken('/api/users', token)
    expect(list.statusCode).toBe(200)
    const listed = list.json<{ users: { email: string; forceCode: string | null }[] }>().users
    expect(listed.map((user) => user.email)).toEqual(
      expect.arrayContaining(Object.values(cast.alpha.users).map((user) => user.email)),
    )
    expect(new Set(listed.map((user) => user.forceCode))).toEqual(new Set([cast.alpha.code]))
    expect(list.body).not.toContain(cast.bravo.marker)
    expect(list.body).not.toContain('passwordHash')

    expect((await withToken(`/api/users/${cast.alpha.users.staff.id}`, token)).statusCode).toBe(200)
    const otherForce = await withToken(`/api/users/${cast.bravo.users.staff.id}`, token)
    expect(otherForce.statusCode).toBe(404)
    expect(otherForce.body).not.toContain(cast.bravo.marker)

    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.id, id))
    expect(row?.lastUsedAt?.getTime()).toBe(clock.getTime())
  })

  it('lets an inspectorate token see every force, and keeps a lesser role to what it may do', async () => {
    const { token } = await createToken(inspectorateAdmin, { name: 'national', role: 'inspectorate-admin' })
    const users = (await withToken('/api/users', token)).json<{ users: { forceCode: string | null }[] }>()
      .users
    expect(new Set(users.map((user) => user.forceCode))).toEqual(
      new Set([null, cast.alpha.code, cast.bravo.code]),
    )

    const { token: staffToken } = await createToken(inspectorateAdmin, {
      name: 'staff bot',
      role: 'staff',
      forceCode: cast.alpha.code,
    })
    expect((await withToken('/api/me', staffToken)).statusCode).toBe(200)
    const refused = await withToken('/api/users', staffToken)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toMatchObject({ statusCode: 403 })
  })

  it('refuses a revoked token with 401 and a Bearer challenge', async () => {
    const { token, id } = await createToken(bravoAdmin, { name: 'to be revoked', role: 'staff' })
    expect((await withToken('/api/me', token)).statusCode).toBe(200)

    // Another force's admin cannot revoke it.
    const alphaAdmin = new Agent(testApp.app)
    await alphaAdmin.signIn(cast.alpha.users['force-admin'].email, TEST_PASSWORD)
    expect((await alphaAdmin.post(`/admin/api-tokens/${id}/revoke`)).statusCode).toBe(404)
    expect((await withToken('/api/me', token)).statusCode).toBe(200)

    const revoked = await bravoAdmin.post(`/admin/api-tokens/${id}/revoke`)
    expect(revoked.statusCode).toBe(303)
    expect(revoked.headers.location).toBe('/admin/api-tokens')
    expectBearerChallenge(await withToken('/api/me', token))
    expect((await bravoAdmin.get('/admin/api-tokens')).body).toMatch(/to be revoked[\s\S]*?Revoked/)
  })

  it('refuses an expired token with 401 and a Bearer challenge', async () => {
    const { token } = await createToken(inspectorateAdmin, {
      name: 'one day',
      role: 'force-caseworker',
      forceCode: cast.alpha.code,
      expiresInDays: '1',
    })
    advance(DAY - 1000)
    expect((await withToken('/api/me', token)).statusCode).toBe(200)
    advance(1000)
    expectBearerChallenge(await withToken('/api/me', token))
    const admin = new Agent(testApp.app)
    await admin.signIn(cast.inspectorateAdmin.email, TEST_PASSWORD)
    expect((await admin.get('/admin/api-tokens')).body).toMatch(/one day[\s\S]*?Expired/)
  })

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['a scheme without a token', 'Bearer'],
    ['a token without a scheme', `prb_${'A'.repeat(43)}`],
    ['a token that was never issued', `Bearer prb_${'A'.repeat(43)}`],
    ['an empty header', ''],
  ])('refuses %s with 401, even on a public route', async (_what, authorization) => {
    for (const url of ['/api/me', '/api/forces']) {
      const response = await testApp.app.inject({ method: 'GET', url, headers: { authorization } })
      expectBearerChallenge(response)
    }
  })

  it('does not fall back to the session cookie when the token is bad', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: 'Bearer prb_not-a-real-token', cookie: inspectorateAdmin.cookieHeader },
    })
    expectBearerChallenge(response)
  })
})

describe("a force admin's tokens", () => {
  it('cannot be scoped to the inspectorate (403, nothing created)', async () => {
    const form = await bravoAdmin.get('/admin/api-tokens/new')
    expect(form.body).not.toContain('value="inspectorate-admin"')
    expect(form.body).not.toContain('value="inspector"')
    expect(form.body).not.toContain('name="forceCode"')

    const before = await tokenCount()
    for (const role of ['inspectorate-admin', 'inspector']) {
      const response = await bravoAdmin.post('/admin/api-tokens', { name: `grab ${role}`, role })
      expect(response.statusCode, role).toBe(403)
      expect(response.body).not.toContain('prb_')
    }
    expect(await tokenCount()).toBe(before)
  })

  it("belong to the admin's own force whatever force the form names", async () => {
    const { token } = await createToken(bravoAdmin, {
      name: 'sneaky',
      role: 'force-admin',
      forceCode: cast.alpha.code,
    })
    expect((await withToken('/api/me', token)).json()).toMatchObject({ forceCode: cast.bravo.code })
    const listed = (await withToken('/api/users', token)).json<{ users: { forceCode: string }[] }>().users
    expect(new Set(listed.map((user) => user.forceCode))).toEqual(new Set([cast.bravo.code]))
  })
})

describe('the audit trail of tokens', () => {
  it('records creation and revocation, never the token or its hash', async () => {
    const { token, id } = await createToken(inspectorateAdmin, {
      name: 'audited token',
      role: 'force-admin',
      forceCode: cast.bravo.code,
    })
    expect((await inspectorateAdmin.post(`/admin/api-tokens/${id}/revoke`)).statusCode).toBe(303)
    const events = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, id))
      .orderBy(auditEvents.seq)
    expect(events.map((event) => event.action)).toEqual(['create', 'revoke'])
    expect(events[0]).toMatchObject({
      entityType: 'api-token',
      actorType: 'user',
      actorId: cast.inspectorateAdmin.id,
      after: { id, name: 'audited token', role: 'force-admin' },
    })
    expect(events[1]).toMatchObject({ before: { revokedAt: null }, after: { revokedAt: expect.any(String) } })
    const text = JSON.stringify(events)
    expect(text).not.toContain(token)
    expect(text).not.toContain(sha256(token))
    expect(text).not.toContain('tokenHash')
  })

  it('takes a token in place of a session for a form, without a CSRF token', async () => {
    const { token: adminToken } = await createToken(inspectorateAdmin, {
      name: 'ops bot',
      role: 'inspectorate-admin',
    })
    const { token, id } = await createToken(inspectorateAdmin, {
      name: 'leaked',
      role: 'staff',
      forceCode: cast.alpha.code,
    })
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/admin/api-tokens/${id}/revoke`,
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(response.statusCode).toBe(303)
    expectBearerChallenge(await withToken('/api/me', token))
    const [revoke] = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, id))
      .orderBy(auditEvents.seq)
      .offset(1)
    expect(revoke).toMatchObject({ action: 'revoke', actorType: 'api-token' })
  })
})
