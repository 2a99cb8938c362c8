import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createRegisterTestApp } from '../../../test/support/registers.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import { criterionKey } from './rules.js'

/**
 * Issue 26, point 1: an approved second job offered only "Mark as expired" and "Withdraw", and the
 * reviews-due list had no way to record that a review happened. Now a review is recorded with its
 * date, outcome (continue, vary conditions, revoke), notes and next review date.
 */

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let bravoCaseworker: Agent
let inspector: Agent

const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [`concern-${criterionKey(criterion)}`, 'no']),
)
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** What the API says of one of Alpha's interests, or of its reviews (`/reviews`). */
async function read(path: string) {
  const response = await testApp.app.inject({
    method: 'GET',
    url: `/api/business-interests/${path}`,
    headers: bearer(cast.alpha.apiToken.token),
  })
  expect(response.statusCode, response.body).toBe(200)
  return response.json()
}

/** An application approved on 1 March 2012 with its review due on `reviewDate`; its id. */
async function approved(nature: string, reviewDate: string): Promise<string> {
  const recorded = await caseworker.post('/business-interests/record', {
    staffNumber: 'ALPHA0001',
    nature,
    category: 'voluntary work',
    paid: 'no',
    conflictDeclaration: 'None',
  })
  expect(recorded.statusCode, recorded.body).toBe(303)
  const id = (recorded.headers.location as string).split('/').at(-1) as string
  const decided = await caseworker.post(`/business-interests/${id}/decision`, {
    ...noConcerns,
    decision: 'approved',
    reviewDate,
  })
  expect(decided.statusCode, decided.body).toBe(303)
  return id
}

let first: string
let second: string
let third: string

beforeAll(async () => {
  ;({ testApp, cast } = await createRegisterTestApp(() => new Date('2012-03-01T10:00:00Z')))
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  bravoCaseworker = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
  inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  first = await approved('Football referee', '2012-03-10')
  second = await approved('Church warden', '2012-03-12')
  third = await approved('Taxi driving at weekends', '2012-03-15')
})
afterAll(() => testApp.close())

