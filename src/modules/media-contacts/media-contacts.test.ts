import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { createRegisterTestApp } from '../../../test/support/registers.js'
import { addSearchableMember } from '../../../test/support/search-text.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { readSpreadsheet } from '../../spreadsheets/read.js'
import { auditEvents } from '../audit/schema.js'
import { mediaContacts } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let staff: Agent
let caseworker: Agent
let bravoCaseworker: Agent
let bravoStaff: Agent
const now = new Date('2012-03-30T10:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createRegisterTestApp(() => now))
  alphaId = (await testApp.services.forces.references()).find((f) => f.code === 'cheshire')?.id as number
  const signIn = (email: string) => signedInAgent(testApp.app, email)
  staff = await signIn(cast.alpha.users.staff.email)
  caseworker = await signIn(cast.alpha.users['force-caseworker'].email)
  bravoCaseworker = await signIn(cast.bravo.users['force-caseworker'].email)
  bravoStaff = await signIn(cast.bravo.users.staff.email)
})
afterAll(() => testApp.close())

async function contactCount(): Promise<number> {
  const [row] = await testApp.database.db
    .select({ value: count() })
    .from(mediaContacts)
    .where(eq(mediaContacts.forceId, alphaId))
  return row?.value ?? 0
}

/** Uploads a media contacts CSV to the import form. */
const upload = (agent: Agent, content: string) =>
  agent.upload('/media-contacts/import', { filename: 'media.csv', data: content })

const contact = {
  journalist: 'Pat Reporter',
  outlet: 'Chester Chronicle',
  contactOn: '14/2/2012',
  method: 'telephone',
  purpose: 'Appeal for witnesses',
  discussed: '+44 number given for the incident room',
  authorisedBy: 'Insp Lee',
}

