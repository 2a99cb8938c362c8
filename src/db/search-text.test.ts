import { eq, getTableName, sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addRecordInEachRegister } from '../../test/support/registers.js'
import { addSearchableMember, SEARCHABLE_MEMBER } from '../../test/support/search-text.js'
import { signal } from '../../test/support/signal.js'
import type { TestApp } from '../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../test/support/two-forces.js'
import { type Scope, SYSTEM_CALLER } from '../domain/access.js'
import { businessInterests } from '../modules/business-interests/schema.js'
import { selectGifts } from '../modules/gifts-hospitality/queries.js'
import { giftsHospitality } from '../modules/gifts-hospitality/schema.js'
import { mediaContacts } from '../modules/media-contacts/schema.js'
import { staffMembers } from '../modules/roster/schema.js'
import { queryRows } from './connection.js'
import { COUNT_AHEAD } from './counting.js'
import { columnFrom, columnIn, columnTo, listWhere, matchesSearch, searchCondition } from './search-text.js'
import { inScope } from './tenancy.js'

let testApp: TestApp
let cast: TwoForces
let forceIds: Record<'alpha' | 'bravo', number>

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  const forces = await testApp.services.forces.references()
  const idOf = (code: string) => forces.find((force) => force.code === code)?.id as number
  forceIds = { alpha: idOf(cast.alpha.code), bravo: idOf(cast.bravo.code) }
  for (const force of [cast.alpha, cast.bravo]) await addSearchableMember(testApp, force.code)
})
afterAll(() => testApp.close())

/** The forces of the rows `probity_search_locations` answers with, called in `scope`. */
const forcesMatched = (scope: Scope, call: ReturnType<typeof sql>) =>
  inScope(testApp.database.db, scope, async (tx) => {
    const rows = await queryRows<{ force_id: number }>(
      tx,
      sql`select force_id from staff_members where ctid = any(array(select probity_search_locations(${call})))`,
    )
    return rows.map((row) => row.force_id).sort()
  })

