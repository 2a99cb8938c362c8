import { ilike, inArray, type SQL } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import { addSearchableMember } from '../../../test/support/search-text.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { contains, narrowedBySearch } from '../../db/search-text.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import type { Scope } from '../../domain/access.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError } from '../../domain/errors.js'
import { mediaContacts } from '../media-contacts/schema.js'
import { recordsInUnit } from './queries.js'
import { staffMembers } from './schema.js'
import { pageText } from './test-support.js'

let testApp: TestApp
let cast: TwoForces
const agents = new Map<string, Agent>()

/** Alpha's roster: 60 constables (2 of them leavers), a formula-looking name, and some seniors. */
function alphaRows() {
  const rows: Record<string, string>[] = []
  for (let index = 1; index <= 60; index++) {
    rows.push({
      staff_number: `PC${String(index).padStart(3, '0')}`,
      name: `Officer ${String(index).padStart(2, '0')} Alphamarker`,
      grade: 'Constable',
      unit: index % 2 ? 'Response' : 'Roads Policing',
      start_date: `2000-01-${String((index % 28) + 1).padStart(2, '0')}`,
      leave_date: index === 7 ? '2011-03-31' : index === 8 ? '2012-12-31' : '',
    })
  }
  rows.push(
    {
      staff_number: 'CC1',
      name: 'Zoe Chief',
      grade: 'Chief Constable',
      unit: 'Chief Officer Team',
      start_date: '',
      leave_date: '',
    },
    {
      staff_number: 'SGT1',
      name: 'Sam Sergeant',
      grade: 'PS',
      unit: 'Response',
      start_date: '',
      leave_date: '',
    },
    {
      staff_number: 'PS1',
      name: '=HYPERLINK("http://evil.example","Click")',
      grade: 'Police Staff',
      unit: '@Finance',
      start_date: '',
      leave_date: '',
    },
  )
  return rows
}

beforeAll(async () => {
  // 1 June 2012: PC007 left in 2011; PC008 leaves at the end of 2012, so is still serving.
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-06-01T09:00:00Z') }))
  const rows = alphaRows().map((values, index) => ({ line: index + 2, values }))
  const { result } = await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cheshire',
    filename: 'alpha.csv',
    rows,
  })
  expect(result?.added).toBe(63)
  await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cleveland',
    filename: 'bravo.csv',
    rows: [
      {
        line: 2,
        values: {
          staff_number: 'PC001',
          name: 'Bravomarker Person',
          grade: 'Constable',
          unit: 'Response',
          start_date: '',
          leave_date: '',
        },
      },
    ],
  })
})
afterAll(() => testApp.close())

async function as(email: string): Promise<Agent> {
  const known = agents.get(email)
  if (known) return known
  const agent = await signedInAgent(testApp.app, email)
  agents.set(email, agent)
  return agent
}

const caseworker = () => as(cast.alpha.users['force-caseworker'].email)

/** The staff numbers in the roster table, in order. */
function staffNumbers(html: string): string[] {
  const body = html.split('<tbody class="govuk-table__body">')[1] ?? ''
  return [
    ...body.matchAll(/<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([^<]+)<\/td>/g),
  ].map((match) => match[1] as string)
}

/** The caller a signed-in user's requests carry, for calling the service as other modules do. */
async function callerOf(email: string): Promise<Caller> {
  const user = (await testApp.services.users.list(SYSTEM_CALLER)).find(
    (candidate) => candidate.email === email,
  )
  if (!user) throw new Error(`no user ${email}`)
  return callerFor(
    {
      kind: 'user',
      id: user.id,
      label: user.email,
      role: user.role,
      forceId: user.force?.id ?? null,
      staffMemberId: null,
    },
    null,
  )
}

