import { Readable } from 'node:stream'
import { and, count, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInAgent } from '../../../test/support/agent.js'
import { createRegisterTestApp } from '../../../test/support/registers.js'
import type { TestApp } from '../../../test/support/test-app.js'
import type { TwoForces } from '../../../test/support/two-forces.js'
import { queryRows } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { createServices } from '../../services.js'
import { auditEvents } from '../audit/schema.js'
import { generatedRow } from '../roster/test-support.js'
import { createImportTable, ImportProblemsError, moveIntoRegister } from './bulk-import.js'
import { IMPORT_COLUMNS } from './fields.js'
import { giftsHospitality } from './schema.js'
import { csvCell, generatedGiftRow, giftsCsv } from './test-support.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let bravoId: number
let alphaCaseworker: Caller
/** The test clock: 1 June 2022, after every generated offer. */
const now = new Date('2022-06-01T10:00:00Z')
const STAFF = Array.from({ length: 120 }, (_, index) => `GH${String(index + 1).padStart(6, '0')}`)

function callerOf(user: { id: string }, role: Role, forceId: number | null): Caller {
  return {
    principal: { kind: 'user', id: user.id, label: `${role} ${user.id}`, role, forceId, staffMemberId: null },
    actor: { type: 'user', id: user.id, label: `${role} ${user.id}`, ipAddress: null },
    scope: forceId === null ? { kind: 'inspectorate' } : { kind: 'force', forceId },
  }
}

beforeAll(async () => {
  ;({ testApp, cast } = await createRegisterTestApp(() => now))
  const ids = Object.fromEntries((await testApp.services.forces.references()).map((f) => [f.code, f.id]))
  alphaId = ids.cheshire as number
  bravoId = ids.cleveland as number
  alphaCaseworker = callerOf(cast.alpha.users['force-caseworker'], 'force-caseworker', alphaId)
  // Alpha's roster: 120 members, GH000001 to GH000120.
  const rows = STAFF.map((_, index) => generatedRow(index + 1, 'GH'))
  const header = ['staff_number', 'name', 'grade', 'unit', 'start_date', 'leave_date']
  const { plan } = await testApp.services.roster.importRows(SYSTEM_CALLER, {
    forceCode: 'cheshire',
    filename: 'roster.csv',
    rows: rows.map((row, index) => ({
      line: index + 2,
      values: Object.fromEntries(header.map((column, at) => [column, row[at] as string])),
    })),
  })
  expect(plan.problems).toEqual([])
})
afterAll(() => testApp.close())

function importFile(caller: Caller, text: string, options: { dryRun?: boolean; filename?: string } = {}) {
  return testApp.services.giftsHospitality.importStream(
    caller,
    {
      forceCode: 'cheshire',
      filename: options.filename ?? 'gifts.csv',
      source: Readable.from([Buffer.from(text)]),
    },
    { dryRun: options.dryRun },
  )
}

async function giftCount(forceId: number): Promise<number> {
  const [row] = await testApp.database.db
    .select({ value: count() })
    .from(giftsHospitality)
    .where(eq(giftsHospitality.forceId, forceId))
  return row?.value ?? 0
}

const isoOf = (text: string) => {
  const uk = /^(\d+)\/(\d+)\/(\d{4})$/.exec(text)
  return uk ? `${uk[3]}-${uk[2]?.padStart(2, '0')}-${uk[1]?.padStart(2, '0')}` : text
}

const GOOD = Array.from({ length: 3_000 }, (_, index) => generatedGiftRow(index + 1, STAFF))
/** Many 8 KiB chunks, so that records cross chunk boundaries as they do when a file is streamed. */
function chunked(text: string): Readable {
  const data = Buffer.from(text)
  const chunks: Buffer[] = []
  for (let start = 0; start < data.length; start += 8192) chunks.push(data.subarray(start, start + 8192))
  return Readable.from(chunks)
}

