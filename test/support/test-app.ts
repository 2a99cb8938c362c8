import type { FastifyInstance } from 'fastify'
import { createApp } from '../../src/app.js'
import type { DatabaseHandle } from '../../src/db/connection.js'
import { createServices, type Services } from '../../src/services.js'
import { createTestDatabase } from './test-database.js'

export interface TestApp {
  app: FastifyInstance
  database: DatabaseHandle
  services: Services
  close(): Promise<void>
}

/** The very app the server runs, built over a fresh test database. */
export async function createTestApp(): Promise<TestApp> {
  const database = await createTestDatabase()
  const services = createServices(database.db)
  const app = await createApp(services)
  return {
    app,
    database,
    services,
    async close() {
      await app.close()
      await database.close()
    },
  }
}
