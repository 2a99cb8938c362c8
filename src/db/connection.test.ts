import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import { type DatabaseHandle, POOL_SIZE, queryRows } from './connection.js'

// The embedded database has one connection and no parallel workers to start: nothing here to check.
describe.runIf(process.env.DATABASE_URL)('a server database’s pool', () => {
  let database: DatabaseHandle
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('plans no parallel workers on any of its connections', async () => {
    // As many at once as the pool holds, each in a transaction that stays open until all have read,
    // so every connection is used.
    let arrived = 0
    let allArrived = () => {}
    const together = new Promise<void>((resolve) => {
      allArrived = resolve
    })
    const settings = await Promise.all(
      Array.from({ length: POOL_SIZE }, () =>
        database.db.transaction(async (tx) => {
          const [row] = await queryRows<{ workers: string; pid: number }>(
            tx,
            sql`select current_setting('max_parallel_workers_per_gather') as workers, pg_backend_pid() as pid`,
          )
          if (++arrived === POOL_SIZE) allArrived()
          await together
          return row
        }),
      ),
    )
    expect(new Set(settings.map((row) => row?.pid)).size).toBe(POOL_SIZE)
    expect(settings.map((row) => row?.workers)).toEqual(Array(POOL_SIZE).fill('0'))
  })
})
