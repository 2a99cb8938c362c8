import { and, count, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createRegisterTestApp } from '../../../test/support/registers.js'
import { addSearchableMember } from '../../../test/support/search-text.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import { readSpreadsheet } from '../../spreadsheets/read.js'
import { auditEvents } from '../audit/schema.js'
import { giftsHospitality } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let bravoId: number
let staff: Agent
let caseworker: Agent
let admin: Agent
let bravoCaseworker: Agent
let bravoStaff: Agent
/** The test clock: 30 March 2012, the end of the 2011/12 year. */
const now = new Date('2012-03-30T10:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createRegisterTestApp(() => now))
  const ids = Object.fromEntries((await testApp.services.forces.references()).map((f) => [f.code, f.id]))
  alphaId = ids.cheshire as number
  bravoId = ids.cleveland as number
  const signIn = (email: string) => signedInAgent(testApp.app, email)
  staff = await signIn(cast.alpha.users.staff.email)
  caseworker = await signIn(cast.alpha.users['force-caseworker'].email)
  admin = await signIn(cast.alpha.users['force-admin'].email)
  bravoCaseworker = await signIn(cast.bravo.users['force-caseworker'].email)
  bravoStaff = await signIn(cast.bravo.users.staff.email)
})
afterAll(() => testApp.close())

const staffNumber = () => 'ALPHA0001'

async function giftCount(forceId: number): Promise<number> {
  const [row] = await testApp.database.db
    .select({ value: count() })
    .from(giftsHospitality)
    .where(eq(giftsHospitality.forceId, forceId))
  return row?.value ?? 0
}

function csvFile(text: string, filename = 'gifts.csv') {
  return { filename, data: Buffer.from(text) }
}

/** The declaration's fields with the date as a date input sends it. */
function withOfferedOn(day: string, month: string, year: string) {
  const { offeredOn: _typed, ...rest } = validDeclaration
  return { ...rest, 'offeredOn-day': day, 'offeredOn-month': month, 'offeredOn-year': year }
}

const validDeclaration = {
  kind: 'gift',
  description: 'Bottle of whisky at Christmas',
  donorName: 'Acme Vehicle Leasing',
  donorType: 'contractor',
  estimatedValue: '£40',
  offeredOn: '20/12/2011',
  outcome: 'declined',
}

