import { eq } from 'drizzle-orm'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { buildTwoForces, TEST_PASSWORD } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Role } from '../../domain/roles.js'
import { auditEvents } from '../audit/schema.js'
import { passkeys, recoveryCodes } from './schema.js'

// The only double: a clock the tests move, which the codes are checked against.
let clock = new Date('2012-06-01T09:00:00Z')
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000)
}

let testApp: TestApp
beforeAll(async () => {
  testApp = await createTestApp({ now: () => clock, adminSecondFactor: 'required' })
  await buildTwoForces(testApp.services)
})
afterAll(() => testApp.close())

let usersMade = 0
async function addUser(role: Role): Promise<{ id: string; email: string }> {
  usersMade++
  const email = `second-factor-${usersMade}@cheshire.example`
  const inspectorate = role === 'inspectorate-admin' || role === 'inspector'
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email,
    name: `Person ${usersMade}`,
    role,
    forceCode: inspectorate ? undefined : 'cheshire',
    password: TEST_PASSWORD,
  })
  return { id: user.id, email }
}

async function signIn(email: string, agent = new Agent(testApp.app)) {
  await agent.get('/sign-in')
  const response = await agent.post('/sign-in', { email, password: TEST_PASSWORD, returnTo: '/account' })
  expect(response.statusCode).toBe(303)
  return agent
}

/** What the person's app would show at `at` (default: now on the test clock). */
const codeAt = (secret: string, at = clock) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at.getTime() })

/** Sets up an authenticator app through the pages, as the person would; returns its secret and recovery codes. */
async function setUpApp(agent: Agent) {
  const page = await agent.get('/account/second-factor/authenticator-app')
  expect(page.statusCode).toBe(200)
  const secret = page.body.match(/id="secret"[^>]*>([A-Z2-7]+)</)?.[1]
  if (!secret) throw new Error('no secret on the set-up page')
  const confirmed = await agent.post('/account/second-factor/authenticator-app', { code: codeAt(secret) })
  expect(confirmed.statusCode).toBe(200)
  const codes = [...confirmed.body.matchAll(/<code>([a-z0-9-]+)<\/code>/g)].map((match) => match[1] ?? '')
  return { secret, codes }
}

describe('administrators must set up a second factor', () => {
  it('sends an administrator who has none to set one up, and lets them through once they have', async () => {
    const admin = await addUser('force-admin')
    const agent = await signIn(admin.email)
    const blocked = await agent.get('/roster')
    expect(blocked.statusCode).toBe(303)
    expect(blocked.headers.location).toBe('/account/second-factor?returnTo=%2Froster')
    expect((await agent.get('/api/me')).statusCode).toBe(403)
    const manage = await agent.get('/account/second-factor')
    expect(manage.body).toContain('Administrators must set up a second factor')

    const setUp = await agent.get('/account/second-factor/authenticator-app')
    const secret = setUp.body.match(/id="secret"[^>]*>([A-Z2-7]+)</)?.[1] ?? ''
    // Reloading the page shows the same key, so the app the person already added still matches.
    expect((await agent.get('/account/second-factor/authenticator-app')).body).toContain(secret)
    const wrong = await agent.post('/account/second-factor/authenticator-app', { code: '000000' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Enter the 6-digit code your app shows now')
    // Six characters that are not six digits, nor six bytes: three outside the Basic Multilingual Plane.
    const notDigits = await agent.post('/account/second-factor/authenticator-app', {
      code: '\u{62215}\u{8F066}\u{3BCE0}',
    })
    expect(notDigits.statusCode).toBe(400)
    expect(notDigits.body).toContain('Enter the 6-digit code your app shows now')

    const oldSession = agent.cookie('probity_session')
    const confirmed = await agent.post('/account/second-factor/authenticator-app', { code: codeAt(secret) })
    expect(confirmed.statusCode).toBe(200)
    expect([...confirmed.body.matchAll(/<code>/g)]).toHaveLength(10)
    expect(agent.cookie('probity_session')).not.toBe(oldSession)
    expect((await agent.get('/roster')).statusCode).toBe(200)
  })

  it('leaves the second factor optional for everyone else', async () => {
    const staff = await addUser('staff')
    const agent = await signIn(staff.email)
    expect((await agent.get('/account')).statusCode).toBe(200)
    expect((await agent.get('/account/second-factor')).body).toContain('Set up an authenticator app')
  })
})

describe('signing in with an authenticator app', () => {
  it('refuses the code of 30 seconds ago and a code used before, and takes the current one', async () => {
    const admin = await addUser('inspectorate-admin')
    const { secret } = await setUpApp(await signIn(admin.email))
    advance(60)

    const agent = await signIn(admin.email)
    const owed = await agent.get('/account')
    expect(owed.headers.location).toBe('/sign-in/second-factor?returnTo=%2Faccount')
    expect((await agent.get('/sign-in/second-factor')).body).toContain('Confirm it is you')

    const stale = await agent.post('/sign-in/second-factor', {
      code: codeAt(secret, new Date(clock.getTime() - 30_000)),
      returnTo: '/account',
    })
    expect(stale.statusCode).toBe(401)
    expect(stale.body).toContain('The code is not right')

    const current = codeAt(secret)
    const accepted = await agent.post('/sign-in/second-factor', { code: current, returnTo: '/account' })
    expect(accepted.statusCode).toBe(303)
    expect(accepted.headers.location).toBe('/account')
    expect((await agent.get('/account')).statusCode).toBe(200)

    // The same code again, still within its 30 seconds, from a second browser: refused.
    const other = await signIn(admin.email)
    expect((await other.post('/sign-in/second-factor', { code: current })).statusCode).toBe(401)
    advance(30)
    expect((await other.post('/sign-in/second-factor', { code: codeAt(secret) })).statusCode).toBe(303)
  })

  it('takes each recovery code once, and keeps only their hashes', async () => {
    const admin = await addUser('force-admin')
    const { codes } = await setUpApp(await signIn(admin.email))
    const [first, second] = codes
    if (!first || !second) throw new Error('no recovery codes shown')
    const stored = await testApp.database.db
      .select()
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, admin.id))
    expect(stored).toHaveLength(10)
    expect(stored.map((row) => row.codeHash)).not.toContain(first.replace('-', ''))
    expect(JSON.stringify(stored)).not.toContain(first.replace('-', ''))

    const agent = await signIn(admin.email)
    // Typed in capitals and without the dash, it still counts.
    const used = await agent.post('/sign-in/second-factor', { code: first.replace('-', '').toUpperCase() })
    expect(used.statusCode).toBe(303)
    const again = await signIn(admin.email)
    expect((await again.post('/sign-in/second-factor', { code: first })).statusCode).toBe(401)
    expect((await again.post('/sign-in/second-factor', { code: second })).statusCode).toBe(303)
    const events = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, admin.id))
    expect(events.filter((event) => event.action === 'use-recovery-code')).toHaveLength(2)
  })

  it('answers bad input with a 4xx and locks the account after five wrong codes', async () => {
    const admin = await addUser('force-admin')
    await setUpApp(await signIn(admin.email))
    const agent = await signIn(admin.email)
    expect((await agent.post('/sign-in/second-factor', { code: '' })).statusCode).toBe(400)
    expect((await agent.post('/sign-in/second-factor', { code: 'x'.repeat(65) })).statusCode).toBe(400)
    const statuses = []
    for (let attempt = 0; attempt < 5; attempt++)
      statuses.push((await agent.post('/sign-in/second-factor', { code: '123456' })).statusCode)
    expect(statuses).toEqual([401, 401, 401, 401, 401])
    expect(agent.hasCookie('probity_session')).toBe(false)
    const locked = await new Agent(testApp.app).post('/sign-in', {
      email: admin.email,
      password: TEST_PASSWORD,
    })
    expect(locked.statusCode).toBe(401)
  })

  it('refuses to remove an administrator’s only second factor', async () => {
    const admin = await addUser('force-admin')
    const agent = await signIn(admin.email)
    await setUpApp(agent)
    const refused = await agent.post('/account/second-factor/authenticator-app/remove')
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('administrators must keep a second factor')
  })
})

