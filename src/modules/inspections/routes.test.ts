import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { readSpreadsheet } from '../../spreadsheets/read.js'
import { parseFrameworkRows } from '../frameworks/document.js'
import { shippedFramework2011 } from '../frameworks/shipped.js'
import { addToRoster } from '../self-assessments/test-support.js'

let testApp: TestApp
let cast: TwoForces
let admin: Agent
let inspector: Agent
let caseworker: Agent
let forceAdmin: Agent
let bravoAdmin: Agent
let staff: Agent
const now = new Date('2012-06-20T09:00:00Z')

async function signIn(email: string) {
  const agent = new Agent(testApp.app)
  await agent.signIn(email, TEST_PASSWORD)
  return agent
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'inspector@inspectorate.example',
    name: 'Ian Inspector',
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  admin = await signIn(cast.inspectorateAdmin.email)
  inspector = await signIn('inspector@inspectorate.example')
  caseworker = await signIn(cast.alpha.users['force-caseworker'].email)
  forceAdmin = await signIn(cast.alpha.users['force-admin'].email)
  bravoAdmin = await signIn(cast.bravo.users['force-admin'].email)
  staff = await signIn(cast.alpha.users.staff.email)
})
afterAll(() => testApp.close())

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
const location = (response: { headers: Record<string, unknown> }) => String(response.headers.location)

