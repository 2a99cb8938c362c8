import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { buildTwoForces, type TwoForces } from '../../../test/support/two-forces.js'

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let admin: Agent
let bravoCaseworker: Agent
const clock = new Date('2012-06-15T10:00:00Z')

beforeAll(async () => {
  testApp = await createTestApp({ now: () => clock })
  cast = await buildTwoForces(testApp.services)
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
  bravoCaseworker = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

const date = (name: string, day: string, month: string, year: string) => ({
  [`${name}-day`]: day,
  [`${name}-month`]: month,
  [`${name}-year`]: year,
})

describe('a case’s pages', () => {
  let caseId: string

  it('opens a case from dates entered in the date input, says so, and shows dates as 27 March 2012', async () => {
    const form = await caseworker.get('/cases/new')
    expect(form.body).toContain('name="openedOn-day"')
    const bad = await caseworker.post('/cases/new', {
      type: 'other',
      source: 'internal',
      summary: 'A case',
      ...date('openedOn', '31', '2', '2012'),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Date opened must be a real date')
    const opened = await caseworker.post('/cases/new', {
      type: 'other',
      source: 'internal',
      summary: 'Misuse of the command and control system',
      ...date('openedOn', '3', '10', '2011'),
      ...date('targetDate', '31', '3', '2012'),
      person: 'ALPHA0001',
      confidential: 'no',
    })
    expect(opened.statusCode).toBe(303)
    caseId = String(opened.headers.location).split('/').pop() as string
    const page = await caseworker.get(`/cases/${caseId}`)
    expect(page.body).toMatch(/govuk-notification-banner[\s\S]*Case IC\/2011\/\d{4} opened/)
    expect(page.body).toContain('3 October 2011')
    expect(page.body).toContain('31 March 2012')
    expect(page.body).not.toContain('2011-10-03')
    const list = await caseworker.get(
      '/cases?from-day=1&from-month=10&from-year=2011&to-day=&to-month=&to-year=',
    )
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('3 October 2011')
    expect(list.body).toContain('name="from-day" type="text" value="1"')
  })

  it('closes a case from a page of its own, apart from the everyday actions, with a banner', async () => {
    const page = await caseworker.get(`/cases/${caseId}`)
    expect(page.body).toContain(`href="/cases/${caseId}/close"`)
    expect(page.body).not.toContain(`action="/cases/${caseId}/close"`)
    const close = await caseworker.get(`/cases/${caseId}/close`)
    expect(close.statusCode).toBe(200)
    expect(close.body).toContain('name="closedOn-day"')
    const early = await caseworker.post(`/cases/${caseId}/close`, {
      outcome: 'no case to answer',
      ...date('closedOn', '1', '10', '2011'),
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('The date closed must be on or after the date opened')
    expect(early.body).toContain('Close case')
    const closed = await caseworker.post(`/cases/${caseId}/close`, {
      outcome: 'no case to answer',
      ...date('closedOn', '1', '6', '2012'),
    })
    expect(closed.statusCode).toBe(303)
    const after = await caseworker.get(`/cases/${caseId}`)
    expect(after.body).toContain('Case closed: no case to answer')
    expect(after.body).toContain('1 June 2012: no case to answer')
    // A closed case has nothing to close.
    expect((await caseworker.get(`/cases/${caseId}/close`)).statusCode).toBe(404)
  })

  it('asks before taking a subject off a case', async () => {
    const page = await caseworker.get(`/cases/${caseId}`)
    const href = page.body.match(/href="(\/cases\/[0-9a-f-]{36}\/subjects\/[0-9a-f-]{36}\/remove)"/)?.[1]
    if (!href) throw new Error('no link to remove the subject')
    const confirm = await caseworker.get(href)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Are you sure you want to remove')
    const staffMemberId = href.split('/')[4] as string
    const removed = await caseworker.post(`/cases/${caseId}/remove-subject`, { staffMemberId })
    expect(removed.statusCode).toBe(303)
    const after = await caseworker.get(`/cases/${caseId}`)
    expect(after.body).toContain('Subject removed from the case')
    expect(after.body).toContain('No subjects yet.')
    expect((await caseworker.get(href)).statusCode).toBe(404)
  })

  it('refuses the new pages to another force (404) and to a caseworker not named on a confidential case (403)', async () => {
    const { caseId: alphaCase, confidentialCaseId } = cast.alpha.cases
    const subject = `/cases/${alphaCase}/subjects/${cast.alpha.roster.staffMemberId}/remove`
    expect((await caseworker.get(subject)).statusCode).toBe(200)
    for (const path of [`/cases/${alphaCase}/close`, subject])
      expect((await bravoCaseworker.get(path)).statusCode, path).toBe(404)
    expect((await admin.get(`/cases/${confidentialCaseId}/close`)).statusCode).toBe(403)
    expect((await caseworker.get(`/cases/${confidentialCaseId}/close`)).statusCode).toBe(200)
  })
})
