import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createRegisterTestApp } from '../../../test/support/registers.js'
import { addSearchableMember } from '../../../test/support/search-text.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import { criterionKey } from './rules.js'

let testApp: TestApp
let cast: TwoForces
let staff: Agent
let caseworker: Agent
let bravoCaseworker: Agent
let alphaAdmin: Agent

const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [`concern-${criterionKey(criterion)}`, 'no']),
)

const signedIn = (email: string) => signedInAgent(testApp.app, email)
const historyCsv = (content: string) => ({ filename: 'history.csv', data: content })

beforeAll(async () => {
  ;({ testApp, cast } = await createRegisterTestApp(() => new Date('2012-03-01T10:00:00Z')))
  await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cheshire',
    filename: 'seniors.csv',
    rows: [
      {
        line: 2,
        values: {
          staff_number: 'CC0001',
          name: 'Chief Paula Senior',
          grade: 'Chief Constable',
          unit: 'Command',
          start_date: '',
          leave_date: '',
        },
      },
      {
        line: 3,
        values: {
          staff_number: 'SUP0001',
          name: 'Super Sam Middle',
          grade: 'Superintendent',
          unit: 'Operations',
          start_date: '',
          leave_date: '',
        },
      },
      {
        line: 4,
        values: {
          staff_number: 'ODD0001',
          name: 'Odd Grade Person',
          grade: 'Grand Wizard',
          unit: 'Elsewhere',
          start_date: '',
          leave_date: '',
        },
      },
    ],
  })
  staff = await signedIn(cast.alpha.users.staff.email)
  caseworker = await signedIn(cast.alpha.users['force-caseworker'].email)
  bravoCaseworker = await signedIn(cast.bravo.users['force-caseworker'].email)
  alphaAdmin = await signedIn(cast.alpha.users['force-admin'].email)
})
afterAll(() => testApp.close())

