import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let admin: Agent
let bravoCaseworker: Agent
const clock = new Date('2012-06-15T10:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
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

  it('filters to the cases past their target date on the service’s own day, not the machine’s', async () => {
    const open = async (summary: string, target: [string, string, string]) => {
      const opened = await caseworker.post('/cases/new', {
        type: 'other',
        source: 'internal',
        summary,
        ...date('openedOn', '1', '2', '2012'),
        ...date('targetDate', ...target),
        confidential: 'no',
      })
      expect(opened.statusCode).toBe(303)
      return String(opened.headers.location).split('/').pop() as string
    }
    // The clock says 15 June 2012: one case is past its target then, the other not until 2013.
    const late = await open('Past its target date', ['31', '5', '2012'])
    const notYet = await open('Not yet at its target date', ['31', '1', '2013'])
    const list = await caseworker.get('/cases?overdue=yes')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain(`href="/cases/${late}"`)
    expect(list.body).not.toContain(`href="/cases/${notYet}"`)
    expect((await caseworker.get('/cases')).body).toContain(`href="/cases/${notYet}"`)
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

describe('linking a register entry found by words, never by its identifier (issue 20, point 4)', () => {
  const find = (caseId: string, query: string) => `/cases/${caseId}/links/find?${query}`
  /** The hidden fields of each “Link this record” form on a page of matches. */
  const linkForms = (body: string) =>
    [
      ...body.matchAll(
        /name="entityType" value="([a-z-]+)">\s*<input type="hidden" name="entityId" value="([0-9a-f-]{36})"/g,
      ),
    ].map(([, entityType, entityId]) => ({ entityType, entityId }))

  it('finds the force’s records by words from them, its staff or its date, and links the one chosen', async () => {
    const { caseId } = cast.alpha.cases
    const page = await caseworker.get(`/cases/${caseId}`)
    expect(page.body).toContain(`href="/cases/${caseId}/links/find"`)
    expect(page.body).not.toContain('name="entityId"')
    const empty = await caseworker.get(`/cases/${caseId}/links/find`)
    expect(empty.statusCode).toBe(200)
    expect(empty.body).toContain('name="q"')
    expect(linkForms(empty.body)).toEqual([])

    // Both forces were offered the same dinner: only Alpha's is found.
    const dinner = await caseworker.get(find(caseId, 'q=supplier+DINNER'))
    expect(dinner.statusCode).toBe(200)
    expect(linkForms(dinner.body)).toEqual([
      { entityType: 'gift-hospitality', entityId: cast.alpha.gifts.giftId },
    ])
    expect(dinner.body).toContain('alphamarker Constable (ALPHA0001)')
    expect(dinner.body).toContain('From Northwest Uniform Supplies Ltd')
    expect(dinner.body).toContain('20 January 2012')
    expect(dinner.body).not.toContain(cast.bravo.gifts.giftId)

    // A date as it is shown, or as it is typed, and a staff number with words of the job.
    expect(linkForms((await caseworker.get(find(caseId, 'q=1+February+2012'))).body)).toEqual([
      { entityType: 'media-contact', entityId: cast.alpha.mediaContacts.mediaContactId },
    ])
    expect(linkForms((await caseworker.get(find(caseId, 'q=20%2F1%2F2012'))).body)).toEqual([
      { entityType: 'gift-hospitality', entityId: cast.alpha.gifts.giftId },
    ])
    expect(linkForms((await caseworker.get(find(caseId, 'q=alpha0001+driving'))).body)).toEqual([
      { entityType: 'business-interest', entityId: cast.alpha.businessInterests.businessInterestId },
    ])
    // Every record of the member of staff, latest first; one register when asked.
    const all = await caseworker.get(find(caseId, 'q=ALPHA0001'))
    expect(linkForms(all.body).map((form) => form.entityType)).toEqual([
      'media-contact',
      'gift-hospitality',
      'business-interest',
    ])
    expect(all.body).toContain('3 records match')
    expect(
      linkForms((await caseworker.get(find(caseId, 'q=ALPHA0001&register=gift-hospitality'))).body),
    ).toHaveLength(1)
    const none = await caseworker.get(find(caseId, 'q=bravomarker'))
    expect(none.statusCode).toBe(200)
    expect(none.body).toContain('No records in your force’s registers match “bravomarker”')

    const linked = await caseworker.post(`/cases/${caseId}/links`, {
      entityType: 'media-contact',
      entityId: cast.alpha.mediaContacts.mediaContactId,
      q: '1 February 2012',
      register: '',
    })
    expect(linked.statusCode).toBe(303)
    const after = await caseworker.get(`/cases/${caseId}`)
    expect(after.body).toContain('Register entry linked')
    expect(after.body).toContain('alphamarker Reporter, alphamarker Evening News</a>, 1 February 2012')
    const again = await caseworker.get(find(caseId, 'q=ALPHA0001'))
    expect(again.body).toContain('Linked already')
    expect(linkForms(again.body)).toHaveLength(2)
  })

  it('refuses an empty search, unstorable text and a record that is not the force’s, writing nothing', async () => {
    const { caseId } = cast.alpha.cases
    const links = async () => {
      const found = await testApp.services.integrityCases.find(SYSTEM_CALLER, caseId)
      return found.restricted ? [] : found.detail.links
    }
    const before = await links()
    const blank = await caseworker.get(find(caseId, 'q=+++'))
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter words to find the record by')
    expect((await caseworker.get(find(caseId, 'q=dinner%00'))).statusCode).toBe(400)
    expect((await caseworker.get(find(caseId, 'q=dinner&register=payroll'))).statusCode).toBe(400)
    for (const entityId of [cast.bravo.gifts.giftId, '00000000-0000-4000-8000-000000000000']) {
      const refused = await caseworker.post(`/cases/${caseId}/links`, {
        entityType: 'gift-hospitality',
        entityId,
        q: 'dinner',
      })
      expect(refused.statusCode).toBe(400)
      expect(refused.body).toContain('There is no such record in your force’s registers')
      // The search is shown again, so another record can be chosen.
      expect(linkForms(refused.body)).toEqual([
        { entityType: 'gift-hospitality', entityId: cast.alpha.gifts.giftId },
      ])
    }
    const typed = await caseworker.post(`/cases/${caseId}/links`, {
      entityType: 'gift-hospitality',
      entityId: 'dinner',
    })
    expect(typed.statusCode).toBe(400)
    expect(typed.body).toContain('Select the record to link')
    expect(await links()).toEqual(before)
  })

  it('refuses the search and the link to another force (404) and to a caseworker not named on a confidential case (403)', async () => {
    const { caseId, confidentialCaseId } = cast.alpha.cases
    expect((await bravoCaseworker.get(find(caseId, 'q=dinner'))).statusCode).toBe(404)
    expect((await bravoCaseworker.get(`/cases/${caseId}/links/find`)).statusCode).toBe(404)
    const bravoLink = await bravoCaseworker.post(`/cases/${caseId}/links`, {
      entityType: 'gift-hospitality',
      entityId: cast.bravo.gifts.giftId,
    })
    expect(bravoLink.statusCode).toBe(404)
    expect((await admin.get(find(confidentialCaseId, 'q=dinner'))).statusCode).toBe(403)
    expect((await caseworker.get(find(confidentialCaseId, 'q=dinner'))).statusCode).toBe(200)
  })
})

describe('the cases’ pages in Welsh', () => {
  it('say their headings, labels, values, errors and banners in Welsh, with no English heading left', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')

    const list = await welsh.get('/cases')
    expect(list.body).toMatch(/<html lang="cy"/)
    expect(list.body).toContain('<h1 class="govuk-heading-xl">Achosion uniondeb</h1>')
    expect(list.body).toContain('Defnyddio’r hidlyddion')
    expect(list.body).toContain('Cudd-wybodaeth am lygredd')
    expect(list.body).not.toContain('Integrity cases')
    expect(list.body).not.toContain('Apply filters')

    const bad = await welsh.post('/cases/new', {
      type: 'corruption intelligence',
      source: 'internal',
      summary: '',
      ...date('openedOn', '31', '2', '2012'),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Rhaid i’r dyddiad agor fod yn ddyddiad go iawn')
    expect(bad.body).toContain('Rhowch grynodeb o’r achos')
    expect(bad.body).toContain('<h1 class="govuk-heading-l">Agor achos</h1>')
    expect(bad.body).not.toContain('Enter a summary of the case')

    const opened = await welsh.post('/cases/new', {
      type: 'corruption intelligence',
      source: 'internal',
      summary: 'Gwybodaeth am werthu cofnodion',
      ...date('openedOn', '3', '10', '2011'),
      confidential: 'no',
    })
    expect(opened.statusCode).toBe(303)
    const caseId = String(opened.headers.location).split('/').pop() as string
    const page = await welsh.get(`/cases/${caseId}`)
    expect(page.body).toMatch(/Achos IC\/2011\/\d{4} wedi’i agor/)
    expect(page.body).toContain('Llinell amser')
    expect(page.body).toContain('Cudd-wybodaeth am lygredd')
    expect(page.body).toContain('3 Hydref 2011')
    expect(page.body).not.toContain('Timeline')
    expect(page.body).not.toContain('Run the case')

    const close = await welsh.get(`/cases/${caseId}/close`)
    expect(close.body).toContain('Dewiswch ganlyniad')
    expect(close.body).toContain('Dim achos i’w ateb')
    const closed = await welsh.post(`/cases/${caseId}/close`, {
      outcome: 'no case to answer',
      ...date('closedOn', '1', '11', '2011'),
    })
    expect(closed.statusCode).toBe(303)
    expect((await welsh.get(`/cases/${caseId}`)).body).toContain('Achos wedi’i gau: dim achos i’w ateb')

    const counts = await welsh.get('/cases/counts')
    expect(counts.body).toContain('Diwrnod cyntaf y cyfnod')
    expect(counts.body).not.toContain('Case counts')
    const overdue = await welsh.get('/cases/overdue')
    expect(overdue.body).toContain('<h1 class="govuk-heading-xl">Achosion hwyr</h1>')
  })
})

describe('JSON API', () => {
  const bearer = () => ({ authorization: `Bearer ${cast.alpha.apiToken.token}` })
  const newCase = {
    type: 'other',
    source: 'internal',
    openedOn: '2012-05-01',
    summary: 'Opened through the API',
  }

  it('opens a case with its subject named by staff number, and refuses a staff number not on the roster', async () => {
    const created = await testApp.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(),
      payload: { ...newCase, staffNumber: 'ALPHA0001' },
    })
    expect(created.statusCode).toBe(201)
    const { id } = created.json<{ id: string }>()
    const page = await caseworker.get(`/cases/${id}`)
    expect(page.body).toContain('ALPHA0001')
    const unknown = await testApp.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(),
      payload: { ...newCase, staffNumber: 'ALPHA9999' },
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.headers['content-type']).toMatch(/^application\/(problem\+)?json/)
    expect(JSON.stringify(unknown.json())).toContain(
      'There is no member of staff with staff number ALPHA9999',
    )
  })
})
