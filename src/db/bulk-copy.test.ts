import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import { type CopyValue, copyRows } from './bulk-copy.js'
import { type DatabaseHandle, queryRows } from './connection.js'

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
  await database.db.execute(
    sql`create table copy_probe (id integer primary key, label text, amount numeric, flag boolean, at timestamptz, extra jsonb)`,
  )
})
afterAll(() => database.close())

const AWKWARD = 'Comma, "quotes", a\nnew line, £ and ü'

describe('copyRows', () => {
  it('writes every value as the database would store it, telling empty text from null', async () => {
    const rows: CopyValue[][] = [
      [1, AWKWARD, 12.5, true, new Date('2012-03-27T09:30:00Z'), { note: 'a "quoted" note', n: [1, 2] }],
      [2, '', 0, false, null, null],
      [3, null, undefined, null, undefined, ['x']],
    ]
    const written = await database.db.transaction((tx) =>
      copyRows(tx, 'copy_probe', ['id', 'label', 'amount', 'flag', 'at', 'extra'], rows),
    )
    expect(written).toBe(3)
    const stored = await queryRows<Record<string, unknown>>(
      database.db,
      sql`select id, label, amount::text as amount, flag, to_char(at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as at, extra from copy_probe order by id`,
    )
    expect(stored).toEqual([
      {
        id: 1,
        label: AWKWARD,
        amount: '12.5',
        flag: true,
        at: '2012-03-27 09:30',
        extra: { note: 'a "quoted" note', n: [1, 2] },
      },
      { id: 2, label: '', amount: '0', flag: false, at: null, extra: null },
      { id: 3, label: null, amount: null, flag: null, at: null, extra: ['x'] },
    ])
  })

  it('keeps text that COPY could misread as it is: tabs, line breaks, backslashes, its end marker, NULL', async () => {
    const texts = [
      'tab\there',
      'carriage\rreturn and\r\nWindows line',
      'back\\slash \\N \\t',
      '\\.',
      'before\n\\.\nafter',
      '\\N',
      'NULL',
      '"',
      '""',
      ',',
      '  spaced  ',
      '😀 \u0001',
    ]
    const rows = texts.map((text, index) => [10 + index, text, { text, [text]: [text] }])
    await database.db.transaction((tx) => copyRows(tx, 'copy_probe', ['id', 'label', 'extra'], rows))
    const stored = await queryRows<{ label: string; extra: unknown }>(
      database.db,
      sql`select label, extra from copy_probe where id between 10 and 99 order by id`,
    )
    expect(stored).toEqual(rows.map(([, label, extra]) => ({ label, extra })))
  })

  it('streams many rows from an async source in batches, reporting progress', async () => {
    async function* generated() {
      for (let id = 100; id < 100 + 120_000; id++) yield [id, `row ${id}`]
    }
    const progress: number[] = []
    await database.db.transaction((tx) =>
      copyRows(tx, 'copy_probe', ['id', 'label'], generated(), { onProgress: (n) => progress.push(n) }),
    )
    const [counted] = await queryRows<{ rows: number; last: string }>(
      database.db,
      sql`select count(*)::int as rows, max(label) filter (where id = 120099) as last from copy_probe where id >= 100`,
    )
    expect(counted).toEqual({ rows: 120_000, last: 'row 120099' })
    expect(progress.at(-1)).toBe(120_000)
    expect(progress.length).toBeGreaterThan(1)
  })

  it('writes nothing when the transaction fails, and refuses a row of the wrong width', async () => {
    await expect(
      database.db.transaction((tx) =>
        copyRows(tx, 'copy_probe', ['id', 'label'], [[1_000_500, 'kept?'], [1_000_501]]),
      ),
    ).rejects.toThrow(/1 values for 2 columns/)
    await expect(
      database.db.transaction((tx) => copyRows(tx, 'copy_probe', ['id'], [[1_000_600], [1_000_600]])),
    ).rejects.toThrow()
    async function* failingHalfWay() {
      for (let id = 2_000_000; id < 2_060_000; id++) yield [id]
      throw new Error('the source failed')
    }
    await expect(
      database.db.transaction((tx) => copyRows(tx, 'copy_probe', ['id'], failingHalfWay())),
    ).rejects.toThrow('the source failed')
    const [left] = await queryRows<{ rows: number }>(
      database.db,
      sql`select count(*)::int as rows from copy_probe where id >= 1000000`,
    )
    expect(left?.rows).toBe(0)
  })
})