describe('a member of staff declares', () => {
  it('shows every problem as a GOV.UK error summary linking to its field, and keeps what was typed', async () => {
    const response = await staff.post('/gifts-hospitality/declare', {
      kind: '',
      description: '  ',
      donorName: 'Someone',
      estimatedValue: 'lots',
      offeredOn: '31/02/2012',
      outcome: '',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain('<title>Error: Declare a gift or hospitality – Probity</title>')
    const links = [...response.body.matchAll(/<a href="#(\w+)">/g)].map((match) => match[1])
    expect(links).toEqual(['kind', 'description', 'donorType', 'estimatedValue', 'offeredOn', 'outcome'])
    expect(response.body).toContain('value="Someone"')
    expect(await giftCount(alphaId)).toBe(1)
  })

  it('refuses an offer dated in the future by the clock', async () => {
    const response = await staff.post('/gifts-hospitality/declare', {
      ...validDeclaration,
      offeredOn: '2012-03-31',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Date of the offer must be today or in the past')
  })

  it('asks for the date in day, month and year fields and says which one is missing', async () => {
    const form = await staff.get('/gifts-hospitality/declare')
    for (const part of ['day', 'month', 'year']) expect(form.body).toContain(`name="offeredOn-${part}"`)
    expect(form.body).not.toContain('27/3/2012')

    const missingMonth = await staff.post('/gifts-hospitality/declare', withOfferedOn('20', '', '2011'))
    expect(missingMonth.statusCode).toBe(400)
    expect(missingMonth.body).toContain('Date of the offer must include a month')
    expect(missingMonth.body).toContain('href="#offeredOn"')
    // What was typed is shown again, and only the month is marked as wrong.
    expect(missingMonth.body).toMatch(
      /govuk-input--error"[^>]*id="offeredOn-month"|id="offeredOn-month"[^>]*govuk-input--error/,
    )
    expect(missingMonth.body).not.toMatch(/id="offeredOn-year"[^>]*govuk-input--error/)
    expect(missingMonth.body).toContain('value="2011"')

    const yearZero = await staff.post('/gifts-hospitality/declare', withOfferedOn('1', '1', '0000'))
    expect(yearZero.statusCode).toBe(400)
    expect(yearZero.body).toContain('Date of the offer must be between 1900 and 2100')
    expect(await giftCount(alphaId)).toBe(1)
  })

  it('records the declaration for themselves, dated today, flags the contractor, and lists it as theirs', async () => {
    const response = await staff.post('/gifts-hospitality/declare', withOfferedOn('20', '12', '2011'))
    expect(response.statusCode).toBe(303)
    const location = String(response.headers.location)
    expect(location).toMatch(/^\/gifts-hospitality\/[0-9a-f-]{36}$/)
    const detail = await staff.get(location)
    expect(detail.statusCode).toBe(200)
    expect(detail.body).toContain('Declaration recorded')
    expect(detail.body).toContain('Flagged donor: contractor')
    // Declined: there is nothing to approve.
    expect(detail.body).not.toContain('Needs approval')
    expect(detail.body).toContain('20 December 2011')
    expect(detail.body).toContain('30 March 2012')
    expect(detail.body).toContain('alphamarker Constable')
    // Staff see their own record but not the caseworker's form.
    expect(detail.body).not.toContain('Record approval and disposal')
    const mine = await staff.get('/gifts-hospitality/mine')
    expect(mine.body).toContain('Bottle of whisky at Christmas')
  })

  it('tells an account not linked to the roster why it cannot declare', async () => {
    const response = await bravoStaff.get('/gifts-hospitality/declare')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Your account is not linked to the staff roster')
    const posted = await bravoStaff.post('/gifts-hospitality/declare', validDeclaration)
    expect(posted.statusCode).toBe(403)
    expect(await giftCount(bravoId)).toBe(1)
  })

  it('refuses staff the caseworkers’ pages, and another member’s record', async () => {
    for (const path of [
      '/gifts-hospitality',
      '/gifts-hospitality.csv',
      '/gifts-hospitality/new',
      '/gifts-hospitality/import',
      '/gifts-hospitality/settings',
    ]) {
      expect((await staff.get(path)).statusCode, path).toBe(403)
    }
    // Alpha's fixture record belongs to the same roster entry; a Bravo member of staff sees nothing.
    expect((await bravoStaff.get(`/gifts-hospitality/${cast.alpha.gifts.giftId}`)).statusCode).toBe(404)
  })
})

describe('the register for caseworkers', () => {
  beforeAll(async () => {
    const caller = SYSTEM_CALLER
    const base = {
      staffNumber: staffNumber(),
      kind: 'gift',
      donorName: 'Member of the public',
      donorType: 'public',
      outcome: 'accepted',
    }
    for (let index = 0; index < 52; index++) {
      await testApp.services.giftsHospitality.record(
        caller,
        {
          ...base,
          description: `Box of chocolates ${index}`,
          estimatedValue: String(5 + index),
          offeredOn: '2011-06-01',
        },
        alphaId,
      )
    }
    await testApp.services.giftsHospitality.record(
      caller,
      {
        ...base,
        description: '=HYPERLINK("http://evil.example","click")',
        donorName: 'Daily Echo',
        donorType: 'media',
        estimatedValue: '300',
        offeredOn: '2011-09-09',
      },
      alphaId,
    )
  })

  it('lists 50 to a page with GOV.UK pagination, and sorts by value', async () => {
    const first = await caseworker.get('/gifts-hospitality')
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain('Declarations 1 to 50 of 55')
    expect(first.body).toContain('govuk-pagination')
    const second = await caseworker.get('/gifts-hospitality?page=2')
    expect(second.body).toContain('Declarations 51 to 55 of 55')
    const cheapest = await caseworker.get('/gifts-hospitality?sort=value&order=asc')
    expect(cheapest.body).toContain('aria-sort="ascending"')
    const firstRow = cheapest.body.indexOf('Box of chocolates 0')
    expect(firstRow).toBeGreaterThan(0)
    expect(firstRow).toBeLessThan(cheapest.body.indexOf('Box of chocolates 1'))
    const dearest = await caseworker.get('/api/gifts-hospitality?sort=value&order=desc')
    expect(dearest.json().gifts[0].estimatedValue).toBe(300)
  })

  it('pages through every gift once, in order, whatever the sort', async () => {
    const page = async (query: string) =>
      (await caseworker.get(`/api/gifts-hospitality?${query}`)).json<{
        total: number
        gifts: { id: string; estimatedValue: number }[]
      }>()
    const everyId = new Set((await page('')).gifts.map((gift) => gift.id))
    for (const gift of (await page('page=2')).gifts) everyId.add(gift.id)
    expect(everyId.size).toBe(55)
    for (const sort of ['offered', 'declared', 'value', 'donor', 'staff', 'kind', 'outcome']) {
      for (const order of ['asc', 'desc']) {
        const first = await page(`sort=${sort}&order=${order}`)
        const second = await page(`sort=${sort}&order=${order}&page=2`)
        const gifts = [...first.gifts, ...second.gifts]
        expect(new Set(gifts.map((gift) => gift.id)), `${sort} ${order}`).toEqual(everyId)
        expect(gifts, `${sort} ${order}`).toHaveLength(55)
      }
    }
    const byValue = [...(await page('sort=value&order=desc&page=2')).gifts].map((gift) => gift.estimatedValue)
    expect(byValue).toEqual([...byValue].sort((a, b) => b - a))
  })

  it('finds gifts by the member of staff’s number on every page, within the force only', async () => {
    const api = async (agent: Agent, query: string) =>
      (await agent.get(`/api/gifts-hospitality?${query}`)).json<{
        total: number
        gifts: { staffMember: { staffNumber: string } }[]
      }>()
    const all = (await api(caseworker, '')).total
    const byNumber = await api(caseworker, `q=${staffNumber()}`)
    expect(byNumber.total).toBeGreaterThan(50)
    expect(byNumber.gifts.every((gift) => gift.staffMember.staffNumber === staffNumber())).toBe(true)
    expect((await api(caseworker, `q=${staffNumber()}&page=2`)).gifts.length).toBe(byNumber.total - 50)
    expect((await api(caseworker, 'q=alpha0001&sort=staff')).total).toBe(byNumber.total)
    expect(byNumber.total).toBeLessThanOrEqual(all)
    // Bravo's caseworker searching Alpha's staff number finds nothing of Alpha's.
    expect((await api(bravoCaseworker, `q=${staffNumber()}`)).total).toBe(0)
  })

  it('filters by flagged donors, outcome, value, date and search text', async () => {
    const api = async (query: string) =>
      (await caseworker.get(`/api/gifts-hospitality?${query}`)).json<{
        total: number
        gifts: { description: string }[]
      }>()
    expect((await api('flagged=yes')).total).toBe(3)
    expect((await api('outcome=declined')).total).toBe(1)
    expect((await api('valueFrom=50&valueTo=56')).total).toBe(7)
    expect((await api('offeredFrom=1/9/2011&offeredTo=30/9/2011')).total).toBe(1)
    expect((await api('q=chocolates%2051')).gifts.map((g) => g.description)).toEqual(['Box of chocolates 51'])
    expect((await api('donorType=media&kind=gift')).total).toBe(1)
  })

  it('shows bad filters as an error summary', async () => {
    const response = await caseworker.get('/gifts-hospitality?valueFrom=abc&outcome=maybe')
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('href="#outcome"')
    expect(response.body).toContain('href="#valueFrom"')
    const backwards = await caseworker.get('/gifts-hospitality?offeredFrom=2012-01-01&offeredTo=2011-01-01')
    expect(backwards.statusCode).toBe(400)
    expect(backwards.body).toContain('href="#offeredTo"')
  })

  it('filters by dates entered in day, month and year fields, and keeps them in its links', async () => {
    const page = await caseworker.get(
      '/gifts-hospitality?offeredFrom-day=1&offeredFrom-month=9&offeredFrom-year=2011&offeredTo-day=30&offeredTo-month=9&offeredTo-year=2011',
    )
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Declarations 1 to 1 of 1')
    expect(page.body).toContain('offeredFrom=2011-09-01&amp;offeredTo=2011-09-30')
    const incomplete = await caseworker.get(
      '/gifts-hospitality?offeredFrom-day=1&offeredFrom-month=&offeredFrom-year=2011',
    )
    expect(incomplete.statusCode).toBe(400)
    expect(incomplete.body).toContain('Offered from must include a month')
  })

  it('exports what the filters show as CSV and XLSX, neutralising formulas, and audits the export', async () => {
    const csv = await caseworker.get('/gifts-hospitality.csv?flagged=yes&sort=value&order=desc')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const rows = await readSpreadsheet(csvFile(csv.body))
    expect(rows).toHaveLength(3)
    expect(rows[0]?.values.description).toBe('\'=HYPERLINK("http://evil.example","click")')
    expect(rows[0]?.values.flagged_donor).toBe('yes')
    const xlsx = await caseworker.get('/gifts-hospitality.xlsx?outcome=declined')
    const sheet = await readSpreadsheet({ filename: 'x.xlsx', data: xlsx.rawPayload })
    expect(sheet.map((row) => row.values.description)).toEqual(['Bottle of whisky at Christmas'])
    const exports = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'gift-hospitality'), eq(auditEvents.action, 'export')))
    expect(exports.map((event) => (event.after as { rows: number; format: string }).rows)).toEqual([3, 1])
  })

  it('answers 404 for another force’s record, on the page and in the API', async () => {
    expect((await bravoCaseworker.get(`/gifts-hospitality/${cast.alpha.gifts.giftId}`)).statusCode).toBe(404)
    expect((await bravoCaseworker.get(`/api/gifts-hospitality/${cast.alpha.gifts.giftId}`)).statusCode).toBe(
      404,
    )
    expect((await bravoCaseworker.get('/api/gifts-hospitality')).json().total).toBe(1)
  })

  it('records the approver and disposal, with the change in the history', async () => {
    const id = cast.alpha.gifts.giftId
    const bad = await caseworker.post(`/gifts-hospitality/${id}/review`, {
      approver: '',
      disposal: 'sold',
      notes: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#disposal"')
    const saved = await caseworker.post(`/gifts-hospitality/${id}/review`, {
      approver: 'Supt Jane Hale',
      disposal: 'donated',
      notes: 'Given to the hospice raffle',
    })
    expect(saved.statusCode).toBe(303)
    const detail = await caseworker.get(`/gifts-hospitality/${id}`)
    expect(detail.body).toContain('Supt Jane Hale')
    expect(detail.body).toMatch(/disposal: – → donated/)
    expect(
      (await bravoCaseworker.post(`/gifts-hospitality/${id}/review`, { disposal: 'kept' })).statusCode,
    ).toBe(404)
  })

  it('words the form filled in for someone else about them, not “you”', async () => {
    const form = await caseworker.get('/gifts-hospitality/new')
    const main = form.body.slice(form.body.indexOf('<main'), form.body.indexOf('</main>'))
    expect(main).not.toMatch(/\byou\b/i)
    expect(main).toContain('Did they accept or decline it?')
  })

  it('records a declaration on behalf of a member of staff by staff number', async () => {
    const unknown = await caseworker.post('/gifts-hospitality/new', {
      ...validDeclaration,
      person: 'NOPE1',
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('No one in your force has a name or staff number containing “NOPE1”')
    const made = await caseworker.post('/gifts-hospitality/new', {
      ...validDeclaration,
      person: 'alpha0001',
    })
    expect(made.statusCode).toBe(303)
  })

  it('refuses a disposal it does not know, naming it, instead of dropping the approver and notes with it', async () => {
    const before = await giftCount(alphaId)
    const refused = await caseworker.post('/gifts-hospitality/new', {
      ...validDeclaration,
      person: 'alpha0001',
      approver: 'Supt Example',
      disposal: 'burnt',
      notes: 'Kept in the PSD safe',
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Select what happened to it')
    expect(await giftCount(alphaId)).toBe(before)
  })
})

describe('thresholds', () => {
  it('start at the defaults and change the approval flag when a force admin sets its own', async () => {
    const gift = async () =>
      (await caseworker.get(`/api/gifts-hospitality/${cast.alpha.gifts.giftId}`)).json<{
        needsApproval: boolean
      }>()
    const cheapGifts = async () =>
      (await caseworker.get('/api/gifts-hospitality?valueTo=9')).json<{
        gifts: { belowDeclareThreshold: boolean }[]
      }>().gifts
    expect((await admin.get('/gifts-hospitality/settings')).body).toContain('uses the defaults')
    expect((await gift()).needsApproval).toBe(true)
    // Read once with the defaults, so the list's thresholds are kept before they change.
    const before = await cheapGifts()
    expect(before.length).toBeGreaterThan(0)
    expect(before.some((g) => g.belowDeclareThreshold)).toBe(false)
    const refused = await admin.post('/gifts-hospitality/settings', { declareFrom: '50', approvalFrom: '10' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('href="#approvalFrom"')
    expect(
      (await admin.post('/gifts-hospitality/settings', { declareFrom: '10', approvalFrom: '100' }))
        .statusCode,
    ).toBe(303)
    expect((await gift()).needsApproval).toBe(false)
    expect((await cheapGifts()).every((g) => g.belowDeclareThreshold)).toBe(true)
    // Bravo's thresholds are its own.
    expect(
      (await bravoCaseworker.get(`/api/gifts-hospitality/${cast.bravo.gifts.giftId}`)).json().needsApproval,
    ).toBe(true)
    expect((await caseworker.get('/gifts-hospitality/settings')).statusCode).toBe(403)
    await admin.post('/gifts-hospitality/settings', { declareFrom: '0', approvalFrom: '25' })
  })
})

describe('import of historic records', () => {
  const header =
    'staff_number,kind,description,donor_name,donor_type,estimated_value,offered_on,outcome,disposal\n'
  const good = (n: number) =>
    `ALPHA0001,gift,Historic pen ${n},Pens Ltd,supplier,${10 + n},2010-05-0${1 + (n % 9)},accepted,kept\n`

  it('lists every bad row with its line number and writes nothing', async () => {
    const before = await giftCount(alphaId)
    const content = `${header}${good(1)}NOPE9,gift,Pen,Pens Ltd,supplier,10,2010-05-01,accepted,\n${good(2)}ALPHA0001,voucher,Pen,Pens Ltd,supplier,10,2010-05-01,accepted,\nALPHA0001,gift,Pen,Pens Ltd,supplier,ten,2010-13-01,declined,kept\n`
    const response = await caseworker.upload('/gifts-hospitality/import', csvFile(content))
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Nothing has been imported: 3 rows have problems')
    expect(response.body).toMatch(
      />\s*3\s*<\/td>\s*<td[^>]*>\s*staff_number: no member of staff with number NOPE9/,
    )
    expect(response.body).toContain('kind: must be one of: gift, hospitality')
    expect(response.body).toMatch(
      /estimated_value: must be an amount in pounds.*offered_on: must be a real date/,
    )
    expect(response.body).not.toContain('/gifts-hospitality/imports/')
    expect(await giftCount(alphaId)).toBe(before)
  })

  it('writes every row of a clean file in one go when confirmed, and finds them unchanged next time', async () => {
    const before = await giftCount(alphaId)
    const content = header + [1, 2, 3, 4, 5].map(good).join('')
    const preview = await caseworker.upload('/gifts-hospitality/import', csvFile(content))
    expect(preview.body).toContain('Import 5 records')
    expect(await giftCount(alphaId)).toBe(before)
    const action = preview.body.match(/action="(\/gifts-hospitality\/imports\/[0-9a-f-]+)"/)?.[1] as string
    // Another force cannot confirm it.
    expect((await bravoCaseworker.post(action)).statusCode).toBe(404)
    const confirmed = await caseworker.post(action)
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('5 records imported')
    expect(await giftCount(alphaId)).toBe(before + 5)
    expect((await caseworker.post(action)).statusCode).toBe(404)
    const again = await caseworker.upload('/gifts-hospitality/import', csvFile(content))
    expect(again.body).toContain('There is nothing new to import')
    const [audit] = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'gift-hospitality'), eq(auditEvents.action, 'import')))
    expect(audit?.after).toEqual({ filename: 'gifts.csv', created: 5 })
  })

  it('says plainly when the file is not a spreadsheet or lacks columns', async () => {
    const wrong = await caseworker.upload('/gifts-hospitality/import', csvFile('name,value\nx,1\n'))
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('gifts.csv has no column staff_number')
  })
})

describe('the JSON API', () => {
  it('records a declaration, with field problems as details', async () => {
    const headers = { authorization: `Bearer ${cast.alpha.apiToken.token}` }
    const bad = await testApp.app.inject({
      method: 'POST',
      url: '/api/gifts-hospitality',
      headers,
      payload: { ...validDeclaration, staffNumber: 'ALPHA0001', estimatedValue: -3, outcome: 'maybe' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual(['estimatedValue', 'outcome'])
    const made = await testApp.app.inject({
      method: 'POST',
      url: '/api/gifts-hospitality',
      headers,
      payload: { ...validDeclaration, staffNumber: 'ALPHA0001', estimatedValue: 12.5 },
    })
    expect(made.statusCode).toBe(201)
    expect(made.json()).toMatchObject({ estimatedValue: 12.5, declaredOn: '2012-03-30', flaggedDonor: true })
    const spec = (await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/gifts-hospitality', '/api/gifts-hospitality/{giftId}']),
    )
  })
})

describe('counts and the public register’s read', () => {
  it('counts a period’s offers, and refuses another force’s counts', async () => {
    const caller: Caller = {
      principal: {
        kind: 'user',
        id: cast.alpha.users['force-caseworker'].id,
        label: 'cw',
        role: 'force-caseworker',
        forceId: alphaId,
        staffMemberId: null,
      },
      actor: { type: 'user', id: cast.alpha.users['force-caseworker'].id, label: 'cw', ipAddress: null },
      scope: { kind: 'force', forceId: alphaId },
    }
    const counts = await testApp.services.giftsHospitality.counts(caller, alphaId, {
      from: '2011-09-01',
      to: '2011-12-31',
    })
    // The whisky declined three times (self, on behalf, API) and the media donor's accepted offer.
    expect(counts).toEqual({ offers: 4, accepted: 1, declined: 3, flaggedDonors: 4, valueAccepted: 300 })
    await expect(
      testApp.services.giftsHospitality.counts(caller, bravoId, { from: '2011-01-01', to: '2012-12-31' }),
    ).rejects.toThrow('Not found')
  })

  it('gives the published register one force’s rows with grade and unit', async () => {
    const rows = await testApp.services.giftsHospitality.publishable(bravoId)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      grade: 'Constable',
      name: 'bravomarker Constable',
      donorType: 'supplier',
      estimatedValue: 85,
    })
  })
})

describe('in Welsh', () => {
  it('shows the register, a record, the forms and their errors in Welsh, with no English of the interface', async () => {
    const welshCaseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welshCaseworker.chooseLanguage('cy')
    const welshStaff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    await welshStaff.chooseLanguage('cy')

    const list = await welshCaseworker.get('/gifts-hospitality')
    expect(list.statusCode).toBe(200)
    expect(list.body).toMatch(/<html lang="cy"/)
    expect(list.body).toContain('<h1 class="govuk-heading-xl">Rhoddion a lletygarwch</h1>')
    expect(list.body).toContain('Hidlo’r rhestr')
    expect(list.body).toContain('Rhoddwr a nodwyd: cyfryngau')
    expect(list.body).toContain('Nesaf<span class="govuk-visually-hidden"> tudalen</span>')
    expect(list.body).not.toMatch(
      /Apply filters|Member of staff<|Gifts and hospitality<|Declarations \d|>Next</,
    )

    const id = list.body.match(/href="\/gifts-hospitality\/([0-9a-f-]{36})"/)?.[1]
    const record = await welshCaseworker.get(`/gifts-hospitality/${id}`)
    expect(record.body).toContain('Gwerth amcangyfrifedig')
    expect(record.body).toContain('Cofnodi’r gymeradwyaeth a beth ddigwyddodd iddo')
    expect(record.body).not.toMatch(/Estimated value|Record approval|>History</)
    expect(record.body).toContain('beth ddigwyddodd iddo: – → rhoddwyd')

    const form = await welshCaseworker.get('/gifts-hospitality/new')
    expect(form.body).toContain('Cofnodi datganiad ar ran aelod o staff')
    expect(form.body).toContain('A wnaethon nhw ei dderbyn neu ei wrthod?')

    const refused = await welshStaff.post('/gifts-hospitality/declare', {
      kind: '',
      description: '',
      donorName: '',
      estimatedValue: 'lots',
      offeredOn: '',
      outcome: '',
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('<title>Gwall: Datgan rhodd neu letygarwch – Probity</title>')
    expect(refused.body).toContain('Rhowch ddisgrifiad o’r rhodd neu’r lletygarwch')
    expect(refused.body).toContain('Rhowch y gwerth amcangyfrifedig fel swm mewn punnoedd, fel 25 neu 25.50')
    expect(refused.body).not.toMatch(/Enter a description|Select whether|Was it a gift/)

    const badFilter = await welshCaseworker.get('/gifts-hospitality?valueFrom=lots')
    expect(badFilter.body).toContain('Rhowch y gwerth isaf fel swm mewn punnoedd, fel 25')
  })
})

describe('the search', () => {
  it('finds a gift by its description, donor and member of staff in any case, never across two columns', async () => {
    await addSearchableMember(testApp, 'cheshire')
    const gift = await testApp.services.giftsHospitality.record(
      SYSTEM_CALLER,
      {
        staffNumber: 'WOMB0042',
        kind: 'hospitality',
        description: 'Zebra crossing lunch',
        donorName: 'Quokka Holdings',
        donorType: 'supplier',
        estimatedValue: '30',
        offeredOn: '2012-02-01',
        outcome: 'declined',
      },
      alphaId,
    )
    const found = async (q: string) =>
      (await caseworker.get(`/api/gifts-hospitality?q=${encodeURIComponent(q)}`))
        .json<{ gifts: { id: string }[] }>()
        .gifts.map((row) => row.id)
    for (const q of ['zEBRA CROSSING', 'qUOKKA', 'wombat SMITH', 'womb0042', 'KESTREL unit'])
      expect(await found(q), q).toEqual([gift.id])
    for (const q of ['lunchQuokka', 'lunch quokka', 'smithwomb', '0042 kestrel'])
      expect(await found(q), q).toEqual([])
    // LIKE's wildcards are searched for as themselves.
    for (const q of ['zebra%lunch', 'zebra_crossing']) expect(await found(q), q).toEqual([])
  })

  // Only a PostgreSQL server stops a search: the embedded database runs a statement to its end, so
  // searches set no timeout there (see SearchLimits), and none is ever stopped.
  it.runIf(process.env.DATABASE_URL)(
    'answers a search the database stopped for its time with 503, as a page and as JSON, without internals',
    async () => {
      // A policy that cancels any read of gifts under a statement timeout, as the database does to a search
      // that runs past it: only searches set one, so every other read goes on as before.
      await testApp.database.db.execute(sql`create function cancel_timed_reads() returns boolean language plpgsql as $$
      begin
        if current_setting('statement_timeout') <> '0' then
          raise exception 'canceling statement due to statement timeout' using errcode = 'query_canceled';
        end if;
        return true;
      end $$`)
      await testApp.database.db.execute(
        sql`create policy cancel_timed_reads on gifts_hospitality as restrictive for select to probity_app using (cancel_timed_reads())`,
      )
      try {
        const json = await caseworker.get('/api/gifts-hospitality?q=zebra')
        expect(json.statusCode).toBe(503)
        expect(json.json()).toMatchObject({
          statusCode: 503,
          error: 'Service Unavailable',
          message: expect.stringMatching(/^The search took too long and was stopped/),
        })
        const page = await admin.get('/gifts-hospitality?q=zebra')
        expect(page.statusCode).toBe(503)
        expect(page.body).toContain('Sorry, the service is unavailable')
        expect(page.body).toContain('The search took too long and was stopped')
        for (const body of [json.body, page.body])
          expect(body).not.toMatch(/canceling statement|query_canceled|\bat .+\.ts:/)
        await admin.chooseLanguage('cy')
        const welsh = (await admin.get('/gifts-hospitality?q=zebra')).body
        await admin.chooseLanguage('en')
        expect(welsh).toContain('nid yw’r gwasanaeth ar gael')
        expect(welsh).toContain('Cymerodd y chwiliad ormod o amser ac fe’i stopiwyd')
        expect(welsh).not.toContain('The search took too long')
        expect((await caseworker.get('/api/gifts-hospitality')).statusCode).toBe(200)
      } finally {
        await testApp.database.db.execute(sql`drop policy cancel_timed_reads on gifts_hospitality`)
        await testApp.database.db.execute(sql`drop function cancel_timed_reads()`)
      }
    },
  )
})
