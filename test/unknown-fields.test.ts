import Fastify from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { setUpStrictApiBodies } from '../src/web/input-checks.js'
import { signedInAgent } from './support/agent.js'
import type { TestApp } from './support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from './support/two-forces.js'

/**
 * Issue 26, point 9: the gifts API dropped `approver` on create without a word. Every JSON API body
 * now refuses what it does not take with a 400 naming the fields; the HTML forms stay lenient.
 */

let testApp: TestApp
let cast: TwoForces

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-03-30T10:00:00Z') }))
})
afterAll(() => testApp.close())

const gift = {
  staffNumber: 'ALPHA0001',
  kind: 'gift',
  description: 'Bottle of whisky at Christmas',
  donorName: 'Acme Vehicle Leasing',
  donorType: 'contractor',
  estimatedValue: 40,
  offeredOn: '2011-12-20',
  outcome: 'accepted',
}

function post(url: string, payload: unknown) {
  return testApp.app.inject({
    method: 'POST',
    url,
    payload: payload as Record<string, unknown>,
    headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
  })
}

async function giftsTotal(): Promise<number> {
  const listed = await testApp.app.inject({
    method: 'GET',
    url: '/api/gifts-hospitality',
    headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
  })
  return listed.json().total
}

describe('the gifts API on create', () => {
  it('keeps the approver, disposal and notes it is given', async () => {
    const made = await post('/api/gifts-hospitality', {
      ...gift,
      approver: 'Supt Jane Hale',
      disposal: 'donated',
      notes: 'Given to the hospice raffle',
    })
    expect(made.statusCode, made.body).toBe(201)
    expect(made.json()).toMatchObject({
      approver: 'Supt Jane Hale',
      disposal: 'donated',
      notes: 'Given to the hospice raffle',
    })
  })

  it('refuses a disposal it does not know instead of dropping the approver with it', async () => {
    const before = await giftsTotal()
    const refused = await post('/api/gifts-hospitality', {
      ...gift,
      approver: 'Supt Jane Hale',
      disposal: 'sold',
    })
    expect(refused.statusCode, refused.body).toBe(400)
    expect(refused.json().details.map((detail: { field: string }) => detail.field)).toEqual(['disposal'])
    expect(await giftsTotal()).toBe(before)
  })

  it('refuses fields it does not take, naming each, and writes nothing', async () => {
    const before = await giftsTotal()
    const refused = await post('/api/gifts-hospitality', { ...gift, approvedBy: 'Supt Hale', colour: 'red' })
    expect(refused.statusCode, refused.body).toBe(400)
    expect(refused.json().details).toEqual([
      { field: 'approvedBy', message: 'approvedBy is not a field this request takes' },
      { field: 'colour', message: 'colour is not a field this request takes' },
    ])
    expect(refused.json().message).toContain('approvedBy')
    expect(await giftsTotal()).toBe(before)
  })
})

describe('every JSON API body', () => {
  it('is documented and checked as taking only its own fields', async () => {
    const spec = (await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
    interface BodySchema {
      $ref?: string
      type?: string
      properties?: object
      additionalProperties?: unknown
    }
    type Operation = { requestBody?: { content: Record<string, { schema: BodySchema }> } }
    const resolve = (schema: BodySchema): BodySchema =>
      schema.$ref ? spec.components.schemas[schema.$ref.split('/').at(-1) as string] : schema
    const bodies = Object.entries(spec.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, operations]) =>
        Object.entries(operations).flatMap(([method, operation]) => {
          const schema = operation.requestBody?.content['application/json']?.schema
          return schema ? [{ route: `${method} ${path}`, schema: resolve(schema) }] : []
        }),
    )
    expect(bodies.length).toBeGreaterThan(5)
    const objects = bodies.filter(({ schema }) => schema.type === 'object' && schema.properties)
    expect(objects.map(({ route }) => route)).toContain('post /api/gifts-hospitality')
    for (const { route, schema } of objects) expect(schema.additionalProperties, route).toBe(false)
  })

  it('stops the app from starting when a route takes a loose object', async () => {
    const app = Fastify()
    app.setValidatorCompiler(validatorCompiler)
    setUpStrictApiBodies(app)
    expect(() =>
      app.post('/api/things', { schema: { body: z.object({ name: z.string() }) } }, async () => ({})),
    ).toThrow('POST /api/things: an API body must refuse unknown fields')
    // A form's body, outside the API, may take the framework's fields (_csrf, buttons).
    app.post('/things', { schema: { body: z.object({ name: z.string() }) } }, async () => ({}))
    app.post('/api/strict', { schema: { body: z.strictObject({ name: z.string() }) } }, async () => ({}))
    await app.close()
  })
})

describe('the HTML forms', () => {
  it('still take the CSRF token and a button’s value beside their fields', async () => {
    const caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await caseworker.get('/gifts-hospitality/new')
    const before = await giftsTotal()
    // The form names the member of staff and the date as people enter them, not as the API takes them.
    const { offeredOn: _apiDate, staffNumber, ...fields } = gift
    const recorded = await caseworker.post('/gifts-hospitality/new', {
      ...fields,
      person: staffNumber,
      estimatedValue: '40',
      'offeredOn-day': '20',
      'offeredOn-month': '12',
      'offeredOn-year': '2011',
      action: 'save',
    })
    expect(recorded.statusCode, recorded.body).toBe(303)
    expect(await giftsTotal()).toBe(before + 1)
  })
})
