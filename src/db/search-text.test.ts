import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSearchableMember } from '../../test/support/search-text.js'
import type { TestApp } from '../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../test/support/two-forces.js'
import type { Scope } from '../domain/access.js'
import { selectGifts } from '../modules/gifts-hospitality/queries.js'
import { giftsHospitality } from '../modules/gifts-hospitality/schema.js'
import { queryRows } from './connection.js'
import { matchesSearch } from './search-text.js'
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
    const scanned = (word: string) =>
      sql`(search_text like lower(${`%${word}%`}) or staff_member_id in
            (select id from staff_members where search_text like lower(${`%${word}%`})))`
    for (const scope of [{ kind: 'inspectorate' }, { kind: 'force', forceId: forceIds.bravo }] as const)
      for (const word of words) {
        const found = await ids(scope, matchesSearch(giftsHospitality, word, { staff: 'name-number-unit' }))
        expect({ scope, word, found }).toEqual({ scope, word, found: await ids(scope, scanned(word)) })
        expect({ word, some: found.length > 0 }).toEqual({ word, some: true })
      }
    // The inspectorate on one force's register: the staff matched are that force's alone.
    const bravoOnly = sql`force_id = ${forceIds.bravo}`
    for (const word of words) {
      const options = { staff: 'name-number-unit', forceId: forceIds.bravo } as const
      const found = await ids(
        { kind: 'inspectorate' },
        sql`${bravoOnly} and ${matchesSearch(giftsHospitality, word, options)}`,
      )
      const expected = await ids({ kind: 'inspectorate' }, sql`${bravoOnly} and ${scanned(word)}`)
      expect({ word, found }).toEqual({ word, found: expected })
      expect({ word, some: found.length > 0 }).toEqual({ word, some: true })
    }
    // And the roster searched is that force's alone: another force's rows that match only by their
    // member of staff are not matched (the outer filter would drop them; this is what spares reading them).
    const shortWords = words.filter((word) => !/[\p{L}\p{N}]{3}/u.test(word))
    const alphaByStaffOnly = (word: string, forceId?: number) =>
      ids(
        { kind: 'inspectorate' },
        sql`force_id = ${forceIds.alpha} and search_text not like lower(${`%${word}%`})
            and ${matchesSearch(giftsHospitality, word, { staff: 'name-number-unit', forceId })}`,
      )
    // Without the force, some are matched: so the check below can fail.
    let unfiltered = 0
    for (const word of shortWords) unfiltered += (await alphaByStaffOnly(word)).length
    expect(unfiltered).toBeGreaterThan(0)
    for (const word of shortWords)
      expect({ word, found: await alphaByStaffOnly(word, forceIds.bravo) }).toEqual({ word, found: [] })
  })

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
})