describe('the roster list', () => {
  it('shows current staff by name, 50 to a page, with GOV.UK pagination', async () => {
    const agent = await caseworker()
    const first = await agent.get('/roster')
    expect(first.statusCode).toBe(200)
    const text = pageText(first.body)
    // 63 still serving in Alpha: 60 constables and 3 others, less the leaver, plus the fixture's member.
    expect(text).toContain('Staff 1 to 50 of 63')
    expect(first.body).toContain('govuk-pagination')
    expect(first.body).toContain('href="/roster?sort=name&amp;order=asc&amp;page=2"')
    expect(first.body).not.toContain('Bravomarker')
    expect(staffNumbers(first.body)).toHaveLength(50)
    // Sorted by name; PC007 has left and is not listed.
    const officers = staffNumbers((await agent.get('/roster?q=officer')).body)
    expect(officers.slice(0, 7)).toEqual(['PC001', 'PC002', 'PC003', 'PC004', 'PC005', 'PC006', 'PC008'])

    const second = await agent.get('/roster?sort=name&order=asc&page=2')
    expect(pageText(second.body)).toContain('Staff 51 to 63 of 63')
    expect(staffNumbers(second.body)).toContain('CC1')
  })

  it('filters by name or number, unit, grade and whether people have left', async () => {
    const agent = await caseworker()
    expect(staffNumbers((await agent.get('/roster?q=officer%2012')).body)).toEqual(['PC012'])
    expect(staffNumbers((await agent.get('/roster?q=pc06')).body)).toEqual(['PC060'])
    const roads = staffNumbers((await agent.get('/roster?unit=Roads+Policing')).body)
    expect(roads).toHaveLength(30) // the even numbers; PC008 leaves later in 2012, so is still serving
    expect(roads.every((number) => Number(number.slice(2)) % 2 === 0)).toBe(true)
    expect(staffNumbers((await agent.get('/roster?grade=Sergeant')).body)).toEqual(['SGT1'])
    expect(staffNumbers((await agent.get('/roster?status=left')).body)).toEqual(['PC007'])
    expect(pageText((await agent.get('/roster?status=all')).body)).toContain('of 64')
    // A search for LIKE's wildcards finds the characters themselves.
    expect(pageText((await agent.get('/roster?q=%25')).body)).toContain(
      'No one on the roster matches these filters',
    )
  })

  it('sorts by any column, either way, with aria-sort on the current one', async () => {
    const agent = await caseworker()
    const byNumber = await agent.get('/roster?sort=staffNumber&order=desc')
    expect(staffNumbers(byNumber.body).slice(0, 2)).toEqual(['SGT1', 'PS1'])
    expect(byNumber.body).toMatch(/aria-sort="descending"[^>]*>\s*<a[^>]*>Staff number/)
    // Grades sort by seniority: the Chief Constable is the most senior.
    const byGrade = await agent.get('/roster?sort=grade&order=desc')
    expect(staffNumbers(byGrade.body).slice(0, 2)).toEqual(['CC1', 'SGT1'])
    const bad = await agent.get('/roster?sort=salary')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
  })

  it('is for caseworkers and admins: staff are refused, and the inspectorate chooses a force', async () => {
    const staff = await as(cast.alpha.users.staff.email)
    expect((await staff.get('/roster')).statusCode).toBe(403)
    expect((await staff.get('/api/roster')).statusCode).toBe(403)

    const inspectorate = await as(cast.inspectorateAdmin.email)
    const choose = await inspectorate.get('/roster')
    expect(choose.statusCode).toBe(200)
    expect(pageText(choose.body)).toContain('Choose a force to see its roster')
    const bravo = await inspectorate.get('/roster?force=cleveland')
    expect(bravo.body).toContain('Bravomarker Person')
    expect(bravo.body).not.toContain('Alphamarker')
    expect((await inspectorate.get('/roster?force=atlantis')).statusCode).toBe(400)
  })
})

