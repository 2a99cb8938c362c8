import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, dateInputFields } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { inScope } from '../../db/tenancy.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { AuditEventView } from './present.js'
import { appendAuditEvent } from './service.js'

let testApp: TestApp
let cast: TwoForces
const agents: Record<string, Agent> = {}
let staffToken: string
let inspectorateToken: string

type AuditPage = {
  events: AuditEventView[]
  page: number
  pageSize: number
  total: number
  totalPages: number
}

async function signedIn(email: string): Promise<Agent> {
  const agent = new Agent(testApp.app)
  await agent.signIn(email, TEST_PASSWORD)
  return agent
}

const api = (url: string, token: string) =>
  testApp.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  const references = await testApp.services.forces.references()
  const cheshire = references.find((force) => force.code === cast.alpha.code)?.id ?? 0
  // Enough of Alpha's events for a second page, one of them with something a browser must not run.
  await inScope(testApp.database.db, { kind: 'force', forceId: cheshire }, async (tx) => {
    for (let index = 0; index < 55; index++) {
      await appendAuditEvent(
        tx,
        { type: 'user', id: null, label: `alphamarker clerk ${index}`, ipAddress: '192.0.2.7' },
        {
          forceId: cheshire,
          entityType: 'gift',
          entityId: `gift-${index}`,
          action: 'update',
          before: { donor: 'Old donor', value: index },
          after: {
            donor: index === 54 ? '<script>alert("alphamarker")</script>' : 'New donor',
            value: index,
          },
        },
        new Date(Date.UTC(2012, 2, 27, 9, index)),
      )
    }
  })
  agents.inspectorate = await signedIn(cast.inspectorateAdmin.email)
  agents.alphaAdmin = await signedIn(cast.alpha.users['force-admin'].email)
  agents.alphaStaff = await signedIn(cast.alpha.users.staff.email)
  staffToken = (
    await testApp.services.apiTokens.create(SYSTEM_CALLER, {
      name: 'staff token',
      role: 'staff',
      forceCode: 'cheshire',
    })
  ).token
  inspectorateToken = (
    await testApp.services.apiTokens.create(SYSTEM_CALLER, {
      name: 'inspectorate token',
      role: 'inspectorate-admin',
    })
  ).token
})
afterAll(() => testApp.close())

