import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/test-database.js'
import type { DatabaseHandle } from '../../db/connection.js'
import { queryRows } from '../../db/connection.js'
import { callerFor } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { createServices } from '../../services.js'
import { NationalDataset } from './generate.js'
import type { ForceInput } from './plan.js'
import {
  checkNationalOptions,
  NATIONAL_PASSWORD,
  NATIONAL_TABLES,
  type NationalSummary,
  seedNationalData,
} from './seed.js'

const SMALL = { years: 2, seed: 7, scale: 0.01 }

/** One digest per table: every row's text, in a fixed order (users without the salted password hash). */
async function digests(handle: DatabaseHandle): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const table of NATIONAL_TABLES) {
    const source =
      table === 'users'
        ? sql.raw(
            '(select id, email, name, role, force_id, staff_member_id, must_change_password, created_at from users) t',
          )
        : sql.raw(`${table} t`)
    const [row] = await queryRows<{ digest: string; rows: number }>(
      handle.db,
      sql`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest, count(*)::int as rows from ${source}`,
    )
    result[table] = `${row?.rows}:${row?.digest}`
  }
  return result
}

let first: DatabaseHandle
let second: DatabaseHandle
let summary: NationalSummary

beforeAll(async () => {
  ;[first, second] = await Promise.all([createTestDatabase(), createTestDatabase()])
  summary = await seedNationalData(first.db, SMALL)
  // Through the services, as the benchmark harness calls it.
  await seedNationalData(createServices(second.db), SMALL)
}, 400_000)

afterAll(async () => {
  await Promise.all([first?.close(), second?.close()])
})

