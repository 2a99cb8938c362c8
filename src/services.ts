import type { Database } from './db/connection.js'
import { ForcesService } from './modules/forces/service.js'
import { HealthService } from './modules/health/service.js'

/** Every module's use cases, built over one database; the app and the CLI are made from these. */
export function createServices(db: Database) {
  return {
    forces: new ForcesService(db),
    health: new HealthService(db),
  }
}

export type Services = ReturnType<typeof createServices>
