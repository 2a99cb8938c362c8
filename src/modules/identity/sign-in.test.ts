import { createHash } from 'node:crypto'
import { count, eq, sql } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Role } from '../../domain/roles.js'
import { auditEvents } from '../audit/schema.js'
import { sessions, users } from './schema.js'

const GENERIC_FAILURE = 'Enter a correct email address and password.'
const MINUTE = 60_000

let clock = new Date('2012-06-01T09:00:00Z')
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * MINUTE)
}

let testApp: TestApp
let cast: TwoForces
beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
})
afterAll(() => testApp.close())

const db = () => testApp.database.db

let usersMade = 0
/** A fresh account for a test that changes its state (locks, disables), so tests stay independent. */
async function addUser(role: Role = 'staff'): Promise<{ id: string; email: string }> {
  usersMade++
  const email = `person${usersMade}@cheshire.example`
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email,
    name: `Person ${usersMade}`,
    role,
    forceCode: role === 'inspectorate-admin' || role === 'inspector' ? undefined : 'cheshire',
    password: TEST_PASSWORD,
  })
  return { id: user.id, email }
}

async function userRow(id: string) {
  const [row] = await db().select().from(users).where(eq(users.id, id))
  if (!row) throw new Error(`no user ${id}`)
  return row
}

async function sessionsOf(userId: string) {
  return db().select().from(sessions).where(eq(sessions.userId, userId))
}

async function eventsFor(userId: string) {
  return db().select().from(auditEvents).where(eq(auditEvents.entityId, userId)).orderBy(auditEvents.seq)
}

/** A fresh browser that has loaded the sign-in page and posts the form from it. */
async function attempt(email: string, password: string, agent = new Agent(testApp.app)) {
  await agent.get('/sign-in')
  return { agent, response: await agent.post('/sign-in', { email, password }) }
}

function sessionCookie(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === 'probity_session')
}

