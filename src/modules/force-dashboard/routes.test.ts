import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { pageText } from '../roster/test-support.js'
import type { ForceDashboard } from './service.js'

const now = new Date('2012-06-15T11:00:00Z')
let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let admin: Agent
let staff: Agent
let inspector: Agent
let bravoCaseworker: Agent

const withToken = (token: string, url: string): Promise<LightMyRequestResponse> =>
  testApp.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })

/** The summary list row whose key is `key`, as text. */
function rowText(html: string, key: string): string {
  const rows = html.split('<div class="govuk-summary-list__row">').map(pageText)
  const row = rows.find((text) => text.trim().startsWith(key))
  if (!row) throw new Error(`no row "${key}"`)
  return row.trim()
}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  // Alpha gets more than Bravo, so that one force's figures cannot pass for the other's.
  const alphaId = (await testApp.services.forces.references()).find((f) => f.code === 'cheshire')?.id
  await testApp.services.businessInterests.record(SYSTEM_CALLER, {
    forceId: alphaId,
    staffNumber: 'ALPHA0001',
    nature: 'Coaching a youth football team',
    category: 'voluntary work',
    paid: 'no',
    conflictDeclaration: 'None',
  })
  await testApp.services.acuStaffing.record(
    SYSTEM_CALLER,
    { asOf: '2012-03-31', postsFunded: '6', postsFilled: '5' },
    alphaId,
  )
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  admin = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
  staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
  inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  bravoCaseworker = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

describe('GET /dashboard', () => {
  it('shows a force’s caseworker their own force’s figures as at today, each linked to its list', async () => {
    const response = await caseworker.get('/dashboard')
    expect(response.statusCode).toBe(200)
    const html = response.body
    const text = pageText(html)
    expect(text).toContain('Cheshire')
    expect(text).toContain('Figures as at 15 June 2012.')
    expect(text).toContain('financial year 2012 to 2013')
    expect(rowText(html, 'Awaiting a decision')).toMatch(
      /^Awaiting a decision 2 applications awaiting a decision/,
    )
    expect(html).toContain('href="/business-interests?status=submitted"')
    expect(rowText(html, 'Open')).toMatch(/^Open 2 cases open/)
    expect(html).toContain('href="/cases?status=open"')
    expect(html).toContain('href="/cases?overdue=yes"')
    expect(rowText(html, 'Confidential (open or continuing)')).toContain('1 Restricted')
    expect(html).toContain(
      'href="/gifts-hospitality?outcome=accepted&amp;offeredFrom=2012-04-01&amp;offeredTo=2013-03-31"',
    )
    expect(html).toContain('href="/media-contacts?from=2012-04-01&amp;to=2013-03-31"')
    expect(rowText(html, 'Social-media referrals awaiting a response')).toBe(
      'Social-media referrals awaiting a response 1',
    )
    expect(rowText(html, 'Posts funded (FTE)')).toBe('Posts funded (FTE) 6')
    expect(rowText(html, 'Acknowledged, current versions')).toContain('0% (0 of 1 asked, 1 version)')
    expect(html).toContain('href="/policies/reminders"')
    // Cases by type: the open media disclosure, linked to exactly those cases.
    expect(html).toContain(
      `href="/cases?type=${encodeURIComponent('inappropriate disclosure to the media').replace(/%20/g, '+')}&amp;status=open"`,
    )
    // Nothing of a confidential case but that it exists.
    expect(html).not.toContain('confidential intelligence')
    // The header has the dashboard for a force's professional standards people.
    expect(html).toContain('class="govuk-service-navigation__link" href="/dashboard"')
  })

  it('shows the force administrator the same, and refuses members of staff', async () => {
    expect((await admin.get('/dashboard')).statusCode).toBe(200)
    expect((await staff.get('/dashboard')).statusCode).toBe(403)
    expect((await staff.get('/api/dashboard')).statusCode).toBe(403)
  })

  it('lets the inspectorate choose any force, with links that name it', async () => {
    const chooser = await inspector.get('/dashboard')
    expect(chooser.statusCode).toBe(200)
    expect(pageText(chooser.body)).toContain('Select a force to see its figures.')
    expect(chooser.body).toContain('<option value="cheshire"')
    // Inspectors reach it from the home page, not the header.
    expect(chooser.body).not.toContain('class="govuk-service-navigation__link" href="/dashboard"')
    expect(pageText((await inspector.get('/')).body)).toContain('Force dashboard')
    const response = await inspector.get('/dashboard?force=cheshire')
    expect(response.statusCode).toBe(200)
    expect(rowText(response.body, 'Awaiting a decision')).toMatch(/^Awaiting a decision 2 /)
    expect(response.body).toContain('href="/business-interests?force=cheshire&amp;status=submitted"')
    expect(response.body).toContain('href="/cases?force=cheshire&amp;overdue=yes"')
    // Gifts and media contacts lists cannot be narrowed to one force for the inspectorate: not linked.
    expect(response.body).not.toContain('href="/gifts-hospitality')
    expect(response.body).not.toContain('href="/policies/reminders"')
    expect((await inspector.get('/dashboard?force=atlantis')).statusCode).toBe(404)
  })
})

