import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { buildTwoForces, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { pageText } from '../roster/test-support.js'

let testApp: TestApp
let cast: TwoForces
let now = new Date('2012-03-01T10:00:00Z')
let admin: Agent
let caseworker: Agent
let staff: Agent
let roadsStaff: Agent
let bravoAdmin: Agent
let bravoStaff: Agent

beforeAll(async () => {
  testApp = await createTestApp({ now: () => now })
  cast = await buildTwoForces(testApp.services)
  const { services } = testApp
  const rows = [
    ['ALPHA0002', 'Response One', 'Constable', 'alphamarker Response'],
    ['ALPHA0003', 'Roads One', 'Constable', 'alphamarker Roads'],
  ].map(([staff_number, name, grade, unit], index) => ({
    line: index + 2,
    values: { staff_number, name, grade, unit, start_date: '2005-01-01', leave_date: '' } as Record<
      string,
      string
    >,
  }))
  await services.roster.importRows(SYSTEM_CALLER, { forceCode: 'cheshire', filename: 'more.csv', rows })
  await services.users.linkStaffMember(
    SYSTEM_CALLER,
    cast.alpha.users.staff.id,
    cast.alpha.roster.staffMemberId,
  )
  await services.users.linkStaffMember(
    SYSTEM_CALLER,
    cast.bravo.users.staff.id,
    cast.bravo.roster.staffMemberId,
  )
  const forceId = (await services.forces.references()).find((force) => force.code === 'cheshire')
    ?.id as number
  const roads = await services.roster.findByStaffNumber(SYSTEM_CALLER, forceId, 'ALPHA0003')
  const { user } = await services.users.create(SYSTEM_CALLER, {
    email: 'roads@cheshire.example',
    name: 'Roads One',
    role: 'staff',
    forceCode: 'cheshire',
    password: TEST_PASSWORD,
  })
  await services.users.linkStaffMember(SYSTEM_CALLER, user.id, roads?.id as string)
  await signInEveryone()
})

/** Sessions end after 30 minutes idle: moving the clock on a day means signing in again. */
async function signInEveryone() {
  admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
  roadsStaff = await signedInAgent(testApp.app, 'roads@cheshire.example')
  bravoAdmin = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
  bravoStaff = await signedInAgent(testApp.app, cast.bravo.users.staff.email)
}

async function moveClockTo(iso: string) {
  now = new Date(iso)
  await signInEveryone()
}
afterAll(() => testApp.close())

/** Posts the new version form as the browser does: multipart, with the document in its own field. */
async function postVersion(
  policyId: string,
  fields: Record<string, string>,
  document: { filename: string; type: string; data: string },
) {
  const boundary = '----policytest'
  const parts = Object.entries({ _csrf: admin.csrfToken, ...fields })
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('')
  const payload = Buffer.concat([
    Buffer.from(parts),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${document.filename}"\r\nContent-Type: ${document.type}\r\n\r\n`,
    ),
    Buffer.from(document.data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return testApp.app.inject({
    method: 'POST',
    url: `/policies/${policyId}/versions/new`,
    payload,
    headers: { cookie: admin.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
    remoteAddress: admin.remoteAddress,
  })
}

describe('policy pages', () => {
  let policyId: string
  let versionId: string

  it('the library lists the six areas; an admin adds a policy and a draft with a document', async () => {
    const library = await caseworker.get('/policies')
    expect(library.statusCode).toBe(200)
    const text = pageText(library.body)
    for (const area of ['Relationships with the media', 'Gifts and hospitality', 'Counter-corruption'])
      expect(text).toContain(area)
    expect(text).toContain('alphamarker social media policy')
    expect(library.body).not.toContain('Add a policy')

    const empty = await admin.post('/policies/new', { area: '', title: '' })
    expect(empty.statusCode).toBe(400)
    expect(pageText(empty.body)).toContain('Select the integrity area')
    const created = await admin.post('/policies/new', { area: 'gifts-hospitality', title: 'Gifts policy' })
    expect(created.statusCode).toBe(303)
    policyId = String(created.headers.location).split('/').pop() as string

    const form = await admin.get(`/policies/${policyId}/versions/new`)
    expect(form.statusCode).toBe(200)
    const bad = await postVersion(
      policyId,
      { title: 'Version one', effectiveDate: 'soon', owner: '' },
      { filename: 'policy.exe', type: 'application/octet-stream', data: 'MZ' },
    )
    expect(bad.statusCode).toBe(400)
    const badText = pageText(bad.body)
    expect(badText).toContain('Enter the effective date as a real date')
    expect(badText).toContain('The document must be a PDF')
    expect(badText).toContain('Enter who owns the policy')

    const saved = await postVersion(
      policyId,
      {
        title: 'Gifts: what to declare',
        body: 'Declare every offer.\nAccepted or not.',
        effectiveDate: '1/3/2012',
        owner: 'Head of PSD',
        nationalGuidance: 'no',
      },
      { filename: 'gifts.pdf', type: 'application/pdf', data: '%PDF-1.4 gifts' },
    )
    expect(saved.statusCode).toBe(303)
    versionId = String(saved.headers.location).match(/versions\/([0-9a-f-]{36})/)?.[1] as string
    const page = await admin.get(`/policies/versions/${versionId}`)
    expect(page.statusCode).toBe(200)
    expect(pageText(page.body)).toContain('Download the policy document: gifts.pdf')
    expect(pageText(page.body)).toContain('Declare every offer.')
  })

  it('adds a question and publishes to one unit; bad input re-shows the form', async () => {
    const badQuestion = await admin.post(`/policies/versions/${versionId}/questions`, {
      question: 'Which offers?',
      options: 'Only one line',
      answer: '1',
    })
    expect(badQuestion.statusCode).toBe(400)
    expect(pageText(badQuestion.body)).toContain('Give at least two answers')
    const question = await admin.post(`/policies/versions/${versionId}/questions`, {
      question: 'Which offers must you declare?',
      options: 'Only accepted ones\nEvery offer',
      answer: '2',
    })
    expect(question.statusCode).toBe(303)
    const noDeadline = await admin.post(`/policies/versions/${versionId}/publish`, {
      audience: 'chosen',
      units: 'alphamarker Response',
    })
    expect(noDeadline.statusCode).toBe(400)
    expect(pageText(noDeadline.body)).toContain('Enter the date by which staff must acknowledge it')
    const published = await admin.post(`/policies/versions/${versionId}/publish`, {
      audience: 'chosen',
      units: 'alphamarker Response',
      deadline: '2012-03-20',
      restricted: 'yes',
    })
    expect(published.statusCode).toBe(303)
    expect(published.headers.location).toBe(`/policies/versions/${versionId}?published=2`)
  })

  it('the member of staff of that unit sees it, answers wrongly, then acknowledges it', async () => {
    const mine = await staff.get('/policies/mine')
    expect(mine.statusCode).toBe(200)
    expect(pageText(mine.body)).toContain('Gifts policy, version 1')
    const roads = await roadsStaff.get('/policies/mine')
    expect(pageText(roads.body)).not.toContain('Gifts policy')
    expect((await roadsStaff.get(`/policies/versions/${versionId}`)).statusCode).toBe(404)
    expect((await roadsStaff.get(`/policies/versions/${versionId}/document`)).statusCode).toBe(404)
    expect((await bravoStaff.get(`/policies/versions/${versionId}`)).statusCode).toBe(404)

    const page = await staff.get(`/policies/versions/${versionId}`)
    expect(page.statusCode).toBe(200)
    expect(pageText(page.body)).toContain('Which offers must you declare?')
    const document = await staff.get(`/policies/versions/${versionId}/document`)
    expect(document.statusCode).toBe(200)
    expect(document.headers['content-type']).toBe('application/pdf')
    expect(document.body).toBe('%PDF-1.4 gifts')

    const wrong = await staff.post(`/policies/versions/${versionId}/acknowledge`, { q0: '0', read: 'yes' })
    expect(wrong.statusCode).toBe(400)
    expect(pageText(wrong.body)).toContain('that is not the right answer')
    expect(wrong.body).toContain('href="#q0"')
    await moveClockTo('2012-03-02T09:00:00Z')
    const right = await staff.post(`/policies/versions/${versionId}/acknowledge`, { q0: '1', read: 'yes' })
    expect(right.statusCode).toBe(303)
    expect(right.headers.location).toBe('/policies/mine?acknowledged=1')
    const after = pageText((await staff.get('/policies/mine?acknowledged=1')).body)
    expect(after).toContain('your acknowledgement has been recorded')
    expect(after).toMatch(/Done .*Gifts policy, version 1/)
  })

  it('the dashboard, its CSV, the version’s trend and the API give the rate', async () => {
    const dashboard = await caseworker.get('/policies/awareness')
    expect(dashboard.statusCode).toBe(200)
    expect(pageText(dashboard.body)).toMatch(/Gifts policy, version 1 Units: alphamarker Response .* 2 1 50%/)
    const csv = await caseworker.get('/policies/awareness.csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.body).toContain('gifts-hospitality,Gifts and hospitality,Gifts policy,1,')
    const events = await testApp.services.audit.list(
      SYSTEM_CALLER,
      { entityType: 'policy-awareness' },
      {
        offset: 0,
        limit: 10,
      },
    )
    expect(events.events[0]?.action).toBe('export')

    await moveClockTo('2012-03-22T09:00:00Z')
    const detail = await caseworker.get(`/policies/versions/${versionId}/awareness`)
    expect(detail.statusCode).toBe(200)
    expect(detail.body).toContain('role="img"')
    expect(detail.body).toContain('<title id="trend-title">')
    expect(pageText(detail.body)).toMatch(/alphamarker Response 2 1 1/)

    const api = await testApp.app.inject({
      method: 'GET',
      url: '/api/policies/awareness?census=2012-03-01',
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
    })
    expect(api.statusCode).toBe(200)
    const body = api.json()
    expect(body.areas.find((area: { area: string }) => area.area === 'gifts-hospitality')).toMatchObject({
      version: 1,
      applicable: 2,
      acknowledged: 0,
      rate: 0,
    })
    expect(body.versions.find((row: { versionId: string }) => row.versionId === versionId)).toMatchObject({
      applicable: 2,
      acknowledged: 1,
      rate: 0.5,
      overdue: 1,
    })
    const list = await testApp.app.inject({
      method: 'GET',
      url: '/api/policies',
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
    })
    expect(list.statusCode).toBe(200)
    expect(
      list.json().policies.find((p: { area: string }) => p.area === 'gifts-hospitality').versions[0],
    ).toMatchObject({
      number: 1,
      status: 'published',
      hasDocument: true,
    })
  })

  it('lists the overdue for managers, by unit', async () => {
    const page = await caseworker.get('/policies/reminders')
    expect(page.statusCode).toBe(200)
    expect(pageText(page.body)).toMatch(
      /alphamarker Response Name .* Response One ALPHA0002 Constable Gifts policy, version 1/,
    )
    expect((await staff.get('/policies/reminders')).statusCode).toBe(403)
  })

  it('keeps another force out and staff off the managers’ pages', async () => {
    expect((await bravoAdmin.get(`/policies/${policyId}`)).statusCode).toBe(404)
    expect((await bravoAdmin.get(`/policies/versions/${versionId}/awareness`)).statusCode).toBe(404)
    expect((await bravoAdmin.post(`/policies/versions/${versionId}/refresh-audience`)).statusCode).toBe(404)
    expect((await staff.get('/policies/awareness')).statusCode).toBe(403)
    expect((await caseworker.post('/policies/new', { area: 'social-media', title: 'x' })).statusCode).toBe(
      403,
    )
    const bravoDashboard = await bravoAdmin.get('/policies/awareness')
    expect(bravoDashboard.body).not.toContain('Gifts policy')
  })

  it('the inspectorate reads any force’s library and dashboard, read-only', async () => {
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    const choose = await inspector.get('/policies')
    expect(choose.statusCode).toBe(200)
    expect(pageText(choose.body)).toContain('Select a force')
    const dashboard = await inspector.get('/policies/awareness?force=cheshire')
    expect(pageText(dashboard.body)).toContain('Gifts policy, version 1')
    const version = await inspector.get(`/policies/versions/${versionId}`)
    expect(version.statusCode).toBe(200)
    expect(version.body).not.toContain('Ask staff who have joined since')
    expect((await inspector.post(`/policies/versions/${versionId}/refresh-audience`)).statusCode).toBe(403)
  })
})