function errorSummary(body: string): string {
  return body.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? ''
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

describe('the sign-in page', () => {
  it('is a GOV.UK form with email, password and a CSRF token bound to a cookie', async () => {
    const agent = new Agent(testApp.app)
    const response = await agent.get('/sign-in')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<h1 class="govuk-heading-l">Sign in to Probity</h1>')
    expect(response.body).toContain('<form method="post" action="/sign-in" novalidate>')
    expect(response.body).toMatch(/<input[^>]*name="email"[^>]*type="email"[^>]*autocomplete="username"/)
    expect(response.body).toMatch(
      /<input[^>]*name="password"[^>]*type="password"[^>]*autocomplete="current-password"/,
    )
    expect(agent.csrfToken.length).toBeGreaterThan(20)
    expect(agent.hasCookie('probity_csrf')).toBe(true)
    // The page is for anyone: no session is made just by looking.
    expect(sessionCookie(response)).toBeUndefined()
  })

  it('signs in with the right password: a 303 to returnTo and an HttpOnly, SameSite=Lax session cookie', async () => {
    const agent = new Agent(testApp.app)
    const page = await agent.get('/sign-in?returnTo=%2Fadmin%2Fusers%3Fpage%3D2')
    expect(page.body).toContain('name="returnTo" value="/admin/users?page=2"')
    const response = await agent.post('/sign-in', {
      email: cast.inspectorateAdmin.email,
      password: TEST_PASSWORD,
      returnTo: '/admin/users?page=2',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/admin/users?page=2')
    const cookie = sessionCookie(response)
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie?.secure).toBeFalsy()
    expect(String(response.headers['set-cookie'])).toMatch(/probity_session=[^;]+;.*HttpOnly/)

    // Signed in from now on: an admin page opens.
    expect((await agent.get('/admin/users')).statusCode).toBe(200)
    expect((await agent.get('/api/me')).json()).toMatchObject({
      kind: 'user',
      id: cast.inspectorateAdmin.id,
      role: 'inspectorate-admin',
      forceCode: null,
    })
  })

  it('stores the session server-side as a hash of the cookie, never the cookie itself', async () => {
    const { id, email } = await addUser()
    const { agent, response } = await attempt(email, TEST_PASSWORD)
    expect(response.statusCode).toBe(303)
    const token = agent.cookie('probity_session') as string
    expect(token.length).toBeGreaterThanOrEqual(43)

    const rows = await sessionsOf(id)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.tokenHash).toBe(sha256(token))
    expect(JSON.stringify(rows)).not.toContain(token)
    expect(rows[0]?.ipAddress).toBe(agent.remoteAddress)
    expect(rows[0]?.expiresAt.getTime()).toBe(clock.getTime() + 12 * 60 * MINUTE)
    expect((await userRow(id)).lastSignInAt?.getTime()).toBe(clock.getTime())

    // A cookie the server never issued gets nowhere, and is cleared.
    const forger = new Agent(testApp.app)
    forger.setCookie('probity_session', sha256(token))
    const refused = await forger.get('/account')
    expect(refused.statusCode).toBe(303)
    expect(refused.headers.location).toBe('/sign-in?returnTo=%2Faccount')
    expect(forger.hasCookie('probity_session')).toBe(false)
  })

  describe('behind a proxy it trusts', () => {
    let behindProxy: TestApp
    beforeAll(async () => {
      // Agents come from 10.x addresses: this app trusts them as its reverse proxies (TRUST_PROXY).
      ;({ testApp: behindProxy } = await createTwoForcesTestApp({
        now: () => clock,
        trustProxy: ['10.0.0.0/8'],
      }))
    })
    afterAll(() => behindProxy.close())

    it('over TLS (a trusted proxy says so) names its cookies __Host-, Secure, for the whole site, and reads no others', async () => {
      const agent = new Agent(behindProxy.app, { headers: { 'x-forwarded-proto': 'https' } })
      const page = await agent.get('/sign-in')
      const { response } = await attempt(cast.alpha.users.staff.email, TEST_PASSWORD, agent)
      expect(response.statusCode).toBe(303)
      // A browser takes a __Host- cookie only with Secure, Path=/ and no Domain.
      for (const [name, sent] of [
        ['__Host-probity_csrf', page],
        ['__Host-probity_session', response],
      ] as const) {
        const cookie = sent.cookies.find((each) => each.name === name)
        expect(cookie).toMatchObject({ secure: true, httpOnly: true, path: '/' })
        expect(cookie?.domain).toBeUndefined()
      }
      expect([...page.cookies, ...response.cookies].map((cookie) => cookie.name)).not.toContain(
        'probity_session',
      )
      expect(sessionCookie(response)).toBeUndefined()
      expect((await agent.get('/account')).statusCode).toBe(200)

      // The same cookies under the plain names, as a page over plain HTTP or a sibling subdomain could
      // plant them, are not read over TLS: the session is not recognised, nor is the CSRF cookie.
      const session = agent.cookie('__Host-probity_session') as string
      const csrf = agent.cookie('__Host-probity_csrf') as string
      const account = await behindProxy.app.inject({
        url: '/account',
        headers: { 'x-forwarded-proto': 'https', cookie: `probity_session=${session}` },
        remoteAddress: agent.remoteAddress,
      })
      expect(account.statusCode).toBe(303)
      expect(account.headers.location).toBe('/sign-in?returnTo=%2Faccount')
      await agent.get('/account')
      const signOut = await behindProxy.app.inject({
        method: 'POST',
        url: '/sign-out',
        payload: new URLSearchParams({ _csrf: agent.csrfToken }).toString(),
        headers: {
          'x-forwarded-proto': 'https',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `__Host-probity_session=${session}; probity_csrf=${csrf}`,
        },
        remoteAddress: agent.remoteAddress,
      })
      expect(signOut.statusCode).toBe(403)
      expect((await agent.get('/account')).statusCode).toBe(200)

      // Under their own names the same cookies work: the form signs the person out.
      expect((await agent.post('/sign-out')).statusCode).toBe(303)
      expect((await agent.get('/account')).statusCode).toBe(303)
    })
  })

  it('ignores forwarded headers from a client that is not a trusted proxy', async () => {
    const agent = new Agent(testApp.app, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    })
    const { response } = await attempt(cast.alpha.users.staff.email, TEST_PASSWORD, agent)
    expect(response.statusCode).toBe(303)
    expect(sessionCookie(response)?.secure).toBeFalsy()
    expect(response.cookies.map((cookie) => cookie.name)).not.toContain('__Host-probity_session')
    const token = sessionCookie(response)?.value ?? ''
    const [session] = await testApp.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, sha256(token)))
    expect(session?.ipAddress).toBe(agent.remoteAddress)
  })

  it('stores passwords as argon2id hashes of current strength', async () => {
    const row = await userRow(cast.alpha.users.staff.id)
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(row.passwordHash).not.toContain(TEST_PASSWORD)
  })
})

