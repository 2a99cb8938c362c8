import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

let testApp: TestApp
let cast: TwoForces
let path: string
let bravoPath: string
let inspector: Agent
const clock = new Date('2012-09-20T10:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'inspector@inspectorate.example',
    name: 'Ian Inspector',
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  inspector = await signedInAgent(testApp.app, 'inspector@inspectorate.example')
  path = `/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/data-return`
  bravoPath = `/inspections/${cast.inspection.id}/forces/${cast.bravo.code}/data-return`
})

afterAll(async () => {
  await testApp?.close()
})

const rowOf = (html: string, code: string) => {
  const start = html.indexOf(`id="item-${code}"`)
  return html.slice(start, html.indexOf('</tr>', start))
}

describe('a force’s data return pages', () => {
  it('recalculates from the records and shows each value with its source', async () => {
    const caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    const before = await caseworker.get(path)
    expect(before.statusCode).toBe(200)
    expect(before.body).toContain('Data return: Cheshire Constabulary')
    // two-forces computed Alpha's return and overrode its workforce, with a reason.
    expect(rowOf(before.body, 'workforce')).toContain('alphamarker override reason')
    expect(rowOf(before.body, 'workforce')).toContain('Computed: 1')
    expect(rowOf(before.body, 'counter-corruption-plan')).toContain('Not yet supplied')
    const recalculated = await caseworker.post(`${path}/recalculate`)
    expect(recalculated.statusCode).toBe(303)
    const page = await caseworker.get(String(recalculated.headers.location))
    expect(page.body).toContain('The return was recalculated')
    // Alpha's records (two-forces): one application, one media case still open, one social-media referral.
    expect(rowOf(page.body, 'second-job-applications')).toMatch(/numeric">1<\/td>/)
    expect(rowOf(page.body, 'media-disclosure-continuing')).toMatch(/numeric">1<\/td>/)
    expect(rowOf(page.body, 'social-media-referrals')).toContain('Computed')
    expect(rowOf(page.body, 'acu-staff-change')).toContain('Not known')
    // A caseworker may not override.
    expect(page.body).not.toContain(`${path}/override?item=`)
    expect((await caseworker.get(`${path}/override?item=workforce`)).statusCode).toBe(403)
  })

  it('overrides with a reason through the form, showing both values, and refuses bad input with 400', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const form = await admin.get(`${path}/override?item=second-job-approvals`)
    expect(form.statusCode).toBe(200)
    const tooMany = await admin.post(`${path}/override`, {
      item: 'second-job-approvals',
      value: '2',
      reason: 'Recount',
    })
    expect(tooMany.statusCode).toBe(400)
    expect(tooMany.body).toContain('govuk-error-summary')
    expect(tooMany.body).toContain('cannot be more than second-job applications (1)')
    const noReason = await admin.post(`${path}/override`, {
      item: 'second-job-approvals',
      value: '1',
      reason: '',
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('href="#reason"')
    const done = await admin.post(`${path}/override`, {
      item: 'second-job-approvals',
      value: '1',
      reason: 'Approved on paper before the decision was entered',
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(path)
    const page = await admin.get(path)
    expect(page.body).toContain('The value was overridden')
    // Said once: the banner is not shown again when the page is reloaded.
    expect((await admin.get(path)).body).not.toContain('The value was overridden')
    const row = rowOf(page.body, 'second-job-approvals')
    expect(row).toContain('Overridden')
    expect(row).toContain('Computed: 0')
    expect(row).toContain('Approved on paper before the decision was entered')
  })

  it('takes supplied values typed in a form and an uploaded template with a dry run', async () => {
    const caseworker = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
    const bad = await caseworker.post(`${bravoPath}/supply`, { 'counter-corruption-plan': 'perhaps' })
    expect(bad.statusCode).toBe(400)
    expect(
      (await caseworker.post(`${bravoPath}/supply`, { 'counter-corruption-plan': 'yes' })).statusCode,
    ).toBe(303)
    expect(rowOf((await caseworker.get(bravoPath)).body, 'counter-corruption-plan')).toContain('Supplied')

    const template = await caseworker.get(`${bravoPath}/template.xlsx`)
    expect(template.statusCode).toBe(200)
    expect(template.headers['content-type']).toContain('spreadsheetml')

    const dryRun = await caseworker.upload(`${bravoPath}/upload`, {
      filename: 'return.csv',
      data: 'item,value\nsecond-job-applications,10\nsecond-job-approvals,11\nworkforce,lots\n',
    })
    expect(dryRun.statusCode).toBe(400)
    expect(dryRun.body).toContain('Line 3: value: Second-job applications approved (11) cannot be more than')
    expect(dryRun.body).toContain('Line 4: value: Enter a whole number, 0 or more')
    expect(dryRun.body).not.toContain('name="importId"')
    const clean = await caseworker.upload(`${bravoPath}/upload`, {
      filename: 'return.csv',
      data: 'item,value\nsecond-job-applications,10\nsecond-job-approvals,8\n',
    })
    expect(clean.statusCode).toBe(200)
    const importId = /name="importId" value="([^"]+)"/.exec(clean.body)?.[1] as string
    expect(importId).toBeTruthy()
    expect(rowOf((await caseworker.get(bravoPath)).body, 'second-job-applications')).toContain(
      'Not yet computed',
    )
    const confirmed = await caseworker.post(`${bravoPath}/upload/confirm`, { importId })
    expect(confirmed.statusCode).toBe(303)
    const row = rowOf((await caseworker.get(bravoPath)).body, 'second-job-approvals')
    expect(row).toMatch(/numeric">8<\/td>/)
    expect(row).toContain('Supplied')
  })

  it('shows a force only its own return: another force’s is not found', async () => {
    const bravo = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
    expect((await bravo.get(path)).statusCode).toBe(404)
    expect((await bravo.post(`${path}/recalculate`)).statusCode).toBe(404)
    const api = await testApp.app.inject({
      method: 'GET',
      url: `/api${path}`,
      headers: { authorization: `Bearer ${cast.bravo.apiToken.token}` },
    })
    expect(api.statusCode).toBe(404)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect((await staff.get(path)).statusCode).toBe(403)
  })
})

describe('a force’s data return pages in Welsh', () => {
  it('say their headings, sources, values, errors and banners in Welsh, the items’ definitions marked as English', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    await admin.chooseLanguage('cy')
    const page = await admin.get(path)
    expect(page.body).toMatch(/<html lang="cy"/)
    expect(page.body).toContain('Ffurflen ddata: Cheshire Constabulary')
    expect(page.body).toContain('Ailgyfrifo o’r cofnodion')
    expect(rowOf(page.body, 'workforce')).toContain('Wedi’i gyfrifo: 1')
    expect(rowOf(page.body, 'workforce')).toContain('<span lang="en">')
    expect(page.body).not.toContain('Recalculate from records')

    const override = await admin.get(`${path}/override?item=workforce`)
    expect(override.body).toContain('Diystyru’r gwerth')
    const bad = await admin.post(`${path}/override`, { item: 'workforce', value: 'lots', reason: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Rhowch y rheswm dros ddiystyru’r gwerth')
    expect(bad.body).not.toContain('Enter the reason for overriding the value')

    const supply = await admin.get(`${path}/supply`)
    expect(supply.body).toContain('<h1 class="govuk-heading-l">Gwerthoedd a gyflenwir</h1>')
    const upload = await admin.get(`${path}/upload`)
    expect(upload.body).toContain('Gwirio’r ffeil')
    expect(upload.body).not.toContain('Upload a completed data return')
  })
})

describe('the data return API', () => {
  it('gives each item’s value, source, computed value, override and reason, and overrides with a reason', async () => {
    const headers = { authorization: `Bearer ${cast.alpha.apiToken.token}` }
    const got = await testApp.app.inject({ method: 'GET', url: `/api${path}`, headers })
    expect(got.statusCode).toBe(200)
    const approvals = got.json().items.find((item: { code: string }) => item.code === 'second-job-approvals')
    expect(approvals).toMatchObject({
      value: 1,
      source: 'overridden',
      computed: 0,
      override: 1,
      reason: 'Approved on paper before the decision was entered',
    })
    const refused = await testApp.app.inject({
      method: 'POST',
      url: `/api${path}/override`,
      headers,
      payload: { item: 'workforce', value: 2.5, reason: 'x' },
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().details[0]).toMatchObject({ field: 'value' })
    const removed = await testApp.app.inject({
      method: 'POST',
      url: `/api${path}/override`,
      headers,
      payload: { item: 'second-job-approvals', value: null, reason: 'The decision is now entered' },
    })
    expect(removed.statusCode).toBe(200)
    expect(removed.json()).toMatchObject({ value: 0, source: 'computed', override: null, reason: null })
  })
})

describe('the national comparison', () => {
  it('shows the inspectorate a sortable table, a chart with the table beside it, and downloads', async () => {
    await inspector.post(`${bravoPath}/recalculate`)
    const base = `/inspections/${cast.inspection.id}/comparison`
    const page = await inspector.get(
      `${base}?item=second-job-applications&sort=second-job-applications&order=desc`,
    )
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('role="img"')
    expect(page.body).toContain(
      '<title id="chart-title">Second-job applications per 1,000 workforce against workforce, with the national rate and its 95% and 99.8% limits: the table beside it gives the figures</title>',
    )
    expect(page.body).toContain('<polyline points="')
    expect(page.body).toContain('Against the limits')
    expect(page.body).toContain('aria-sort="descending"')
    // The funnel explained in plain words; each force's name leads to its return.
    expect(page.body).not.toMatch(/Tukey|IQR|Q1|Poisson\(/)
    expect(page.body).toContain('“Above the 99.8% limit” means a count that high would happen by chance')
    expect(page.body).toContain(
      `href="/inspections/${cast.inspection.id}/forces/cleveland/data-return">Cleveland Police</a>`,
    )
    // Bravo supplied 10 applications, Alpha's records give 1: Bravo first when sorted high to low.
    const table = page.body.slice(page.body.indexOf('id="comparison-counts"'))
    expect(table.indexOf('Cleveland Police')).toBeLessThan(table.indexOf('Cheshire Constabulary'))
    const ascending = await inspector.get(`${base}?sort=second-job-applications&order=asc`)
    const ascTable = ascending.body.slice(ascending.body.indexOf('id="comparison-counts"'))
    expect(ascTable.indexOf('Cheshire Constabulary')).toBeLessThan(ascTable.indexOf('Cleveland Police'))

    const csv = await inspector.get(`${base}.csv`)
    expect(csv.statusCode).toBe(200)
    expect(csv.body.split('\n')[0]).toContain('Second-job applications per 1,000 workforce')
    expect(csv.body).toContain('cleveland,Cleveland Police')
    const events = await testApp.services.audit.list(
      SYSTEM_CALLER,
      { entityType: 'data-return-comparison', action: 'export' },
      { offset: 0, limit: 10 },
    )
    expect(events.total).toBe(1)
    const xlsx = await inspector.get(`${base}.xlsx`)
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')

    const api = await inspector.get(`/api${base}`)
    expect(api.statusCode).toBe(200)
    const cleveland = api
      .json()
      .forces.find((row: { force: { code: string } }) => row.force.code === 'cleveland')
    expect(cleveland.items['second-job-applications']).toMatchObject({ value: 10 })
    expect(cleveland.workforce).toBe(1)
    // 10 applications among a workforce of 1 is far above what the national rate predicts for so few.
    expect(cleveland.items['second-job-applications']).toMatchObject({
      position: 'above-99.8',
      outlier: 'high',
    })
    const column = api
      .json()
      .statistics.find((entry: { code: string }) => entry.code === 'second-job-applications')
    expect(column.nationalRatePer1000).toBeGreaterThan(0)
    expect(csv.body.split('\n')[0]).toContain('Second-job applications against the funnel limits')
  })

  it('is the inspectorate’s only: forces are refused', async () => {
    const admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    expect((await admin.get(`/inspections/${cast.inspection.id}/comparison`)).statusCode).toBe(403)
    const api = await testApp.app.inject({
      method: 'GET',
      url: `/api/inspections/${cast.inspection.id}/comparison`,
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
    })
    expect(api.statusCode).toBe(403)
  })
})