describe('probity_search_locations', () => {
  const wombat = sql`'staff_members', '%wombat smith%'`

  it('answers the inspectorate from every force, and a force from its own alone', async () => {
    expect(await forcesMatched({ kind: 'inspectorate' }, wombat)).toEqual(
      [forceIds.alpha, forceIds.bravo].sort(),
    )
    expect(await forcesMatched({ kind: 'force', forceId: forceIds.alpha }, wombat)).toEqual([forceIds.alpha])
    expect(await forcesMatched({ kind: 'publication', forceId: forceIds.bravo }, wombat)).toEqual([
      forceIds.bravo,
    ])
  })

  it('gives another force’s rows to no one who may not read them, even asked for directly', async () => {
    // The function is the one way past the policies, so it applies them itself: called bare, as the app.
    const found = await inScope(testApp.database.db, { kind: 'force', forceId: forceIds.alpha }, (tx) =>
      queryRows<{ location: string }>(tx, sql`select probity_search_locations(${wombat})::text as location`),
    )
    const bravos = await inScope(testApp.database.db, { kind: 'force', forceId: forceIds.bravo }, (tx) =>
      queryRows<{ location: string }>(
        tx,
        sql`select ctid::text as location from staff_members where search_text like '%wombat smith%'`,
      ),
    )
    expect(found).toHaveLength(1)
    expect(bravos).toHaveLength(1)
    expect(found.map((row) => row.location)).not.toContain(bravos[0]?.location)
    expect(await forcesMatched({ kind: 'public' }, wombat)).toEqual([])
  })

  it('narrows its matches by the filters it is given, never past what the caller may read', async () => {
    const alpha = { kind: 'force', forceId: forceIds.alpha } as const
    const narrowed = (filters: object) => sql`${wombat}, null, ${JSON.stringify(filters)}::jsonb`
    // Another force's rows asked for by name, in a filter: the caller's own force still bounds the search.
    expect(await forcesMatched(alpha, narrowed({ force_id: { in: [forceIds.bravo] } }))).toEqual([])
    expect(await forcesMatched(alpha, narrowed({ force_id: { from: 0 } }))).toEqual([forceIds.alpha])
    expect(
      await forcesMatched({ kind: 'inspectorate' }, narrowed({ force_id: { in: [forceIds.bravo] } })),
    ).toEqual([forceIds.bravo])
    // A value is a literal of the column's type, whatever it holds.
    expect(await forcesMatched(alpha, narrowed({ staff_number: { in: ["x') or true or ('"] } }))).toEqual([])
    for (const filters of [
      { 'force_id; drop table users': { in: [1] } },
      { password: { in: ['a'] } },
      { force_id: 1 },
    ])
      await expect(forcesMatched(alpha, narrowed(filters))).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/^no filter /) },
      })
  })

  it('searches the four registers only', async () => {
    for (const table of ['users', 'sessions', 'staff_members; drop table users'])
      await expect(
        inScope(testApp.database.db, { kind: 'inspectorate' }, (tx) =>
          queryRows(tx, sql`select probity_search_locations(${table}, '%a%')`),
        ),
      ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^no search of /) } })
  })

  it('finds through the index what a scan of every row finds, for long words and short, in every scope', async () => {
    const [gift] = await inScope(testApp.database.db, { kind: 'force', forceId: forceIds.bravo }, (tx) =>
      queryRows<{ donor_name: string; name: string }>(
        tx,
        sql`select g.donor_name, s.name from gifts_hospitality g join staff_members s on s.id = g.staff_member_id limit 1`,
      ),
    )
    if (!gift) throw new Error('the cast has no gifts')
    // Words with a run of three letters or digits go through the index; the others are scanned.
    const surname = gift.name.split(' ').at(-1) ?? ''
    const words = [
      'a',
      gift.donor_name.slice(1, 3),
      gift.donor_name.slice(1, 5),
      surname,
      surname.slice(0, 2),
    ]
    const ids = (scope: Scope, condition: ReturnType<typeof sql>) =>
      inScope(testApp.database.db, scope, async (tx) =>
        (await queryRows<{ id: string }>(tx, sql`select id from gifts_hospitality where ${condition}`))
          .map((row) => row.id)
          .sort(),
      )
    // The reference: the member of staff's columns as the roster has them, joined, not the row's copy.
    const scanned = (word: string) =>
      sql`(search_text like lower(${`%${word}%`}) or staff_member_id in
            (select id from staff_members where search_text like lower(${`%${word}%`})))`
    for (const scope of [{ kind: 'inspectorate' }, { kind: 'force', forceId: forceIds.bravo }] as const)
      for (const word of words) {
        const found = await ids(scope, matchesSearch(giftsHospitality, word, { unit: true }))
        expect({ scope, word, found }).toEqual({ scope, word, found: await ids(scope, scanned(word)) })
        expect({ word, some: found.length > 0 }).toEqual({ word, some: true })
      }
  })

  it('finds a record by its member of staff’s name and unit as the roster has them now', async () => {
    const bravo = { kind: 'force', forceId: forceIds.bravo } as const
    const member = await inScope(testApp.database.db, bravo, async (tx) => {
      const [found] = await tx
        .select({ id: staffMembers.id })
        .from(staffMembers)
        .where(eq(staffMembers.staffNumber, SEARCHABLE_MEMBER.staff_number))
      if (!found) throw new Error('the searchable member is not on the roster')
      await addRecordInEachRegister(tx, forceIds.bravo, found.id)
      return found.id
    })
    // The roster's next import renames the member and moves them to another unit.
    const { result } = await testApp.services.roster.importRows(SYSTEM_CALLER, {
      forceCode: cast.bravo.code,
      filename: 'renamed.csv',
      rows: [{ line: 2, values: { ...SEARCHABLE_MEMBER, name: 'Quokka Jones', unit: 'Heron Unit' } }],
    })
    if (!result) throw new Error('the renamed member of staff was not imported')
    const registers = [giftsHospitality, mediaContacts, businessInterests] as const
    const matched = (table: (typeof registers)[number], word: string, unit: boolean) =>
      inScope(testApp.database.db, bravo, async (tx) =>
        (
          await queryRows<{ staff_member_id: string }>(
            tx,
            sql`select staff_member_id from ${table} where ${matchesSearch(table, word, { unit })}`,
          )
        ).map((row) => row.staff_member_id),
      )
    for (const table of registers) {
      const register = getTableName(table)
      // Through the index (long words) and row by row (a word with no three letters together).
      for (const word of ['quokka', 'a j', 'JONES'])
        expect({ register, word, found: await matched(table, word, false) }).toEqual({
          register,
          word,
          found: [member],
        })
      expect({ register, found: await matched(table, 'wombat', false) }).toEqual({ register, found: [] })
      // The unit is searched only where the register's search covers it (`unit`).
      expect({ register, found: await matched(table, 'heron', true) }).toEqual({ register, found: [member] })
      expect({ register, found: await matched(table, 'heron', false) }).toEqual({ register, found: [] })
      expect({ register, found: await matched(table, 'kestrel', true) }).toEqual({ register, found: [] })
    }
  })

  // Only a server runs transactions side by side; the embedded database has one connection.
  it.runIf(process.env.DATABASE_URL)(
    'copies a roster change to a record written while the change was being made',
    async () => {
      const db = testApp.database.db
      const bravo = { kind: 'force', forceId: forceIds.bravo } as const
      const memberId = await inScope(db, bravo, async (tx) => {
        const [found] = await tx
          .select({ id: staffMembers.id })
          .from(staffMembers)
          .where(eq(staffMembers.staffNumber, SEARCHABLE_MEMBER.staff_number))
        return found?.id as string
      })
      const commit = signal()
      const renamed = signal()
      // The rename is made, and copied to the member's records there are, but not yet committed.
      const rename = inScope(db, bravo, async (tx) => {
        await tx.update(staffMembers).set({ name: 'Numbat Brown' }).where(eq(staffMembers.id, memberId))
        renamed.give()
        await commit.given
      })
      await renamed.given
      const declared = inScope(db, bravo, async (tx) => {
        const [gift] = await tx
          .insert(giftsHospitality)
          .values({
            forceId: forceIds.bravo,
            staffMemberId: memberId,
            kind: 'hospitality',
            description: 'A working lunch',
            donorName: 'Lunches Ltd',
            donorType: 'supplier',
            estimatedValue: 15,
            offeredOn: '2026-02-01',
            declaredOn: '2026-02-02',
            outcome: 'accepted',
          })
          .returning({ id: giftsHospitality.id })
        return gift?.id as string
      })
      // The declaration waits for the rename (so the rename commits first) — or, were it not to wait,
      // it would be written with the old name and the rename's copy would not reach it.
      for (let tries = 0; tries < 50; tries++) {
        const [waiting] = await queryRows<{ count: number }>(
          db,
          sql`select count(*)::int as count from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'`,
        )
        if (waiting?.count) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      commit.give()
      await rename
      const giftId = await declared
      const found = await inScope(db, bravo, async (tx) =>
        (
          await queryRows<{ id: string }>(
            tx,
            sql`select id from gifts_hospitality where ${matchesSearch(giftsHospitality, 'numbat', { unit: true })}`,
          )
        ).map((row) => row.id),
      )
      expect(found).toContain(giftId)
    },
  )

  it('pages and counts a list from its search found once, as the search written into each would', async () => {
    const [gift] = await inScope(testApp.database.db, { kind: 'inspectorate' }, (tx) =>
      queryRows<{ donor_name: string; name: string }>(
        tx,
        sql`select g.donor_name, s.name from gifts_hospitality g join staff_members s on s.id = g.staff_member_id limit 1`,
      ),
    )
    if (!gift) throw new Error('the cast has no gifts')
    const words = [gift.donor_name.slice(1, 5), gift.name.split(' ').at(-1) ?? '', 'a', 'no such words']
    const order = { sort: 'offered', order: 'desc' } as const
    for (const scope of [{ kind: 'inspectorate' }, { kind: 'force', forceId: forceIds.bravo }] as const)
      for (const word of words)
        for (const offset of [0, 1]) {
          const filter = { search: word, forceId: scope.kind === 'force' ? scope.forceId : undefined }
          // Unpaged, the search is written into the one statement; paged, it is found once for two uses.
          const whole = await inScope(testApp.database.db, scope, (tx) => selectGifts(tx, filter, order))
          const page = await inScope(testApp.database.db, scope, (tx) =>
            selectGifts(tx, filter, order, { offset, limit: 2 }),
          )
          expect({ scope, word, offset, total: page.total, ids: page.rows.map((row) => row.id) }).toEqual({
            scope,
            word,
            offset,
            total: whole.rows.length,
            ids: whole.rows.slice(offset, offset + 2).map((row) => row.id),
          })
          // So the comparison can fail: the inspectorate finds every word but the last.
          if (scope.kind === 'inspectorate' && word !== 'no such words')
            expect({ word, some: whole.rows.length > 0 }).toEqual({ word, some: true })
        }
  })

  it('reads a list in its order, matching row by row, when its word has more matches than are worth reading whole', async () => {
    const bravo = { kind: 'force', forceId: forceIds.bravo } as const
    // More than a first page's count needs, so a first page's search reads only some of them (`countWithPageIds`).
    const numbats = COUNT_AHEAD + 300
    await inScope(testApp.database.db, bravo, (tx) =>
      tx.execute(sql`
        insert into gifts_hospitality (force_id, staff_member_id, kind, description, donor_name, donor_type,
          estimated_value, offered_on, declared_on, outcome)
        select ${forceIds.bravo}, staff.ids[1 + g % cardinality(staff.ids)], (array['gift', 'hospitality'])[1 + g % 2],
          'Lunch number ' || g, 'Numbat Catering', (array['supplier', 'public', 'media'])[1 + g % 3], 5 + g % 97,
          date '2020-01-01' + g % 400, date '2020-01-04' + g % 400, 'accepted'
        from generate_series(1, ${numbats}) g,
          (select array_agg(id order by id) as ids from staff_members where force_id = ${forceIds.bravo}) staff`),
    )
    let readPastCount = 0
    for (const scope of [{ kind: 'inspectorate' }, bravo] as const)
      for (const sort of ['offered', 'value', 'staff'] as const)
        for (const filters of [
          {},
          { outcome: 'accepted' },
          { donorType: 'media' },
          { kind: 'gift', donorType: 'public' },
          // Ranges the search applies as it finds its matches, which most of them pass.
          { valueFrom: 10, offeredFrom: '2020-02-01' },
        ] as const)
          for (const offset of [0, 50, 1_250]) {
            const filter = {
              ...filters,
              search: 'NUMBAT',
              forceId: scope.kind === 'force' ? scope.forceId : undefined,
            }
            const order = { sort, order: 'desc' } as const
            // The reference: unpaged, the search is written into the one statement and reads every match.
            const every = await inScope(testApp.database.db, scope, (tx) => selectGifts(tx, filter, order))
            const page = await inScope(testApp.database.db, scope, (tx) =>
              selectGifts(tx, filter, order, { offset, limit: 50 }),
            )
            const reach = offset + COUNT_AHEAD
            const case_ = { scope: scope.kind, sort, filters, offset }
            expect({
              ...case_,
              total: page.total,
              exact: page.exact,
              ids: page.rows.map((row) => row.id),
            }).toEqual({
              ...case_,
              total: Math.min(every.rows.length, reach),
              exact: every.rows.length <= reach,
              ids: every.rows.slice(offset, offset + 50).map((row) => row.id),
            })
            if (every.rows.length > reach) readPastCount += 1
          }
    // So the comparison can fail: the first pages that every match or most pass have more than their count reads.
    expect(readPastCount).toBe(36)
  })
})

