import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addRecordInEachRegister } from '../../../test/support/registers.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp } from '../../../test/support/two-forces.js'
import { queryRows } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { selectPage } from '../business-interests/queries.js'
import { businessInterests } from '../business-interests/schema.js'
import { selectGifts } from '../gifts-hospitality/queries.js'
import { giftsHospitality } from '../gifts-hospitality/schema.js'
import { selectMediaContacts } from '../media-contacts/queries.js'
import { mediaContacts } from '../media-contacts/schema.js'
import { staffMembers } from './schema.js'

let testApp: TestApp
let bravo: { kind: 'force'; forceId: number }
const members: Record<'carol' | 'alan' | 'bea', string> = { carol: '', alan: '', bea: '' }

beforeAll(async () => {
  const { testApp: app, cast } = await createTwoForcesTestApp()
  testApp = app
  const forceId = (await testApp.services.forces.references()).find((force) => force.code === cast.bravo.code)
    ?.id as number
  bravo = { kind: 'force', forceId }
  await inScope(testApp.database.db, bravo, async (tx) => {
    const names = { carol: 'Carol Dean', alan: 'Alan Brook', bea: 'Bea Cole' }
    for (const [key, name] of Object.entries(names) as [keyof typeof members, string][]) {
      const [member] = await tx
        .insert(staffMembers)
        .values({ forceId, staffNumber: `COPY-${key}`, name, grade: 'Constable', unit: 'Response' })
        .returning({ id: staffMembers.id })
      const staffMemberId = member?.id as string
      members[key] = staffMemberId
      await addRecordInEachRegister(tx, forceId, staffMemberId)
    }
  })
})
afterAll(() => testApp.close())

const firstPage = { offset: 0, limit: 50 }

/** The names on each register's first page sorted by person, as the roster has them (the rows' own join). */
const namesListed = (tx: Transaction) =>
  Promise.all([
    selectGifts(tx, { forceId: bravo.forceId }, { sort: 'staff', order: 'asc' }, firstPage).then(({ rows }) =>
      rows.map((row) => row.staffName),
    ),
    selectMediaContacts(tx, { forceId: bravo.forceId }, { sort: 'staff', order: 'desc' }, firstPage).then(
      ({ rows }) => rows.map((row) => row.staffName).reverse(),
    ),
    selectPage(tx, { forceId: bravo.forceId }, 'name', 'asc', firstPage).then(({ items }) =>
      items.map((item) => item.staff.name),
    ),
  ])

/** The same names in the order the database itself sorts them. */
const sortedByDatabase = async (tx: Transaction, names: string[]) =>
  (
    await queryRows<{ name: string }>(
      tx,
      sql`select name from unnest(${sql.param(names)}::text[]) as name order by name`,
    )
  ).map((row) => row.name)

async function expectListedInNameOrder(expectedNames: string[]) {
  await inScope(testApp.database.db, bravo, async (tx) => {
    for (const listed of await namesListed(tx)) {
      expect(listed).toEqual(expect.arrayContaining(expectedNames))
      expect(listed).toEqual(await sortedByDatabase(tx, listed))
    }
  })
}

it('lists each register by person in the order of the names the roster has now', async () => {
  await expectListedInNameOrder(['Carol Dean', 'Alan Brook', 'Bea Cole'])
  // A rename that moves the member from first to last: the records' copies follow it.
  await inScope(testApp.database.db, bravo, (tx) =>
    tx.update(staffMembers).set({ name: 'Zoe Brook' }).where(eq(staffMembers.id, members.alan)),
  )
  await expectListedInNameOrder(['Carol Dean', 'Zoe Brook', 'Bea Cole'])
})

it('copies a change to a name’s case alone, which the lower-cased search text does not show', async () => {
  await inScope(testApp.database.db, bravo, (tx) =>
    tx.update(staffMembers).set({ name: 'BEA COLE' }).where(eq(staffMembers.id, members.bea)),
  )
  const copies = await inScope(testApp.database.db, bravo, async (tx) => {
    const copiesIn = (table: typeof giftsHospitality | typeof mediaContacts | typeof businessInterests) =>
      queryRows<{ name: string }>(
        tx,
        sql`select staff_name as name from ${table} where ${inArray(table.staffMemberId, [members.bea])}`,
      )
    return [
      ...(await copiesIn(giftsHospitality)),
      ...(await copiesIn(mediaContacts)),
      ...(await copiesIn(businessInterests)),
    ].map((row) => row.name)
  })
  expect(copies).toEqual(['BEA COLE', 'BEA COLE', 'BEA COLE'])
})
