import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from './support/agent.js'
import type { TestApp } from './support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from './support/two-forces.js'

/**
 * The bad input that answered 500 when the service was probed (issue P13, findings 3 and 4): each must
 * now answer 400 with a message that says what was wrong, and write nothing.
 */

let testApp: TestApp
let cast: TwoForces
let staffNumber: string

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  staffNumber = 'ALPHA0001'
})
afterAll(() => testApp.close())

function sendJson(url: string, payload: string, contentType = 'application/json') {
  return testApp.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { authorization: `Bearer ${cast.alpha.apiToken.token}`, 'content-type': contentType },
  })
}

function expectClearJson400(response: LightMyRequestResponse, what: string, mentions?: RegExp) {
  expect(response.statusCode, `${what}: ${response.body}`).toBe(400)
  const body = response.json<{ message: string }>()
  expect(body.message, what).not.toMatch(/internal|stack|serializ/i)
  if (mentions) expect(body.message, what).toMatch(mentions)
}

const JSON_POSTS = [
  '/api/gifts-hospitality',
  '/api/cases',
  '/api/media-contacts',
  '/api/business-interests',
  '/api/acu-staffing',
]

describe('malformed JSON on the JSON API (finding 3)', () => {
  for (const url of JSON_POSTS) {
    it(`answers 400 with a clear message to broken JSON on ${url}`, async () => {
      expectClearJson400(await sendJson(url, '{"a":'), `truncated ${url}`, /JSON/)
      expectClearJson400(await sendJson(url, ''), `empty ${url}`, /empty|JSON/i)
      expectClearJson400(
        await sendJson(url, '{"__proto__": {"admin": true}}'),
        `__proto__ ${url}`,
        /JSON|prototype/i,
      )
      expectClearJson400(await sendJson(url, '[1, 2]'), `array ${url}`)
    })
  }

  it('answers 415 with a clear JSON message to a body that is not JSON', async () => {
    const response = await sendJson('/api/gifts-hospitality', '<x/>', 'application/xml')
    expect(response.statusCode).toBe(415)
    expect(response.json<{ message: string }>().message).toMatch(/content|type/i)
  })
})

describe('text, numbers and days the database cannot store (finding 4)', () => {
  const gift = (overrides: Record<string, unknown>) =>
    JSON.stringify({
      staffNumber,
      kind: 'gift',
      description: 'A bottle of wine',
      donorName: 'A supplier',
      donorType: 'supplier',
      estimatedValue: 20,
      offeredOn: '2012-02-14',
      outcome: 'declined',
      ...overrides,
    })

  it('refuses a NUL character in a text field, saying so', async () => {
    const response = await sendJson('/api/gifts-hospitality', gift({ description: 'wine\u0000' }))
    expectClearJson400(response, 'NUL in description', /character/i)
  })

  it('refuses an amount of money larger than the register holds', async () => {
    for (const estimatedValue of [2147483648, 1e308, 100_000_000, '100000000']) {
      const response = await sendJson('/api/gifts-hospitality', gift({ estimatedValue }))
      expectClearJson400(response, `estimatedValue ${estimatedValue}`, /estimated value/i)
    }
  })

  it('refuses a lone surrogate in a case summary', async () => {
    const response = await sendJson(
      '/api/cases',
      `{"type":"inappropriate disclosure to the media","source":"internal","openedOn":"2012-01-10","summary":"leak \\ud800 here"}`,
    )
    expectClearJson400(response, 'lone surrogate', /character/i)
  })

  it('answers a NUL in a list search with 400, on pages and in the API', async () => {
    const agent = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    for (const url of ['/roster?q=a%00b', '/gifts-hospitality?q=%00', '/cases?q=%00']) {
      const response = await agent.get(url)
      expect(response.statusCode, url).toBe(400)
      expect(response.body, url).toMatch(/character/i)
    }
    const api = await testApp.app.inject({
      method: 'GET',
      url: '/api/roster?q=%00',
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
    })
    expectClearJson400(api, 'NUL in API search', /character/i)
  })

  it('answers a NUL in the sign-in email with the sign-in form again, not a 500', async () => {
    const agent = new Agent(testApp.app)
    await agent.get('/sign-in')
    const response = await agent.post('/sign-in', { email: 'someone\u0000@example.org', password: 'x' })
    expect(response.statusCode).toBe(400)
  })
})

describe('days outside the years a record may fall in (finding 4)', () => {
  it('refuses a business interest submitted in the year 0000, or far in the past or future', async () => {
    for (const submittedOn of ['0000-01-01', '0099-12-31', '1899-12-31', '2101-01-01']) {
      const response = await sendJson(
        '/api/business-interests',
        JSON.stringify({
          staffNumber,
          submittedOn,
          nature: 'Dog walking',
          category: 'other',
          paid: 'yes',
          conflictDeclaration: 'None',
        }),
      )
      expectClearJson400(response, `submittedOn ${submittedOn}`, /date submitted/i)
    }
  })
})

describe('an upload that is not a well-formed multipart form', () => {
  it('answers 400, not 500, when the form has no boundary or is cut short', async () => {
    const agent = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const payload = `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${agent.csrfToken}\r\n--x`
    for (const type of ['multipart/form-data', 'multipart/form-data; charset=utf-8']) {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/gifts-hospitality/import',
        payload,
        headers: { cookie: agent.cookieHeader, 'x-csrf-token': agent.csrfToken, 'content-type': type },
      })
      expect(response.statusCode, type).toBe(400)
      expect(response.body, type).toMatch(/not a well-formed upload/)
    }
  })
})