describe('GET /api/audit-events', () => {
  it('shows an inspectorate admin every force’s events, newest first, 50 to a page', async () => {
    const response = await api('/api/audit-events', inspectorateToken)
    expect(response.statusCode).toBe(200)
    const body = response.json<AuditPage>()
    expect(body.pageSize).toBe(50)
    expect(body.events).toHaveLength(50)
    expect(body.total).toBeGreaterThan(55)
    expect(body.totalPages).toBe(Math.ceil(body.total / 50))
    const seqs = body.events.map((event) => event.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))

    const all = (
      await api('/api/audit-events?entityType=user&action=create', inspectorateToken)
    ).json<AuditPage>()
    const forces = new Set(all.events.map((event) => event.force?.code ?? 'none'))
    expect(forces).toEqual(new Set(['cheshire', 'cleveland', 'none']))
  })

  it('describes each event with its force, actor, entity, before, after and hash', async () => {
    const body = (await api('/api/audit-events?entityType=gift', inspectorateToken)).json<AuditPage>()
    expect(body.total).toBe(55)
    expect(body.events[0]).toMatchObject({
      occurredAt: '2012-03-27T09:54:00.000Z',
      actor: { type: 'user', id: null, label: 'alphamarker clerk 54', ipAddress: '192.0.2.7' },
      force: { code: 'cheshire', name: 'Cheshire Constabulary' },
      chain: 'cheshire',
      entity: { type: 'gift', id: 'gift-54' },
      action: 'update',
      before: { donor: 'Old donor', value: 54 },
      after: { donor: '<script>alert("alphamarker")</script>', value: 54 },
    })
    expect(body.events[0]?.hash).toMatch(/^[0-9a-f]{64}$/)
    // Appended in Cheshire's scope, one after another: its chain numbers them one apart.
    expect((body.events[0]?.chainSeq ?? 0) - (body.events[1]?.chainSeq ?? 0)).toBe(1)
    expect(body.events[1]?.hash).toBe(body.events[0]?.prevHash)
    const second = (
      await api('/api/audit-events?entityType=gift&page=2', inspectorateToken)
    ).json<AuditPage>()
    expect(second.events.map((event) => event.entity.id)).toEqual([
      'gift-4',
      'gift-3',
      'gift-2',
      'gift-1',
      'gift-0',
    ])
  })

  it('filters by force, actor and dates for the inspectorate', async () => {
    const bravo = (await api('/api/audit-events?force=cleveland', inspectorateToken)).json<AuditPage>()
    expect(bravo.total).toBeGreaterThan(0)
    expect(bravo.events.every((event) => event.force?.code === 'cleveland')).toBe(true)
    const none = (await api('/api/audit-events?force=none', inspectorateToken)).json<AuditPage>()
    expect(none.events.every((event) => event.force === null)).toBe(true)
    const clerk = (await api('/api/audit-events?actor=CLERK%2012', inspectorateToken)).json<AuditPage>()
    expect(clerk.events.map((event) => event.actor.label)).toEqual(['alphamarker clerk 12'])
    const day = (
      await api('/api/audit-events?from=27/3/2012&to=2012-03-27', inspectorateToken)
    ).json<AuditPage>()
    expect(day.total).toBe(55)
  })

  it('shows a force admin only their force’s events, and refuses another force’s', async () => {
    const response = await api('/api/audit-events?entityType=user', cast.alpha.apiToken.token)
    expect(response.statusCode).toBe(200)
    const body = response.json<AuditPage>()
    expect(body.total).toBeGreaterThan(0)
    expect(body.events.every((event) => event.force?.code === 'cheshire')).toBe(true)
    expect(response.body).not.toContain(cast.bravo.marker)

    for (const force of ['cleveland', 'none']) {
      const refused = await api(`/api/audit-events?force=${force}`, cast.alpha.apiToken.token)
      expect(refused.statusCode).toBe(403)
      expect(refused.body).not.toContain(cast.bravo.marker)
    }
    const everything = (await api('/api/audit-events', cast.alpha.apiToken.token)).json<AuditPage>()
    expect(everything.events.every((event) => event.force?.code === 'cheshire')).toBe(true)
    const own = (await api('/api/audit-events?force=cheshire', cast.alpha.apiToken.token)).json<AuditPage>()
    expect(own.total).toBe(everything.total)
  })

  it('refuses staff and anonymous callers', async () => {
    expect((await api('/api/audit-events', staffToken)).statusCode).toBe(403)
    const anonymous = await testApp.app.inject({ method: 'GET', url: '/api/audit-events' })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toMatchObject({ statusCode: 401 })
  })

  it('rejects a bad filter with a 400 that says what is wrong', async () => {
    const bad = await api('/api/audit-events?from=notadate', inspectorateToken)
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({
      statusCode: 400,
      details: [{ field: 'from', message: 'From date must be a real date, like 2012-03-27' }],
    })
    const backwards = await api('/api/audit-events?from=2012-03-28&to=2012-03-27', inspectorateToken)
    expect(backwards.statusCode).toBe(400)
    expect(backwards.json<{ message: string }>().message).toContain(
      'To date must be the same as or after the from date',
    )
    const unknownForce = await api('/api/audit-events?force=atlantis', inspectorateToken)
    expect(unknownForce.statusCode).toBe(400)
    expect(unknownForce.json<{ message: string }>().message).toBe('Select a force from the list')
    expect((await api('/api/audit-events?page=0', inspectorateToken)).statusCode).toBe(400)
    expect((await api('/api/audit-events?action=%3Cb%3E', inspectorateToken)).statusCode).toBe(400)
  })

  it('is documented in the OpenAPI description', async () => {
    const openapi = (await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, { get?: { tags?: string[]; summary?: string; parameters?: { name: string }[] } }>
    }>()
    const operation = openapi.paths['/api/audit-events']?.get
    expect(operation?.tags).toEqual(['audit'])
    expect(operation?.summary).toBe('List audit events')
    expect(operation?.parameters?.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['force', 'entityType', 'action', 'actor', 'from', 'to', 'page']),
    )
    expect(openapi.paths['/admin/audit']).toBeUndefined()
  })
})