describe('a failed sign-in', () => {
  it('gives the same GOV.UK error summary for a wrong password and for an email with no account', async () => {
    const knownEmail = cast.alpha.users['force-caseworker'].email
    const unknownEmail = 'nobody-at-all@cheshire.example'
    const wrong = await attempt(knownEmail, 'not the right password')
    const unknown = await attempt(unknownEmail, 'not the right password')

    for (const { response } of [wrong, unknown]) {
      expect(response.statusCode).toBe(401)
      expect(sessionCookie(response)).toBeUndefined()
      expect(response.body).toContain('<title>Error: Sign in – Probity</title>')
      const summary = errorSummary(response.body)
      expect(summary).toContain('There is a problem')
      expect(summary).toContain(`<a href="#email">${GENERIC_FAILURE}`)
      expect(response.body).toMatch(
        /<p id="email-error" class="govuk-error-message">[\s\S]*?Enter a correct email address/,
      )
      // What was typed as the email is kept; the password never comes back.
      expect(response.body).not.toContain('not the right password')
    }
    expect(wrong.response.body).toContain(`value="${knownEmail}"`)

    // Apart from the per-request CSRF token and script nonce, and the email typed, not one byte differs.
    const normalise = (body: string, email: string) =>
      body
        .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="TOKEN"')
        .replace(/nonce="[^"]+"/g, 'nonce="NONCE"')
        .replaceAll(email, 'EMAIL')
    expect(normalise(wrong.response.body, knownEmail)).toBe(normalise(unknown.response.body, unknownEmail))
    expect(wrong.response.headers['content-type']).toBe(unknown.response.headers['content-type'])
  })

  it('asks for each empty field with an error linked to it (400)', async () => {
    const both = await attempt('', '')
    expect(both.response.statusCode).toBe(400)
    const summary = errorSummary(both.response.body)
    expect(summary).toContain('<a href="#email">Enter your email address</a>')
    expect(summary).toContain('<a href="#password">Enter your password</a>')
    expect(both.response.body).toContain('id="password-error"')

    const noPassword = await attempt('someone@cheshire.example', '')
    expect(noPassword.response.statusCode).toBe(400)
    expect(errorSummary(noPassword.response.body)).not.toContain('Enter your email address')
    expect(errorSummary(noPassword.response.body)).toContain('Enter your password')
    expect(noPassword.response.body).toContain('value="someone@cheshire.example"')
  })
})

