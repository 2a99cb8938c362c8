import { and, eq } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { SESSION_COOKIE } from '../../web/authentication.js'
import { auditEvents } from '../audit/schema.js'
import { sessions, users } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let forceIds: Record<string, number>
let inspectorateAdmin: Agent
let alphaAdmin: Agent
let bravoAdmin: Agent

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  forceIds = Object.fromEntries(
    (await testApp.services.forces.references()).map((force) => [force.code, force.id]),
  )
  inspectorateAdmin = new Agent(testApp.app)
  await inspectorateAdmin.signIn(cast.inspectorateAdmin.email, TEST_PASSWORD)
  alphaAdmin = new Agent(testApp.app)
  await alphaAdmin.signIn(cast.alpha.users['force-admin'].email, TEST_PASSWORD)
  bravoAdmin = new Agent(testApp.app)
  await bravoAdmin.signIn(cast.bravo.users['force-admin'].email, TEST_PASSWORD)
})
afterAll(() => testApp.close())

const db = () => testApp.database.db

async function allEmails(): Promise<string[]> {
  return (await db().select({ email: users.email }).from(users)).map((row) => row.email).sort()
}

async function userByEmail(email: string) {
  const [row] = await db().select().from(users).where(eq(users.email, email))
  return row
}

async function userRow(id: string) {
  const [row] = await db().select().from(users).where(eq(users.id, id))
  if (!row) throw new Error(`no user ${id}`)
  return row
}

let usersMade = 0
async function addCheshireUser(): Promise<{ id: string; email: string }> {
  usersMade++
  const email = `member${usersMade}@cheshire.example`
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email,
    name: `alphamarker Member ${usersMade}`,
    role: 'staff',
    forceCode: 'cheshire',
    password: TEST_PASSWORD,
  })
  return { id: user.id, email }
}

async function signInAs(email: string, password = TEST_PASSWORD): Promise<LightMyRequestResponse> {
  const agent = new Agent(testApp.app)
  await agent.get('/sign-in')
  return agent.post('/sign-in', { email, password })
}

function errorSummaryLinks(body: string): { href: string; text: string }[] {
  const summary = body.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? ''
  return [...summary.matchAll(/<a href="(#[^"]+)">([^<]*)<\/a>/g)].map(([, href = '', text = '']) => ({
    href,
    text: text.trim(),
  }))
}

const oneTimePasswordIn = (body: string) =>
  body.match(/<p class="govuk-body govuk-!-font-size-27"><code>([^<]+)<\/code>/)?.[1]