describe('roster exports', () => {
  it('downloads what the filters show as CSV, neutralising formulas, and audits the export', async () => {
    const agent = await caseworker()
    const list = await agent.get('/roster?unit=%40Finance')
    expect(list.body).toContain('href="/roster.csv?unit=%40Finance&amp;sort=name&amp;order=asc"')
    const csv = await agent.get('/roster.csv?unit=%40Finance&sort=name&order=asc')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toMatch(
      /attachment; filename="roster-cheshire-\d{4}-\d{2}-\d{2}\.csv"/,
    )
    expect(csv.body.trim().split('\n')).toEqual([
      'Staff number,Name,Grade,Unit,Start date,Leave date,Serving',
      `PS1,"'=HYPERLINK(""http://evil.example"",""Click"")",Police Staff,'@Finance,,,yes`,
    ])
    const admin = await as(cast.alpha.users['force-admin'].email)
    const events = (await admin.get('/api/audit-events?entityType=staff-member&action=export')).json<{
      events: { after: { format: string; rows: number; filters: { unit: string } } }[]
    }>().events
    expect(events[0]?.after).toMatchObject({ format: 'csv', rows: 1, filters: { unit: '@Finance' } })
  })

  it('downloads the same as XLSX', async () => {
    const agent = await caseworker()
    const response = await agent.get('/roster.xlsx?status=left')
    expect(response.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet
    expect(sheet.rowCount).toBe(2)
    expect(sheet.getRow(2).getCell(1).value).toBe('PC007')
    expect(sheet.getRow(2).getCell(6).value).toBe('2011-03-31')
    const all = await agent.get('/roster.xlsx?q=hyperlink')
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(all.rawPayload as unknown as ArrayBuffer)
    expect(book.worksheets[0]?.getRow(2).getCell(2).value).toBe('\'=HYPERLINK("http://evil.example","Click")')
  })
})

describe('a member of staff', () => {
  it('has a detail page with their history; another force gets a 404', async () => {
    const member = await testApp.services.roster.findByStaffNumber(
      SYSTEM_CALLER,
      (await testApp.services.roster.forceForImport(SYSTEM_CALLER, 'cheshire')).id,
      'pc012',
    )
    expect(member).toBeDefined()
    const agent = await caseworker()
    const page = await agent.get(`/roster/${member?.id}`)
    expect(page.statusCode).toBe(200)
    const text = pageText(page.body)
    expect(text).toContain('Officer 12 Alphamarker')
    expect(text).toContain('Roads Policing')
    expect(text).toContain('Nothing has changed since they were added to the roster on 1 June 2012')

    const bravo = await as(cast.bravo.users['force-caseworker'].email)
    const refused = await bravo.get(`/roster/${member?.id}`)
    expect(refused.statusCode).toBe(404)
    expect(refused.body).not.toContain('Alphamarker')
    expect((await bravo.get(`/api/roster/${member?.id}`)).statusCode).toBe(404)
    expect((await agent.get('/roster/not-a-uuid')).statusCode).toBe(404)
  })
})

describe('the roster API', () => {
  const get = (url: string, token = cast.alpha.apiToken.token) =>
    testApp.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })

  it('lists with the same filters and paging, and is documented', async () => {
    const page = (await get('/api/roster?unit=Response&sort=staffNumber&page=1')).json<{
      force: { code: string }
      members: { staffNumber: string; serving: boolean }[]
      total: number
      totalPages: number
    }>()
    expect(page.force.code).toBe('cheshire')
    expect(page.total).toBe(30) // 30 odd-numbered constables less PC007 who left, plus SGT1
    expect(page.members[0]?.staffNumber).toBe('PC001')
    const one = await get(`/api/roster/${cast.alpha.roster.staffMemberId}`)
    expect(one.json()).toMatchObject({ forceCode: 'cheshire', grade: 'Constable', serving: true })
    expect(
      (await get(`/api/roster/${cast.alpha.roster.staffMemberId}`, cast.bravo.apiToken.token)).statusCode,
    ).toBe(404)
    expect((await get('/api/roster?force=cleveland')).statusCode).toBe(403)
    expect((await get('/api/roster?status=gone')).statusCode).toBe(400)

    const openapi = (await testApp.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, { get?: { summary?: string } }>
    }>()
    expect(openapi.paths['/api/roster']?.get?.summary).toBeTruthy()
    expect(openapi.paths['/api/roster/{staffMemberId}']?.get?.summary).toBeTruthy()
  })
})