describe('framework pages', () => {
  it('lists frameworks and shows areas, questions with guidance, and recommendations', async () => {
    const list = await inspector.get('/frameworks')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('Without Fear or Favour')
    const show = await caseworker.get(`/frameworks/${cast.inspection.frameworkId}`)
    expect(show.statusCode).toBe(200)
    const page = text(show.body)
    expect(page).toContain('Gifts and hospitality')
    expect(page).toContain('Evidence expected:')
    expect(page).toContain('Police authorities')
    expect(show.body).not.toContain('Make a new version')
    expect((await staff.get('/frameworks')).statusCode).toBe(403)
  })

  it('exports JSON and XLSX that import back, and refuses a bad file with each problem and its place', async () => {
    const json = await inspector.get(`/frameworks/${cast.inspection.frameworkId}/export.json`)
    expect(json.statusCode).toBe(200)
    expect(JSON.parse(json.body).areas).toHaveLength(7)
    const xlsx = await inspector.get(`/frameworks/${cast.inspection.frameworkId}/export.xlsx`)
    expect(xlsx.statusCode).toBe(200)
    const rows = await readSpreadsheet({ filename: 'f.xlsx', data: xlsx.rawPayload })
    expect(parseFrameworkRows(rows).document?.areas).toHaveLength(7)

    const bad = { ...shippedFramework2011(), version: 3, title: '' }
    const refused = await admin.upload('/frameworks/import', {
      filename: 'bad.json',
      data: JSON.stringify(bad),
      type: 'application/json',
    })
    expect(refused.statusCode).toBe(400)
    expect(text(refused.body)).toContain('title Enter the framework’s title')
    expect(refused.body).toContain('nothing was imported')

    const good = { ...shippedFramework2011(), version: 3, title: 'Imported copy', previousVersion: 1 }
    const preview = await admin.upload('/frameworks/import', {
      filename: 'good.json',
      data: JSON.stringify(good),
      type: 'application/json',
    })
    expect(preview.statusCode).toBe(200)
    expect(text(preview.body)).toContain('Questions 21')
    const before = (await testApp.services.frameworks.list(SYSTEM_CALLER)).length
    expect((await testApp.services.frameworks.list(SYSTEM_CALLER)).length).toBe(before)
    const documentValue = /name="document" value="([^"]*)"/.exec(preview.body)?.[1] ?? ''
    const unescaped = documentValue
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
    const confirmed = await admin.post('/frameworks/import/confirm', {
      document: unescaped,
      filename: 'good.json',
    })
    expect(confirmed.statusCode).toBe(303)
    const imported = await admin.get(location(confirmed))
    expect(imported.body).toContain('Imported copy')
    const mappings = await admin.get(`${location(confirmed).split('?')[0]}/mappings`)
    expect(text(mappings.body)).toContain('Version 1')
    // Caseworkers cannot import.
    expect((await forceAdmin.get('/frameworks/import')).statusCode).toBe(403)
  })

  it('makes a new draft version, edits it, maps it and publishes it', async () => {
    const made = await admin.post(`/frameworks/${cast.inspection.frameworkId}/new-version`)
    expect(made.statusCode).toBe(303)
    const draftUrl = location(made).split('?')[0] as string
    const draftPage = await admin.get(location(made))
    expect(draftPage.body).toContain('Publish this version')
    const badArea = await admin.post(`${draftUrl}/areas/new`, { code: '', title: '' })
    expect(badArea.statusCode).toBe(400)
    expect(badArea.body).toContain('href="#code"')
    expect(
      (await admin.post(`${draftUrl}/areas/new`, { code: 'social-media', title: 'Social media' })).statusCode,
    ).toBe(303)
    const areaId = (
      await testApp.services.frameworks.get(SYSTEM_CALLER, draftUrl.split('/').pop() as string)
    ).areas.find((a) => a.code === 'social-media')?.id as string
    expect(
      (
        await admin.post(`${draftUrl}/questions/new`, {
          areaId,
          code: 'social-1',
          text: 'Does the force monitor social media?',
          guidance: 'Look for posts',
          evidenceExpected: 'Cases',
        })
      ).statusCode,
    ).toBe(303)
    const badRecommendation = await admin.post(`${draftUrl}/recommendations/new`, {
      code: 'R99',
      text: 'Publish',
      scope: 'force',
      addressee: 'Chief Constable',
    })
    expect(badRecommendation.statusCode).toBe(400)
    expect(badRecommendation.body).toContain('href="#forceCode"')
    const mappingPage = await admin.get(`${draftUrl}/mappings`)
    expect(text(mappingPage.body)).toContain('gifts-1 gifts-1')
    const wrongMapping = await admin.post(`${draftUrl}/mappings`, {
      kind: 'area',
      fromCode: 'none',
      toCode: 'social-media',
    })
    expect(wrongMapping.statusCode).toBe(400)
    expect(
      (await admin.post(`${draftUrl}/mappings`, { kind: 'area', fromCode: 'media', toCode: 'social-media' }))
        .statusCode,
    ).toBe(303)
    expect((await admin.post(`${draftUrl}/publish`)).statusCode).toBe(303)
    const published = await admin.get(draftUrl)
    expect(published.body).not.toContain('Publish this version')
    expect((await admin.post(`${draftUrl}/areas/new`, { code: 'late', title: 'Late' })).statusCode).toBe(403)
  })

  it('offers frameworks over the API', async () => {
    const list = await inspector.get('/api/frameworks')
    expect(list.statusCode).toBe(200)
    expect(JSON.parse(list.body).frameworks[0]).toMatchObject({ code: 'without-fear-or-favour', version: 1 })
    const one = await caseworker.get(`/api/frameworks/${cast.inspection.frameworkId}`)
    expect(JSON.parse(one.body).recommendations[0].addressee).toBe('Chief constables')
  })
})