describe('adding a user through the page', () => {
  it('offers an inspectorate admin every role and every force', async () => {
    const response = await inspectorateAdmin.get('/admin/users/new')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<form method="post" action="/admin/users" novalidate>')
    for (const role of ['inspectorate-admin', 'inspector', 'force-admin', 'force-caseworker', 'staff']) {
      expect(response.body).toContain(`name="role" type="radio" value="${role}"`)
    }
    expect(response.body.match(/<option value="[a-z-]+"/g)).toHaveLength(44)
  })

  it('shows the one-time password once, and the new user signs in with it', async () => {
    const form = {
      name: 'Kim Kent',
      email: 'kim.kent@kent.example',
      role: 'force-caseworker',
      forceCode: 'kent',
    }
    const response = await inspectorateAdmin.post('/admin/users', form)
    expect(response.statusCode).toBe(201)
    expect(response.body).toContain('User added')
    const oneTimePassword = oneTimePasswordIn(response.body) as string
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9_-]{20}$/)
    expect(response.body).toContain('This is the only time the password is shown')

    const row = await userByEmail('kim.kent@kent.example')
    expect(row).toMatchObject({ name: 'Kim Kent', role: 'force-caseworker', forceId: forceIds.kent })
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/)
    expect(row?.passwordHash).not.toContain(oneTimePassword)

    // Nowhere else shows it again.
    for (const url of ['/admin/users', `/admin/users/${row?.id}`, `/api/users/${row?.id}`]) {
      const page = await inspectorateAdmin.get(url)
      expect(page.statusCode, url).toBe(200)
      expect(page.body, url).toContain('kim.kent@kent.example')
      expect(page.body, url).not.toContain(oneTimePassword)
    }

    const agent = new Agent(testApp.app)
    await agent.signIn('Kim.Kent@kent.example', oneTimePassword)
    const chosen = {
      current: oneTimePassword,
      replacement: 'kim chooses a passphrase',
      confirmation: 'kim chooses a passphrase',
    }
    expect((await agent.post('/account/password', chosen)).statusCode).toBe(303)
    expect((await agent.get('/api/me')).json()).toMatchObject({ role: 'force-caseworker', forceCode: 'kent' })
  })

  it('takes a password the admin chooses instead, and then shows none', async () => {
    const form = {
      name: 'Ivy Inspector',
      email: '  ivy@inspectorate.example ',
      role: 'inspector',
      forceCode: '',
      password: 'a long chosen passphrase',
    }
    const response = await inspectorateAdmin.post('/admin/users', form)
    expect(response.statusCode).toBe(201)
    expect(oneTimePasswordIn(response.body)).toBeUndefined()
    expect(response.body).not.toContain('a long chosen passphrase')
    // Spaces pasted around the address are not part of it.
    expect(await userByEmail('ivy@inspectorate.example')).toMatchObject({ role: 'inspector', forceId: null })
    expect((await signInAs('ivy@inspectorate.example', 'a long chosen passphrase')).statusCode).toBe(303)
  })
})