describe('logging a media contact', () => {
  it('shows problems as a GOV.UK error summary in the order of the form', async () => {
    const response = await staff.post('/media-contacts/new', {
      ...contact,
      journalist: '',
      method: 'fax',
      contactOn: 'soon',
    })
    expect(response.statusCode).toBe(400)
    const links = [...response.body.matchAll(/<a href="#(\w+)">/g)].map((match) => match[1])
    expect(links).toEqual(['journalist', 'contactOn', 'method'])
    expect(response.body).not.toContain('id="staffNumber"')
  })

  it('asks for the date in day, month and year fields, naming the part missing', async () => {
    const form = await staff.get('/media-contacts/new')
    expect(form.body).toContain('name="contactOn-month"')
    const { contactOn: _typed, ...rest } = contact
    const response = await staff.post('/media-contacts/new', {
      ...rest,
      'contactOn-day': '',
      'contactOn-month': '2',
      'contactOn-year': '2012',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Date of the contact must include a day')
  })

  it('lets a member of staff log their own and see it in their list', async () => {
    const response = await staff.post('/media-contacts/new', contact)
    expect(response.statusCode).toBe(303)
    const detail = await staff.get(String(response.headers.location))
    expect(detail.body).toContain('Media contact logged')
    expect(detail.body).toContain('alphamarker Constable')
    expect(detail.body).toContain('Create')
    expect((await staff.get('/media-contacts/mine')).body).toContain('Chester Chronicle')
  })

  it('explains an unlinked account, and keeps staff off the caseworkers’ pages', async () => {
    expect((await bravoStaff.get('/media-contacts/new')).body).toContain('not linked to the staff roster')
    for (const path of [
      '/media-contacts',
      '/media-contacts.csv',
      '/media-contacts/import',
      '/api/media-contacts',
    ]) {
      expect((await staff.get(path)).statusCode, path).toBe(403)
    }
  })

  it('lets a caseworker log one for a member of staff by staff number', async () => {
    const unknown = await caseworker.post('/media-contacts/new', { ...contact, staffNumber: 'X1' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('href="#staffNumber"')
    const made = await caseworker.post('/media-contacts/new', {
      ...contact,
      staffNumber: 'ALPHA0001',
      outlet: 'BBC Radio Merseyside',
      journalist: 'Sam Producer',
      contactOn: '2012-03-01',
    })
    expect(made.statusCode).toBe(303)
  })
})

describe('the register', () => {
  it('filters by outlet, journalist, dates, unit and search, sorts and pages', async () => {
    const api = async (query: string) =>
      (await caseworker.get(`/api/media-contacts?${query}`)).json<{
        total: number
        mediaContacts: { outlet: string }[]
      }>()
    expect((await api('')).total).toBe(3)
    expect((await api('outlet=chronicle')).total).toBe(1)
    expect((await api('journalist=sam')).total).toBe(1)
    expect((await api('from=2012-02-01&to=2012-02-28')).total).toBe(2)
    expect((await api('unit=alphamarker%20response')).total).toBe(3)
    expect((await api('unit=traffic')).total).toBe(0)
    expect((await api('q=incident%20room')).total).toBe(2)
    expect((await api('sort=date&order=asc')).mediaContacts.map((c) => c.outlet)).toEqual([
      'alphamarker Evening News',
      'Chester Chronicle',
      'BBC Radio Merseyside',
    ])
    const page = await caseworker.get('/media-contacts?sort=date&order=asc')
    expect(page.body).toContain('Media contacts 1 to 3 of 3')
    expect(page.body).toContain('aria-sort="ascending"')
    const bad = await caseworker.get('/media-contacts?from=2012-03-01&to=2012-01-01')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#to"')
  })

  it('exports what the filters show with formulas neutralised, and audits it', async () => {
    const csv = await caseworker.get('/media-contacts.csv?outlet=chronicle')
    const rows = await readSpreadsheet({ filename: 'x.csv', data: Buffer.from(csv.body) })
    expect(rows).toHaveLength(1)
    expect(rows[0]?.values.what_was_discussed).toBe("'+44 number given for the incident room")
    const [event] = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'media-contact'), eq(auditEvents.action, 'export')))
    expect(event?.after).toMatchObject({ format: 'csv', rows: 1 })
  })

  it('answers 404 for another force’s record', async () => {
    const id = cast.alpha.mediaContacts.mediaContactId
    expect((await bravoCaseworker.get(`/media-contacts/${id}`)).statusCode).toBe(404)
    expect((await bravoCaseworker.get(`/api/media-contacts/${id}`)).statusCode).toBe(404)
    expect((await caseworker.get(`/api/media-contacts/${id}`)).json().journalist).toBe('alphamarker Reporter')
  })
})

describe('import', () => {
  const header = 'staff_number,journalist,outlet,contact_on,method,purpose,discussed,authorised_by\n'
  const row = (n: number) =>
    `ALPHA0001,Reporter ${n},Wirral Globe,2011-0${1 + (n % 9)}-10,email,Story ${n},Quotes,\n`

  it('lists bad rows with line numbers and writes nothing; a clean file is written whole on confirm', async () => {
    const before = await contactCount()
    const bad = await upload(
      caseworker,
      `${header}${row(1)}ALPHA0001,,Globe,2011-01-01,email,x,y,\n${row(2)}ZZ9,R,G,2011-01-01,pigeon,x,y,\n`,
    )
    expect(bad.body).toContain('Nothing has been imported: 2 rows have problems')
    expect(bad.body).toMatch(/>\s*3\s*<\/td>\s*<td[^>]*>\s*journalist: enter the journalist/)
    expect(bad.body).toMatch(/>\s*5\s*<\/td>\s*<td[^>]*>\s*method: must be one of/)
    expect(await contactCount()).toBe(before)
    const good = await upload(caseworker, header + [1, 2, 3].map(row).join(''))
    const action = good.body.match(/action="(\/media-contacts\/imports\/[0-9a-f-]+)"/)?.[1] as string
    expect(await contactCount()).toBe(before)
    expect((await caseworker.post(action)).body).toContain('3 records imported')
    expect(await contactCount()).toBe(before + 3)
  })
})

describe('the JSON API', () => {
  it('logs a contact for a member of staff, refusing a bad one with details', async () => {
    const headers = { authorization: `Bearer ${cast.alpha.apiToken.token}` }
    const bad = await testApp.app.inject({
      method: 'POST',
      url: '/api/media-contacts',
      headers,
      payload: { ...contact, staffNumber: 'ALPHA0001', contactOn: '2013-01-01' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details).toEqual([
      { field: 'contactOn', message: 'Date of the contact must be today or in the past' },
    ])
    const made = await testApp.app.inject({
      method: 'POST',
      url: '/api/media-contacts',
      headers,
      payload: { ...contact, staffNumber: 'ALPHA0001' },
    })
    expect(made.statusCode).toBe(201)
    expect(made.json()).toMatchObject({ contactOn: '2012-02-14', staffMember: { staffNumber: 'ALPHA0001' } })
  })
})

describe('in Welsh', () => {
  it('shows the register, a contact, the form and its errors in Welsh', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const made = await welsh.post('/media-contacts/new', { ...contact, staffNumber: 'ALPHA0001' })
    expect(made.statusCode).toBe(303)
    const record = await welsh.get(String(made.headers.location))
    expect(record.body).toMatch(/<html lang="cy"/)
    expect(record.body).toContain('Cysylltiad â’r cyfryngau wedi’i gofnodi')
    expect(record.body).toContain('Dros y ffôn')
    expect(record.body).not.toMatch(/Media contact logged|What was discussed|Telephone/)

    const list = await welsh.get('/media-contacts')
    expect(list.body).toContain('<h1 class="govuk-heading-xl">Cysylltiadau â’r cyfryngau</h1>')
    expect(list.body).toContain('>Newyddiadurwr</a>')
    expect(list.body).not.toMatch(/Apply filters|>Journalist<|Media contacts \d/)

    const refused = await welsh.post('/media-contacts/new', { staffNumber: 'ALPHA0001', method: '' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('<title>Gwall: Cofnodi cysylltiad â’r cyfryngau – Probity</title>')
    expect(refused.body).toContain('Rhowch enw’r newyddiadurwr')
    expect(refused.body).toContain('Dewiswch sut y gwnaed y cysylltiad')
    expect(refused.body).not.toMatch(/Enter the journalist|How was the contact made/)
  })
})

describe('the search', () => {
  it('finds a contact by each searched column in any case, not by the unit, never across two columns', async () => {
    await addSearchableMember(testApp, 'cheshire')
    const logged = await testApp.services.mediaContacts.create(
      SYSTEM_CALLER,
      {
        staffNumber: 'WOMB0042',
        journalist: 'Yolanda Scribe',
        outlet: 'Xylophone Gazette',
        contactOn: '2012-02-01',
        method: 'telephone',
        purpose: 'Vulture sighting appeal',
        discussed: 'Umbrella stand',
      },
      alphaId,
    )
    const found = async (q: string) =>
      (await caseworker.get(`/api/media-contacts?q=${encodeURIComponent(q)}`))
        .json<{ mediaContacts: { id: string }[] }>()
        .mediaContacts.map((row) => row.id)
    for (const q of ['vULTURE', 'UMBRELLA stand', 'yolanda', 'XYLOPHONE', 'Wombat SMITH', 'womb0042'])
      expect(await found(q), q).toEqual([logged.id])
    for (const q of ['kestrel', 'appealUmbrella', 'stand yolanda', 'scribexylophone', 'smithwomb'])
      expect(await found(q), q).toEqual([])
  })
})