describe('self-service', () => {
  it('tells an unlinked account to ask its administrator', async () => {
    const unlinked = await signedIn(cast.bravo.users.staff.email)
    const page = await unlinked.get('/business-interests/apply')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('not linked to the staff roster')
    expect(page.body).toContain('Ask your administrator')
  })

  it('re-shows the form with errors, then takes the application and lists it as the applicant’s own', async () => {
    const bad = await staff.post('/business-interests/apply', { nature: '', hoursPerWeek: 'lots' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('href="#nature"')
    expect(bad.body).toContain('Enter the hours a week as a number')
    const sent = await staff.post('/business-interests/apply', {
      nature: 'Part-time bar work',
      category: 'paid employment',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    expect(sent.statusCode).toBe(303)
    const mine = await staff.get(String(sent.headers.location))
    expect(mine.body).toContain('Part-time bar work')
    expect(mine.body).toContain('Your application has been sent')
  })

  it('refuses staff the caseworker pages', async () => {
    for (const url of [
      '/business-interests',
      '/business-interests/reviews-due',
      '/business-interests/record',
      `/business-interests/${cast.alpha.businessInterests.businessInterestId}`,
      '/business-interests.csv',
    ]) {
      expect((await staff.get(url)).statusCode, url).toBe(403)
    }
  })
})

describe('caseworker pages', () => {
  it('shows another force’s application as not found', async () => {
    const id = cast.alpha.businessInterests.businessInterestId
    expect((await bravoCaseworker.get(`/business-interests/${id}`)).statusCode).toBe(404)
    expect(
      (
        await bravoCaseworker.post(`/business-interests/${id}/decision`, {
          ...noConcerns,
          decision: 'approved',
        })
      ).statusCode,
    ).toBe(404)
    expect((await caseworker.get(`/business-interests/${id}`)).statusCode).toBe(200)
  })

  it('records an application by staff number and decides it, refusing a refusal without a reason', async () => {
    const bad = await caseworker.post('/business-interests/record', { staffNumber: 'NOPE', nature: 'x' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('No one on the roster has the staff number NOPE')
    const made = await caseworker.post('/business-interests/record', {
      staffNumber: 'cc0001',
      submittedOn: '2012-02-01',
      nature: 'Trustee of a rugby club charity',
      category: 'voluntary work',
      paid: 'no',
      conflictDeclaration: 'None',
    })
    expect(made.statusCode).toBe(303)
    const url = String(made.headers.location)
    const refused = await caseworker.post(`${url}/decision`, { ...noConcerns, decision: 'refused' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Enter the reason for refusing')
    const badReview = await caseworker.post(`${url}/decision`, {
      ...noConcerns,
      decision: 'approved',
      'reviewDate-day': '1',
      'reviewDate-month': '2',
      'reviewDate-year': '',
    })
    expect(badReview.statusCode).toBe(400)
    expect(badReview.body).toContain('Review date must include a year')
    const approved = await caseworker.post(`${url}/decision`, {
      ...noConcerns,
      decision: 'approved',
      'reviewDate-day': '1',
      'reviewDate-month': '2',
      'reviewDate-year': '2013',
    })
    expect(approved.statusCode).toBe(303)
    const detail = await caseworker.get(url)
    expect(detail.body).toContain('Trustee of a rugby club charity')
    expect(detail.body).toContain('1 February 2013')
    // The decision is confirmed once, and the caseworker can go on to the next application waiting.
    expect(detail.body).toContain('govuk-notification-banner--success')
    expect(detail.body).toContain('Decision recorded: approved')
    const next = /<a[^>]*href="(\/business-interests\/[0-9a-f-]{36})"[^>]*>\s*Next application waiting/.exec(
      detail.body,
    )
    expect(next?.[1]).toBeDefined()
    expect(next?.[1]).not.toBe(url)
    const waiting = await caseworker.get(String(next?.[1]))
    expect(waiting.body).toContain('Assess and decide')
    expect((await caseworker.get(url)).body).not.toContain('govuk-notification-banner')
  })

  it('exports what the filters show as CSV and XLSX, and audits the export', async () => {
    const csv = await caseworker.get('/business-interests.csv?category=voluntary+work')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trim().split('\n')
    expect(lines[0]).toContain('Staff number,Name,Grade,Unit,Submitted on,Category')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('Trustee of a rugby club charity')
    expect(csv.body).not.toContain('Part-time bar work')

    const xlsx = await caseworker.get('/business-interests.xlsx')
    expect(xlsx.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]
    expect(sheet?.rowCount).toBe(4)

    const audit = await alphaAdmin.get('/api/audit-events?action=export')
    const events = audit.json<{
      events: { entity: { type: string }; after: { format: string; rows: number } }[]
    }>().events
    expect(
      events
        .filter((event) => event.entity.type === 'business-interest')
        .map((event) => [event.after.format, event.after.rows]),
    ).toEqual(
      expect.arrayContaining([
        ['csv', 1],
        ['xlsx', 3],
      ]),
    )
  })

  it('filters, sorts and searches the list', async () => {
    const page = await caseworker.get('/business-interests?status=submitted&sort=name&order=asc')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('alphamarker Constable')
    expect(page.body).not.toContain('Chief Paula Senior')
    const bad = await caseworker.get('/business-interests?from=2012-13-45')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Submitted from must be a real date')
  })
})

describe('reviews due and the inspectorate', () => {
  it('lists approved interests due for review within the chosen window', async () => {
    const soon = await caseworker.get('/business-interests/reviews-due?days=30')
    expect(soon.statusCode).toBe(200)
    expect(soon.body).not.toContain('Chief Paula Senior')
    const year = await caseworker.get('/business-interests/reviews-due?days=365')
    expect(year.body).toContain('Chief Paula Senior')
    expect(year.body).toContain('1 February 2013')
  })

  it('lets the inspectorate read a force’s list, but not change anything', async () => {
    const inspectorate = await signedIn(cast.inspectorateAdmin.email)
    const list = await inspectorate.get('/business-interests?force=cheshire')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('alphamarker Constable')
    expect(list.body).not.toContain('Record an application')
    expect((await inspectorate.get('/business-interests?force=atlantis')).statusCode).toBe(400)
    const id = cast.alpha.businessInterests.businessInterestId
    expect((await inspectorate.get(`/business-interests/${id}`)).statusCode).toBe(200)
    expect(
      (await inspectorate.post(`/business-interests/${id}/decision`, { ...noConcerns, decision: 'approved' }))
        .statusCode,
    ).toBe(403)
  })
})

describe('import of historic records', () => {
  const header =
    'Staff number,Submitted on,Category,Nature,Employer,Hours per week,Paid,Relatives interests,Conflict declaration,Status,Conditions,Refusal reason,Decided on,Review date,Expiry date,Withdrawn on'
  const good = [
    'SUP0001,2010-05-01,property letting,Letting a flat,,2,yes,,None,approved,,,2010-05-20,2011-05-20,,',
    'ALPHA0001,2010-06-01,shareholding,Shares in a bakery,,0,yes,,None,refused,,Conflict with licensing,2010-06-10,,,',
  ]

  it('reports every bad row with its line and writes nothing; after fixing, writes them all in one go', async () => {
    await caseworker.get('/business-interests/import')
    const before = (await testApp.services.businessInterests.list(SYSTEM_CALLER, {})).total
    const bad = [
      header,
      ...good,
      'NOBODY,2010-07-01,other,Something,,,yes,,None,submitted,,,,,,',
      'SUP0001,2010-07-01,juggling,Something,,,yes,,None,submitted,,,,,,',
      'SUP0001,2010-07-01,other,Something,,,yes,,None,refused,,,2010-07-05,,,',
    ].join('\n')
    const dryRun = await caseworker.upload('/business-interests/import', historyCsv(bad))
    expect(dryRun.statusCode).toBe(400)
    expect(dryRun.body).toContain('Line 4: staff_number: no one on the roster has the staff number NOBODY')
    expect(dryRun.body).toMatch(/Line 5: category: Use one of/)
    expect(dryRun.body).toContain('Line 6: refusal_reason: Enter the reason for refusing')
    expect(dryRun.body).not.toContain('name="importId"')
    expect((await testApp.services.businessInterests.list(SYSTEM_CALLER, {})).total).toBe(before)

    const fixed = await caseworker.upload(
      '/business-interests/import',
      historyCsv([header, ...good].join('\n')),
    )
    expect(fixed.statusCode).toBe(200)
    expect(fixed.body).toContain('2 to add, 0 unchanged, 0 with problems')
    const importId = fixed.body.match(/name="importId" value="([^"]+)"/)?.[1] as string
    expect((await bravoCaseworker.post('/business-interests/import/confirm', { importId })).statusCode).toBe(
      404,
    )
    const confirmed = await caseworker.post('/business-interests/import/confirm', { importId })
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('2 applications added')
    expect((await testApp.services.businessInterests.list(SYSTEM_CALLER, {})).total).toBe(before + 2)
    // Confirming twice writes nothing more; importing the same file again finds nothing new.
    expect((await caseworker.post('/business-interests/import/confirm', { importId })).statusCode).toBe(404)
    const again = await caseworker.upload(
      '/business-interests/import',
      historyCsv([header, ...good].join('\n')),
    )
    expect(again.body).toContain('0 to add, 2 unchanged')
  })
})

describe('JSON API', () => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it('records, lists and reads applications with a force token, and hides them from another force', async () => {
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/business-interests',
      headers: bearer(cast.alpha.apiToken.token),
      payload: {
        staffNumber: 'ALPHA0001',
        nature: 'Sports coaching',
        category: 'teaching or training',
        paid: 'no',
        conflictDeclaration: 'None',
        hoursPerWeek: 3,
      },
    })
    expect(created.statusCode).toBe(201)
    const body = created.json<{ id: string; status: string; hoursPerWeek: number }>()
    expect(body).toMatchObject({ status: 'submitted', hoursPerWeek: 3 })
    const list = await testApp.app.inject({
      url: '/api/business-interests?q=coaching',
      headers: bearer(cast.alpha.apiToken.token),
    })
    expect(list.json<{ total: number }>().total).toBe(1)
    const one = await testApp.app.inject({
      url: `/api/business-interests/${body.id}`,
      headers: bearer(cast.alpha.apiToken.token),
    })
    expect(one.json<{ nature: string }>().nature).toBe('Sports coaching')
    const other = await testApp.app.inject({
      url: `/api/business-interests/${body.id}`,
      headers: bearer(cast.bravo.apiToken.token),
    })
    expect(other.statusCode).toBe(404)
    const bad = await testApp.app.inject({
      method: 'POST',
      url: '/api/business-interests',
      headers: bearer(cast.alpha.apiToken.token),
      payload: { staffNumber: 'NOPE', nature: 'x', category: 'other', paid: 'no', conflictDeclaration: 'x' },
    })
    expect(bad.statusCode).toBe(400)
    const spec = await testApp.app.inject({ url: '/api/openapi.json' })
    expect(Object.keys(spec.json<{ paths: Record<string, unknown> }>().paths)).toEqual(
      expect.arrayContaining(['/api/business-interests', '/api/business-interests/{businessInterestId}']),
    )
  })
})

describe('actions that cannot be undone', () => {
  it('asks before withdrawing an application, set apart from the decision', async () => {
    const made = await caseworker.post('/business-interests/record', {
      staffNumber: 'SUP0001',
      nature: 'Director of a family bakery',
      category: 'company director or partner',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    const url = String(made.headers.location)
    const detail = await caseworker.get(url)
    // No button that withdraws at once: a link to a page that says what will happen.
    expect(detail.body).not.toContain(`action="${url}/withdraw"`)
    expect(detail.body).toContain(`href="${url}/withdraw"`)
    const decideForm = detail.body.indexOf('Record decision')
    const otherActions = detail.body.indexOf('Other actions')
    expect(otherActions).toBeGreaterThan(decideForm)
    const confirm = await caseworker.get(`${url}/withdraw`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Are you sure you want to withdraw this application?')
    expect(confirm.body).toContain('Director of a family bakery')
    expect(confirm.body).toContain('govuk-button--warning')
    const withdrawn = await caseworker.post(`${url}/withdraw`, { returnTo: url })
    expect(withdrawn.statusCode).toBe(303)
    const after = await caseworker.get(String(withdrawn.headers.location))
    expect(after.body).toContain('Application withdrawn')
    expect(after.body).toContain('govuk-tag--grey')
    expect((await bravoCaseworker.get(`${url}/withdraw`)).statusCode).toBe(404)
  })
})

describe('in Welsh', () => {
  it('shows the list, an application, the forms and their errors in Welsh', async () => {
    const welsh = await signedIn(cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const welshStaff = await signedIn(cast.alpha.users.staff.email)
    await welshStaff.chooseLanguage('cy')

    const list = await welsh.get('/business-interests')
    expect(list.statusCode).toBe(200)
    expect(list.body).toMatch(/<html lang="cy"/)
    expect(list.body).toContain('<h1 class="govuk-heading-l">Ail swyddi a buddiannau busnes</h1>')
    expect(list.body).toContain('Hidlo’r ceisiadau')
    expect(list.body).toContain('>Ymgeisydd</a>')
    expect(list.body).not.toMatch(/Filter applications|Second jobs and business interests|>Applicant</)

    const made = await welsh.post('/business-interests/record', {
      staffNumber: 'sup0001',
      submittedOn: '2012-02-01',
      nature: 'Hyfforddwr gyrru',
      category: 'teaching or training',
      paid: 'yes',
      conflictDeclaration: 'Dim',
    })
    expect(made.statusCode).toBe(303)
    const url = String(made.headers.location)
    const refused = await welsh.post(`${url}/decision`, { ...noConcerns, decision: 'refused' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Rhowch y rheswm dros wrthod')
    expect(refused.body).toContain('Asesu a phenderfynu')
    expect(refused.body).toContain('Didueddrwydd: a yw’n codi pryder?')
    expect(refused.body).toContain('Addysgu neu hyfforddi')
    expect(refused.body).not.toMatch(
      /Enter the reason for refusing|Assess and decide|does it raise a concern/,
    )

    const form = await welshStaff.post('/business-interests/apply', { nature: '' })
    expect(form.statusCode).toBe(400)
    expect(form.body).toContain(
      '<h1 class="govuk-heading-l">Gwneud cais am ail swydd neu fuddiant busnes</h1>',
    )
    expect(form.body).toContain('Disgrifiwch y buddiant busnes')
    expect(form.body).not.toMatch(/Describe the business interest|What is the business interest/)

    const due = await welsh.get('/business-interests/reviews-due')
    expect(due.body).toContain('Adolygiadau a dyddiadau dod i ben sy’n ddyledus')
  })
})

describe('the search', () => {
  it('finds an application by each searched column in any case, not by the unit, never across two', async () => {
    await addSearchableMember(testApp, 'cheshire')
    const forceId = (await testApp.services.forces.references()).find(
      (force) => force.code === 'cheshire',
    )?.id
    const application = await testApp.services.businessInterests.record(SYSTEM_CALLER, {
      forceId,
      staffNumber: 'WOMB0042',
      submittedOn: '2012-01-10',
      nature: 'Tapestry weaving lessons',
      category: 'self-employment',
      employer: 'Ocelot Crafts',
      hoursPerWeek: '4',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    const found = async (q: string) =>
      (await caseworker.get(`/api/business-interests?q=${encodeURIComponent(q)}`))
        .json<{ businessInterests: { id: string }[] }>()
        .businessInterests.map((row) => row.id)
    for (const q of ['tAPESTRY weaving', 'ocelot CRAFTS', 'WOMBAT smith', 'womb0042'])
      expect(await found(q), q).toEqual([application.id])
    for (const q of ['kestrel', 'lessonsOcelot', 'lessons ocelot', 'smithwomb'])
      expect(await found(q), q).toEqual([])
  })
})
