import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import type { Scope } from '../domain/access.js'
import type { DatabaseHandle } from './connection.js'
import { queryRows } from './connection.js'
import { Searches, SearchTimeoutError, Turns } from './searches.js'

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const inspectorate = { kind: 'inspectorate' } as const

describe('turns', () => {
  it('runs at most so many at once, the rest in the order they came, and frees a place on failure', async () => {
    const turns = new Turns(2)
    const releases: (() => void)[] = []
    const started: number[] = []
    let running = 0
    let most = 0
    const piece = (n: number) =>
      turns.run(async () => {
        started.push(n)
        most = Math.max(most, ++running)
        await new Promise<void>((resolve) => releases.push(resolve))
        running--
        if (n === 1) throw new Error('piece 1 failed')
        return n
      })
    const pieces = [1, 2, 3, 4, 5].map(piece)
    const settled = Promise.allSettled(pieces)
    // Each release lets the oldest waiting piece start; the loop ends when every piece has run.
    for (let released = 0; released < 5; released++) {
      await new Promise((resolve) => setImmediate(resolve))
      expect(running).toBeLessThanOrEqual(2)
      releases.shift()?.()
    }
    const results = await settled
    expect(started).toEqual([1, 2, 3, 4, 5])
    expect(most).toBe(2)
    expect(results.map((result) => result.status)).toEqual(['rejected', ...Array(4).fill('fulfilled')])
  })
})

describe('searches', () => {
  const timeoutIn = (searches: Searches, searching: boolean) =>
    searches.inScope(database.db, inspectorate, searching, async (tx) => {
      const [row] = await queryRows<{ timeout: string }>(
        tx,
        sql`select current_setting('statement_timeout') as timeout`,
      )
      return row?.timeout
    })

  // Only a server can stop a statement as it runs: the embedded database runs it to the end on this
  // thread, and the timer it would set fired later into the engine (see SearchLimits).
  const searchTimeout = process.env.DATABASE_URL ? '250ms' : '0'

  it('sets a statement timeout in a search’s own transaction only, and only on a server', async () => {
    const searches = new Searches({ atOnce: 1, timeoutMs: 250 })
    expect(await timeoutIn(searches, true)).toBe(searchTimeout)
    expect(await timeoutIn(searches, false)).toBe('0')
    const [after] = await queryRows<{ timeout: string }>(
      database.db,
      sql`select current_setting('statement_timeout') as timeout`,
    )
    expect(after?.timeout).toBe('0')
  })

  it('reports a statement the database cancelled as the service being busy (503), and other failures as they are', async () => {
    const searches = new Searches({ atOnce: 1, timeoutMs: 250 })
    const cancelled = searches.inScope(database.db, inspectorate, true, (tx) =>
      tx.execute(
        sql`do $$ begin raise exception 'canceling statement due to statement timeout' using errcode = 'query_canceled'; end $$`,
      ),
    )
    await expect(cancelled).rejects.toBeInstanceOf(SearchTimeoutError)
    await expect(cancelled).rejects.toMatchObject({ statusCode: 503 })
    const broken = searches.inScope(database.db, inspectorate, true, (tx) => tx.execute(sql`select nonsense`))
    await expect(broken).rejects.not.toBeInstanceOf(SearchTimeoutError)
    // The place is free again after both failures.
    expect(await timeoutIn(searches, true)).toBe(searchTimeout)
  })

  // The embedded database runs one transaction at a time, so it cannot hold one search open while
  // another runs.
  it.runIf(process.env.DATABASE_URL)(
    'runs a force’s search beside the inspectorate’s, which wait their turn among themselves',
    async () => {
      const searches = new Searches({ atOnce: 1, timeoutMs: 5_000 })
      const order: string[] = []
      let releaseInspectorate = () => {}
      const held = new Promise<void>((resolve) => {
        releaseInspectorate = resolve
      })
      const search = (scope: Scope, name: string, work: () => Promise<void> = async () => {}) =>
        searches.inScope(database.db, scope, true, async () => {
          order.push(`${name} started`)
          await work()
          order.push(`${name} done`)
        })
      const first = search(inspectorate, 'inspectorate 1', () => held)
      const second = search(inspectorate, 'inspectorate 2')
      await search({ kind: 'force', forceId: 1 }, 'force')
      expect(order).toEqual(['inspectorate 1 started', 'force started', 'force done'])
      releaseInspectorate()
      await Promise.all([first, second])
      expect(order.slice(3)).toEqual(['inspectorate 1 done', 'inspectorate 2 started', 'inspectorate 2 done'])
    },
  )

  it.runIf(process.env.DATABASE_URL)(
    'stops a search that runs past its timeout on a PostgreSQL server',
    async () => {
      const searches = new Searches({ atOnce: 1, timeoutMs: 50 })
      // Only a cancelled statement (SQLSTATE 57014) becomes this error: the sleep did not run its course.
      await expect(
        searches.inScope(database.db, inspectorate, true, (tx) => tx.execute(sql`select pg_sleep(5)`)),
      ).rejects.toBeInstanceOf(SearchTimeoutError)
    },
  )
})