describe('lock-out after repeated failures', () => {
  it('locks an account for 15 minutes after 5 wrong passwords in a row, even against the right one', async () => {
    const { id, email } = await addUser()
    for (let tries = 1; tries <= 5; tries++) {
      const { response } = await attempt(email, `wrong password ${tries}`)
      expect(response.statusCode).toBe(401)
    }
    expect((await userRow(id)).lockedUntil?.getTime()).toBe(clock.getTime() + 15 * MINUTE)

    const whileLocked = await attempt(email, TEST_PASSWORD)
    expect(whileLocked.response.statusCode).toBe(401)
    expect(errorSummary(whileLocked.response.body)).toContain(GENERIC_FAILURE)
    expect(await sessionsOf(id)).toHaveLength(0)

    advance(14)
    expect((await attempt(email, TEST_PASSWORD)).response.statusCode).toBe(401)

    advance(1)
    const afterwards = await attempt(email, TEST_PASSWORD)
    expect(afterwards.response.statusCode).toBe(303)
    expect((await afterwards.agent.get('/account')).statusCode).toBe(200)
    expect(await userRow(id)).toMatchObject({ lockedUntil: null, failedSignIns: 0 })
  })

  it('counts failures in a row: a successful sign-in starts the count again', async () => {
    const { id, email } = await addUser()
    for (let tries = 0; tries < 4; tries++) await attempt(email, 'wrong password')
    expect((await attempt(email, TEST_PASSWORD)).response.statusCode).toBe(303)
    for (let tries = 0; tries < 4; tries++) await attempt(email, 'wrong password')
    expect((await userRow(id)).failedSignIns).toBe(4)
    expect((await attempt(email, TEST_PASSWORD)).response.statusCode).toBe(303)
  })

  it('counts every one of many wrong passwords sent at once', async () => {
    const { id, email } = await addUser()
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, tries) => attempt(email, `parallel guess ${tries}`)),
    )
    expect(responses.map(({ response }) => response.statusCode)).toEqual([401, 401, 401, 401, 401])
    expect((await userRow(id)).lockedUntil?.getTime()).toBe(clock.getTime() + 15 * MINUTE)
    expect((await attempt(email, TEST_PASSWORD)).response.statusCode).toBe(401)
  })

  it('refuses a disabled account with the same generic message', async () => {
    const { id, email } = await addUser()
    await testApp.services.users.setDisabled(SYSTEM_CALLER, id, true)
    const { response } = await attempt(email, TEST_PASSWORD)
    expect(response.statusCode).toBe(401)
    expect(errorSummary(response.body)).toContain(GENERIC_FAILURE)
    expect(sessionCookie(response)).toBeUndefined()
    expect(await sessionsOf(id)).toHaveLength(0)
  })
})