describe('another force never sees Alpha’s figures', () => {
  it('answers 404 to Bravo naming Alpha, on the page, the API, and with Bravo’s token', async () => {
    expect((await bravoCaseworker.get('/dashboard?force=cheshire')).statusCode).toBe(404)
    expect((await bravoCaseworker.get('/api/dashboard?force=cheshire')).statusCode).toBe(404)
    expect((await withToken(cast.bravo.apiToken.token, '/api/dashboard?force=cheshire')).statusCode).toBe(404)
    // Without naming a force, Bravo sees Bravo's own.
    const own = await withToken(cast.bravo.apiToken.token, '/api/dashboard')
    expect(own.statusCode).toBe(200)
    const figures = own.json<ForceDashboard>()
    expect(figures.force.code).toBe('cleveland')
    expect(figures.secondJobs.awaitingDecision).toBe(1)
    expect(figures.acuStaffing).toBeNull()
  })
})

describe('GET /api/dashboard', () => {
  it('gives the same figures as the page, with an API token', async () => {
    const response = await withToken(cast.alpha.apiToken.token, '/api/dashboard')
    expect(response.statusCode).toBe(200)
    const json = response.json<ForceDashboard>()
    expect(json).toMatchObject({
      force: { code: 'cheshire' },
      asAt: '2012-06-15',
      financialYear: { from: '2012-04-01', to: '2013-03-31' },
      secondJobs: { awaitingDecision: 2, currentApproved: 0 },
      integrityCases: { open: 2, confidential: 1 },
      referrals: { socialMediaAwaiting: 1 },
      acuStaffing: { asOf: '2012-03-31', postsFunded: 6, postsFilled: 5 },
      policyAwareness: { applicable: 1, acknowledged: 0, rate: 0 },
    })
    const inspectorView = await inspector.get('/api/dashboard?force=cheshire')
    expect(inspectorView.json()).toEqual(json)
    const { services } = testApp
    const direct = await services.forceDashboard.dashboard(SYSTEM_CALLER, 'cheshire')
    expect(json).toEqual(
      JSON.parse(JSON.stringify({ ...direct, force: { code: 'cheshire', name: direct?.force.name } })),
    )
  })

  it('asks the inspectorate to name a force, and is described in the OpenAPI document', async () => {
    const response = await inspector.get('/api/dashboard')
    expect(response.statusCode).toBe(400)
    expect(response.json().details).toEqual([{ field: 'force', message: 'Name a force with ?force=<code>' }])
    const openapi = (await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
    expect(openapi.paths['/api/dashboard'].get.tags).toEqual(['force dashboard'])
  })
})

describe('in Welsh', () => {
  it('shows the dashboard’s cards, figures and links in Welsh', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const response = await welsh.get('/dashboard')
    expect(response.body).toMatch(/<html lang="cy"/)
    const text = pageText(response.body)
    expect(text).toContain('Dangosfwrdd yr heddlu')
    expect(text).toContain('Ffigurau fel ag yr oeddent ar 15 Mehefin 2012.')
    expect(text).toContain('Rhoddion a lletygarwch, blwyddyn ariannol 2012 i 2013')
    expect(rowText(response.body, 'Yn aros am benderfyniad')).toMatch(
      /^Yn aros am benderfyniad 2 ceisiadau sy’n aros am benderfyniad/,
    )
    expect(text).toContain('Fel ag yr oedd ar 31 Mawrth 2012')
    expect(text).not.toMatch(
      /Awaiting a decision|Figures as at|Integrity cases|financial year|Latest figures/,
    )
  })
})