describe('what other modules call', () => {
  it('find: caseworkers see anyone in their force, staff only themselves, other forces no one', async () => {
    const { roster } = testApp.services
    const id = cast.alpha.roster.staffMemberId
    expect((await roster.find(await callerOf(cast.alpha.users['force-caseworker'].email), id)).name).toBe(
      'alphamarker Constable',
    )
    await expect(roster.find(await callerOf(cast.bravo.users['force-admin'].email), id)).rejects.toThrow(
      NotFoundError,
    )
    const staff = await callerOf(cast.alpha.users.staff.email)
    await expect(roster.find(staff, id)).rejects.toThrow(NotFoundError)
    const linked = {
      ...staff,
      principal: { ...(staff.principal as NonNullable<Caller['principal']>), staffMemberId: id },
    }
    expect((await roster.find(linked, id)).id).toBe(id)
  })

  it('findByStaffNumber: in any case, only within the caller’s force', async () => {
    const { roster } = testApp.services
    const alphaId = (await roster.forceForImport(SYSTEM_CALLER, 'cheshire')).id
    const caller = await callerOf(cast.alpha.users['force-caseworker'].email)
    expect((await roster.findByStaffNumber(caller, alphaId, ' sgt1 '))?.name).toBe('Sam Sergeant')
    expect(await roster.findByStaffNumber(caller, alphaId, 'NOPE')).toBeUndefined()
    const bravo = await callerOf(cast.bravo.users['force-caseworker'].email)
    expect(await roster.findByStaffNumber(bravo, alphaId, 'SGT1')).toBeUndefined()
    await expect(
      roster.findByStaffNumber(await callerOf(cast.alpha.users.staff.email), alphaId, 'SGT1'),
    ).rejects.toThrow(ForbiddenError)
  })

  it('search: up to 20 current members of the caller’s own force, by name or number', async () => {
    const { roster } = testApp.services
    const caller = await callerOf(cast.alpha.users.staff.email)
    const officers = await roster.search(caller, 'officer')
    expect(officers).toHaveLength(20)
    expect(officers[0]?.name).toBe('Officer 01 Alphamarker')
    expect((await roster.search(caller, 'officer 07')).map((member) => member.staffNumber)).toEqual([])
    expect((await roster.search(caller, 'sgt')).map((member) => member.staffNumber)).toEqual(['SGT1'])
    const bravo = await callerOf(cast.bravo.users.staff.email)
    expect((await roster.search(bravo, 'officer')).length).toBe(0)
    expect(await roster.search(await callerOf(cast.inspectorateAdmin.email), 'officer')).toEqual([])
  })
})

describe('in Welsh', () => {
  it('shows the roster, a member of staff and the import form in Welsh', async () => {
    const welsh = await caseworker()
    await welsh.chooseLanguage('cy')
    const list = await welsh.get('/roster')
    expect(list.body).toMatch(/<html lang="cy"/)
    const text = pageText(list.body)
    expect(text).toContain('Rhestr y staff')
    expect(text).toContain('Hidlo’r staff')
    expect(text).toContain('Yn dal i wasanaethu')
    expect(list.body).toContain('Nesaf<span class="govuk-visually-hidden"> tudalen</span>')
    expect(text).not.toMatch(/Filter staff|Still serving|Grade or rank|Staff \d+ to/)
    const id = list.body.match(/href="\/roster\/([0-9a-f-]{36})"/)?.[1]
    const member = pageText((await welsh.get(`/roster/${id}`)).body)
    expect(member).toContain(
      'Does dim wedi newid ers iddynt gael eu hychwanegu at y rhestr ar 1 Mehefin 2012',
    )
    expect(member).not.toMatch(/Nothing has changed|Start date|On the roster since/)
    const refused = await welsh.get('/roster?status=nobody')
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('Dewiswch staff presennol, y rhai sydd wedi gadael neu bawb')
    const admin = await as(cast.alpha.users['force-admin'].email)
    await admin.chooseLanguage('cy')
    const upload = pageText((await admin.get('/roster/import')).body)
    expect(upload).toContain('Mewnforio rhestr staff')
    expect(upload).not.toMatch(/Import a roster|Roster file/)
  })
})