describe('session expiry', () => {
  it('ends a session after 30 minutes without a request', async () => {
    const { email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    advance(29)
    expect((await agent.get('/account')).statusCode).toBe(200)
    advance(31)
    const expired = await agent.get('/account')
    expect(expired.statusCode).toBe(303)
    expect(expired.headers.location).toBe('/sign-in?returnTo=%2Faccount')
    expect(agent.hasCookie('probity_session')).toBe(false)
  })

  it('keeps a session in use alive, but never beyond 12 hours from sign-in', async () => {
    const { email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    // A request every 25 minutes for 11 hours 40 minutes: never idle long enough to end.
    for (let elapsed = 25; elapsed <= 700; elapsed += 25) {
      advance(25)
      const response = await agent.get('/account')
      expect(response.statusCode, `after ${elapsed} minutes`).toBe(200)
    }
    advance(20)
    const expired = await agent.get('/admin/users')
    expect(expired.statusCode).toBe(303)
    expect(expired.headers.location).toBe('/sign-in?returnTo=%2Fadmin%2Fusers')
  })
})

describe('a session in use, taken on trust between its touches', () => {
  it('is looked up again when its touch is due, and touched as before', async () => {
    const { id, email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    const signedInAt = clock.getTime()
    expect((await agent.get('/account')).statusCode).toBe(200)
    // Ended in the database with the table's triggers off, so no one is told: taken on trust meanwhile.
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table sessions disable trigger user`)
      await tx.execute(
        sql`update sessions set expires_at = ${new Date(signedInAt - MINUTE)} where user_id = ${id}`,
      )
      await tx.execute(sql`alter table sessions enable trigger user`)
    })
    advance(0.5)
    expect((await agent.get('/account')).statusCode).toBe(200)
    expect((await sessionsOf(id))[0]?.lastSeenAt.getTime()).toBe(signedInAt)
    // A minute after it was last seen, its touch is due: looked up, it has ended.
    advance(0.6)
    expect((await agent.get('/account')).statusCode).toBe(303)
  })

  it('writes its "last seen" time once a minute while in use, as looking every time did', async () => {
    const { id, email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    const signedInAt = clock.getTime()
    for (let request = 0; request < 8; request++) {
      advance(0.3)
      expect((await agent.get('/account')).statusCode).toBe(200)
    }
    // Requests at 0.3, 0.6, 0.9 (within the minute), 1.2 (touched), 1.5, 1.8, 2.1, 2.4 (touched again).
    expect((await sessionsOf(id))[0]?.lastSeenAt.getTime()).toBe(signedInAt + 2.4 * MINUTE)
  })

  it('stays trusted through changes to other tables, not through a change to its person', async () => {
    const { id, email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    expect((await agent.get('/account')).statusCode).toBe(200)
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table sessions disable trigger user`)
      await tx.execute(
        sql`update sessions set expires_at = ${new Date(clock.getTime() - MINUTE)} where user_id = ${id}`,
      )
      await tx.execute(sql`alter table sessions enable trigger user`)
    })
    // A change elsewhere (as a declaration is): still taken on trust, so the ended session still answers.
    await db().execute(sql`update regions set name = name where false`)
    expect((await agent.get('/account')).statusCode).toBe(200)
    // A change to the users: looked up again, and found ended.
    await db().execute(sql`update users set name = name where id = ${id}`)
    expect((await agent.get('/account')).statusCode).toBe(303)
  })

  it('ends at once when the session is deleted anywhere, as another process signing out does', async () => {
    const { id, email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    expect((await agent.get('/account')).statusCode).toBe(200)
    await db().delete(sessions).where(eq(sessions.userId, id))
    expect((await agent.get('/account')).statusCode).toBe(303)
  })
})

describe('signing out', () => {
  it('deletes the session, so the old cookie no longer works anywhere', async () => {
    const { id, email } = await addUser()
    const { agent } = await attempt(email, TEST_PASSWORD)
    const oldCookie = agent.cookie('probity_session') as string
    expect(await sessionsOf(id)).toHaveLength(1)

    await agent.get('/account')
    const response = await agent.post('/sign-out')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/sign-in?signedOut=1')
    expect(agent.hasCookie('probity_session')).toBe(false)
    expect(await sessionsOf(id)).toHaveLength(0)
    expect((await agent.get('/sign-in?signedOut=1')).body).toContain('You have signed out.')

    // Someone who kept a copy of the cookie gets nothing with it.
    const thief = new Agent(testApp.app)
    thief.setCookie('probity_session', oldCookie)
    const replayed = await thief.get('/account')
    expect(replayed.statusCode).toBe(303)
    expect(replayed.headers.location).toBe('/sign-in?returnTo=%2Faccount')
    const api = await testApp.app.inject({
      url: '/api/me',
      headers: { cookie: `probity_session=${oldCookie}` },
    })
    expect(api.statusCode).toBe(401)
  })
})

describe('CSRF protection', () => {
  it('refuses a sign-in posted without its token, and signs nobody in', async () => {
    const { id, email } = await addUser()
    const agent = new Agent(testApp.app)
    await agent.get('/sign-in')
    const response = await agent.post('/sign-in', { email, password: TEST_PASSWORD }, { csrf: false })
    expect(response.statusCode).toBe(403)
    expect(response.body).toContain('Your form could not be sent')
    expect(response.body).toContain('nothing was changed')
    expect(sessionCookie(response)).toBeUndefined()
    expect(await sessionsOf(id)).toHaveLength(0)
    expect((await userRow(id)).lastSignInAt).toBeNull()
    expect((await eventsFor(id)).map((event) => event.action)).toEqual(['create'])
  })

  it("refuses a token taken from another browser's page", async () => {
    const { id, email } = await addUser()
    const victim = new Agent(testApp.app)
    const attacker = new Agent(testApp.app)
    await victim.get('/sign-in')
    await attacker.get('/sign-in')
    const response = await victim.post('/sign-in', {
      email,
      password: TEST_PASSWORD,
      _csrf: attacker.csrfToken,
    })
    expect(response.statusCode).toBe(403)
    expect(await sessionsOf(id)).toHaveLength(0)
  })

  it("refuses another visitor's token and CSRF cookie sent with this browser's session, and changes nothing", async () => {
    const victim = new Agent(testApp.app)
    await victim.signIn((await addUser()).email, TEST_PASSWORD)
    const signedInAttacker = new Agent(testApp.app)
    await signedInAttacker.signIn((await addUser()).email, TEST_PASSWORD)
    await signedInAttacker.get('/account')
    const anonymousAttacker = new Agent(testApp.app)
    await anonymousAttacker.get('/sign-in')
    for (const attacker of [signedInAttacker, anonymousAttacker]) {
      const forged = await testApp.app.inject({
        method: 'POST',
        url: '/sign-out',
        payload: new URLSearchParams({ _csrf: attacker.csrfToken }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `probity_session=${victim.cookie('probity_session')}; probity_csrf=${attacker.cookie('probity_csrf')}`,
        },
      })
      expect(forged.statusCode).toBe(403)
      expect((await victim.get('/account')).statusCode).toBe(200)
    }
  })

  it('binds the token to the session: one from before sign-in no longer works after it', async () => {
    const { email } = await addUser()
    const agent = new Agent(testApp.app)
    await agent.get('/sign-in')
    const beforeSignIn = agent.csrfToken
    expect((await agent.post('/sign-in', { email, password: TEST_PASSWORD })).statusCode).toBe(303)
    expect((await agent.post('/sign-out', { _csrf: beforeSignIn })).statusCode).toBe(403)
    expect((await agent.get('/account')).statusCode).toBe(200)
    // The page the person sees next carries a token for their session, and it works.
    expect((await agent.post('/sign-out')).statusCode).toBe(303)
    expect((await agent.get('/account')).statusCode).toBe(303)
  })

  it('refuses every other form without its token, and changes nothing', async () => {
    const admin = new Agent(testApp.app)
    await admin.signIn(cast.inspectorateAdmin.email, TEST_PASSWORD)
    const emailsBefore = (await db().select({ email: users.email }).from(users))
      .map((row) => row.email)
      .sort()

    const addUserForm = {
      name: 'Forged Person',
      email: 'forged@cheshire.example',
      role: 'staff',
      forceCode: 'cheshire',
    }
    const forged = await admin.post('/admin/users', addUserForm, { csrf: false })
    expect(forged.statusCode).toBe(403)
    expect(forged.body).toContain('Your form could not be sent')
    const emailsAfter = (await db().select({ email: users.email }).from(users)).map((row) => row.email).sort()
    expect(emailsAfter).toEqual(emailsBefore)

    const target = await addUser()
    expect((await admin.post(`/admin/users/${target.id}/disable`, {}, { csrf: false })).statusCode).toBe(403)
    expect((await userRow(target.id)).disabledAt).toBeNull()

    expect((await admin.post('/sign-out', {}, { csrf: false })).statusCode).toBe(403)
    expect((await admin.get('/account')).statusCode).toBe(200)

    // The same forms with their token go through: it was the token that was missing.
    expect((await admin.post('/admin/users', addUserForm)).statusCode).toBe(201)
    expect((await admin.post(`/admin/users/${target.id}/disable`)).statusCode).toBe(303)
    expect((await userRow(target.id)).disabledAt).not.toBeNull()
  })
})

describe('where sign-in sends you', () => {
  it.each([
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/forces/kent?tab=1', '/forces/kent?tab=1'],
  ])('goes to a local path only: returnTo %j → %s', async (returnTo, expected) => {
    const agent = new Agent(testApp.app)
    const page = await agent.get(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
    expect(page.body).toContain(`name="returnTo" value="${expected}"`)
    const response = await agent.post('/sign-in', {
      email: cast.alpha.users.staff.email,
      password: TEST_PASSWORD,
      returnTo,
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(expected)
    // Already signed in, the sign-in page passes straight on, by the same rule.
    const again = await agent.get(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe(expected)
  })
})

describe('rate limiting', () => {
  it('refuses a 21st sign-in attempt within a minute from one address with 429', async () => {
    const from = '203.0.113.21'
    const guesser = new Agent(testApp.app, { remoteAddress: from })
    await guesser.get('/sign-in')
    const statuses: number[] = []
    for (let tries = 0; tries < 21; tries++) {
      const response = await guesser.post('/sign-in', {
        email: 'nobody@cheshire.example',
        password: `guess ${tries}`,
      })
      statuses.push(response.statusCode)
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401))
    expect(statuses[20]).toBe(429)

    const limited = await attempt(
      cast.alpha.users.staff.email,
      TEST_PASSWORD,
      new Agent(testApp.app, { remoteAddress: from }),
    )
    expect(limited.response.statusCode).toBe(429)
    expect(limited.response.body).toContain('Too many requests')
    expect(limited.response.headers['retry-after']).toBeDefined()
    expect(sessionCookie(limited.response)).toBeUndefined()

    // Another address is not held back by this one's guessing.
    const elsewhere = await attempt(
      cast.alpha.users.staff.email,
      TEST_PASSWORD,
      new Agent(testApp.app, { remoteAddress: '203.0.113.22' }),
    )
    expect(elsewhere.response.statusCode).toBe(303)
  })
})

describe('the audit trail of signing in and out', () => {
  it('records sign-in, failures, lock and sign-out, never with the password or its hash', async () => {
    const { id, email } = await addUser()
    const wrongPassword = 'a wrong password 7d1f'
    const { agent: failedFrom } = await attempt(email, wrongPassword)
    const { agent } = await attempt(email, TEST_PASSWORD)
    await agent.signOut()
    for (let tries = 0; tries < 5; tries++) await attempt(email, wrongPassword)
    const unknownEmail = 'no-such-person@cheshire.example'
    const { agent: unknownFrom } = await attempt(unknownEmail, wrongPassword)

    const events = await eventsFor(id)
    expect(events.map((event) => event.action)).toEqual([
      'create',
      'sign-in-failed',
      'sign-in',
      'sign-out',
      ...Array(5).fill('sign-in-failed'),
      'lock',
    ])
    const [, failed, signedIn, signedOut] = events
    expect(failed).toMatchObject({
      actorType: 'user',
      actorId: id,
      ipAddress: failedFrom.remoteAddress,
      after: { reason: 'wrong password' },
    })
    expect(signedIn).toMatchObject({
      actorType: 'user',
      actorId: id,
      ipAddress: agent.remoteAddress,
      entityType: 'user',
    })
    expect(signedOut).toMatchObject({ actorType: 'user', actorId: id, ipAddress: agent.remoteAddress })
    expect(events.every((event) => event.forceId === events[0]?.forceId && event.forceId !== null)).toBe(true)

    const [unknown] = await db()
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'sign-in-failed' and ${auditEvents.actorLabel} = ${unknownEmail}`)
    expect(unknown).toMatchObject({
      actorType: 'anonymous',
      entityId: null,
      forceId: null,
      ipAddress: unknownFrom.remoteAddress,
      after: { reason: 'unknown account' },
    })

    const { passwordHash } = await userRow(id)
    const everything = JSON.stringify(await db().select().from(auditEvents))
    for (const secret of [TEST_PASSWORD, wrongPassword, passwordHash, '$argon2']) {
      expect(everything).not.toContain(secret)
    }
    const [{ value: sessionsInTrail } = { value: -1 }] = await db()
      .select({ value: count() })
      .from(auditEvents)
      .where(sql`${auditEvents.after}::text like '%tokenHash%'`)
    expect(sessionsInTrail).toBe(0)
  })
})

describe('signing in again in the same browser', () => {
  it('ends the session the browser had before', async () => {
    const agent = new Agent(testApp.app)
    await agent.signIn(cast.alpha.users.staff.email, TEST_PASSWORD)
    const first = agent.cookie('probity_session')
    await agent.post('/sign-in', {
      email: cast.alpha.users['force-caseworker'].email,
      password: TEST_PASSWORD,
    })
    expect(agent.cookie('probity_session')).not.toBe(first)
    const [old] = await testApp.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, sha256(first ?? '')))
    expect(old).toBeUndefined()
  })
})
