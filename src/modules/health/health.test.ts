import fs from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'

let testApp: TestApp | undefined
afterEach(async () => {
  await testApp?.close()
  testApp = undefined
})

describe('health checks of a running app', () => {
  // These only read, so they share one app; draining, which no later check could undo, comes last.
  let app: TestApp
  beforeAll(async () => {
    app = await createTestApp()
  })
  afterAll(() => app.close())

  it('GET /healthz answers while the process is up', async () => {
    const response = await app.app.inject('/healthz')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz is ready when every migration is applied', async () => {
    const response = await app.app.inject('/readyz')
    expect(response.statusCode).toBe(200)
    const body = response.json<{ status: string; migrations: { applied: number; expected: number } }>()
    expect(body.status).toBe('ready')
    expect(body.migrations.applied).toBe(body.migrations.expected)
    expect(body.migrations.expected).toBeGreaterThan(0)
  })

  it('GET /info names the version and the source commit', async () => {
    const response = await app.app.inject('/info')
    expect(response.statusCode).toBe(200)
    const { version } = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
    expect(response.json()).toEqual({ version, commit: expect.stringMatching(/^([0-9a-f]{40}|unknown)$/) })
  })

  it('GET /readyz is 503 from the moment the server starts draining, while other requests are still served', async () => {
    app.services.health.startDraining()
    const ready = await app.app.inject('/readyz')
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({ status: 'not ready', reason: 'shutting down' })
    expect((await app.app.inject('/healthz')).statusCode).toBe(200)
  })
})

describe('health checks when something is wrong', () => {
  it('GET /readyz is 503 while a migration is pending', async () => {
    testApp = await createTestApp()
    await testApp.database.db.execute(
      sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`,
    )
    const response = await testApp.app.inject('/readyz')
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({
      status: 'not ready',
      reason: expect.stringMatching(/migrations pending/),
    })
  })

  it('GET /readyz is 503 when the database cannot be reached', async () => {
    testApp = await createTestApp()
    await testApp.database.close()
    const response = await testApp.app.inject('/readyz')
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ status: 'not ready', reason: 'database unreachable' })
    await testApp.app.close()
    testApp = undefined
  })
})