describe('searching by name or number', () => {
  it('finds a member by either in any case, not by their unit, nor across the two', async () => {
    await addSearchableMember(testApp, 'cheshire')
    const found = async (q: string) =>
      (
        await testApp.app.inject({
          method: 'GET',
          url: `/api/roster?q=${encodeURIComponent(q)}`,
          headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
        })
      )
        .json<{ members: { staffNumber: string }[] }>()
        .members.map((member) => member.staffNumber)
    expect(await found('wOMBAT sMITH')).toEqual(['WOMB0042'])
    expect(await found('womb0042')).toEqual(['WOMB0042'])
    for (const q of ['kESTREL', 'smithWOMB', 'smith womb', '0042kestrel'])
      expect(await found(q), q).toEqual([])
    const caller = await callerOf(cast.alpha.users.staff.email)
    expect((await testApp.services.roster.search(caller, 'WOMBAT')).map((member) => member.name)).toEqual([
      'Wombat Smith',
    ])
    expect(await testApp.services.roster.search(caller, 'kestrel')).toEqual([])
  })
})

describe('matching a unit (the registers’ unit filter)', () => {
  it('finds the records whose member’s unit holds the text, in any case, found first by the register’s index', async () => {
    await addSearchableMember(testApp, 'cheshire')
    const alpha = (await testApp.services.forces.references()).find((force) => force.code === 'cheshire')
    if (!alpha) throw new Error('the cast has no Cheshire')
    const caseworkerCaller = await callerOf(cast.alpha.users['force-caseworker'].email)
    const logged = new Map<string, string>()
    // A contact each for members of three units, and one for Wombat Smith (of the Kestrel Unit) whose
    // own columns mention roads: the register's index finds it for "roads", and the unit must not.
    for (const [staffNumber, purpose] of [
      ['PC001', 'Background briefing'],
      ['PC002', 'Background briefing'],
      ['CC1', 'Background briefing'],
      ['WOMB0042', 'A roads policing appeal'],
    ] as const) {
      const contact = await testApp.services.mediaContacts.create(caseworkerCaller, {
        staffNumber,
        journalist: 'Ann Reporter',
        outlet: 'The Daily Gazette',
        contactOn: '2012-06-01',
        method: 'telephone',
        purpose,
        discussed: 'A public appeal for witnesses',
      })
      logged.set(contact.id, staffNumber)
    }
    /** The logged contacts (by their member's staff number) that `condition` selects, as `scope`. */
    const numbers = (scope: Scope, condition: (tx: Transaction) => SQL | undefined) =>
      inScope(testApp.database.db, scope, async (tx) =>
        (await tx.select({ id: mediaContacts.id }).from(mediaContacts).where(condition(tx)))
          .map((row) => logged.get(row.id))
          .filter((number) => number !== undefined)
          .sort(),
      )
    const alphaScope = { kind: 'force', forceId: alpha.id } as const
    const inspectorate = { kind: 'inspectorate' } as const
    const inUnit = (scope: Scope, word: string) => (tx: Transaction) =>
      recordsInUnit(tx, mediaContacts, scope.kind === 'force' ? scope.forceId : undefined, word)
    const byTheRoster = (word: string) => (tx: Transaction) =>
      inArray(
        mediaContacts.staffMemberId,
        tx
          .select({ id: staffMembers.id })
          .from(staffMembers)
          .where(ilike(staffMembers.unit, contains(word))),
      )
    // Words through the index and words too short for it; "wombat" is in a name, not in a unit.
    const words = ['rOADS', 'ponse', 'KESTREL u', '@fin', 'ad', '%', 'wombat']
    for (const scope of [inspectorate, alphaScope])
      for (const word of words)
        expect({ scope, word, found: await numbers(scope, inUnit(scope, word)) }).toEqual({
          scope,
          word,
          found: await numbers(scope, byTheRoster(word)),
        })
    // So the comparisons can fail: the words find records, and the index alone finds more.
    expect(await numbers(alphaScope, inUnit(alphaScope, 'rOADS'))).toEqual(['PC002'])
    expect(await numbers(inspectorate, inUnit(inspectorate, 'ponse'))).toEqual(['PC001'])
    expect(await numbers(alphaScope, inUnit(alphaScope, 'KESTREL u'))).toEqual(['WOMB0042'])
    expect(await numbers(inspectorate, inUnit(inspectorate, 'wombat'))).toEqual([])
    expect(await numbers(alphaScope, () => narrowedBySearch(mediaContacts, 'roads'))).toEqual([
      'PC002',
      'WOMB0042',
    ])
  })
})