describe('recording a review', () => {
  it('is offered from the reviews-due list and the interest’s page, to caseworkers only', async () => {
    const due = await caseworker.get('/business-interests/reviews-due')
    expect(due.body).toContain(`href="/business-interests/${first}/review"`)
    expect(due.body).toContain('Record review<span class="govuk-visually-hidden"> for alphamarker Constable')
    const page = await caseworker.get(`/business-interests/${first}`)
    expect(page.body).toContain('This approval has not been reviewed yet.')
    expect(page.body).toContain(`href="/business-interests/${first}/review"`)
    const form = await caseworker.get(`/business-interests/${first}/review`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('name="reviewedOn-day" type="text" value="1"')
    expect(form.body).toContain('name="nextReviewDate-year" type="text" value="2013"')
    expect(form.body).toContain('Skip to the next review due')
    const inspectorDue = await inspector.get('/business-interests/reviews-due?force=cheshire')
    expect(inspectorDue.body).not.toContain('/review"')
    expect((await inspector.get(`/business-interests/${first}/review`)).statusCode).toBe(403)
  })

  it('shows every problem against its field and changes nothing', async () => {
    const refused = await caseworker.post(`/business-interests/${first}/review`, {
      'reviewedOn-day': '2',
      'reviewedOn-month': '3',
      'reviewedOn-year': '2012',
      outcome: 'vary conditions',
      conditions: '',
      'nextReviewDate-day': '1',
      'nextReviewDate-month': '2',
      'nextReviewDate-year': '2012',
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Date of the review must be today or in the past')
    expect(refused.body).toContain('Enter the conditions from now on')
    expect(refused.body).toContain('Next review date must be in the future')
    expect(refused.body).toContain('href="#reviewedOn"')
    expect((await read(`${first}/reviews`)).reviews).toEqual([])
    expect((await read(first)).reviewDate).toBe('2012-03-10')
  })

  it('continues an approval: the next review moves on, with a banner and the way to the next one due', async () => {
    const done = await caseworker.post(`/business-interests/${first}/review`, {
      'reviewedOn-day': '1',
      'reviewedOn-month': '3',
      'reviewedOn-year': '2012',
      outcome: 'continue',
      notes: 'Still refereeing on Saturdays only',
      'nextReviewDate-day': '',
      'nextReviewDate-month': '',
      'nextReviewDate-year': '',
    })
    expect(done.statusCode, done.body).toBe(303)
    expect(done.headers.location).toBe(`/business-interests/${first}`)
    const page = await caseworker.get(`/business-interests/${first}`)
    expect(page.body).toContain('Review recorded for alphamarker Constable: continue as approved')
    expect(page.body).toContain('Still refereeing on Saturdays only')
    expect(page.body).toContain('1 March 2013')
    expect(page.body).toContain('2 other reviews are due.')
    expect(page.body).toContain(`href="/business-interests/${second}/review"`)
    const due = await caseworker.get('/business-interests/reviews-due')
    expect(due.body).not.toContain(`/business-interests/${first}/review`)
    expect(page.body).toMatch(/<td class="govuk-table__cell">review<\/td>/)
  })

  it('varies the conditions', async () => {
    const done = await caseworker.post(`/business-interests/${second}/review`, {
      outcome: 'vary conditions',
      conditions: 'No more than 4 hours a week',
      nextReviewDate: '2012-09-01',
    })
    expect(done.statusCode, done.body).toBe(303)
    expect(await read(second)).toMatchObject({
      status: 'approved with conditions',
      conditions: 'No more than 4 hours a week',
      reviewDate: '2012-09-01',
    })
  })

  it('asks before revoking, then ends the approval', async () => {
    const asked = await caseworker.post(`/business-interests/${third}/review`, {
      outcome: 'revoke',
      notes: 'Licensing conflict with the force’s taxi enforcement',
    })
    expect(asked.statusCode).toBe(200)
    expect(asked.body).toContain('Are you sure you want to revoke this approval?')
    expect(asked.body).toContain('name="confirmed" value="yes"')
    expect((await read(third)).status).toBe('approved')
    const done = await caseworker.post(`/business-interests/${third}/review`, {
      outcome: 'revoke',
      reviewedOn: '2012-03-01',
      notes: 'Licensing conflict with the force’s taxi enforcement',
      confirmed: 'yes',
    })
    expect(done.statusCode, done.body).toBe(303)
    const page = await caseworker.get(`/business-interests/${third}`)
    expect(page.body).toContain('Review recorded for alphamarker Constable: revoke the approval')
    expect(page.body).toContain('Revoked')
    expect(page.body).not.toContain(`href="/business-interests/${third}/review"`)
    expect((await caseworker.get(`/business-interests/${third}/review`)).statusCode).toBe(404)
    const register = await testApp.app.inject({
      method: 'GET',
      url: '/forces/cheshire/published-registers/business-interests.csv',
    })
    expect(register.body).not.toContain('Taxi driving at weekends')
  })
})

describe('another force and the API', () => {
  it('refuses another force’s caseworker every review route', async () => {
    expect((await bravoCaseworker.get(`/business-interests/${first}/review`)).statusCode).toBe(404)
    expect(
      (await bravoCaseworker.post(`/business-interests/${first}/review`, { outcome: 'continue' })).statusCode,
    ).toBe(404)
    // Whatever the body: the record is looked for before the body is judged.
    for (const [method, payload] of [
      ['GET', undefined],
      ['POST', { outcome: 'continue' }],
      ['POST', {}],
      ['POST', { outcome: 'continue', reviewer: 'Sgt Bloggs' }],
    ] as const) {
      const response = await testApp.app.inject({
        method,
        url: `/api/business-interests/${first}/reviews`,
        headers: bearer(cast.bravo.apiToken.token),
        ...(payload ? { payload } : {}),
      })
      expect(response.statusCode, `${method} ${JSON.stringify(payload)}`).toBe(404)
    }
    // Signed in, a form's _csrf rides along: still not found, rather than a 400 about the field.
    const signedIn = await bravoCaseworker.post(`/api/business-interests/${first}/reviews`, {
      outcome: 'continue',
    })
    expect(signedIn.statusCode).toBe(404)
  })

  it('records and lists reviews through the API, refusing unknown fields', async () => {
    const url = `/api/business-interests/${first}/reviews`
    const headers = bearer(cast.alpha.apiToken.token)
    const unknown = await testApp.app.inject({
      method: 'POST',
      url,
      headers,
      payload: { outcome: 'continue', reviewer: 'Sgt Bloggs' },
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().details).toEqual([
      { field: 'reviewer', message: 'reviewer is not a field this request takes' },
    ])
    const bad = await testApp.app.inject({ method: 'POST', url, headers, payload: { outcome: 'pause' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details).toEqual([{ field: 'outcome', message: 'Select the outcome of the review' }])
    const made = await testApp.app.inject({
      method: 'POST',
      url,
      headers,
      payload: { outcome: 'continue', nextReviewDate: '2012-06-01' },
    })
    expect(made.statusCode, made.body).toBe(201)
    expect(made.json()).toMatchObject({
      outcome: 'continue',
      reviewedOn: '2012-03-01',
      nextReviewDate: '2012-06-01',
    })
    const listed = await testApp.app.inject({ method: 'GET', url, headers })
    expect(listed.json().reviews.map((review: { outcome: string }) => review.outcome)).toEqual([
      'continue',
      'continue',
    ])
  })
})
