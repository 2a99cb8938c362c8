import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import { type DatabaseHandle, inTransaction, POOL_SIZE, queryRows, type Transaction } from './connection.js'

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

/** Runs `read` in as many transactions at once as the pool holds, so every connection is used. */
async function onEveryConnection<Row>(
  begin: (work: (tx: Transaction) => Promise<Row>) => Promise<Row>,
  read: (tx: Transaction) => Promise<Row>,
): Promise<Row[]> {
  const connections = database.kind === 'server' ? POOL_SIZE : 1
  let arrived = 0
  let allArrived = () => {}
  const together = new Promise<void>((resolve) => {
    allArrived = resolve
  })
  return Promise.all(
    Array.from({ length: connections }, () =>
      begin(async (tx) => {
        const row = await read(tx)
        if (++arrived === connections) allArrived()
        await together
        return row
      }),
    ),
  )
}

const settingsNow = (tx: Transaction) =>
  queryRows<{ user: string | null; role: string; pid: number }>(
    tx,
    sql`select nullif(current_setting('app.user_id', true), '') as user, current_user as role, pg_backend_pid() as pid`,
  ).then(([row]) => row as { user: string | null; role: string; pid: number })

describe('a transaction with its settings', () => {
  it('sets each value exactly as given, quotes and backslashes included, as the app’s role', async () => {
    const awkward = String.raw`o'brien\'); select set_config('role', 'postgres', false); --`
    const seen = await inTransaction(
      database.db,
      [
        ['app.user_id', awkward],
        ['role', 'probity_app'],
      ],
      settingsNow,
    )
    expect(seen.user).toBe(awkward)
    expect(seen.role).toBe('probity_app')
  })

  it('leaves no setting behind on any connection it used', async () => {
    const begin = <Row>(work: (tx: Transaction) => Promise<Row>) =>
      inTransaction(
        database.db,
        [
          ['app.user_id', 'someone'],
          ['role', 'probity_app'],
        ],
        work,
      )
    const during = await onEveryConnection(begin, settingsNow)
    expect(during.map((row) => [row.user, row.role])).toEqual(during.map(() => ['someone', 'probity_app']))
    const after = await onEveryConnection((work) => database.db.transaction(work), settingsNow)
    expect(new Set(after.map((row) => row.pid))).toEqual(new Set(during.map((row) => row.pid)))
    expect(after.map((row) => row.user)).toEqual(after.map(() => null))
    expect(after.map((row) => row.role)).not.toContain('probity_app')
  })

  it('rolls back what its work wrote when the work fails, and passes the failure on', async () => {
    await database.db.execute(sql`create table transaction_probe (note text)`)
    const failing = inTransaction(database.db, [['app.user_id', 'someone']], async (tx) => {
      await tx.execute(sql`insert into transaction_probe values ('written, then undone')`)
      throw new Error('the work failed')
    })
    await expect(failing).rejects.toThrow('the work failed')
    const kept = await queryRows<{ note: string }>(database.db, sql`select note from transaction_probe`)
    expect(kept).toEqual([])
  })

  it.runIf(process.env.DATABASE_URL)('gives up a connection that broke during the work', async () => {
    const broken = inTransaction(database.db, [['app.user_id', 'someone']], (tx) =>
      tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`),
    )
    await expect(broken).rejects.toThrow()
    // Every connection the pool lends afterwards answers: the broken one was not lent again.
    const after = await onEveryConnection(
      (work) => inTransaction(database.db, [['app.user_id', 'after']], work),
      settingsNow,
    )
    expect(after.map((row) => row.user)).toEqual(after.map(() => 'after'))
  })

  // The embedded database has one connection and starts no parallel workers: nothing there to check.
  it.runIf(process.env.DATABASE_URL)('plans no parallel workers on any connection', async () => {
    const settings = await onEveryConnection(
      (work) => database.db.transaction(work),
      (tx) =>
        queryRows<{ workers: string }>(
          tx,
          sql`select current_setting('max_parallel_workers_per_gather') as workers`,
        ).then(([row]) => row?.workers),
    )
    expect(settings).toEqual(Array(POOL_SIZE).fill('0'))
  })
})
