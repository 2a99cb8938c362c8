import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { signedInAgent } from '../../test/support/agent.js'
import { RAISE_A_NOTICE, trapOnNextMessage } from '../../test/support/engine-trap.js'
import { createTwoForcesTestApp } from '../../test/support/two-forces.js'
import { embeddedHandle } from './connection.js'
import { EmbeddedEngineFailedError } from './embedded-engine.js'

describe('the embedded engine’s timers', () => {
  it('leaves none running between two messages, to fire into the engine later', async () => {
    const client = await PGlite.create()
    const handle = embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
    // The engine's timers are JavaScript ones: faked, they can be counted.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await client.transaction(async (tx) => {
        await tx.query("select set_config('statement_timeout', '200', true)")
        expect(vi.getTimerCount()).toBe(0)
        await tx.query('select count(*) from generate_series(1, 1000)')
        expect(vi.getTimerCount()).toBe(0)
      })
      // Statistics left to flush while idle arm a timer of ten seconds after each message.
      for (let query = 0; query < 5; query++) await client.query('select 1')
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
    await handle.close()
  })
})

describe('a fault in the embedded engine', () => {
  it('stops the engine for good, rather than answering wrongly or spinning', async () => {
    const client = await PGlite.create()
    const handle = embeddedHandle(client, { kind: 'embedded', dataDir: 'memory://' })
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }])
    trapOnNextMessage(client)
    await expect(client.query(RAISE_A_NOTICE)).rejects.toThrow(EmbeddedEngineFailedError)
    // Left running, the engine answered this with no rows at all.
    await expect(client.query('select 2 as two')).rejects.toThrow(/stopped after its engine failed/)
    // A stopped engine cannot shut down cleanly; only that it was asked to matters here.
    await handle.close().catch(() => undefined)
  })

  it.skipIf(process.env.DATABASE_URL)(
    'leaves the app answering 500 without its internals, and not ready, until restarted',
    async () => {
      const { testApp, cast } = await createTwoForcesTestApp()
      try {
        const caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
        expect((await caseworker.get('/roster')).statusCode).toBe(200)
        expect((await testApp.app.inject('/readyz')).statusCode).toBe(200)
        trapOnNextMessage((testApp.database.db as unknown as { $client: PGlite }).$client)
        await expect(testApp.database.db.execute(sql.raw(RAISE_A_NOTICE))).rejects.toThrow()
        for (const response of [await caseworker.get('/roster'), await caseworker.get('/api/roster')]) {
          expect(response.statusCode).toBe(500)
          expect(response.body).not.toMatch(/engine|PGlite|RuntimeError|\.ts:\d+/)
        }
        expect((await testApp.app.inject('/readyz')).json()).toEqual({
          status: 'not ready',
          reason: 'database unreachable',
        })
      } finally {
        await testApp.close().catch(() => undefined)
      }
    },
  )
})