describe('listWhere', () => {
  const g = giftsHospitality
  const search = () => searchCondition(g, 'numbat', { unit: true }, true)
  /** What the search function is told to narrow its matches by (its fourth argument, as sent). */
  const narrowingSent = (clause: ReturnType<typeof listWhere>) => {
    const sent = new PgDialect().sqlToQuery(clause.search?.matches(sql`null`) ?? sql``).params
    return JSON.parse(String(sent.at(-1) ?? 'null'))
  }

  it('hands the search every column filter, and reads the list row by row only when it took them all', () => {
    const ranged = listWhere(
      undefined,
      [
        columnIn(g.kind, ['gift']),
        columnFrom(g.offeredOn, '2020-01-01'),
        columnTo(g.offeredOn, '2020-12-31'),
      ],
      search(),
    )
    expect(narrowingSent(ranged)).toEqual({
      kind: { in: ['gift'] },
      offered_on: { from: '2020-01-01', to: '2020-12-31' },
    })
    expect(ranged.search?.whereRowByRow).toBeDefined()
    // Two lists of donor types (a donor type and "flagged"): the search takes the first, the WHERE clause both.
    const twice = listWhere(
      undefined,
      [columnIn(g.donorType, ['media']), columnIn(g.donorType, ['supplier', 'media'])],
      search(),
    )
    expect(narrowingSent(twice)).toEqual({ donor_type: { in: ['media'] } })
    expect(twice.search?.whereRowByRow).toBeUndefined()
    // A filter the search cannot apply.
    const other = listWhere(undefined, [columnIn(g.kind, ['gift']), sql`true`], search())
    expect(narrowingSent(other)).toEqual({ kind: { in: ['gift'] } })
    expect(other.search?.whereRowByRow).toBeUndefined()
    expect(narrowingSent(listWhere(undefined, [], search()))).toBeNull()
  })
})