describe('the streaming import of the gifts and hospitality register', { timeout: 120_000 }, () => {
  it('in a dry run counts what it would add and writes nothing', async () => {
    const before = await giftCount(alphaId)
    const result = await importFile(alphaCaseworker, giftsCsv(GOOD), { dryRun: true })
    expect(result).toMatchObject({ rows: 3_000, added: 3_000, unchanged: 0, dryRun: true })
    expect(await giftCount(alphaId)).toBe(before)
  })

  it('imports exactly the rows of the file, as the register then lists them, with one audit event', async () => {
    const before = await giftCount(alphaId)
    const result = await testApp.services.giftsHospitality.importStream(
      alphaCaseworker,
      { forceCode: 'cheshire', filename: 'gifts.csv', source: chunked(giftsCsv(GOOD)) },
      {},
    )
    expect(result).toMatchObject({ rows: 3_000, added: 3_000, unchanged: 0, dryRun: false })
    expect(await giftCount(alphaId)).toBe(before + 3_000)

    const { gifts } = await testApp.services.giftsHospitality.list(
      alphaCaseworker,
      { search: '(ref ' },
      { sort: 'offered', order: 'asc' },
      { offset: 0, limit: 10_000 },
    )
    const listed = gifts
      .map((gift) => [
        gift.staffNumber,
        gift.kind,
        gift.description,
        gift.donorName,
        gift.donorType,
        gift.estimatedValue.toFixed(2),
        gift.offeredOn,
        gift.declaredOn,
        gift.outcome,
        gift.approver ?? '',
        gift.disposal ?? '',
        gift.notes ?? '',
        gift.declaredBy,
        gift.createdAt.toISOString(),
      ])
      .sort((a, b) => (a[2] as string).localeCompare(b[2] as string))
    const expected = GOOD.map((row) => {
      const [number, kind, description, donor, type, value, offered, declared, ...rest] = row as string[]
      return [
        number,
        kind?.toLowerCase(),
        description,
        donor,
        type?.toLowerCase(),
        Number(value?.replace('£', '')).toFixed(2),
        isoOf(offered as string),
        declared || isoOf(offered as string),
        ...rest,
        cast.alpha.users['force-caseworker'].id,
        now.toISOString(),
      ]
    }).sort((a, b) => (a[2] as string).localeCompare(b[2] as string))
    expect(listed).toEqual(expected)

    const events = await testApp.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'gift-hospitality'), eq(auditEvents.action, 'import')))
    expect(events.map((event) => event.after)).toContainEqual({
      filename: 'gifts.csv',
      rows: 3_000,
      created: 3_000,
      unchanged: 0,
    })
  })

  it('takes a file of more rows than an upload may have, while the web upload of it is refused', async () => {
    // The same database, with services whose uploads may have 100 rows: the command is not held to that.
    const services = createServices(testApp.database.db, { now: () => now, uploadLimits: { rows: 100 } })
    const file = giftsCsv(GOOD)
    const streamed = await services.giftsHospitality.importStream(
      alphaCaseworker,
      { forceCode: 'cheshire', filename: 'historic.csv', source: chunked(file) },
      { dryRun: true },
    )
    expect(streamed).toMatchObject({ rows: 3_000, dryRun: true })
    const uploaded = services.giftsHospitality.dryRunImport(alphaCaseworker, {
      filename: 'historic.csv',
      data: Buffer.from(file),
    })
    await expect(uploaded).rejects.toThrow(/more than 100 rows/)
  })

  it('tells its progress as it reads, then that it is writing, once the whole file is read and checked', async () => {
    const file = giftsCsv(Array.from({ length: 3 }, (_, index) => generatedGiftRow(90_001 + index, STAFF)))
    const told: { rows: number; bytes: number; writing?: boolean }[] = []
    const onProgress = (progress: (typeof told)[number]) => told.push(progress)
    const source = (name: string) => ({ forceCode: 'cheshire', filename: name, source: chunked(file) })
    await testApp.services.giftsHospitality.importStream(alphaCaseworker, source('told.csv'), {
      dryRun: true,
      onProgress,
    })
    expect(told.some((progress) => progress.writing)).toBe(false)
    told.length = 0
    await testApp.services.giftsHospitality.importStream(alphaCaseworker, source('told.csv'), { onProgress })
    const bytes = Buffer.byteLength(file)
    expect(told.at(-2)).toEqual({ rows: 3, bytes })
    expect(told.at(-1)).toEqual({ rows: 3, bytes, writing: true })
  })

  it('adds nothing when the same file is imported again: every row is already on the register', async () => {
    const before = await giftCount(alphaId)
    const again = await importFile(alphaCaseworker, giftsCsv([...GOOD].reverse()), { filename: 'again.csv' })
    expect(again).toMatchObject({ rows: 3_000, added: 0, unchanged: 3_000 })
    expect(await giftCount(alphaId)).toBe(before)
    // And the web preview agrees.
    const preview = await testApp.services.giftsHospitality.dryRunImport(alphaCaseworker, {
      filename: 'again.csv',
      data: Buffer.from(giftsCsv(GOOD)),
    })
    expect({ unchanged: preview.unchanged, create: preview.create.length }).toEqual({
      unchanged: 3_000,
      create: 0,
    })
  })

  it('reports every bad row with the line it starts on and why, as the web preview does, and writes nothing', async () => {
    const good = (index: number) => generatedGiftRow(10_000 + index, STAFF)
    const lines = [
      IMPORT_COLUMNS.join(','),
      good(1).map(csvCell).join(','), // line 2
      // line 3: a description over two lines, so the rows after it start a line later than they count
      good(2)
        .map((cell, at) => csvCell(at === 2 ? `Hamper,\nwith a card` : cell))
        .join(','),
      '', // line 5: empty, skipped
      ['NOPE0001', ...good(3).slice(1)].join(','), // line 6: unknown staff number
      good(4)
        .map((cell, at) => (at === 6 ? '31/02/2015' : csvCell(cell)))
        .join(','), // line 7: not a real date
      good(5)
        .map((cell, at) => (at === 1 ? 'voucher' : csvCell(cell)))
        .join(','), // line 8: not a kind
      good(6)
        .map((cell, at) => (at === 6 ? '2023-01-01' : csvCell(cell)))
        .join(','), // line 9: in the future
      'GH000001,gift,Pen', // line 10: most columns missing
      good(7).map(csvCell).join(','), // line 11
    ]
    const text = `${lines.join('\r\n')}\r\n`
    const before = await giftCount(alphaId)
    const failure = await importFile(alphaCaseworker, text, { filename: 'bad.csv' }).catch((error) => error)
    expect(failure).toBeInstanceOf(ImportProblemsError)
    expect(failure.message).toBe('5 bad rows in bad.csv: nothing was written')
    expect(failure.problems).toEqual([
      { line: 6, reason: 'staff_number: no member of staff with number NOPE0001 on the roster' },
      { line: 7, reason: 'offered_on: must be a real date, like 2011-03-27 or 27/3/2011' },
      { line: 8, reason: 'kind: must be one of: gift, hospitality' },
      {
        line: 9,
        reason:
          'offered_on: must be today or in the past; declared_on: must be the same as or after offered_on',
      },
      {
        line: 10,
        reason:
          'donor_name: enter the donor; donor_type: must be one of: supplier, contractor, media, public, partner agency, other; ' +
          'estimated_value: enter the estimated value; offered_on: enter the date offered; outcome: must be one of: accepted, declined',
      },
    ])
    expect(await giftCount(alphaId)).toBe(before)
    // One set of rules: the web preview of the same file finds the same problems on the same lines.
    const preview = await testApp.services.giftsHospitality.dryRunImport(alphaCaseworker, {
      filename: 'bad.csv',
      data: Buffer.from(text),
    })
    expect(preview.problems).toEqual(failure.problems)
    // A dry run of it fails the same way.
    await expect(importFile(alphaCaseworker, text, { dryRun: true })).rejects.toBeInstanceOf(
      ImportProblemsError,
    )
  })

  it('refuses a file without a required column, a file that is not CSV, and an unknown force', async () => {
    const header = IMPORT_COLUMNS.filter((column) => column !== 'outcome')
    await expect(importFile(alphaCaseworker, giftsCsv([], header))).rejects.toThrow(
      'gifts.csv has no column outcome',
    )
    await expect(
      importFile(alphaCaseworker, 'Staff Number,Kind\n', { filename: 'gifts.xlsx' }),
    ).rejects.toThrow('not a CSV')
    await expect(importFile(alphaCaseworker, '"unclosed,\n')).rejects.toThrow('gifts.csv is not valid CSV')
    await expect(importFile(alphaCaseworker, '')).rejects.toThrow('gifts.csv is empty')
    const unknown = await testApp.services.giftsHospitality
      .importStream(SYSTEM_CALLER, { forceCode: 'atlantis', filename: 'g.csv', source: Readable.from([]) })
      .catch((error) => error)
    expect(unknown).toBeInstanceOf(ValidationError)
    expect(unknown.fieldErrors).toEqual({ force: 'No force has the code "atlantis"' })
  })

  it('normalises the header as the web import does ("Staff number" is staff_number)', async () => {
    const header = ['Staff Number', 'Kind', 'Description', 'Donor name', 'Donor type', 'Estimated value (£)']
      .concat(['Offered on', 'Declared on', 'Outcome', 'Approver', 'Disposal', 'Notes'])
      .map((label) => label.replace(' (£)', ''))
    const result = await importFile(alphaCaseworker, giftsCsv([generatedGiftRow(20_001, STAFF)], header), {
      dryRun: true,
    })
    expect(result).toMatchObject({ rows: 1, added: 1 })
  })

  it('lets no one import into another force: another force’s users, staff, inspectors', async () => {
    const text = giftsCsv(GOOD.slice(0, 10))
    const before = await giftCount(alphaId)
    const bravo = callerOf(cast.bravo.users['force-caseworker'], 'force-caseworker', bravoId)
    await expect(importFile(bravo, text)).rejects.toBeInstanceOf(ForbiddenError)
    const staff = callerOf(cast.alpha.users.staff, 'staff', alphaId)
    await expect(importFile(staff, text)).rejects.toBeInstanceOf(ForbiddenError)
    const inspector = callerOf(cast.inspectorateAdmin, 'inspector', null)
    await expect(importFile(inspector, text)).rejects.toBeInstanceOf(ForbiddenError)
    // Into their own force, Alpha's staff numbers are no one on Bravo's roster.
    const own = await testApp.services.giftsHospitality
      .importStream(bravo, { forceCode: undefined, filename: 'g.csv', source: Readable.from([text]) })
      .catch((error) => error)
    expect(own).toBeInstanceOf(ImportProblemsError)
    expect(own.problems).toHaveLength(10)
    expect(await giftCount(alphaId)).toBe(before)
  })

  it('writes the register as probity_app in the caller’s scope: row-level security refuses another force’s row', async () => {
    const [member] = await queryRows<{ id: string }>(
      testApp.database.db,
      sql`select id from staff_members where force_id = ${alphaId} limit 1`,
    )
    const before = await giftCount(alphaId)
    const bravoScope = { kind: 'force', forceId: bravoId } as const
    const attempt = inScope(testApp.database.db, bravoScope, async (tx) => {
      await createImportTable(tx)
      // Straight into the import table, as if the service's checks had been bypassed.
      await tx.execute(sql`
        insert into gifts_hospitality_import (force_id, staff_member_id, kind, description, donor_name,
          donor_type, estimated_value, offered_on, declared_on, outcome)
        values (${alphaId}, ${member?.id}, 'gift', 'Smuggled in', 'Someone', 'public', 10, '2020-01-01',
          '2020-01-01', 'accepted')`)
      const [role] = await queryRows<{ role: string }>(tx as never, sql`select current_user as role`)
      expect(role?.role).toBe('probity_app')
      return moveIntoRegister(tx, { by: null, at: now })
    })
    const refused = await attempt.catch((error) => error)
    expect(refused.cause?.message).toMatch(
      /new row violates row-level security policy for table "gifts_hospitality"/,
    )
    expect(await giftCount(alphaId)).toBe(before)
  })

  it('lets the register list say "more than" once it runs past what a page view counts', async () => {
    const many = Array.from({ length: 1_100 }, (_, index) => generatedGiftRow(40_001 + index, STAFF))
    const imported = await importFile(alphaCaseworker, giftsCsv(many), { filename: 'many.csv' })
    expect(imported.added).toBe(1_100)
    const bearer = { authorization: `Bearer ${cast.alpha.apiToken.token}` }
    const listed = await testApp.app.inject({ method: 'GET', url: '/api/gifts-hospitality', headers: bearer })
    expect(listed.json()).toMatchObject({ total: 1_000, totalExact: false, page: 1 })
    expect(listed.json().gifts).toHaveLength(50)
    const narrowed = await testApp.app.inject({
      method: 'GET',
      url: '/api/gifts-hospitality?q=GH000001',
      headers: bearer,
    })
    const [forOne] = await queryRows<{ gifts: number }>(
      testApp.database.db,
      sql`select count(*)::int as gifts from gifts_hospitality g join staff_members s on s.id = g.staff_member_id where s.staff_number = 'GH000001'`,
    )
    expect(forOne?.gifts).toBeGreaterThan(0)
    expect(narrowed.json()).toMatchObject({ total: forOne?.gifts, totalExact: true, totalPages: 1 })
    const agent = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    const page = await agent.get('/gifts-hospitality')
    expect(page.body).toContain('Declarations 1 to 50 of more than 1,000')
    expect(page.body).toContain('href="/gifts-hospitality?sort=offered&amp;order=desc&amp;page=2"')
  })
})
