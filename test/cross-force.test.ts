import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from './support/agent.js'
import { fillRouteParameters } from './support/route-parameters.js'
import type { TestApp } from './support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from './support/two-forces.js'

/**
 * Walks every route in the app's route table as another force's users, as another force's API token,
 * and as an anonymous visitor, filling each route's parameters with the first force's records. A
 * new route is walked as soon as it exists; a new kind of parameter fails until it gets a value in
 * test/support/route-parameters.ts.
 */

let testApp: TestApp
let cast: TwoForces

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
})
afterAll(() => testApp.close())

function routesToWalk() {
  return testApp.app.routeTable.filter((route) => route.method !== 'HEAD')
}

function fill(url: string) {
  return fillRouteParameters(url, cast)
}

type Send = (method: string, path: string) => Promise<LightMyRequestResponse>

async function agentFor(email?: string): Promise<Agent> {
  const agent = new Agent(testApp.app)
  if (email) await agent.signIn(email, TEST_PASSWORD)
  else await agent.get('/sign-in')
  return agent
}

/** A page's form is posted as a browser posts it; an API route gets JSON, as a script would send it. */
function sendAs(agent: Agent): Send {
  return (method, path) => {
    if (method === 'GET') return agent.get(path)
    return path.startsWith('/api/')
      ? agent.sendJson(method as 'POST', path)
      : agent.send(method as 'POST', path)
  }
}

function sendWithToken(token: string): Send {
  return (method, path) =>
    testApp.app.inject({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${token}` },
      ...(method === 'GET' ? {} : { payload: {} }),
    })
}

const refusedStatuses = [401, 403, 404]

function expectNoAlphaData(response: LightMyRequestResponse, what: string) {
  expect(response.body, what).not.toContain(cast.alpha.marker)
  expect(response.body, what).not.toContain(cast.alpha.users.staff.id)
  expect(response.statusCode, what).toBeLessThan(500)
}

describe('cross-force isolation over every route', () => {
  it('has routes to walk, including the ones that hold force data', () => {
    const urls = routesToWalk().map((route) => route.url)
    expect(urls).toEqual(
      expect.arrayContaining(['/admin/users', '/admin/users/:userId', '/api/users/:userId']),
    )
  })

  for (const role of ['force-admin', 'force-caseworker', 'staff'] as const) {
    it(`refuses Bravo's ${role} every one of Alpha's records, and shows them none of Alpha's data`, async () => {
      const agent = await agentFor(cast.bravo.users[role].email)
      for (const route of routesToWalk()) {
        const { path, namesAlphaRecord } = fill(route.url)
        // Signing out would end the session the walk uses, so that route gets a session of its own.
        const caller = route.url === '/sign-out' ? await agentFor(cast.bravo.users[role].email) : agent
        const response = await sendAs(caller)(route.method, path)
        const what = `${role} ${route.method} ${path} → ${response.statusCode}`
        expectNoAlphaData(response, what)
        if (namesAlphaRecord) expect(refusedStatuses, what).toContain(response.statusCode)
      }
    })
  }

  it("refuses Bravo's API token every one of Alpha's records", async () => {
    const send = sendWithToken(cast.bravo.apiToken.token)
    for (const route of routesToWalk()) {
      const { path, namesAlphaRecord } = fill(route.url)
      const response = await send(route.method, path)
      const what = `token ${route.method} ${path} → ${response.statusCode}`
      expectNoAlphaData(response, what)
      if (namesAlphaRecord) expect(refusedStatuses, what).toContain(response.statusCode)
    }
  })

  it('refuses an anonymous visitor everything that is not public', async () => {
    const agent = await agentFor()
    for (const route of routesToWalk()) {
      const { path } = fill(route.url)
      const response = await sendAs(agent)(route.method, path)
      const what = `anonymous ${route.method} ${path} → ${response.statusCode}`
      expectNoAlphaData(response, what)
      if (route.access === 'public') continue
      const sentToSignIn =
        response.statusCode === 303 && String(response.headers.location).startsWith('/sign-in')
      expect(sentToSignIn || refusedStatuses.includes(response.statusCode), what).toBe(true)
    }
  })

  it('refuses Bravo the dashboard of Alpha named by its code (the walk fills no query string)', async () => {
    for (const path of [`/dashboard?force=${cast.alpha.code}`, `/api/dashboard?force=${cast.alpha.code}`]) {
      for (const role of ['force-admin', 'force-caseworker', 'staff'] as const) {
        const response = await sendAs(await agentFor(cast.bravo.users[role].email))('GET', path)
        expectNoAlphaData(response, `${role} GET ${path}`)
        expect([403, 404], `${role} GET ${path}`).toContain(response.statusCode)
      }
      const response = await sendWithToken(cast.bravo.apiToken.token)('GET', path)
      expect(response.statusCode, `token GET ${path}`).toBe(404)
    }
  })

  it("left Alpha's records as they were", async () => {
    const alphaAdmin = await agentFor(cast.alpha.users['force-admin'].email)
    const list = await alphaAdmin.get('/api/users')
    const alphaUsers = list.json<{ users: { email: string; status: string }[] }>().users
    expect(alphaUsers).toHaveLength(3)
    expect(alphaUsers.every((user) => user.status === 'active')).toBe(true)
    const alphaToken = await sendWithToken(cast.alpha.apiToken.token)('GET', '/api/me')
    expect(alphaToken.statusCode).toBe(200)
  })
})
