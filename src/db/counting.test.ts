import { sql } from 'drizzle-orm'
import { integer, pgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import { pagination } from '../web/lists.js'
import type { DatabaseHandle } from './connection.js'
import { COUNT_AHEAD, countAhead } from './counting.js'

const numbers = pgTable('count_probe', { n: integer().notNull() })
const ROWS = 2_600

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
  await database.db.execute(sql`create table count_probe (n integer not null)`)
  await database.db.execute(sql`insert into count_probe select generate_series(1, ${ROWS})`)
})
afterAll(() => database.close())

const countFrom = (offset: number, below = ROWS + 1) =>
  database.db.transaction((tx) =>
    countAhead(tx, tx.select({ n: numbers.n }).from(numbers).where(sql`${numbers.n} < ${below}`), offset),
  )

describe('countAhead', () => {
  it('stops COUNT_AHEAD past the page and says the total is only a lower bound', async () => {
    expect(COUNT_AHEAD).toBe(1_000)
    expect(await countFrom(0)).toEqual({ total: 1_000, exact: false })
    expect(await countFrom(1_500)).toEqual({ total: 2_500, exact: false })
  })

  it('counts exactly when the list ends within reach, filters included', async () => {
    expect(await countFrom(2_000)).toEqual({ total: ROWS, exact: true })
    expect(await countFrom(0, 1_001)).toEqual({ total: 1_000, exact: true })
    expect(await countFrom(0, 1)).toEqual({ total: 0, exact: true })
  })
})

describe('pagination past a lower-bound total', () => {
  it('always offers a next page and no last one', () => {
    const shown = pagination('/gifts-hospitality', {}, 20, 1_000, 50, false)
    expect(shown?.next?.href).toBe('/gifts-hospitality?page=21')
    expect(shown?.items.map((item) => ('number' in item ? item.number : '…'))).toEqual([1, '…', 19, 20, 21])
    const exact = pagination('/gifts-hospitality', {}, 20, 1_000, 50, true)
    expect(exact?.next).toBeUndefined()
  })
})
