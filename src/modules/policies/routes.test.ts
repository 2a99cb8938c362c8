import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, dateInputFields, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
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
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
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
function postVersion(
  policyId: string,
  fields: Record<string, string>,
  document: { filename: string; type: string; data: string },
) {
  return admin.uploadFiles(`/policies/${policyId}/versions/new`, 'document', [document], fields)
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
    expect(pageText((await admin.get(`/policies/${policyId}`)).body)).toContain('Policy added')

    const form = await admin.get(`/policies/${policyId}/versions/new`)
    expect(form.statusCode).toBe(200)
    // Dates come from GOV.UK date inputs: a day, a month and a year each.
    expect(form.body).toContain('name="effectiveDate-month"')
    expect(form.body).toContain('name="reviewDate-year"')
    expect(form.body).not.toMatch(/For example, \d+\/\d+\/\d{4}/)
    const bad = await postVersion(
      policyId,
      {
        title: 'Version one',
        ...dateInputFields('effectiveDate', '31', '2', '2012'),
        ...dateInputFields('reviewDate', '1', '', '2013'),
        owner: '',
      },
      { filename: 'policy.exe', type: 'application/octet-stream', data: 'MZ' },
    )
    expect(bad.statusCode).toBe(400)
    const badText = pageText(bad.body)
    expect(badText).toContain('Effective date must be a real date')
    expect(badText).toContain('Review date must include a month')
    expect(bad.body).toContain('href="#effectiveDate"')
    expect(bad.body).toMatch(/id="effectiveDate-month" name="effectiveDate-month" type="text" value="2"/)
    expect(badText).toContain('The document must be a PDF')
    expect(badText).toContain('Enter who owns the policy')
    // Nothing was saved: the policy still has no version.
    expect(pageText((await admin.get(`/policies/${policyId}`)).body)).not.toContain('Version one')

    const saved = await postVersion(
      policyId,
      {
        title: 'Gifts: what to declare',
        body: 'Declare every offer.\nAccepted or not.',
        ...dateInputFields('effectiveDate', '1', '3', '2012'),
        ...dateInputFields('reviewDate', '1', '3', '2013'),
        owner: 'Head of PSD',
        nationalGuidance: 'no',
      },
      { filename: 'gifts.pdf', type: 'application/pdf', data: '%PDF-1.4 gifts' },
    )
    expect(saved.statusCode).toBe(303)
    versionId = String(saved.headers.location).match(/versions\/([0-9a-f-]{36})/)?.[1] as string
    const page = await admin.get(`/policies/versions/${versionId}`)
    expect(page.statusCode).toBe(200)
    expect(pageText(page.body)).toContain('Draft saved: add any questions, then publish it')
    expect(pageText(page.body)).toContain('Effective date 1 March 2012 Review date 1 March 2013')
    expect(pageText((await admin.get(`/policies/versions/${versionId}`)).body)).not.toContain('Draft saved')
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
    expect(pageText((await admin.get(String(question.headers.location))).body)).toContain('Question added')
    // A second question, removed again: the version's page links to a page that asks first.
    await admin.post(`/policies/versions/${versionId}/questions`, {
      question: 'Who approves hospitality?',
      options: 'Anyone\nYour line manager',
      answer: '2',
    })
    const removeUrl = `/policies/versions/${versionId}/questions/1/remove`
    expect((await admin.get(`/policies/versions/${versionId}`)).body).toContain(`href="${removeUrl}"`)
    const ask = await admin.get(removeUrl)
    expect(ask.statusCode).toBe(200)
    expect(pageText(ask.body)).toContain(
      'Are you sure you want to remove question 2? Who approves hospitality?',
    )
    expect((await admin.get(`/policies/versions/${versionId}/questions/5/remove`)).statusCode).toBe(404)
    expect((await bravoAdmin.get(removeUrl)).statusCode).toBe(404)
    expect((await caseworker.get(removeUrl)).statusCode).toBe(403)
    const removed = await admin.post(`/policies/versions/${versionId}/remove-question`, { index: '1' })
    expect(removed.statusCode).toBe(303)
    const afterRemoval = pageText((await admin.get(`/policies/versions/${versionId}`)).body)
    expect(afterRemoval).toContain('Question removed')
    expect(afterRemoval).not.toContain('Who approves hospitality?')
    const noDeadline = await admin.post(`/policies/versions/${versionId}/publish`, {
      audience: 'chosen',
      units: 'alphamarker Response',
    })
    expect(noDeadline.statusCode).toBe(400)
    expect(pageText(noDeadline.body)).toContain('Enter the date by which staff must acknowledge it')
    const badDeadline = await admin.post(`/policies/versions/${versionId}/publish`, {
      audience: 'chosen',
      units: 'alphamarker Response',
      ...dateInputFields('deadline', '20', '3', '12'),
    })
    expect(badDeadline.statusCode).toBe(400)
    expect(pageText(badDeadline.body)).toContain('Deadline to acknowledge it must have a year with 4 numbers')
    expect(badDeadline.body).toContain('href="#deadline"')
    expect(pageText((await admin.get(`/policies/versions/${versionId}`)).body)).toContain('Draft')
    const published = await admin.post(`/policies/versions/${versionId}/publish`, {
      audience: 'chosen',
      units: 'alphamarker Response',
      ...dateInputFields('deadline', '20', '3', '2012'),
      restricted: 'yes',
    })
    expect(published.statusCode).toBe(303)
    expect(published.headers.location).toBe(`/policies/versions/${versionId}`)
    const publishedText = pageText((await admin.get(`/policies/versions/${versionId}`)).body)
    expect(publishedText).toContain('Published: 2 members of staff asked to acknowledge it')
    expect(publishedText).toContain('Deadline 20 March 2012')
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
    expect(right.headers.location).toBe('/policies/mine')
    const after = pageText((await staff.get('/policies/mine')).body)
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

  it('are in Welsh when Welsh is chosen: headings, areas, labels, errors and the staff’s own list', async () => {
    const welshAdmin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    await welshAdmin.chooseLanguage('cy')
    const library = await welshAdmin.get('/policies')
    expect(library.body).toMatch(/<html lang="cy"/)
    expect(library.body).toContain('<h1 class="govuk-heading-xl">Polisïau</h1>')
    expect(library.body).toContain('Perthynas â’r cyfryngau')
    expect(library.body).toContain('Yn unol â chanllawiau cenedlaethol')
    expect(library.body).not.toContain('Policies by integrity area')

    const bad = await welshAdmin.post('/policies/new', { area: 'other', title: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Rhowch deitl y polisi')
    expect(bad.body).not.toContain('Enter the policy’s title')

    const version = await welshAdmin.get(`/policies/versions/${versionId}`)
    expect(version.body).toContain('Fersiwn 1')
    expect(version.body).toContain('Dyddiad dod i rym')
    expect(version.body).not.toContain('Effective date')
    const awareness = await welshAdmin.get(`/policies/versions/${versionId}/awareness`)
    expect(awareness.body).toContain('Tuedd ers cyhoeddi')
    expect(awareness.body).not.toContain('share of staff asked')
    const reminders = await welshAdmin.get('/policies/reminders')
    expect(reminders.body).toContain('Dyddiau’n hwyr')

    const welshStaff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    await welshStaff.chooseLanguage('cy')
    const mine = await welshStaff.get('/policies/mine')
    expect(mine.body).toContain('<h1 class="govuk-heading-xl">Eich polisïau</h1>')
    expect(mine.body).not.toContain('Your policies')
  })
})
