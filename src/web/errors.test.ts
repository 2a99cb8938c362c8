import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import type { DatabaseHandle } from '../db/connection.js'
import { setUpErrorPages } from './errors.js'

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

describe('the error handler', () => {
  it('answers 400, not 500, when the database refuses a value as invalid input (SQLSTATE class 22)', async () => {
    const app = Fastify()
    setUpErrorPages(app)
    // Values validation should have refused; the handler is the last line of defence.
    app.get('/api/probe/day', async () => database.db.execute(sql`select ${'0000-01-01'}::date`))
    app.get('/api/probe/number', async () => database.db.execute(sql`select ${'2147483648'}::integer`))
    app.get('/api/probe/broken', async () => database.db.execute(sql`select nonsense from nowhere`))
    for (const url of ['/api/probe/day', '/api/probe/number']) {
      const response = await app.inject(url)
      expect(response.statusCode, url).toBe(400)
      expect(response.json(), url).toMatchObject({ statusCode: 400, message: /cannot be stored/ })
    }
    // A mistake of the service's own is still a 500, and says nothing of its internals.
    const broken = await app.inject('/api/probe/broken')
    expect(broken.statusCode).toBe(500)
    expect(broken.body).not.toMatch(/nonsense|nowhere/)
    await app.close()
  })
})