describe('the national dataset', () => {
  it('is the same, row for row and id for id, from the same seed, and different from another seed', async () => {
    const [a, b] = await Promise.all([digests(first), digests(second)])
    expect(a).toEqual(b)
    // Another seed, the same forces: different people, jobs and gifts (generated, not written).
    const forces = await queryRows<ForceInput>(
      first.db,
      sql`select id, code, name, officers_fte as "officersFte" from forces order by id`,
    )
    const text = (rows: Iterable<unknown[]>) =>
      createHash('md5')
        .update(JSON.stringify([...rows]))
        .digest('hex')
    const same = new NationalDataset(forces, SMALL)
    const again = new NationalDataset(forces, SMALL)
    const other = new NationalDataset(forces, { ...SMALL, seed: 8 })
    expect(text(again.staffRows())).toBe(text(same.staffRows()))
    expect(text(other.staffRows())).not.toBe(text(same.staffRows()))
    expect(text(other.interestRows())).not.toBe(text(same.interestRows()))
    expect(text(other.giftRows())).not.toBe(text(same.giftRows()))
    expect(text(other.mediaRows())).not.toBe(text(same.mediaRows()))
    for (const table of NATIONAL_TABLES) expect(summary.counts[table], table).toBeGreaterThan(0)
  })

  it('sizes each force’s workforce by its officers, and has about the nation’s current second jobs, scaled', async () => {
    const forces = await queryRows<{ code: string; officers: number; serving: number; left: number }>(
      first.db,
      sql`select f.code, f.officers_fte as officers,
                 count(*) filter (where s.leave_date is null)::int as serving,
                 count(*) filter (where s.leave_date is not null)::int as left
            from forces f join staff_members s on s.force_id = f.id group by f.code, f.officers_fte`,
    )
    expect(forces).toHaveLength(44)
    for (const force of forces) {
      // Officers plus half as many again in police staff and PCSOs.
      const expected = force.officers * SMALL.scale * 1.5
      expect(Math.abs(force.serving - expected), force.code).toBeLessThanOrEqual(Math.max(5, expected * 0.1))
      expect(force.left, force.code).toBeGreaterThan(0)
    }
    // 23,000 nationally; about 230 at a hundredth.
    expect(summary.currentSecondJobs).toBeGreaterThan(23_000 * SMALL.scale * 0.85)
    expect(summary.currentSecondJobs).toBeLessThan(23_000 * SMALL.scale * 1.15)
    expect(summary.currentStaff).toBeGreaterThan(200_000 * SMALL.scale * 0.95)
    const [current] = await queryRows<{ future: number; all: number; serving: number }>(
      first.db,
      sql`select count(*) filter (where b.review_date > '2012-08-31')::int as future, count(*)::int as all,
                 count(*) filter (where s.leave_date is null)::int as serving
            from business_interests b join staff_members s on s.id = b.staff_member_id
           where b.status in ('approved', 'approved with conditions')`,
    )
    expect(current?.future).toBe(current?.all)
    expect(current?.serving).toBe(current?.all)
  })

  it('names only each force’s own staff, and keeps its dates and outcomes consistent', async () => {
    const [mismatch] = await queryRows<{ interests: number; gifts: number; media: number; subjects: number }>(
      first.db,
      sql`select
        (select count(*)::int from business_interests b join staff_members s on s.id = b.staff_member_id where s.force_id <> b.force_id) as interests,
        (select count(*)::int from gifts_hospitality g join staff_members s on s.id = g.staff_member_id where s.force_id <> g.force_id) as gifts,
        (select count(*)::int from media_contacts m join staff_members s on s.id = m.staff_member_id where s.force_id <> m.force_id) as media,
        (select count(*)::int from integrity_case_subjects c join staff_members s on s.id = c.staff_member_id where s.force_id <> c.force_id) as subjects`,
    )
    expect(mismatch).toEqual({ interests: 0, gifts: 0, media: 0, subjects: 0 })
    const [wrong] = await queryRows<Record<string, number>>(
      first.db,
      sql`select
        (select count(*)::int from gifts_hospitality where outcome = 'declined' and disposal = 'kept') as declined_kept,
        (select count(*)::int from gifts_hospitality where declared_on < offered_on or offered_on > '2012-08-31') as gift_dates,
        (select count(*)::int from business_interests where decided_on < submitted_on) as decided_early,
        (select count(*)::int from business_interests where status = 'refused' and refusal_reason is null) as refused_unreasoned,
        (select count(*)::int from business_interests where status = 'approved with conditions' and conditions is null) as unconditional,
        (select count(*)::int from integrity_cases where (status = 'closed') <> (closed_on is not null and outcome is not null)) as case_status,
        (select count(*)::int from integrity_cases where opened_on < '2010-08-31' and status <> 'closed') as old_open,
        (select count(*)::int from referrals r left join integrity_cases c on c.id = r.case_id where (r.status = 'accepted') <> (c.id is not null)) as referral_cases,
        (select count(*)::int from staff_members where leave_date < start_date) as left_before_start`,
    )
    expect(
      Object.values(wrong ?? {}).every((value) => value === 0),
      JSON.stringify(wrong),
    ).toBe(true)
  })

  it('signs in its users with the printed password, and shows a force’s user only their force’s records', async () => {
    const services = createServices(first.db)
    const signedIn = await services.signIn.signIn('psd.head@cheshire.national.example', NATIONAL_PASSWORD, {
      ipAddress: null,
      userAgent: null,
    })
    expect(signedIn.ok).toBe(true)
    const users = await services.users.list(
      callerFor(
        { kind: 'user', id: '', label: 'x', role: 'inspectorate-admin', forceId: null, staffMemberId: null },
        null,
      ),
    )
    const head = users.find((user) => user.email === 'psd.head@cheshire.national.example')
    expect(head?.role).toBe('force-admin')
    const cheshire = head?.force?.id as number
    const caller = callerFor(
      {
        kind: 'user',
        id: head?.id as string,
        label: 'PSD head',
        role: 'force-admin',
        forceId: cheshire,
        staffMemberId: null,
      },
      null,
    )
    const interests = await services.businessInterests.list(caller, {})
    const gifts = await services.giftsHospitality.list(
      caller,
      {},
      { sort: 'offered', order: 'desc' },
      { offset: 0, limit: 10_000 },
    )
    const [own] = await queryRows<{ interests: number; gifts: number }>(
      first.db,
      sql`select (select count(*)::int from business_interests where force_id = ${cheshire}) as interests,
                 (select count(*)::int from gifts_hospitality where force_id = ${cheshire}) as gifts`,
    )
    expect(interests.total).toBe(own?.interests)
    expect(interests.total).toBeGreaterThan(0)
    expect(interests.items.every((item) => item.force.id === cheshire)).toBe(true)
    expect(gifts.total).toBe(own?.gifts)
    expect(gifts.gifts.every((gift) => gift.forceId === cheshire)).toBe(true)
    const [officer] = await queryRows<{ grade: string; leave_date: string | null }>(
      first.db,
      sql`select s.grade, s.leave_date from users u join staff_members s on s.id = u.staff_member_id and s.force_id = u.force_id
           where u.email = 'officer@cheshire.national.example'`,
    )
    expect(officer).toEqual({ grade: 'Constable', leave_date: null })
  })

  it('has an inspection of all 44 forces whose returns compute and whose judgements are confirmed', async () => {
    const services = createServices(first.db)
    const inspector = callerFor(
      { kind: 'user', id: '', label: 'x', role: 'inspectorate-admin', forceId: null, staffMemberId: null },
      null,
    )
    const inspection = await services.inspections.findByCode(inspector, summary.inspection.code)
    expect(inspection?.censusDate).toBe('2012-08-31')
    expect(inspection?.dataFrom).toBe('2011-09-01')
    const judgements = await services.fieldwork.judgementsFor(inspector, inspection?.id as string)
    expect([...judgements.values()].filter((judgement) => judgement.status === 'confirmed')).toHaveLength(44)
    const status = await services.selfAssessments.statusTable(inspector, inspection?.id as string)
    expect(status.filter((row) => row.status === 'submitted')).toHaveLength(44)
    const values = await services.dataReturns.compute(
      inspector,
      inspection?.id as string,
      'greater-manchester',
    )
    expect(values['second-job-applications']?.value).toBeGreaterThan(0)
    expect(values.workforce?.value).toBeGreaterThan(0)
    expect(values['acu-staff-change']?.value).not.toBeNull()
    // Stored too, so publishing states the figures without anyone recalculating first.
    const stored = await services.dataReturns.values(
      inspector,
      inspection?.id as string,
      'greater-manchester',
    )
    expect(stored['second-job-applications']).toBe(values['second-job-applications']?.value)
    expect(stored.workforce).toBe(values.workforce?.value)
  })

  it('refuses to run twice, and refuses bad options', async () => {
    await expect(seedNationalData(first.db, SMALL)).rejects.toThrow(/already in this database/)
    for (const bad of [
      { years: 0 },
      { years: 21 },
      { years: 1.5 },
      { scale: 0 },
      { scale: 2 },
      { seed: 0.5 },
    ])
      expect(() => checkNationalOptions(bad), JSON.stringify(bad)).toThrow(ValidationError)
    expect(checkNationalOptions({})).toEqual({ years: 10, seed: 2012, scale: 1 })
  })
})