describe('inspection pages', () => {
  it('refuses a bad new inspection with errors linked to fields, and sets up a good one', async () => {
    const form = await admin.get('/inspections/new')
    expect(form.statusCode).toBe(200)
    expect((form.body.match(/name="forces" type="checkbox" value="[^"]+" checked/g) ?? []).length).toBe(44)
    // Dates come from GOV.UK date inputs: a day, a month and a year each.
    expect(form.body).toContain('name="censusDate-month"')
    expect(form.body).not.toMatch(/For example, \d{4}-/)
    const dateParts = (name: string, day: string, month: string, year: string) => ({
      [`${name}-day`]: day,
      [`${name}-month`]: month,
      [`${name}-year`]: year,
    })
    const bad = await admin.post('/inspections/new', {
      title: 'Check',
      code: 'check',
      frameworkId: cast.inspection.frameworkId,
      ...dateParts('dataFrom', '1', '6', '2012'),
      ...dateParts('dataTo', '1', '1', '2012'),
      ...dateParts('censusDate', '31', '13', '2012'),
      ...dateParts('fieldworkFrom', '', '7', ''),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#dataTo"')
    expect(bad.body).toContain('href="#censusDate"')
    expect(text(bad.body)).toContain('Census date must be a real date')
    expect(text(bad.body)).toContain('Start of fieldwork must include a day and year')
    expect(bad.body).toMatch(
      /id="censusDate-month" name="censusDate-month" type="text" value="13"|class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" id="censusDate-month"/,
    )
    expect(bad.body).toContain('href="#forces"')
    const good = await admin.post('/inspections/new', {
      title: 'Cheshire check',
      code: 'cheshire-check',
      frameworkId: cast.inspection.frameworkId,
      ...dateParts('dataFrom', '1', '6', '2012'),
      ...dateParts('dataTo', '31', '5', '2013'),
      ...dateParts('censusDate', '31', '5', '2013'),
      forces: 'cheshire',
    })
    expect(good.statusCode).toBe(303)
    const page = await admin.get(location(good))
    expect(text(page.body)).toContain('Inspection set up')
    expect(text(page.body)).toContain('Forces in scope 1')
    expect(text(page.body)).toContain('1 June 2012 to 31 May 2013')
    expect((await inspector.get('/inspections/new')).statusCode).toBe(403)
  })

  it('shows each force user only their own force, and 404 for another force’s hub', async () => {
    const overview = await forceAdmin.get(`/inspections/${cast.inspection.id}`)
    expect(overview.statusCode).toBe(200)
    expect(overview.body).toContain('Cheshire')
    expect(overview.body).not.toContain('Cleveland')
    const hub = await forceAdmin.get(`/inspections/${cast.inspection.id}/forces/${cast.alpha.code}`)
    expect(hub.statusCode).toBe(200)
    expect(hub.body).toContain('govuk-task-list')
    expect(
      (await bravoAdmin.get(`/inspections/${cast.inspection.id}/forces/${cast.alpha.code}`)).statusCode,
    ).toBe(404)
    expect(
      (
        await bravoAdmin.get(
          `/api/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/self-assessment`,
        )
      ).statusCode,
    ).toBe(404)
    expect((await staff.get('/inspections')).statusCode).toBe(403)
  })
})

describe('the self-assessment, start to finish', () => {
  it('is drafted, refused while unrated, submitted with sign-off, and seen submitted by the inspector', async () => {
    const base = `/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/self-assessment`
    const overview = await caseworker.get(base)
    expect(overview.statusCode).toBe(200)
    expect(overview.body).not.toContain('Check and submit')
    const view = await testApp.services.selfAssessments.get(
      SYSTEM_CALLER,
      cast.inspection.id,
      cast.alpha.code,
    )
    const [firstArea, ...otherAreas] = view.areas
    if (!firstArea) throw new Error('no areas')
    const areaPage = await caseworker.get(`${base}/areas/${firstArea.area.code}`)
    expect(areaPage.statusCode).toBe(200)
    const answersOf = (area: typeof firstArea, rating: string) =>
      Object.fromEntries(
        area.questions.flatMap((q) => [
          [`rating-${q.question.id}`, rating],
          [`evidence-${q.question.id}`, `Evidence for ${q.question.code}`],
        ]),
      )
    const wrong = await caseworker.post(
      `${base}/areas/${firstArea.area.code}`,
      answersOf(firstArea, 'brilliant'),
    )
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain(`href="#rating-${firstArea.questions[0]?.question.id}"`)
    const saved = await caseworker.post(`${base}/areas/${firstArea.area.code}`, {
      ...answersOf(firstArea, 'fully met'),
      action: 'continue',
    })
    expect(saved.statusCode).toBe(303)
    expect(location(saved)).toBe(`${base}/areas/${otherAreas[0]?.area.code}`)
    const status = await admin.get(`/api/inspections/${cast.inspection.id}/self-assessments`)
    expect(JSON.parse(status.body).selfAssessments.map((r: { status: string }) => r.status)).toEqual([
      'in progress',
      'not started',
    ])

    // The force admin cannot submit yet: every unrated question is listed, linked to its place.
    const [chiefOfficer = ''] = await addToRoster(testApp.services, cast.alpha.code, [
      ['HM0001', 'Helen Marlow', 'Deputy Chief Constable'],
    ])
    const refused = await forceAdmin.post(`${base}/submit`, { signedOffBy: chiefOfficer, confirm: 'yes' })
    expect(refused.statusCode).toBe(400)
    const missing = otherAreas.flatMap((a) => a.questions)
    for (const q of missing) expect(refused.body).toContain(`#rating-${q.question.id}"`)
    expect(text(refused.body)).toContain(`Rate question ${missing[0]?.question.code}`)

    for (const area of otherAreas)
      expect(
        (await caseworker.post(`${base}/areas/${area.area.code}`, answersOf(area, 'partly met'))).statusCode,
      ).toBe(303)
    // The caseworker drafts but cannot submit.
    expect((await caseworker.post(`${base}/submit`, {})).statusCode).toBe(403)
    const noSignOff = await forceAdmin.post(`${base}/submit`, { signedOffBy: '' })
    expect(noSignOff.statusCode).toBe(400)
    expect(noSignOff.body).toContain('href="#signedOffBy"')
    expect(noSignOff.body).toContain('href="#confirm"')
    const submitted = await forceAdmin.post(`${base}/submit`, { signedOffBy: chiefOfficer, confirm: 'yes' })
    expect(submitted.statusCode).toBe(303)
    // Read-only afterwards.
    expect(
      (await caseworker.post(`${base}/areas/${firstArea.area.code}`, answersOf(firstArea, 'not met')))
        .statusCode,
    ).toBe(403)

    const table = await inspector.get(`/inspections/${cast.inspection.id}?status=submitted`)
    expect(table.statusCode).toBe(200)
    const page = text(table.body)
    expect(page).toContain('Cheshire')
    expect(page).not.toContain('Cleveland Police')
    expect(page).toContain('Helen Marlow, Deputy Chief Constable')
    const answers = await inspector.get(base)
    expect(text(answers.body)).toContain(`Evidence for ${missing[0]?.question.code}`)
    const api = JSON.parse(
      (
        await inspector.get(
          `/api/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/self-assessment`,
        )
      ).body,
    )
    expect(api).toMatchObject({
      status: 'submitted',
      signedOffBy: { name: 'Helen Marlow', rank: 'Deputy Chief Constable' },
      answered: view.total,
    })
    const inspections = JSON.parse((await caseworker.get('/api/inspections')).body).inspections
    expect(inspections.find((i: { id: string }) => i.id === cast.inspection.id)).toMatchObject({
      code: 'two-forces-2012',
      censusDate: '2012-05-31',
    })
    const one = JSON.parse((await caseworker.get(`/api/inspections/${cast.inspection.id}`)).body)
    expect(one.forces).toEqual([{ code: 'cheshire', name: expect.stringContaining('Cheshire') }])

    // The inspector may reopen it, with a reason.
    const noReason = await inspector.post(`${base}/reopen`, { reason: '' })
    expect(noReason.statusCode).toBe(400)
    expect(
      (await inspector.post(`${base}/reopen`, { reason: 'Evidence for media-2 is thin' })).statusCode,
    ).toBe(303)
    expect(
      JSON.parse((await inspector.get(`/api/inspections/${cast.inspection.id}/self-assessments`)).body)
        .selfAssessments[0].status,
    ).toBe('in progress')
  })
})