describe('the add-user form when something is wrong', () => {
  it('lists every problem at once in a GOV.UK error summary linked to the fields, and adds no one', async () => {
    const before = await allEmails()
    const response = await inspectorateAdmin.post('/admin/users', {
      name: '  ',
      email: 'not-an-email',
      role: 'staff',
      forceCode: '',
      password: 'short',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('<title>Error: Add a user – Probity</title>')
    expect(response.body).toContain('There is a problem')
    expect(errorSummaryLinks(response.body)).toEqual([
      { href: '#name', text: 'Enter the person’s full name' },
      { href: '#email', text: 'Enter an email address in the correct format, like name@example.police.uk' },
      { href: '#forceCode', text: 'Select the force' },
      { href: '#password', text: 'Password must be 12 characters or more' },
    ])
    // Each field carries its own message, with the id the summary links to.
    for (const field of ['name', 'email', 'forceCode', 'password']) {
      expect(response.body).toContain(`id="${field}-error"`)
      expect(response.body).toMatch(new RegExp(`id="${field}"`))
    }
    // What was typed comes back, except the password.
    expect(response.body).toContain('value="not-an-email"')
    expect(response.body).toMatch(/value="staff" checked/)
    expect(response.body).not.toContain('value="short"')
    expect(await allEmails()).toEqual(before)
  })

  it('asks for a role when none is chosen', async () => {
    const response = await inspectorateAdmin.post('/admin/users', {
      name: 'No Role',
      email: 'no.role@kent.example',
    })
    expect(response.statusCode).toBe(400)
    expect(errorSummaryLinks(response.body)).toEqual([{ href: '#role', text: 'Select a role' }])
    expect(response.body).toContain('id="role"')
    expect(await userByEmail('no.role@kent.example')).toBeUndefined()
  })

  it('refuses a force for an inspectorate role, and a password that is the email address', async () => {
    const response = await inspectorateAdmin.post('/admin/users', {
      name: 'Wrong Side',
      email: 'wrong.side@inspectorate.example',
      role: 'inspector',
      forceCode: 'kent',
      password: 'Wrong.Side@inspectorate.example',
    })
    expect(response.statusCode).toBe(400)
    expect(errorSummaryLinks(response.body)).toEqual([
      { href: '#forceCode', text: 'Inspectorate roles do not belong to a force: leave the force empty' },
      { href: '#password', text: 'Password must not be your email address' },
    ])
    expect(await userByEmail('wrong.side@inspectorate.example')).toBeUndefined()
  })

  it('says an email address is taken, even by an account in a force the admin cannot see, without a 500', async () => {
    const taken = cast.alpha.users.staff.email
    const before = await allEmails()
    const fromInspectorate = await inspectorateAdmin.post('/admin/users', {
      name: 'Copy Cat',
      email: taken.toUpperCase(),
      role: 'staff',
      forceCode: 'kent',
    })
    expect(fromInspectorate.statusCode).toBe(400)
    expect(errorSummaryLinks(fromInspectorate.body)).toEqual([
      { href: '#email', text: 'An account with this email address already exists' },
    ])

    const fromBravo = await bravoAdmin.post('/admin/users', { name: 'Copy Cat', email: taken, role: 'staff' })
    expect(fromBravo.statusCode).toBe(400)
    expect(errorSummaryLinks(fromBravo.body)).toEqual([
      { href: '#email', text: 'An account with this email address already exists' },
    ])
    expect(await allEmails()).toEqual(before)
  })
})

describe("a force admin's powers", () => {
  it('offers only force roles and no choice of force', async () => {
    const response = await bravoAdmin.get('/admin/users/new')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('value="force-admin"')
    expect(response.body).toContain('value="staff"')
    expect(response.body).not.toContain('value="inspectorate-admin"')
    expect(response.body).not.toContain('value="inspector"')
    expect(response.body).not.toContain('name="forceCode"')
  })

  it('cannot give an inspectorate role (403, nothing added)', async () => {
    const before = await allEmails()
    for (const role of ['inspectorate-admin', 'inspector']) {
      const response = await bravoAdmin.post('/admin/users', {
        name: 'Power Grab',
        email: `power.grab.${role}@cleveland.example`,
        role,
      })
      expect(response.statusCode, role).toBe(403)
      expect(response.body).toContain('You cannot give that role')
    }
    expect(await allEmails()).toEqual(before)
  })

  it("adds to the admin's own force whatever force the form names", async () => {
    const response = await bravoAdmin.post('/admin/users', {
      name: 'bravomarker Newcomer',
      email: 'newcomer@cleveland.example',
      role: 'staff',
      forceCode: cast.alpha.code,
    })
    expect(response.statusCode).toBe(201)
    expect((await userByEmail('newcomer@cleveland.example'))?.forceId).toBe(forceIds[cast.bravo.code])
  })

  it("lists only the admin's own force, and cannot see or change another force's user (404)", async () => {
    const list = await bravoAdmin.get('/admin/users')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain(cast.bravo.marker)
    expect(list.body).not.toContain(cast.alpha.marker)

    const alphaStaff = cast.alpha.users.staff.id
    expect((await bravoAdmin.get(`/admin/users/${alphaStaff}`)).statusCode).toBe(404)
    for (const action of ['disable', 'unlock']) {
      expect((await bravoAdmin.post(`/admin/users/${alphaStaff}/${action}`)).statusCode, action).toBe(404)
    }
    expect(await userRow(alphaStaff)).toMatchObject({ disabledAt: null })
  })
})

describe('disabling, enabling and unlocking', () => {
  it('disabling ends the person’s sessions and stops them signing in; enabling lets them back', async () => {
    const member = await addCheshireUser()
    const memberBrowser = new Agent(testApp.app)
    await memberBrowser.signIn(member.email, TEST_PASSWORD)
    const secondBrowser = new Agent(testApp.app)
    await secondBrowser.signIn(member.email, TEST_PASSWORD)
    expect(await db().select().from(sessions).where(eq(sessions.userId, member.id))).toHaveLength(2)

    const page = await alphaAdmin.get(`/admin/users/${member.id}`)
    expect(page.body).toContain(`action="/admin/users/${member.id}/disable"`)
    const disabled = await alphaAdmin.post(`/admin/users/${member.id}/disable`)
    expect(disabled.statusCode).toBe(303)
    expect(disabled.headers.location).toBe(`/admin/users/${member.id}`)

    expect(await db().select().from(sessions).where(eq(sessions.userId, member.id))).toHaveLength(0)
    for (const browser of [memberBrowser, secondBrowser]) {
      const response = await browser.get('/account')
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/sign-in?returnTo=%2Faccount')
    }
    expect((await signInAs(member.email)).statusCode).toBe(401)
    const shown = await alphaAdmin.get(`/admin/users/${member.id}`)
    expect(shown.body).toMatch(/Status\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Disabled/)
    expect(shown.body).toContain('Enable account')

    expect((await alphaAdmin.post(`/admin/users/${member.id}/enable`)).statusCode).toBe(303)
    expect((await signInAs(member.email)).statusCode).toBe(303)
  })

  it('does not let an admin disable their own account', async () => {
    const self = cast.alpha.users['force-admin'].id
    const response = await alphaAdmin.post(`/admin/users/${self}/disable`)
    expect(response.statusCode).toBe(403)
    expect((await userRow(self)).disabledAt).toBeNull()
    expect((await alphaAdmin.get('/account')).statusCode).toBe(200)
  })

  it('unlocking clears a lock-out so the right password works again at once', async () => {
    const member = await addCheshireUser()
    for (let tries = 0; tries < 5; tries++)
      expect((await signInAs(member.email, 'wrong guess')).statusCode).toBe(401)
    expect((await signInAs(member.email)).statusCode).toBe(401)

    const page = await alphaAdmin.get(`/admin/users/${member.id}`)
    expect(page.body).toContain('Locked')
    expect(page.body).toContain(`action="/admin/users/${member.id}/unlock"`)
    expect((await alphaAdmin.post(`/admin/users/${member.id}/unlock`)).statusCode).toBe(303)
    expect(await userRow(member.id)).toMatchObject({ lockedUntil: null, failedSignIns: 0 })
    expect((await signInAs(member.email)).statusCode).toBe(303)
  })
})

describe('who may manage users', () => {
  it.each(['staff', 'force-caseworker'] as const)(
    'refuses a %s every user-admin page and action (403)',
    async (role) => {
      const agent = new Agent(testApp.app)
      await agent.signIn(cast.alpha.users[role].email, TEST_PASSWORD)
      const before = await allEmails()
      for (const url of [
        '/admin/users',
        '/admin/users/new',
        `/admin/users/${cast.alpha.users.staff.id}`,
        '/api/users',
      ]) {
        const response = await agent.get(url)
        expect(response.statusCode, url).toBe(403)
        expect(response.body, url).not.toContain(cast.alpha.users.staff.email)
      }
      const post = await agent.post('/admin/users', {
        name: 'Sneaky',
        email: `sneaky.${role}@cheshire.example`,
        role: 'staff',
      })
      expect(post.statusCode).toBe(403)
      expect(post.body).toContain('You do not have permission')
      expect((await agent.post(`/admin/users/${cast.alpha.users.staff.id}/disable`)).statusCode).toBe(403)
      expect(await allEmails()).toEqual(before)
      expect((await userRow(cast.alpha.users.staff.id)).disabledAt).toBeNull()
    },
  )

  it('sends an anonymous visitor to sign in first', async () => {
    const response = await new Agent(testApp.app).get('/admin/users')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/sign-in?returnTo=%2Fadmin%2Fusers')
  })
})

describe('the audit trail of user administration', () => {
  it('records who created and disabled whom, with before and after, never the password or its hash', async () => {
    const created = await alphaAdmin.post('/admin/users', {
      name: 'alphamarker Audited',
      email: 'audited@cheshire.example',
      role: 'staff',
    })
    expect(created.statusCode).toBe(201)
    const oneTimePassword = oneTimePasswordIn(created.body) as string
    const row = await userByEmail('audited@cheshire.example')
    if (!row) throw new Error('not created')
    expect((await alphaAdmin.post(`/admin/users/${row.id}/disable`)).statusCode).toBe(303)

    const events = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'user'), eq(auditEvents.entityId, row.id)))
      .orderBy(auditEvents.seq)
    expect(events.map((event) => event.action)).toEqual(['create', 'disable'])
    const [create, disable] = events
    const actor = {
      actorType: 'user',
      actorId: cast.alpha.users['force-admin'].id,
      ipAddress: alphaAdmin.remoteAddress,
    }
    expect(create).toMatchObject({
      ...actor,
      forceId: forceIds.cheshire,
      before: null,
      after: {
        id: row.id,
        email: 'audited@cheshire.example',
        role: 'staff',
        forceId: forceIds.cheshire,
        disabledAt: null,
      },
    })
    expect(disable).toMatchObject({
      ...actor,
      before: { id: row.id, disabledAt: null },
      after: { id: row.id, disabledAt: expect.any(String) },
    })
    for (const event of events) {
      const text = JSON.stringify(event)
      expect(text).not.toContain('passwordHash')
      expect(text).not.toContain(row.passwordHash)
      expect(text).not.toContain('$argon2')
      expect(text).not.toContain(oneTimePassword)
    }
  })
})

