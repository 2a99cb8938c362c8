import { sql } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { migrationStatus } from '../../db/migrate.js'
import { type BuildInfo, readBuildInfo } from './build-info.js'

export type Readiness =
  | { ready: true; migrations: { applied: number; expected: number } }
  | { ready: false; reason: string }

export class HealthService {
  private draining = false
  readonly buildInfo: BuildInfo = readBuildInfo()

  constructor(private readonly db: Database) {}

  /** From now on readiness fails, so a load balancer stops sending requests while those in flight finish. */
  startDraining(): void {
    this.draining = true
  }

  /** Ready when not shutting down, the database answers and every migration in the repo is applied. */
  async readiness(): Promise<Readiness> {
    if (this.draining) return { ready: false, reason: 'shutting down' }
    try {
      await this.db.execute(sql`select 1`)
      const status = await migrationStatus(this.db)
      if (!status.current) {
        return { ready: false, reason: `migrations pending: ${status.applied} of ${status.expected} applied` }
      }
      return { ready: true, migrations: { applied: status.applied, expected: status.expected } }
    } catch {
      return { ready: false, reason: 'database unreachable' }
    }
  }
}
