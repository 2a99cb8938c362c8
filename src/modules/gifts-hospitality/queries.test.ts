import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp } from '../../../test/support/two-forces.js'
import { inScope } from '../../db/tenancy.js'
import type { Scope } from '../../domain/access.js'
import { type GiftFilter, selectGifts } from './queries.js'

let testApp: TestApp
let alpha: Scope
const VALUES = ['10.00', '10.01', '10.99', '11.00']

beforeAll(async () => {
  const made = await createTwoForcesTestApp()
  testApp = made.testApp
  const force = (await testApp.services.forces.references()).find((one) => one.code === made.cast.alpha.code)
  if (!force) throw new Error('the cast has no force alpha')
  alpha = { kind: 'force', forceId: force.id }
  // Four gifts a penny either side of two whole pounds, offered on days no other gift was.
  await inScope(testApp.database.db, alpha, (tx) =>
    tx.execute(sql`
      insert into gifts_hospitality (force_id, staff_member_id, kind, description, donor_name, donor_type,
        estimated_value, offered_on, declared_on, outcome)
      select ${force.id}, (select id from staff_members where force_id = ${force.id} limit 1), 'gift',
        'Pen number ' || value, 'Penny Stationers', 'supplier', value::numeric, date '1990-01-01', date '1990-01-02', 'accepted'
      from unnest(${`{${VALUES.join(',')}}`}::text[]) as value`),
  )
})
afterAll(() => testApp.close())

describe('the register filtered and sorted by value', () => {
  const listed = async (filter: GiftFilter, order: 'asc' | 'desc' = 'asc') => {
    const { rows } = await inScope(testApp.database.db, alpha, (tx) =>
      selectGifts(
        tx,
        { forceId: alpha.kind === 'force' ? alpha.forceId : undefined, offeredTo: '1990-12-31', ...filter },
        { sort: 'value', order },
        { offset: 0, limit: 50 },
      ),
    )
    return rows.map((row) => row.estimatedValue.toFixed(2))
  }

  it('includes both ends, to the penny, with the search and without', async () => {
    for (const search of [undefined, 'penny stationers']) {
      expect(await listed({ search })).toEqual(VALUES)
      expect(await listed({ search }, 'desc')).toEqual([...VALUES].reverse())
      expect(await listed({ search, valueFrom: 10.01 })).toEqual(['10.01', '10.99', '11.00'])
      expect(await listed({ search, valueTo: 10.99 })).toEqual(['10.00', '10.01', '10.99'])
      expect(await listed({ search, valueFrom: 10.01, valueTo: 10.01 })).toEqual(['10.01'])
      // An end between two pennies, which a caller other than the list's form could give.
      expect(await listed({ search, valueFrom: 10.005, valueTo: 10.995 })).toEqual(['10.01', '10.99'])
      expect(await listed({ search, valueFrom: 11.005 })).toEqual([])
    }
  })
})
