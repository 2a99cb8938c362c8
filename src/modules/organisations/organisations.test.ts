import fs from 'node:fs'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import {
  confirmActionOf,
  createImportTestApp,
  csvUpload,
  expectProblem,
  expectRefusedUpload,
  forceUserCaller,
  xlsxUpload,
} from '../../../test/support/imports.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { queryRows } from '../../db/connection.js'
import type { Caller } from '../../domain/access.js'
import { organisationKey } from '../../domain/organisations.js'
import { staffMembers } from '../roster/schema.js'
import { pageText } from '../roster/test-support.js'
import { organisations } from './schema.js'
import { SUPPLIER_COLUMNS } from './suppliers-import.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let caseworker: Agent
let bravoCaseworker: Agent
let alpha: Caller
let staffNumber: string

beforeAll(async () => {
  ;({ testApp, cast, alphaId, caseworker, bravoCaseworker } = await createImportTestApp(
    () => new Date('2012-12-31T10:00:00Z'),
  ))
  alpha = forceUserCaller(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
  const [member] = await testApp.database.db
    .select()
    .from(staffMembers)
    .where(eq(staffMembers.id, cast.alpha.roster.staffMemberId))
  staffNumber = member?.staffNumber as string
})
afterAll(() => testApp.close())

const gift = (donorName: string, offeredOn = '2012-05-01') =>
  testApp.services.giftsHospitality.record(alpha, {
    staffNumber,
    kind: 'gift',
    description: 'A radio scanner',
    donorName,
    donorType: 'supplier',
    estimatedValue: '40',
    offeredOn,
    outcome: 'declined',
  })

/** The organisation of that very name (a search finds every name containing it). */
const organisationIdOf = async (name: string) =>
  (await testApp.services.organisations.list(alpha, name)).find((row) => row.name === name)?.id as string

describe('organisations resolved from the registers', () => {
  it('holds the database’s name key to the domain rule', async () => {
    const names = [
      'Radio Systems plc',
      'RADIO SYSTEMS LIMITED',
      'Smith & Sons Ltd.',
      "O'Neill's B.T. Services LLP",
      'Café  Nero (UK) — Ltd',
      'Limited Editions Ltd',
      '  ',
    ]
    for (const name of names) {
      const [row] = await queryRows<{ key: string }>(
        testApp.database.db,
        sql`select probity_organisation_key(${name}) as key`,
      )
      expect(row?.key, name).toBe(organisationKey(name))
    }
  })

  it('makes one organisation of a gift’s donor and a second job’s employer written differently', async () => {
    await gift('Radio Systems plc')
    await testApp.services.businessInterests.record(alpha, {
      staffNumber,
      submittedOn: '2012-02-01',
      nature: 'Weekend radio fitter',
      category: 'paid employment',
      employer: 'RADIO SYSTEMS LIMITED',
      hoursPerWeek: '8',
      paid: 'yes',
      conflictDeclaration: 'None',
    })
    const [radio, ...others] = await testApp.services.organisations.list(alpha, 'radio systems')
    expect(others).toEqual([])
    expect(radio).toMatchObject({ name: 'Radio Systems plc', gifts: 1, secondJobs: 1 })

    const list = await caseworker.get('/organisations')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain(`href="/organisations/${radio?.id}"`)
    const page = pageText((await caseworker.get(`/organisations/${radio?.id}`)).body)
    expect(page).toContain('1 May 2012 Gift or hospitality')
    expect(page).toMatch(/1 February 2012 Second job .* RADIO SYSTEMS LIMITED Weekend radio fitter/)
  })

  it('makes one organisation of a media outlet a media contact names and a gift from the media', async () => {
    await testApp.services.mediaContacts.create(alpha, {
      staffNumber,
      journalist: 'Jo Reporter',
      outlet: 'Valley Gazette Ltd',
      contactOn: '2012-03-05',
      method: 'telephone',
      purpose: 'Appeal for witnesses',
      discussed: 'The appeal',
    })
    await testApp.services.giftsHospitality.record(alpha, {
      staffNumber,
      kind: 'hospitality',
      description: 'Lunch with the editor',
      donorName: 'VALLEY GAZETTE',
      donorType: 'media',
      estimatedValue: '30',
      offeredOn: '2012-04-02',
      outcome: 'accepted',
    })
    const [gazette, ...others] = await testApp.services.organisations.list(alpha, 'valley gazette')
    expect(others).toEqual([])
    expect(gazette).toMatchObject({ name: 'Valley Gazette Ltd', mediaContacts: 1, gifts: 1, secondJobs: 0 })
    const page = pageText((await caseworker.get(`/organisations/${gazette?.id}`)).body)
    expect(page).toMatch(/5 March 2012 Media contact .* Valley Gazette Ltd Jo Reporter: Appeal for witnesses/)
    expect(page).toContain('2 April 2012 Gift or hospitality')
  })

  it('links the records kept before the migration, by the backfill the migration runs', async () => {
    const db = testApp.database.db
    await db.delete(organisations).where(eq(organisations.forceId, alphaId))
    expect(await testApp.services.organisations.list(alpha)).toEqual([])
    const migration = fs.readFileSync(
      new URL('../../db/migrations/0036_organisations_tenancy.sql', import.meta.url),
      'utf8',
    )
    const backfills = migration
      .split('--> statement-breakpoint')
      .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
      .filter((statement) => statement.startsWith('SELECT probity_add_organisations'))
    expect(backfills).toHaveLength(3)
    for (const statement of backfills) await db.execute(sql.raw(statement))
    const names = (await testApp.services.organisations.list(alpha)).map((row) => row.name)
    expect(names).toEqual(expect.arrayContaining(['Radio Systems plc', 'Northwest Uniform Supplies Ltd']))
    expect(names).toContain(`${cast.alpha.marker} Driving School`)
    expect(names).toContain(`${cast.alpha.marker} Evening News`)
  })

  it('proposes alike names; a caseworker keeps two apart or merges them, each audited', async () => {
    await gift('Radio System Ltd', '2012-06-01')
    await gift('Radio Systems Europe', '2012-07-01')
    const matches = await caseworker.get('/organisations/matches')
    expect(matches.statusCode).toBe(200)
    const proposed = await testApp.services.organisations.proposedMatches(alpha)
    const pairOf = (a: string, b: string) =>
      proposed.find(
        (match) => [match.first.name, match.second.name].sort().join('|') === [a, b].sort().join('|'),
      )
    const typo = pairOf('Radio Systems plc', 'Radio System Ltd')
    const europe = pairOf('Radio Systems plc', 'Radio Systems Europe')
    expect(typo?.similarity).toBeGreaterThan(europe?.similarity ?? 100)
    expect(pageText(matches.body)).toContain(`${typo?.first.name} and ${typo?.second.name}`)

    const refused = await caseworker.post('/organisations/matches', {
      first: europe?.first.id as string,
      second: europe?.second.id as string,
      decision: '',
    })
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('Choose whether they are the same organisation')

    const apart = await caseworker.post('/organisations/matches', {
      first: europe?.first.id as string,
      second: europe?.second.id as string,
      decision: 'different',
    })
    expect(apart.statusCode).toBe(303)
    const same = await caseworker.post('/organisations/matches', {
      first: typo?.first.id as string,
      second: typo?.second.id as string,
      decision: 'same',
    })
    expect(same.statusCode).toBe(303)
    expect(pageText((await caseworker.get('/organisations/matches')).body)).toContain('Merged into')

    const pairs = (await testApp.services.organisations.proposedMatches(alpha)).map((match) =>
      [match.first.id, match.second.id].sort().join('|'),
    )
    for (const decided of [typo, europe])
      expect(pairs).not.toContain([decided?.first.id, decided?.second.id].sort().join('|'))
    const radio = (await testApp.services.organisations.list(alpha, 'radio systems')).find(
      (row) => row.gifts === 2,
    )
    expect(radio).toMatchObject({ names: 2, secondJobs: 1 })
    const audited = await queryRows<{ action: string }>(
      testApp.database.db,
      sql`select action from audit_events where entity_type = 'organisation' order by action`,
    )
    expect(audited.map((event) => event.action)).toEqual(['merge', 'split'])
  })

  it('keeps a pair apart after one of them is merged into another organisation', async () => {
    await gift('Northgate Catering Ltd')
    await gift('Northgate Cateringg')
    await gift('Northgate Catering Services')
    const [plain, typo, services] = await Promise.all(
      ['Northgate Catering Ltd', 'Northgate Cateringg', 'Northgate Catering Services'].map(organisationIdOf),
    )
    const proposedPairs = async () =>
      (await testApp.services.organisations.proposedMatches(alpha)).map((match) =>
        [match.first.id, match.second.id].sort().join('|'),
      )
    const pair = (a?: string, b?: string) => [a, b].sort().join('|')
    expect(await proposedPairs()).toContain(pair(plain, services))
    await testApp.services.organisations.decide(alpha, typo as string, services as string, false)
    await testApp.services.organisations.decide(alpha, plain as string, typo as string, true)
    const after = await proposedPairs()
    expect(after).not.toContain(pair(plain, services))
    expect(after).not.toContain(pair(plain, typo))
  })

  it('proposes the organisation known first as the one to keep, when it was made on the second exactly', async () => {
    // PostgreSQL writes such a time without a fraction ("10:00:00+00"), which sorted as text after
    // "10:00:00.5+00": the pair came the wrong way round, and a merge kept the newer name.
    await gift('Harbour Marine Ltd')
    await gift('Harbour Marine Ltdd')
    const [older, newer] = await Promise.all(
      ['Harbour Marine Ltd', 'Harbour Marine Ltdd'].map(organisationIdOf),
    )
    const madeAt = (id: string | undefined, at: string) =>
      testApp.database.db
        .update(organisations)
        .set({ createdAt: new Date(at) })
        .where(eq(organisations.id, id as string))
    await madeAt(older, '2012-05-01T10:00:00.000Z')
    await madeAt(newer, '2012-05-01T10:00:00.500Z')
    const match = (await testApp.services.organisations.proposedMatches(alpha)).find(
      (proposed) =>
        [proposed.first.id, proposed.second.id].sort().join('|') === [older, newer].sort().join('|'),
    )
    expect(match?.first.name).toBe('Harbour Marine Ltd')
    expect(match?.second.name).toBe('Harbour Marine Ltdd')
  })

  it('keeps another force out: 404 for Bravo’s caseworker, 403 for Alpha’s staff and the inspectorate', async () => {
    // The fixture's organisation was made anew by the backfill above: found by its name.
    const id = await organisationIdOf(`${cast.alpha.marker} Driving School`)
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect((await caseworker.get(`/organisations/${id}`)).statusCode).toBe(200)
    expect((await bravoCaseworker.get(`/organisations/${id}`)).statusCode).toBe(404)
    expect((await bravoCaseworker.get('/organisations')).body).not.toContain(cast.alpha.marker)
    expect((await bravoCaseworker.get('/organisations/not-an-id')).statusCode).toBe(404)
    const staff = await signedInAgent(testApp.app, cast.alpha.users.staff.email)
    expect((await staff.get('/organisations')).statusCode).toBe(403)
    const inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
    expect((await inspector.get('/organisations')).statusCode).toBe(403)
  })
})

describe('the supplier list', () => {
  const LIST = '/organisations/suppliers'

  it('reports every bad row with its line and reason, and writes nothing', async () => {
    const preview = await expectRefusedUpload(
      caseworker,
      LIST,
      csvUpload('suppliers.csv', SUPPLIER_COLUMNS, [
        ['Motorola Solutions UK Ltd', '912182', 'C-001', 'Airwave handsets', 'Operations'],
        ['', '', 'C-002', '', ''],
        ['Acme', 'not a number', 'C-003', '', ''],
        ['Acme', '', 'C-001', '', ''],
      ]),
      3,
    )
    expectProblem(preview, 3, 'supplier: enter the supplier’s name')
    expectProblem(preview, 4, 'company_number: must be a Companies House number')
    expectProblem(preview, 5, 'contract_reference: line 2 already gives this contract')
    expect((await testApp.services.organisations.contracts(alpha)).length).toBe(0)
  })

  it('imports an Excel export, matching a known organisation by name, and updates by reference', async () => {
    const form = await caseworker.get(`${LIST}/import`)
    expect(form.statusCode).toBe(200)
    expect((await caseworker.get(LIST)).body).toContain(`href="${LIST}/import"`)
    const file = await xlsxUpload('suppliers.xlsx', SUPPLIER_COLUMNS, [
      ['Radio Systems PLC', '01234567', 'C-100', 'Radio maintenance', 'Communications'],
      ['New Vans Ltd', '', 'C-101', 'Vans', 'Fleet'],
    ])
    const preview = await caseworker.upload(`${LIST}/import`, file)
    expect(preview.statusCode).toBe(200)
    expect(pageText(preview.body)).toContain('Add to a known organisation')
    const action = confirmActionOf(preview, LIST) as string
    expect((await bravoCaseworker.post(action)).statusCode).toBe(404)
    expect((await caseworker.post(action)).statusCode).toBe(200)
    const radio = await organisationIdOf('Radio Systems plc')
    const page = pageText((await caseworker.get(`/organisations/${radio}`)).body)
    expect(page).toContain('Company number 01234567')
    expect(page).toContain('C-100 Radio maintenance Communications')

    // A later list names the supplier by its number under another name, and moves the contract's unit.
    const again = await caseworker.upload(
      `${LIST}/import`,
      csvUpload('suppliers.csv', SUPPLIER_COLUMNS, [
        ['RSP Communications', '1234567', 'C-100', 'Radio maintenance', 'Control room'],
        ['New Vans Ltd', '', 'C-101', 'Vans', 'Fleet'],
        ['New Vans Ltd', '99999999', 'C-102', 'Vans', 'Fleet'],
      ]),
    )
    expect(again.statusCode).toBe(200)
    expect(pageText(again.body)).toMatch(/Already recorded \(unchanged\)\s*1/)
    expect((await caseworker.post(confirmActionOf(again, LIST) as string)).statusCode).toBe(200)
    expect(
      (await testApp.services.organisations.list(alpha, 'RSP Communications')).map((row) => row.id),
    ).toEqual([radio])
    const contracts = await testApp.services.organisations.contracts(alpha)
    expect(contracts.map((c) => [c.reference, c.supplier, c.managingUnit])).toEqual([
      ['C-101', 'New Vans Ltd', 'Fleet'],
      ['C-102', 'New Vans Ltd', 'Fleet'],
      ['C-100', 'Radio Systems plc', 'Control room'],
    ])
  })
})

describe('in Welsh', () => {
  it('shows the organisations, an organisation, the proposed matches and the supplier list in Welsh', async () => {
    await gift('Welsh Radio Systems Ltd', '2012-08-01')
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const list = await welsh.get('/organisations')
    expect(list.body).toMatch(/<html lang="cy"/)
    const text = pageText(list.body)
    expect(text).toContain('Sefydliadau')
    expect(text).toContain('Mae’r enw’n cynnwys')
    expect(text).not.toMatch(/Name contains|Company number|Check proposed matches/)
    const one = pageText(
      (await welsh.get(`/organisations/${await organisationIdOf('Welsh Radio Systems Ltd')}`)).body,
    )
    expect(one).toContain('Cofnodion sy’n ei enwi')
    expect(one).toContain('Rhodd neu letygarwch')
    // The gift's kind is the interface's word for it; what it was is as it was typed.
    expect(one).toContain('rhodd: A radio scanner')
    expect(one).not.toMatch(/Records that name it|Gift or hospitality|Contracts with the force|gift: A radio/)
    const matches = await welsh.get('/organisations/matches')
    const refused = await welsh.post('/organisations/matches', {
      first: matches.body.match(/name="first" value="([^"]+)"/)?.[1] ?? '',
      second: matches.body.match(/name="second" value="([^"]+)"/)?.[1] ?? '',
      decision: '',
    })
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('Dewiswch a ydynt yr un sefydliad')
    expect(pageText(refused.body)).toContain('Parau arfaethedig')
    expect(pageText(refused.body)).not.toMatch(/Proposed matches|The same organisation|Choose whether/)
    const suppliers = pageText((await welsh.get('/organisations/suppliers')).body)
    expect(suppliers).toContain('Rhestr cyflenwyr')
    const upload = pageText((await welsh.get('/organisations/suppliers/import')).body)
    expect(upload).toContain('Mewnforio’r rhestr cyflenwyr')
    expect(upload).not.toMatch(/One row for each contract|Import the supplier list/)
  })
})
