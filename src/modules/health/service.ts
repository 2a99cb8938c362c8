import { sql } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { migrationStatus } from '../../db/migrate.js'

export type Readiness =
  | { ready: true; migrations: { applied: number; expected: number } }
  | { ready: false; reason: string }

export class HealthService {
  constructor(private readonly db: Database) {}

  /** Ready when the database answers and every migration in the repo has been applied. */
  async readiness(): Promise<Readiness> {
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