// Adding and using a passkey needs a browser's authenticator: test/e2e/passkeys-and-single-sign-on.test.ts.
describe('passkeys', () => {
  it('answers a form without a browser’s passkey with a clear 4xx', async () => {
    const admin = await addUser('force-admin')
    const agent = await signIn(admin.email)
    const page = await agent.get('/account/second-factor')
    expect(page.body).toContain('data-passkey-options=')
    const cases: [form: Record<string, string>, expected: string][] = [
      [{ credential: '' }, 'No passkey came from your browser'],
      [{ credential: '{"id":' }, 'No passkey came from your browser'],
      [{ credential: JSON.stringify({ id: 'x', type: 'public-key' }) }, 'No passkey came'],
      [{ credential: 'x'.repeat(20_001) }, ''],
      [{ name: 'n'.repeat(61), credential: '' }, 'Name must be 60 characters or fewer'],
    ]
    for (const [form, expected] of cases) {
      const refused = await agent.post('/account/second-factor/passkeys', form)
      expect(refused.statusCode).toBe(400)
      expect(refused.body).toContain(expected)
    }
    // Still owing a second factor, and without one.
    expect((await agent.get('/roster')).headers.location).toBe('/account/second-factor?returnTo=%2Froster')
  })

  it('counts as an administrator’s second factor, and is removed (audited) only by its owner', async () => {
    const admin = await addUser('force-admin')
    const staff = await addUser('staff')
    const key = (id: string, userId: string) => ({
      id,
      userId,
      name: `Key of ${userId.slice(0, 4)}`,
      publicKey: Buffer.from('not used by these tests'),
    })
    // Signed in before the passkeys exist, so this session owes no second factor.
    const staffAgent = await signIn(staff.email)
    await testApp.database.db
      .insert(passkeys)
      .values([key('admin-key', admin.id), key('staff-key', staff.id)])

    const adminAgent = await signIn(admin.email)
    expect((await adminAgent.get('/account')).headers.location).toBe(
      '/sign-in/second-factor?returnTo=%2Faccount',
    )
    const verify = await adminAgent.get('/sign-in/second-factor')
    expect(verify.body).toContain('Use your passkey')
    expect(verify.body).toContain('admin-key')
    const junk = await adminAgent.post('/sign-in/second-factor/passkey', { credential: '' })
    expect(junk.statusCode).toBe(400)
    expect(junk.body).toContain('No passkey came from your browser')

    const notTheirs = await staffAgent.post('/account/second-factor/passkeys/remove', { id: 'admin-key' })
    expect(notTheirs.statusCode).toBe(404)
    const removed = await staffAgent.post('/account/second-factor/passkeys/remove', { id: 'staff-key' })
    expect(removed.statusCode).toBe(303)
    expect((await staffAgent.get('/account/second-factor')).body).toContain('Your passkey ‘Key of')
    const left = await testApp.database.db.select({ id: passkeys.id }).from(passkeys)
    expect(left.map((row) => row.id)).toContain('admin-key')
    expect(left.map((row) => row.id)).not.toContain('staff-key')
    const [event] = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'remove-passkey'))
    expect(event).toMatchObject({ entityId: staff.id, before: { id: 'staff-key' } })
  })
})