describe('GET /admin/audit', () => {
  it('lists every force’s events for an inspectorate admin, with a force filter', async () => {
    const response = await agents.inspectorate?.get('/admin/audit?entityType=user&action=create')
    expect(response?.statusCode).toBe(200)
    expect(response?.headers['content-type']).toMatch(/^text\/html/)
    const body = response?.body ?? ''
    expect(body).toContain('<h1 class="govuk-heading-xl">Audit trail</h1>')
    expect(body).toContain('<select class="govuk-select govuk-!-width-full" id="force" name="force"')
    expect(body).toContain('Cheshire Constabulary')
    expect(body).toContain('Cleveland Police')
    expect(body).toContain(cast.alpha.marker)
    expect(body).toContain(cast.bravo.marker)
    expect(body).toContain('govuk-details')
  })

  it('shows a force admin only their force’s events, without a force filter', async () => {
    const response = await agents.alphaAdmin?.get('/admin/audit')
    expect(response?.statusCode).toBe(200)
    const body = response?.body ?? ''
    expect(body).toContain(cast.alpha.marker)
    expect(body).not.toContain(cast.bravo.marker)
    expect(body).not.toContain('id="force"')
    expect(body).not.toContain('Cleveland Police')

    const refused = await agents.alphaAdmin?.get('/admin/audit?force=cleveland')
    expect(refused?.statusCode).toBe(403)
    expect(refused?.body).not.toContain(cast.bravo.marker)
  })

  it('pages 50 events at a time, keeping the filters in the links', async () => {
    const first = (await agents.inspectorate?.get('/admin/audit?entityType=gift'))?.body ?? ''
    expect(first).toContain('Events 1 to 50 of 55')
    expect(first.match(/<tr class="govuk-table__row">/g)?.length).toBeGreaterThanOrEqual(51)
    expect(first).toContain('class="govuk-pagination')
    expect(first).toContain('href="/admin/audit?entityType=gift&amp;page=2"')
    const second = (await agents.inspectorate?.get('/admin/audit?entityType=gift&page=2'))?.body ?? ''
    expect(second).toContain('Events 51 to 55 of 55')
    expect(second).toContain('gift-0')
    const beyond = await agents.inspectorate?.get('/admin/audit?entityType=gift&page=9')
    expect(beyond?.statusCode).toBe(200)
    expect(beyond?.body).toContain('There are only 2 pages of events')
  })

  it('shows before and after readably, escaping what was recorded', async () => {
    const body = (await agents.inspectorate?.get('/admin/audit?entityType=gift&actor=clerk%2054'))?.body ?? ''
    expect(body).toContain('Events 1 to 1 of 1')
    expect(body).toContain('<code>donor</code> (changed)')
    expect(body).toContain('Old donor')
    expect(body).toContain('&lt;script&gt;alert(&quot;alphamarker&quot;)&lt;/script&gt;')
    expect(body).not.toContain('<script>alert(')
    expect(body).toContain('192.0.2.7')
    expect(body).toMatch(/Number \d+ in the chain of Cheshire Constabulary\./)
    const signIns = (await agents.inspectorate?.get('/admin/audit?action=sign-in'))?.body ?? ''
    expect(signIns).toMatch(/Number \d+ in the national chain\./)
  })

  it('says so when nothing matches', async () => {
    const body = (await agents.inspectorate?.get('/admin/audit?action=nothing-like-this'))?.body ?? ''
    expect(body).toContain('No events match these filters.')
  })

  it('re-shows the form with a GOV.UK error summary for a bad filter', async () => {
    const dates = new URLSearchParams({
      ...dateInputFields('from', '31', '2', '2012'),
      ...dateInputFields('to', '1', '', '2012'),
      actor: '<b>',
    })
    const response = await agents.inspectorate?.get(`/admin/audit?${dates}`)
    expect(response?.statusCode).toBe(400)
    const body = response?.body ?? ''
    expect(body).toContain('<title>Error: Audit trail – Probity</title>')
    expect(body).toContain('govuk-error-summary')
    expect(body).toContain('href="#from"')
    expect(body).toContain('From date must be a real date')
    expect(body).toContain('href="#to"')
    expect(body).toContain('To date must include a month')
    expect(body).toMatch(/id="from-month" name="from-month" type="text" value="2"/)
    expect(body).toContain('value="&lt;b&gt;"')
    expect(body).not.toContain('govuk-table__caption')
  })

  it('filters by dates entered with GOV.UK date inputs, keeping them in the links', async () => {
    const page = (await agents.inspectorate?.get('/admin/audit'))?.body ?? ''
    expect(page).toContain('name="from-day"')
    expect(page).not.toMatch(/For example, \d+\/\d+\/\d{4}/)
    const wide = new URLSearchParams({
      entityType: 'gift',
      ...dateInputFields('from', '1', '1', '2000'),
      ...dateInputFields('to', '31', '12', '2099'),
    })
    const within = (await agents.inspectorate?.get(`/admin/audit?${wide}`))?.body ?? ''
    expect(within).toContain('Events 1 to 50 of 55')
    expect(within).toContain(
      'href="/admin/audit?entityType=gift&amp;from=2000-01-01&amp;to=2099-12-31&amp;page=2"',
    )
    expect(within).toMatch(/id="to-year" name="to-year" type="text" value="2099"/)
    const before = new URLSearchParams({ entityType: 'gift', ...dateInputFields('to', '31', '12', '2000') })
    expect((await agents.inspectorate?.get(`/admin/audit?${before}`))?.body).toContain(
      'No events match these filters.',
    )
  })

  it('refuses staff, and sends anonymous visitors to sign in', async () => {
    expect((await agents.alphaStaff?.get('/admin/audit'))?.statusCode).toBe(403)
    const anonymous = await testApp.app.inject({ method: 'GET', url: '/admin/audit?action=create' })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=%2Fadmin%2Faudit%3Faction%3Dcreate')
  })

  it('records sign-ins in the trail, which stays intact', async () => {
    const body = (
      await api(
        `/api/audit-events?action=sign-in&actor=${encodeURIComponent(cast.inspectorateAdmin.email)}`,
        inspectorateToken,
      )
    ).json<AuditPage>()
    expect(body.total).toBeGreaterThanOrEqual(1)
    expect(await testApp.services.audit.verify()).toMatchObject({ ok: true })
  })
})