describe('a one-time password', () => {
  it('must be replaced by the person’s own before they can do anything else', async () => {
    const { oneTimePassword, user } = await testApp.services.users.create(SYSTEM_CALLER, {
      email: 'new.starter@cheshire.example',
      name: 'New Starter',
      role: 'force-caseworker',
      forceCode: 'cheshire',
    })
    const person = new Agent(testApp.app)
    await person.signIn('new.starter@cheshire.example', oneTimePassword ?? '')
    const elsewhere = new Agent(testApp.app)
    await elsewhere.signIn('new.starter@cheshire.example', oneTimePassword ?? '')

    const held = await person.get('/admin/users')
    expect(held.statusCode).toBe(303)
    expect(held.headers.location).toBe('/account/password')
    expect((await person.get('/api/me')).statusCode).toBe(403)
    expect((await person.get('/account/password')).body).toContain('Choose your own password')

    const wrong = await person.post('/account/password', {
      current: 'not it',
      replacement: 'x',
      confirmation: 'y',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Your current password is not right')
    expect(wrong.body).toContain('Password must be 12 characters or more')

    const mismatched = await person.post('/account/password', {
      current: oneTimePassword ?? '',
      replacement: 'a long pass phrase of mine',
      confirmation: 'a long pass phrase of yours',
    })
    expect(mismatched.body).toContain('The passwords do not match')

    const oldSession = person.cookie(SESSION_COOKIE) as string
    const changed = await person.post('/account/password', {
      current: oneTimePassword ?? '',
      replacement: 'a long pass phrase of mine',
      confirmation: 'a long pass phrase of mine',
    })
    expect(changed.statusCode).toBe(303)
    // The session is rotated: a new cookie works, the one from before the change no longer does.
    expect(person.cookie(SESSION_COOKIE)).not.toBe(oldSession)
    expect((await person.get('/api/me')).statusCode).toBe(200)
    const thief = new Agent(testApp.app)
    thief.setCookie(SESSION_COOKIE, oldSession)
    expect((await thief.get('/account')).statusCode).toBe(303)
    // Changing the password ends the person's other sessions.
    expect((await elsewhere.get('/account')).statusCode).toBe(303)
    const fresh = new Agent(testApp.app)
    await fresh.signIn('new.starter@cheshire.example', 'a long pass phrase of mine')
    expect((await fresh.get('/account')).statusCode).toBe(200)

    const events = await testApp.services.audit.history(SYSTEM_CALLER, 'user', user.id)
    expect(events.map((event) => event.action)).toContain('change-password')
  })
})
