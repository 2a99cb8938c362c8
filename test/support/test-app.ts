import type { FastifyInstance } from 'fastify'
import { type AppOptions, createApp } from '../../src/app.js'
import type { DatabaseHandle } from '../../src/db/connection.js'
import { createServices, type ServiceOptions, type Services } from '../../src/services.js'
import { createTestDatabase, type SeededDatabase } from './test-database.js'

export interface TestApp {
  app: FastifyInstance
  database: DatabaseHandle
  services: Services
  close(): Promise<void>
}

export type TestAppOptions = ServiceOptions &
  Pick<AppOptions, 'trustProxy' | 'logger' | 'demoAsAt' | 'singleSignOn'> & {
    /** Data the database starts with beyond the migrations' own (see demo-app.ts). */
    seeded?: SeededDatabase
  }

/**
 * The very app the server runs, built over a fresh test database, optionally on a test clock or
 * behind trusted proxies (as TRUST_PROXY sets them), optionally logging.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(options.seeded)
  const services = createServices(database.db, { ...options, changes: database.changes })
  const app = await createApp(services, {
    cookieSecret: 'test-cookie-secret-that-is-at-least-32-characters',
    trustProxy: options.trustProxy,
    logger: options.logger,
    changes: database.changes,
    now: options.now,
    demoAsAt: options.demoAsAt,
    singleSignOn: options.singleSignOn,
  })
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