describe('GET /admin/audit.csv', () => {
  it('downloads every matching event as CSV, and records the download', async () => {
    const page = (await agents.inspectorate?.get('/admin/audit?entityType=gift'))?.body ?? ''
    expect(page).toContain('href="/admin/audit.csv?entityType=gift"')
    expect(page).toContain('Download these 55 events as a spreadsheet (CSV)')

    const response = await agents.inspectorate?.get('/admin/audit.csv?entityType=gift')
    expect(response?.statusCode).toBe(200)
    expect(response?.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response?.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    const lines = (response?.body ?? '').trimEnd().split('\n')
    expect(lines).toHaveLength(56)
    expect(lines[0]).toBe(
      'Event,Chain,Number in chain,Time (UTC),Actor type,Actor,Actor id,IP address,Force code,Force,Entity type,Entity id,Action,Before (JSON),After (JSON),Previous hash,Hash,Redacted',
    )
    expect(lines[1]).toMatch(/^\d+,cheshire,\d+,2012-03-27T09:54:00.000Z,/)
    expect(lines[1]).toContain(
      ',2012-03-27T09:54:00.000Z,user,alphamarker clerk 54,,192.0.2.7,cheshire,Cheshire Constabulary,gift,gift-54,update,',
    )
    expect(lines[1]).toContain('"{""donor"":""<script>alert(\\""alphamarker\\"")</script>"",""value"":54}"')

    const recorded = (await api('/api/audit-events?action=export', inspectorateToken)).json<AuditPage>()
    expect(recorded.total).toBe(1)
    expect(recorded.events[0]).toMatchObject({
      actor: { type: 'user', label: expect.stringContaining(cast.inspectorateAdmin.email) },
      force: null,
      entity: { type: 'audit-event', id: null },
      action: 'export',
      after: { format: 'csv', rows: 55, filters: { entityType: 'gift' } },
    })
    expect(await testApp.services.audit.verify()).toMatchObject({ ok: true })
  })

  it('gives a force admin only their force’s events, recorded as their force’s', async () => {
    const response = await agents.alphaAdmin?.get('/admin/audit.csv')
    expect(response?.statusCode).toBe(200)
    const lines = (response?.body ?? '').trimEnd().split('\n').slice(1)
    expect(lines.length).toBeGreaterThan(55)
    expect(lines.every((line) => line.includes(',cheshire,Cheshire Constabulary,'))).toBe(true)
    expect(response?.body).not.toContain(cast.bravo.marker)
    expect((await agents.alphaAdmin?.get('/admin/audit.csv?force=cleveland'))?.statusCode).toBe(403)

    const recorded = (
      await api('/api/audit-events?action=export', cast.alpha.apiToken.token)
    ).json<AuditPage>()
    expect(recorded.events.map((event) => event.force?.code)).toEqual(['cheshire'])
  })

  it('refuses a bad filter, staff and anonymous visitors', async () => {
    const bad = await agents.inspectorate?.get('/admin/audit.csv?from=notadate')
    expect(bad?.statusCode).toBe(400)
    expect(bad?.body).toContain('From date must be a real date')
    expect((await agents.alphaStaff?.get('/admin/audit.csv'))?.statusCode).toBe(403)
    const anonymous = await testApp.app.inject({ method: 'GET', url: '/admin/audit.csv' })
    expect(anonymous.statusCode).toBe(303)
  })
})

describe('checking the trail from the audit page', () => {
  it('lets an inspectorate admin verify the chain, names a tampered event, and refuses force admins', async () => {
    const admin = new Agent(testApp.app)
    await admin.signIn(cast.inspectorateAdmin.email, TEST_PASSWORD)
    const intact = await admin.post('/admin/audit/verify')
    expect(intact.statusCode).toBe(200)
    expect(intact.body).toContain('The audit trail is intact')

    const forceAdmin = new Agent(testApp.app)
    await forceAdmin.signIn(cast.alpha.users['force-admin'].email, TEST_PASSWORD)
    expect((await forceAdmin.post('/admin/audit/verify')).statusCode).toBe(403)

    const db = testApp.database.db
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger user`)
      await tx.execute(sql`update audit_events set action = 'rewritten' where seq = 2`)
      await tx.execute(sql`alter table audit_events enable trigger user`)
    })
    const broken = await admin.post('/admin/audit/verify')
    expect(broken.body).toContain('The audit trail has been tampered with')
    expect(broken.body).toMatch(/event 2\b/)
  })
})

describe('the audit trail in Welsh', () => {
  it('shows a force admin their force’s events, filters, paging and errors in Welsh', async () => {
    const welsh = await signedIn(cast.alpha.users['force-admin'].email)
    await welsh.chooseLanguage('cy')
    const page = await welsh.get('/admin/audit')
    expect(page.body).toMatch(/<html lang="cy"/)
    expect(page.body).toContain('<h1 class="govuk-heading-xl">Trywydd archwilio</h1>')
    expect(page.body).toContain('Hidlo’r digwyddiadau')
    expect(page.body).toContain('Nesaf<span class="govuk-visually-hidden"> tudalen</span>')
    expect(page.body).toContain('27 Maw 2012')
    expect(page.body).not.toMatch(/Filter events|Audit trail<|Events \d+ to|>Before<|27 Mar 2012/)
    // The identifiers one filters by are shown as they are, marked as English for screen readers.
    expect(page.body).toContain(
      'Er enghraifft, <code lang="en">user</code> neu <code lang="en">api-token</code>',
    )
    expect(page.body).toContain('<code lang="en">create</code>')
    const refused = await welsh.get('/admin/audit?from=2012-03-27&to=2012-03-01')
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Rhaid i’r dyddiad hyd at fod yr un fath â’r dyddiad o neu ar ei ôl')
  })

  it('tells an inspectorate admin the outcome of a check of the trail in Welsh', async () => {
    const welsh = await signedIn(cast.inspectorateAdmin.email)
    await welsh.chooseLanguage('cy')
    const checked = await welsh.post('/admin/audit/verify')
    expect(checked.body).toMatch(/<html lang="cy"/)
    expect(checked.body).toContain('Gwirio’r trywydd archwilio')
    expect(checked.body).toMatch(
      /Mae’r trywydd archwilio’n gyfan|Mae rhywun wedi ymyrryd â’r trywydd archwilio/,
    )
    expect(checked.body).not.toMatch(/audit trail is intact|tampered with|Back to the audit trail/)
  })
})
